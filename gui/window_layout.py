"""The article keeps most of the window: docks give up width first, long titles elide.

``install_window_layout(window)`` watches the main window's size. Whenever it changes, each dock
column gets the width the user gave it, but never more than its share of the window
(``DOCK_SHARES``), so the article view, the thing being annotated, keeps about half the width or
more at any size, and gets the docks' room back when the window grows again. The docks' own
contents cope with less room: the article list drops its narrow columns, role captions wrap, the
Events frame scrolls (``gui.event_panel``).

``ElidedLabel`` shows one line of plain text, cut in the middle with "…" when it does not fit
("Headline num…ber 1834": both ends stay, so numbered titles can be told apart), the whole text
in its tooltip. ``text()`` is always the whole text.
"""
from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from gui.plain import plain_tooltip

# The widest a dock column may be, as a share of the window's width. Left: the article list;
# right: annotations, span attributes and the event frame, which need a little more.
DOCK_SHARES: dict[Qt.DockWidgetArea, float] = {
    Qt.DockWidgetArea.LeftDockWidgetArea: 0.18,
    Qt.DockWidgetArea.RightDockWidgetArea: 0.26,
}
DOCK_MIN_WIDTH = 150  # narrower than this a dock is of no use
EVENTS_DOCK, EVENTS_HEIGHT_SHARE = "events_dock", 0.64  # its share of the right column's height
PREFERRED_WIDTHS: dict[Qt.DockWidgetArea, int] = {  # what a column gets when the window has room
    Qt.DockWidgetArea.LeftDockWidgetArea: 340,
    Qt.DockWidgetArea.RightDockWidgetArea: 380,
}


def _right_to_left(text: str) -> bool:
    """True when the first strongly directional character is Arabic or Hebrew (as Qt decides)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


class ElidedLabel(QLabel):
    """One line of plain text, elided in the middle to the label's width; the whole in a tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setToolTip(plain_tooltip(text) if text else "")

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # A full-width minimum would stop the central widget (and the window) from shrinking.
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("…") * 4, metrics.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.text()) + 4, metrics.height())

    def shown_text(self) -> str:
        """What is painted: the text, or its middle replaced by "…" when it is too wide."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, width)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        text = self.text()
        # A right-to-left headline starts at the right edge, like a right-to-left paragraph.
        side = Qt.AlignmentFlag.AlignRight if _right_to_left(text) else Qt.AlignmentFlag.AlignLeft
        painter.drawText(self.contentsRect(), int(side | Qt.AlignmentFlag.AlignVCenter), self.shown_text())


class DockWidthPolicy(QObject):
    """Sets each dock column to the width the user wants, but no more than its share of the window.

    The wanted width starts at ``PREFERRED_WIDTHS`` and becomes whatever the user drags a column
    to (a mouse release on the window: QMainWindow's separators are part of the window itself).
    So a small window narrows the docks, and growing it again gives them back their width.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.wanted: dict[Qt.DockWidgetArea, int] = dict(PREFERRED_WIDTHS)
        self.share_height_on_show = False  # set when no saved layout says how tall each dock is
        self._pending = False
        window.installEventFilter(self)

    def docks(self, area: Qt.DockWidgetArea) -> list[QDockWidget]:
        window = self.window
        return [dock for dock in window.findChildren(QDockWidget)
                if dock.parent() is window and window.dockWidgetArea(dock) == area
                and dock.isVisible() and not dock.isFloating()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window:
            kind = event.type()
            if kind == QEvent.Type.Show and self.share_height_on_show:
                self.share_height_on_show = False
                QTimer.singleShot(0, self.share_height)
            if kind in (QEvent.Type.Resize, QEvent.Type.Show) and not self._pending:
                # After the window has laid itself out at the new size, once per burst of resizes.
                self._pending = True
                QTimer.singleShot(0, self.fit)
            elif kind == QEvent.Type.MouseButtonRelease:
                self.remember_widths()  # the end of a drag on a dock separator
        return False

    def remember_widths(self) -> None:
        for area in DOCK_SHARES:
            docks = self.docks(area)
            if docks:
                self.wanted[area] = max(dock.width() for dock in docks)

    def target_width(self, area: Qt.DockWidgetArea) -> int:
        """What the column should be at the window's current width."""
        return max(DOCK_MIN_WIDTH, min(self.wanted[area], int(self.window.width() * DOCK_SHARES[area])))

    def share_height(self) -> None:
        """Give the Events dock most of its column: a frame (type, three roles, three attributes,
        the key help) needs far more rows than the lists beside it."""
        docks = self.docks(Qt.DockWidgetArea.RightDockWidgetArea)
        events = [dock for dock in docks if dock.objectName() == EVENTS_DOCK]
        others = [dock for dock in docks if dock not in events]
        if not events or not others:
            return
        column = sum(dock.height() for dock in docks)
        each = int(column * (1 - EVENTS_HEIGHT_SHARE)) // len(others)
        heights = [min(each, dock.sizeHint().height()) for dock in others]  # a short hint stays short
        self.window.resizeDocks([*others, *events], [*heights, column - sum(heights)],
                                Qt.Orientation.Vertical)

    def fit(self) -> None:
        """Give each dock column its target width."""
        self._pending = False
        for area in DOCK_SHARES:
            docks = self.docks(area)
            target = self.target_width(area)
            if docks and any(abs(dock.width() - target) > 1 for dock in docks):
                self.window.resizeDocks(docks, [target] * len(docks), Qt.Orientation.Horizontal)


def install_window_layout(window: QMainWindow) -> DockWidthPolicy:
    """Keep ``window``'s docks within their shares; returned so tests can call ``fit`` directly."""
    for dock in window.findChildren(QDockWidget):
        dock.setMinimumWidth(min(dock.minimumWidth() or DOCK_MIN_WIDTH, DOCK_MIN_WIDTH))
    policy = DockWidthPolicy(window)
    settings = getattr(window, "settings", None)
    policy.share_height_on_show = settings is None or settings.value("window/state") is None
    return policy
