"""The article view's vertical scroll bar repaints only when what it draws changes
(``gui.steady_scroll_bar``): Qt's lazy layout of a long article moves its range a few lines at a
time, which under Fusion repainted the bar and the view's frame in the next key press."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from gui.article_view import ArticleView
from gui.steady_scroll_bar import SteadyScrollBar

LONG = "\n".join(f"Paragraph {n}: rebels entered the eastern districts after heavy fighting." for n in range(3000))


class Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def shown_view(qtbot, text: str) -> tuple[ArticleView, SteadyScrollBar, Paints]:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.set_article(text, [], {})
    view.show()
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    assert isinstance(bar, SteadyScrollBar)
    qtbot.waitUntil(lambda: bar._painted is not None)
    paints = Paints()
    bar.installEventFilter(paints)
    return view, bar, paints


def test_a_range_step_that_leaves_the_handle_in_place_repaints_nothing(qtbot):
    view, bar, paints = shown_view(qtbot, LONG)
    handle = bar._look()
    bar.setMaximum(bar.maximum() + 7)  # as laying out a few more paragraphs does
    QApplication.processEvents()
    assert bar._look() == handle and paints.count == 0

    bar.setValue(bar.maximum())  # scrolled to the end: the handle moves, the bar repaints
    qtbot.waitUntil(lambda: paints.count > 0)
    assert bar._painted == bar._look() != handle


def test_the_bar_is_painted_again_for_each_new_text(qtbot):
    """Replacing the text passes through no range at all: a text that fits leaves the bar there,
    without a range, and the long one after it is painted with its handle at the top."""
    view, bar, paints = shown_view(qtbot, LONG)
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: paints.count > 0)
    at_end = bar._look()
    view.set_article("A short article.", [], {})
    qtbot.waitUntil(lambda: bar._painted == bar._look() and bar.maximum() == 0)
    painted = paints.count
    view.set_article(LONG, [], {})
    qtbot.waitUntil(lambda: paints.count > painted)
    assert bar.value() == 0 and bar._painted == bar._look() != at_end


class Layouts(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def test_switching_between_short_and_long_articles_keeps_the_bar_and_the_texts_width(qtbot):
    """The bar is always there (disabled where the text fits), so no article lays the text out at
    another width, and switching never leaves a layout of the view for the next key press."""
    view, bar, _ = shown_view(qtbot, LONG)
    width, layouts = view.viewport().width(), Layouts()
    view.installEventFilter(layouts)
    for text in ("A short article.", LONG, "Another short one.", LONG):
        view.set_article(text, [], {})
        view.viewport().repaint()
        QApplication.processEvents()
        assert bar.isVisible() and view.viewport().width() == width and (bar.maximum() > 0) == (text == LONG)
    assert layouts.count == 0
