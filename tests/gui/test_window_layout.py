"""The article keeps most of the window at every size: docks shrink first (and grow back), the
Events frame scrolls, long titles elide in the middle with the whole title in a tooltip."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication

from gui.app import add_sample_article
from gui.article_list import ArticleListModel
from gui.main_window import MainWindow
from gui.window_layout import DOCK_MIN_WIDTH
from storage.project import Project

LONG = "Headline number {n} about the talks in the eastern districts of Velmora"


@pytest.fixture
def window(qtbot, tmp_path) -> MainWindow:
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        add_sample_article(project)
        with project.transaction():
            for n in range(1, 41):
                project.add_article(text=f"Body of article {n}.", title=LONG.format(n=n))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Project.open(path), settings=settings, annotator="tester")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def resize(qtbot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    policy = window.layout_policy
    qtbot.waitUntil(lambda: not policy._pending)
    qtbot.waitUntil(lambda: all(abs(d.width() - policy.target_width(area)) <= 1
                                for area in (Qt.DockWidgetArea.LeftDockWidgetArea,
                                             Qt.DockWidgetArea.RightDockWidgetArea)
                                for d in policy.docks(area)))


@pytest.mark.parametrize("size, share", [((1400, 900), 0.5), ((1024, 700), 0.5), ((800, 600), 0.5)])
def test_the_article_keeps_at_least_half_the_width(qtbot, window, size, share):
    resize(qtbot, window, *size)
    assert window.view.width() >= share * window.width(), (window.view.width(), window.width())
    assert window.article_dock.isVisible() and window.annotation_dock.isVisible()  # shrunk, not gone
    assert window.article_dock.width() >= DOCK_MIN_WIDTH - 1


def test_docks_shrink_with_the_window_and_grow_back(qtbot, window):
    resize(qtbot, window, 1400, 900)
    wide = window.article_dock.width()
    resize(qtbot, window, 800, 600)
    assert window.article_dock.width() < wide
    resize(qtbot, window, 1400, 900)
    assert abs(window.article_dock.width() - wide) <= 1


def test_location_slot_and_help_are_in_reach_at_1400_by_900(qtbot, window):
    resize(qtbot, window, 1400, 900)
    doc, panel = window.document, window.event_panel
    start = doc.text.index("reached")
    window.view.setFocus()
    window.view.select_range(start, start + len("reached"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)  # tags EVENT and opens its frame, focus in the type filter
    frame = panel.frame
    qtbot.waitUntil(lambda: frame.type_filter.hasFocus())
    location, help_text = frame.slots["location"], frame.keys_help
    # Reachable: the frame scrolls to it inside the dock.
    panel.frame_scroll.ensureWidgetVisible(location)
    qtbot.waitUntil(lambda: not location.visibleRegion().isEmpty())
    panel.frame_scroll.ensureWidgetVisible(help_text)
    qtbot.waitUntil(lambda: not help_text.visibleRegion().isEmpty())
    # Back in the text (Esc): the type list folds away and the slot shows without scrolling.
    qtbot.keyClick(frame.type_filter, Qt.Key.Key_Escape)
    panel.frame_scroll.verticalScrollBar().setValue(0)
    top = location.list.mapTo(panel.frame_scroll.viewport(), QPoint(0, 0)).y()
    assert 0 <= top and top + location.list.height() <= panel.frame_scroll.viewport().height()


def test_long_titles_elide_in_the_middle_with_the_whole_title_in_a_tooltip(qtbot, window):
    resize(qtbot, window, 800, 600)
    table, model = window.article_list.table, window.article_list.model
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    header = table.horizontalHeader()
    assert header.isSectionHidden(ArticleListModel.DATE) and header.isSectionHidden(ArticleListModel.STATUS)
    index = model.index(5, ArticleListModel.TITLE)
    assert model.data(index, Qt.ItemDataRole.ToolTipRole).endswith(LONG.format(n=5))
    elided = table.fontMetrics().elidedText(model.data(index), Qt.TextElideMode.ElideMiddle,
                                            table.columnWidth(ArticleListModel.TITLE) - 8)
    assert elided.startswith("Head") and elided.endswith("ora") and "…" in elided
    window.open_article(1 + 34)
    headline = window.headline
    assert headline.text() == LONG.format(n=34)  # the whole title, for everything but painting
    assert headline.shown_text() != headline.text() and "…" in headline.shown_text()
    assert headline.toolTip().endswith(LONG.format(n=34))
    assert headline.height() < 2.5 * headline.fontMetrics().height()  # one line, not five
    resize(qtbot, window, 1400, 900)
    assert window.headline.shown_text() == LONG.format(n=34)
    assert not table.horizontalHeader().isSectionHidden(ArticleListModel.STATUS)


class Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        self.count += event.type() == QEvent.Type.Paint
        return False


def test_opening_an_article_leaves_the_annotation_list_nothing_to_paint_again(window):
    """The annotation list's scroll bar stays when the article changes (disabled where the rows fit):
    the paint that shows an article draws the list once, and whatever comes next (the first key
    press after opening) paints it no more, where the bar's coming and going laid it out again."""
    first, other = window.project.article_ids()[:2]
    for start in range(0, 400, 4):  # more rows than the list shows: its scroll bar comes and goes
        window.project.add_span(first, start, start + 3, "ACTOR")
    table, paints = window.annotation_list.table, Paints()
    table.viewport().installEventFilter(paints)
    for article_id in (other, first, other):
        window.open_article(article_id)
        window.repaint()
        painted = paints.count
        QApplication.processEvents()
        assert painted > 0 and paints.count == painted, article_id
        paints.count = 0


@pytest.mark.parametrize("size", [(1400, 900), (1024, 700)])
def test_the_attributes_title_shows_whole_when_it_wraps(qtbot, window, size):
    """The Attributes dock takes its height when the window first shows ("Select a span…", one
    line); the title for an EVENT span ("EVENT declares no attributes (Project ▸ Labels… adds
    them).") wraps to two lines in the right column and must not be cut."""
    resize(qtbot, window, *size)
    doc = window.document
    start = doc.text.index("reached")
    window.view.setFocus()
    window.view.select_range(start, start + len("reached"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)  # tags EVENT: the current span, whose label declares none
    title = window.span_attribute_panel.title
    qtbot.waitUntil(lambda: title.text().startswith("EVENT declares no attributes"))
    qtbot.waitUntil(lambda: title.height() >= title.heightForWidth(title.width()))
    lines = title.heightForWidth(title.width()) // title.fontMetrics().lineSpacing()
    assert lines >= 2, "the title fits one line here: the test shows nothing"
