"""The selected event in the article: outlines by role in the colours of the frame editor's swatches,
and a thin curve from the trigger to each argument — painted for the selected event only, and only
between marks that are on screen."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QTextCursor

from gui.event_marks import connector_path
from gui.main_window import MainWindow
from gui.role_slot import SPAN_ID
from tests.gui.event_helpers import (
    open_window,
    press,
    tag,
    word,
)


def box(window: MainWindow, text: str) -> QRectF:
    """Where ``text`` (in the sample's "insurgents … entered Damascus" sentence) is drawn, from Qt's
    own cursor rectangles; the sample has no astral characters, so code points are UTF-16 units."""
    view = window.view
    start, end = word(window, text)
    left, right = (view.cursorRect(_cursor(view, cp)) for cp in (start, end))
    assert left.top() == right.top(), "one line"
    return QRectF(left.left(), left.top(), right.left() - left.left(), left.height())


def _cursor(view, cp: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(cp)
    return cursor


def painted(window: MainWindow) -> list[tuple[str, QPointF, QPointF]]:
    window.view.viewport().grab()  # runs paintEvent now, as the screen would
    return window.view.painted_connectors


def test_the_trigger_is_joined_to_each_argument_only_while_its_event_is_selected(qtbot, sample_project: Path):
    window, panel = open_window(qtbot, sample_project)
    view = window.view
    insurgents = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    tag(qtbot, window, "entered", Qt.Key.Key_3)
    assert painted(window) == []  # a frame without arguments: nothing to join
    qtbot.keyClicks(panel.frame.type_filter, "fig")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_1, Qt.Key.Key_Tab, Qt.Key.Key_Tab,
                Qt.Key.Key_Return, Qt.Key.Key_Escape):
        press(qtbot, key)
    view.select_range(*word(window, "entered"))  # bring the sentence on screen

    connectors = painted(window)
    assert [name for name, _, _ in connectors] == ["source", "location"]
    trigger = box(window, "entered")
    for (name, start, end), target in zip(connectors, ("insurgents", "Damascus")):
        argument = box(window, target)
        assert trigger.left() <= start.x() <= trigger.right(), name
        assert argument.left() <= end.x() <= argument.right(), name
        # It meets each box on an edge, not in the middle of the words.
        assert start.y() in (trigger.top(), trigger.bottom()) and end.y() in (argument.top(), argument.bottom())

    # The swatch of a filled role in the panel is the colour of its outline in the article.
    marks = dict((name, colour) for _, _, colour, name in panel.marks(window.document.current_event))
    source = panel.frame.slots["source"]
    (row,) = source.filled_rows()
    assert row.data(SPAN_ID) == insurgents
    assert row.data(Qt.ItemDataRole.DecorationRole) == marks["source"]

    # The trigger scrolled out of view: no line to nowhere (the event stays selected).
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    assert window.document.current_event is not None
    assert painted(window) == []
    view.select_range(*word(window, "entered"))
    assert len(painted(window)) == 2

    # Another span selected, no event: nothing is drawn.
    tag(qtbot, window, "stunning", Qt.Key.Key_1)
    assert window.document.current_event is None and painted(window) == []


def test_connector_arcs_over_one_line_and_leaves_by_the_facing_edge_across_lines():
    trigger = QRectF(100, 40, 50, 20)
    same_line = connector_path(trigger, QRectF(300, 40, 60, 20))
    bounds = same_line.boundingRect()
    assert same_line.pointAtPercent(0) == QPointF(125, 40) and same_line.pointAtPercent(1) == QPointF(330, 40)
    assert 40 - 0.25 * 20 <= bounds.top() < 40 and bounds.bottom() == 40  # above both, a quarter line at most

    below = connector_path(trigger, QRectF(10, 60, 40, 20))
    assert below.pointAtPercent(0) == QPointF(125, 60) and below.pointAtPercent(1) == QPointF(30, 60)
    above = connector_path(trigger, QRectF(10, 0, 40, 20))
    assert above.pointAtPercent(0) == QPointF(125, 40) and above.pointAtPercent(1) == QPointF(30, 20)
