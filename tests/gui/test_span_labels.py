"""Label chips above spans (as brat writes them): clear of the text, nested and stacked spans in
rows of their own, full, short or hidden by the user's choice (View menu, remembered), a click on a
chip picks its span; and right-to-left paragraphs right-aligned, each in its own direction."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontInfo, QPalette, QTextCursor

from gui.article_view import ArticleView
from gui.colours import contrast_ratio, readable_text_colour
from gui.main_window import MainWindow
from gui.offsets import OffsetMap
from gui.span_labels import short_names
from gui.spans import chip_rows
from storage.model import Span
from storage.project import Project
from storage.text import decode, normalise, parse_article
from tests.gui.event_helpers import open_window

COLOURS = {"ACTOR": "#0072B2", "LOCATION": "#E69F00", "EVENT": "#CC79A7"}
TEXT = ("BEIRUT — Syria’s prime minister, Mohammed Ghazi Jalali, said the government is ready to hand "
        "over its functions to a transitional government.\nRebels entered Velmora on Sunday.")
NEWS = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "news-ar-zh"


def at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


SPANS = [
    Span(1, 1, *at(TEXT, "Syria’s prime minister, Mohammed Ghazi Jalali"), "ACTOR"),  # outer
    Span(2, 1, *at(TEXT, "Syria"), "LOCATION"),  # nested inside 1
    Span(3, 1, *at(TEXT, "Mohammed Ghazi Jalali"), "ACTOR"),  # nested inside 1
    Span(4, 1, *at(TEXT, "transitional government"), "ACTOR"),
    Span(5, 1, *at(TEXT, "transitional government"), "EVENT"),  # stacked on 4
    Span(6, 1, *at(TEXT, "Velmora"), "LOCATION"),
]


def shown(qtbot, text: str = TEXT, spans: list[Span] = SPANS, *, width: int = 900) -> ArticleView:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(width, 500)
    view.set_article(text, spans, COLOURS)
    view.show()
    qtbot.waitExposed(view)
    view.viewport().grab()  # paints now, which records the chips
    return view


def chips(view: ArticleView) -> dict[int, tuple[str, QRectF]]:
    view.viewport().grab()
    return {span_id: (text, box) for span_id, text, box in view.painted_chips}


def line_rects(view: ArticleView) -> list[QRectF]:
    """Each visible line's full box (glyphs, ascent to descent), in viewport coordinates."""
    rects = []
    block, offset = view.document().firstBlock(), view.contentOffset()
    while block.isValid():
        top_left = view.blockBoundingGeometry(block).translated(offset).topLeft()
        layout = block.layout()
        for i in range(layout.lineCount()):
            rects.append(layout.lineAt(i).naturalTextRect().translated(top_left))
        block = block.next()
    return rects


def start_point(view: ArticleView, cp: int) -> QPointF:
    cursor = QTextCursor(view.document())
    cursor.setPosition(OffsetMap(view.text).to_utf16(cp))
    return QPointF(view.cursorRect(cursor).center())


def test_every_span_has_its_label_above_it_clear_of_the_text(qtbot) -> None:
    view = shown(qtbot)
    found = chips(view)
    assert {span_id: text for span_id, (text, _) in found.items()} == {s.id: s.label for s in SPANS}
    lines = line_rects(view)
    boxes = [box for _, box in found.values()]
    for span in SPANS:
        _, box = found[span.id]
        assert not any(box.intersects(line) for line in lines), span  # never over a glyph
        start = start_point(view, span.start)
        assert abs(box.left() - start.x()) <= 1.5, span  # it starts where its span starts…
        line = next(line for line in lines if line.top() <= start.y() <= line.bottom())
        rows = view._chip_style.MAX_ROWS
        assert 0 <= line.top() - box.bottom() <= rows * view._chip_style.row_height, span  # …just above it
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])  # no chip over another


def test_nested_labels_stack_outer_above_inner_and_stacked_spans_get_a_row_each(qtbot) -> None:
    found = chips(shown(qtbot))
    outer, syria, jalali = found[1][1], found[2][1], found[3][1]
    assert outer.bottom() <= syria.top() and syria.bottom() == jalali.bottom()  # outer over both inner ones
    actor, event = found[4][1], found[5][1]  # the same words, two labels: both shown, one above the other
    assert actor.left() == event.left() and (actor.bottom() <= event.top() or event.bottom() <= actor.top())


def test_labels_are_legible_at_100_percent_on_light_and_dark(qtbot) -> None:
    view = shown(qtbot)
    assert view.zoom_level == 0
    assert QFontInfo(view._chip_style.font).pointSizeF() >= 7.5
    assert view._chip_style.height >= view._chip_style.metrics.height()
    for colour in COLOURS.values():
        assert contrast_ratio(readable_text_colour(QColor(colour)), QColor(colour)) >= 4.5
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    view.setPalette(palette)
    image = view.viewport().grab().toImage()
    _, box = chips(view)[6]
    assert image.pixelColor(box.center().toPoint() + QPointF(0, box.height() / 2 - 2).toPoint()) == QColor(
        COLOURS["LOCATION"])  # the chip keeps its label's own colour on a dark base


def test_chip_rows_keep_chips_of_a_line_apart() -> None:
    class C:
        def __init__(self, line, left, right, start, end):
            self.line, self.left, self.right, self.start, self.end = line, left, right, start, end

    row = chip_rows([C(0, 0, 50, 0, 30), C(0, 0, 40, 0, 5), C(0, 30, 70, 10, 20), C(1, 0, 40, 40, 45)])
    assert row == [1, 0, 1, 0] or row == [2, 0, 1, 0]
    assert row[0] > row[1]  # the outer span's chip above the inner one's
    assert short_names(["ACTOR", "LOCATION", "EVENT", "EVENT_TYPE", "LOC"]) == {
        "ACTOR": "ACT", "LOCATION": "LOCA", "EVENT": "EVENT", "EVENT_TYPE": "EVENT_", "LOC": "LOC"}


def test_hidden_labels_give_the_room_back(qtbot) -> None:
    view = shown(qtbot)
    block = view.document().firstBlock()
    tall = view.blockBoundingRect(block).height()
    view.set_label_display("hidden")
    assert chips(view) == {}
    assert view.blockBoundingRect(block).height() < tall
    view.set_label_display("short")
    assert {text for text, _ in chips(view).values()} == {"ACT", "LOC", "EVE"}
    assert view.blockBoundingRect(block).height() == tall
    with pytest.raises(ValueError):
        view.set_label_display("tiny")


# -- in the window -------------------------------------------------------------------------


def window_on(qtbot, tmp_path: Path, text: str = TEXT) -> MainWindow:
    """The real window (``event_helpers.open_window``) on a project holding ``text``."""
    path = tmp_path / "project.sqlite"
    if not path.exists():
        with Project.open(path) as project:
            project.add_article(text=text, title="Test")
    return open_window(qtbot, tmp_path)[0]


def test_view_menu_choice_is_remembered(qtbot, tmp_path: Path) -> None:
    window = window_on(qtbot, tmp_path)
    view_menu = window.view_menu
    labels_menu = next(a.menu() for a in view_menu.actions() if a.menu() and "labels" in a.text())
    short = next(a for a in labels_menu.actions() if a.text().startswith("&Short"))
    short.trigger()
    assert window.view.label_display == "short"
    window.close()
    again = window_on(qtbot, tmp_path)
    assert again.view.label_display == "short" and again.label_display_actions["short"].isChecked()
    again.label_display_actions["hidden"].trigger()
    assert again.view.label_display == "hidden"
    qtbot.keyClick(again.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Ctrl+L: the next style
    assert again.view.label_display == "full" and again.label_display_actions["full"].isChecked()
    assert again.settings.value("label_display") == "full"


def test_a_click_on_a_chip_picks_that_one_of_stacked_spans(qtbot, tmp_path: Path) -> None:
    window = window_on(qtbot, tmp_path)
    words = at(TEXT, "Velmora")
    window.view.select_range(*words)
    with qtbot.waitSignal(window.document.spanAdded):
        qtbot.keyClick(window.view, Qt.Key.Key_2)
    window.view.select_range(*words)
    with qtbot.waitSignal(window.document.spanAdded) as stacked:
        qtbot.keyClick(window.view, Qt.Key.Key_1, Qt.KeyboardModifier.ShiftModifier)
    actor_id = stacked.args[0].id
    found = chips(window.view)
    location_id = next(span_id for span_id in found if span_id != actor_id)
    assert found[actor_id][1].intersects(found[location_id][1]) is False  # two chips: visibly distinct

    window.document.select_span(None)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=found[location_id][1].center().toPoint())
    assert window.document.current_span_id == location_id
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # deletes the one clicked, not the one on top
    with sqlite3.connect(tmp_path / "project.sqlite") as db:
        assert db.execute("SELECT label FROM spans").fetchall() == [("ACTOR",)]


def read_article(path: Path) -> str:
    return parse_article(normalise(decode(path.read_bytes(), path=str(path)))[0]).text


def test_right_to_left_paragraphs_are_right_aligned_each_in_its_own_direction(qtbot, tmp_path: Path) -> None:
    arabic = read_article(NEWS / "ar_n01003.txt").rstrip("\n")
    text = arabic + "\nAn English paragraph inside the Arabic article stays left to right."
    window = window_on(qtbot, tmp_path, text)
    view = window.view
    assert view.document().defaultTextOption().textDirection() == Qt.LayoutDirection.LayoutDirectionAuto
    block, directions = view.document().firstBlock(), []
    while block.isValid():
        view.blockBoundingRect(block)  # laid out and arranged, as for painting
        layout = block.layout()
        directions.append(block.textDirection())
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            glyphs = line.naturalTextRect()
            if block.textDirection() == Qt.LayoutDirection.RightToLeft:
                assert abs(glyphs.right() - (line.x() + line.width())) < 1.5, (block.blockNumber(), i)
            else:
                assert abs(glyphs.left() - line.x()) < 1.5, (block.blockNumber(), i)
        block = block.next()
    assert directions == [Qt.LayoutDirection.RightToLeft] * (text.count("\n")) + [Qt.LayoutDirection.LeftToRight]

    # Tagging there: a double-click on an Arabic word and a key store the word; its label reads
    # above where it starts, which in a right-to-left line is its right end.
    start, end = at(text, "واشنطن")
    middle = (start_point(view, start + 2) + start_point(view, start + 3)) / 2
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=middle.toPoint())
    with qtbot.waitSignal(window.document.spanAdded) as added:
        qtbot.keyClick(view, Qt.Key.Key_2)
    with sqlite3.connect(tmp_path / "project.sqlite") as db:
        assert db.execute('SELECT start, "end", label FROM spans').fetchall() == [(start, end, "LOCATION")]
    _, chip = chips(view)[added.args[0].id]
    word_right = max(start_point(view, start).x(), start_point(view, end).x())
    assert abs(chip.right() - word_right) <= 1.5


def test_chips_placed_once_per_layout_still_follow_every_change(qtbot) -> None:
    # Chips are kept per block while its line breaks stay (a tint-only relayout reuses them):
    # a span added, relabelled or removed, a zoom and a new width must still place them again.
    view = shown(qtbot, spans=SPANS[:1])
    assert {span_id for span_id in chips(view)} == {1}
    view.add_span(SPANS[5])
    assert chips(view)[6][0] == "LOCATION"
    view.update_span(Span(6, 1, SPANS[5].start, SPANS[5].end, "EVENT"))
    assert chips(view)[6][0] == "EVENT"
    view.remove_span(1)
    assert set(chips(view)) == {6}
    before = chips(view)[6][1]
    view.zoom_in()
    assert chips(view)[6][1].width() > before.width()
    view.add_span(SPANS[3])  # at the end of a long first paragraph: it moves when the lines wrap anew
    box = chips(view)[4][1]
    view.resize(400, 500)
    qtbot.waitUntil(lambda: chips(view)[4][1] != box)
    assert view.code_point_at(chips(view)[4][1].bottomLeft().toPoint() + QPointF(2, 8).toPoint()) == SPANS[3].start


def test_a_long_paragraph_is_tinted_laid_out_and_given_chips_once(qtbot, monkeypatch) -> None:
    # One paragraph of 3,000 words and 1,000 spans (a 1 MB article is often one): its tints go in
    # with the text, so Qt lays it out once, not again on the first paint; its chips are placed
    # once, on the new text (not on the emptied document setPlainText lays out first); a paint
    # draws only the chips on screen.
    import gui.article_view

    words = ["Rebels", "entered", "Velmora", "after", "fighting", "the", "army"] * 430
    text = " ".join(words) + "\n"
    starts = [0]
    for word in words[:-1]:
        starts.append(starts[-1] + len(word) + 1)
    spans = [Span(k + 1, 1, starts[3 * k], starts[3 * k] + len(words[3 * k]), "ACTOR") for k in range(1000)]
    placed: list[int] = []

    def place_chips(spans, lines, **kwargs):  # the real placement, counted
        placed.append(len(lines.lines))
        return real(spans, lines, **kwargs)

    real = gui.article_view.place_chips
    monkeypatch.setattr(gui.article_view, "place_chips", place_chips)
    view = ArticleView()
    qtbot.addWidget(view)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # as the gold text: the width holds
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    view.set_article(text, spans, COLOURS)
    view.viewport().grab()
    formatted: list[int] = []
    view._highlighter.blockFormatted.connect(formatted.append)
    block = view.document().firstBlock()
    assert len(placed) == 1 and placed[0] == block.layout().lineCount() > 100  # once, on the real lines
    painted = chips(view)
    assert formatted == [] and len(placed) == 1  # painting again tints and lays out nothing more
    assert 0 < len(painted) < 200  # a screenful of chips, not a thousand
    line = view.fontMetrics().height() * 3  # the lines just above and below, partly on screen
    assert all(-line < box.top() < view.viewport().height() + line for _, box in painted.values())
    assert block.layout().formats()  # tinted
