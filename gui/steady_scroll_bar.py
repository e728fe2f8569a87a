"""A scroll bar that repaints only when what it draws changes.

``QPlainTextEdit`` lays a long article out lazily: each paint of paragraphs not shown before turns
their one estimated line into their real lines, the document's line count grows, and the vertical
scroll bar's range follows, a few lines at a time (1,604 → 1,639 on the bench's 1 MB article), and
``setPlainText`` passes through a range of 0 on the way. Qt repaints the bar for every such step,
and under Fusion the view's frame beneath it: about 1 ms each time, in whatever the user does next
(the first key press after opening an article). At a range of thousands of lines the handle is at
its minimum length and does not move. So the bar repaints only if its handle, its arrows' states or
its own state differ from its last paint; a change to no range at all is looked at once the event
loop turns, when a text being replaced has its new range.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSlider, QScrollBar, QStyle, QStyleOptionSlider

VALUE_CHANGE = QAbstractSlider.SliderChange.SliderValueChange


class SteadyScrollBar(QScrollBar):
    """``QScrollBar`` whose range, value and step changes repaint it only when its look changes."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._painted: tuple[Any, ...] | None = None  # the look of the last paint
        self._settled = QTimer(self)  # a range or step change, looked at when the loop turns
        self._settled.setSingleShot(True)
        self._settled.setInterval(0)
        self._settled.timeout.connect(self._repaint_if_changed)

    def _look(self) -> tuple[Any, ...]:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        handle = self.style().subControlRect(QStyle.ComplexControl.CC_ScrollBar, option,
                                             QStyle.SubControl.SC_ScrollBarSlider, self)
        # The arrows are drawn disabled at either end; the handle's place and length say the rest.
        return (handle, self.value() <= self.minimum(), self.value() >= self.maximum(), self.isEnabled(),
                self.isSliderDown(), self.underMouse(), self.isActiveWindow(), self.palette().cacheKey(),
                self.width(), self.height())

    def _repaint_if_changed(self) -> None:
        if self._painted is None or self._look() != self._painted:
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        self._painted = self._look()

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:  # noqa: N802 - Qt override
        if self._painted is None or not self.isVisible():
            super().sliderChange(change)  # never painted: nothing to compare with
        elif change != VALUE_CHANGE and self.maximum() == self.minimum():
            self._settled.start()  # perhaps a text being replaced, passing through no range: look after it
        else:
            self._repaint_if_changed()


def steady_vertical_bar(area: QAbstractScrollArea) -> SteadyScrollBar:
    """Give ``area`` a ``SteadyScrollBar`` as its vertical bar (Qt carries the old bar's settings
    over and deletes it), always there; returns it.

    Always there, disabled where the text fits: shown as needed, the bar was hidden for a short
    article and shown again for a long one, and each time the text was laid out at another width
    and the view laid out and painted again after the article's own paint, in whatever came next
    (the first key press after opening: the bar, the view's frame, ~1.5 ms)."""
    bar = SteadyScrollBar(area)
    area.setVerticalScrollBar(bar)
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    return bar
