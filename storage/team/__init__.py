"""Teams without a server: annotator layers, handing out packets, merging them, agreement, curation.

Qt-free like the rest of ``storage``; the window's side lives in ``gui/curation/``.
"""
