"""The find bar: case-insensitive, wrapping search over the stored text in code points (emoji and
length-changing case folds included); Enter/Shift+Enter step, Esc returns to the view."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gui.article_view import ArticleView
from gui.find_bar import FindBar, count_matches, find_in_text

TEXT = "😀 Damascus fell. İstanbul watched damascus; then DAMASCUS again."


def test_find_in_text_is_case_insensitive_and_wraps():
    first = TEXT.index("Damascus")
    second = TEXT.index("damascus")
    third = TEXT.index("DAMASCUS")
    assert find_in_text(TEXT, "damascus", 0) == (first, first + 8)
    assert find_in_text(TEXT, "damascus", first + 1) == (second, second + 8)
    assert find_in_text(TEXT, "damascus", third + 1) == (first, first + 8)  # wraps
    assert find_in_text(TEXT, "damascus", first, backwards=True) == (third, third + 8)
    assert find_in_text(TEXT, "nowhere", 0) is None
    assert find_in_text(TEXT, "", 0) is None
    assert count_matches(TEXT, "damascus", second) == (2, 3)


def test_offsets_stay_code_points_where_lower_would_shift_them():
    # "İ".lower() is two code points: searching a lowered copy would put later matches one off.
    start, end = find_in_text(TEXT, "watched", 0)
    assert TEXT[start:end] == "watched"


@pytest.fixture
def bar(qtbot):
    host = QWidget()
    view = ArticleView(host)
    view.set_article(TEXT, [], {})
    find = FindBar(view, host)
    layout = QVBoxLayout(host)
    layout.addWidget(find)
    layout.addWidget(view)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    yield find  # a generator keeps ``host`` (which owns the bar and the view) alive


def test_enter_selects_matches_in_the_view_and_esc_returns_focus(qtbot, bar):
    bar.open()
    assert bar.isVisible()
    qtbot.keyClicks(bar.edit, "damascus")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    first = TEXT.index("Damascus")
    assert bar.view.selection_range() == (first, first + 8)
    assert bar.status.text() == "1 of 3"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.view.selection_range() == (first, first + 8)
    with qtbot.waitSignal(bar.closed):
        qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert bar.view.selection_range() == (first, first + 8)


def test_no_match_is_reported_and_selection_kept(qtbot, bar):
    bar.open()
    qtbot.keyClicks(bar.edit, "Aleppo")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.status.text() == "No matches"
    assert bar.view.selection_range() is None


def test_open_takes_a_short_selection_as_the_query(qtbot, bar):
    start = TEXT.index("fell")
    bar.view.select_range(start, start + 4)
    bar.open()
    assert bar.edit.text() == "fell" and bar.edit.selectedText() == "fell"
