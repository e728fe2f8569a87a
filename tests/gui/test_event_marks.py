"""The selected event in the article: outlines by role in the colours of the frame editor's swatches,
and a thin curve from the trigger to each argument — painted for the selected event only, and only
between marks that are on screen."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt

from gui.article_view import ArticleView
from gui.event_marks import ArcEnd, connector_path
from gui.main_window import MainWindow
from gui.role_slot import SPAN_ID
from storage.model import Span
from tests.gui.event_helpers import (
    open_window,
    press,
    tag,
    word,
)


def painted(window: MainWindow) -> list[tuple[str, QPointF, QPointF]]:
    window.view.viewport().grab()  # runs paintEvent now, as the screen would
    return window.view.painted_connectors


def test_the_trigger_is_joined_to_each_argument_only_while_its_event_is_selected(qtbot, sample_project: Path):
    window, panel = open_window(qtbot, sample_project)
    view = window.view
    insurgents = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    damascus = tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    tag(qtbot, window, "entered", Qt.Key.Key_3)
    assert painted(window) == []  # a frame without arguments: nothing to join
    qtbot.keyClicks(panel.frame.type_filter, "fig")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_1, Qt.Key.Key_Tab, Qt.Key.Key_Tab,
                Qt.Key.Key_Return, Qt.Key.Key_Escape):
        press(qtbot, key)
    view.select_range(*word(window, "entered"))  # bring the sentence on screen

    connectors = painted(window)
    assert [name for name, _, _ in connectors] == ["source", "location"]
    chips = {span_id: chip for span_id, _, chip in view.painted_chips}
    trigger = chips[window.document.current_span_id]
    for (name, start, end), target in zip(connectors, (insurgents, damascus)):
        # Like brat's arcs, each runs from the top of the trigger's label to the top of the argument's.
        assert start == QPointF(trigger.center().x(), trigger.top()), name
        assert end == QPointF(chips[target].center().x(), chips[target].top()), name
    assert_no_arc_crosses_text(view)

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


def test_connector_runs_along_lanes_and_down_the_margin_never_through_a_line():
    trigger = ArcEnd(x=120, top=40, lane=24)
    same_line = connector_path(trigger, ArcEnd(x=330, top=40, lane=24), margin=12)
    bounds = same_line.boundingRect()
    assert same_line.pointAtPercent(0) == QPointF(120, 40) and same_line.pointAtPercent(1) == QPointF(330, 40)
    assert bounds.top() == 24 - 1.5 and bounds.bottom() == 40  # up into the lane, across, down: an arch

    below = connector_path(trigger, ArcEnd(x=60, top=100, lane=84), margin=12, slot=1)
    bounds = below.boundingRect()
    assert below.pointAtPercent(0) == QPointF(120, 40) and below.pointAtPercent(1) == QPointF(60, 100)
    assert bounds.left() == 12 - 2.5 and bounds.top() == 24  # down the margin (a second arc further out)
    # Nothing of it lies where a line of text (x 16..400, below each lane) would be drawn.
    lines = [QRectF(16, 40, 384, 20), QRectF(16, 60 + 1, 384, 20)]
    assert not any(line.contains(below.pointAtPercent(t / 200)) for t in range(1, 200) for line in lines)


def glyph_rects(view) -> list[QRectF]:
    """Where each visible line's glyphs are drawn, in viewport coordinates."""
    rects = []
    block, offset = view.firstVisibleBlock(), view.contentOffset()
    while block.isValid():
        top_left = view.blockBoundingGeometry(block).translated(offset).topLeft()
        if top_left.y() > view.viewport().height():
            break
        layout = block.layout()
        for i in range(layout.lineCount()):
            rect = layout.lineAt(i).naturalTextRect().translated(top_left)
            if rect.width() > 0:
                rects.append(rect)
        block = block.next()
    return rects


def assert_no_arc_crosses_text(view) -> None:
    """No point of any painted arc lies inside a line of text or inside a label chip."""
    view.viewport().grab()
    assert view.painted_paths
    # Arcs end on the top edge of a chip (or of a line, labels hidden): the edge holds no glyph.
    boxes = glyph_rects(view) + [chip for _, _, chip in view.painted_chips]
    forbidden = [box.adjusted(0, 0.5, 0, 0) for box in boxes]
    for path in view.painted_paths:
        for t in range(201):
            point = path.pointAtPercent(t / 200)
            assert not any(rect.contains(point) for rect in forbidden), (point, path.boundingRect())


@pytest.mark.parametrize("display", ["full", "hidden"])
def test_arcs_across_lines_and_paragraphs_keep_out_of_the_text(qtbot, display):
    text = ("Rebels said they had entered the city after heavy fighting with the army, which "
            "withdrew to the south.\nResidents of Damascus reported gunfire.\n"
            "مقاتلون دخلوا مدينة دمشق بعد معارك عنيفة مع الجيش الذي انسحب إلى الجنوب")
    words = ["entered", "Rebels", "army", "Damascus", "دمشق"]
    spans = [Span(i, 1, text.index(w), text.index(w) + len(w), "ACTOR") for i, w in enumerate(words, 1)]
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(420, 600)
    view.set_article(text, spans, {"ACTOR": "#0072B2"})
    view.set_label_display(display)
    view.show()
    qtbot.waitExposed(view)
    view.set_marks([(s.start, s.end, "#009E73", "source") for s in spans], hub=0)
    assert_no_arc_crosses_text(view)
    assert len(view.painted_paths) == 4  # "army" wraps onto another line; Damascus and دمشق are other paragraphs
