"""Assistance: span origins, annotate-all-occurrences, suggestions and the recommenders behind them.

Qt-free, like the rest of ``storage``; the window's side lives in ``gui/assist``.
"""
