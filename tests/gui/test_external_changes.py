"""Another window or process changes the project under this window (issue 7, §2): the view
follows without a traceback, and the window's own undo history survives."""
from __future__ import annotations

from gui.article_view import ArticleView

TEXT = "Rebels entered Velmora.\n\nThe army left the 🙂 city."


def test_showing_the_article_again_with_words_selected_reports_a_valid_selection(qtbot):
    """Was: IndexError 'UTF-16 position -1 outside 0..N' from the selection signal, raised while
    setPlainText emptied the document (a reload after another window's edit)."""
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_article(TEXT, [], {})
    view.select_range(15, 22)
    reported = []
    view.selectionRangeChanged.connect(lambda start, end: reported.append((start, end)))
    view.set_article(TEXT, [], {})  # pytest-qt fails the test on an exception in the slot
    view.set_article("Short.", [], {})
    assert all(0 <= start <= end <= len(TEXT) for start, end in reported)
    assert view.selection_range() is None and view.text == "Short."
