"""ArticleView: spans land on the right characters (UTF-16 vs code points), selection, clicks, hover,
incremental updates, zoom; snap_selection; legible tints on light and dark bases."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from gui.article_view import ArticleView, SpanHighlighter, snap_selection
from gui.colours import contrast_ratio, readable_text_colour, tint, visible_on
from gui.offsets import OffsetMap
from storage.model import Span

COLOURS = {"ACTOR": "#0072B2", "LOCATION": "#E69F00", "EVENT": "#CC79A7"}
# Emoji (astral, ZWJ family, flag) and Arabic before the spans: Qt positions are off by one per astral.
TEXT = "👩‍👩‍👧 في دمشق 🇸🇾 — Assad met Putin in Damascus.\nSecond 🙂 para: Homs and Aleppo.\nThird."


def at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def span(span_id: int, word: str, label: str, text: str = TEXT, nth: int = 0) -> Span:
    return Span(span_id, 1, *at(text, word, nth), label)


SPANS = [
    span(1, "Assad", "ACTOR"),
    span(2, "met Putin", "EVENT"),
    span(3, "Putin", "ACTOR"),
    span(4, "Damascus", "LOCATION"),
    span(5, "دمشق", "LOCATION"),
    span(6, "Homs", "LOCATION"),
]


@pytest.fixture
def view(qtbot) -> ArticleView:
    return shown_view(qtbot, TEXT, SPANS)


def shown_view(qtbot, text: str, spans: list[Span], size: tuple[int, int] = (700, 300)) -> ArticleView:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.set_article(text, spans, COLOURS)
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # blocks are formatted when first painted; grab() paints now, repaint() may not
    return view


def painted(view: ArticleView, n: int) -> list[tuple[str, str]]:
    """(text, background) of each format range in block n, cut from our text by UTF-16 units."""
    units = view.text.split("\n")[n].encode("utf-16-le")
    ranges = sorted(view.document().findBlockByNumber(n).layout().formats(), key=lambda r: r.start)
    return [
        (units[2 * r.start : 2 * (r.start + r.length)].decode("utf-16-le"), r.format.background().color().name())
        for r in ranges
    ]


def tint_of(view: ArticleView, label: str, depth: int = 1) -> str:
    base = view.palette().color(QPalette.ColorRole.Base)
    return tint(COLOURS[label], SpanHighlighter.LIGHT_FACTORS[depth - 1], base).name()


def point_at(view: ArticleView, cp: int) -> QPoint:
    """Viewport position of the middle of the character at code point ``cp`` (left-to-right text)."""
    offsets = OffsetMap(view.text)
    cursor = QTextCursor(view.document())
    cursor.setPosition(offsets.to_utf16(cp))
    left = view.cursorRect(cursor)
    cursor.setPosition(offsets.to_utf16(cp + 1))
    right = view.cursorRect(cursor)
    return QPoint((left.center().x() + right.center().x()) // 2, left.center().y())


def boundary_at(view: ArticleView, cp: int) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(OffsetMap(view.text).to_utf16(cp))
    return view.cursorRect(cursor).center()


def test_tints_land_on_the_span_characters_after_emoji_and_arabic(view: ArticleView) -> None:
    assert painted(view, 0) == [
        ("دمشق", tint_of(view, "LOCATION")),
        ("Assad", tint_of(view, "ACTOR")),
        ("met ", tint_of(view, "EVENT")),
        ("Putin", tint_of(view, "ACTOR", depth=2)),  # inner span: stronger tint in its own colour
        ("Damascus", tint_of(view, "LOCATION")),
    ]
    assert painted(view, 1) == [("Homs", tint_of(view, "LOCATION"))]
    assert painted(view, 2) == []


def test_text_on_tints_is_legible_on_light_and_dark_bases(qtbot) -> None:
    for base in ("#ffffff", "#f5f5f0", "#1e1e1e", "#000000"):
        for colour in (*COLOURS.values(), "#56B4E9", "#009E73", "#F0E442", "#D55E00"):
            for factor in (*SpanHighlighter.LIGHT_FACTORS, *SpanHighlighter.DARK_FACTORS, 1.0):
                bg = tint(colour, factor, base)
                assert contrast_ratio(readable_text_colour(bg), bg) >= 4.5, (base, colour, factor)
    assert readable_text_colour(QColor("#ffffff")) == QColor("#000000")
    assert readable_text_colour(QColor("#1e1e1e")) == QColor("#ffffff")
    assert tint("#0072B2", 0, "#ffffff") == QColor("#ffffff") and tint("#0072B2", 1) == QColor("#0072B2")


def test_dark_palette_tints_and_text_colours(qtbot) -> None:
    view = ArticleView()
    qtbot.addWidget(view)
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    view.setPalette(palette)
    view.set_article(TEXT, SPANS, COLOURS)
    view.show()
    qtbot.waitExposed(view)
    view.grab()
    ranges = view.document().firstBlock().layout().formats()
    assert len(ranges) == 5
    for r in ranges:
        bg, fg = r.format.background().color(), r.format.foreground().color()
        assert contrast_ratio(fg, bg) >= 4.5
        assert bg.lightness() < 128  # a tint of the dark base, not a light patch


def test_mouse_drag_selects_code_points(qtbot, view: ArticleView) -> None:
    # The second paragraph: the first one starts with Arabic, so Qt lays it out right to left.
    start, end = at(TEXT, "para: Homs and Aleppo")
    viewport = view.viewport()
    with qtbot.waitSignal(view.selectionRangeChanged):
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=boundary_at(view, start))
        qtbot.mouseMove(viewport, pos=boundary_at(view, start + 4))
        qtbot.mouseMove(viewport, pos=boundary_at(view, end))
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=boundary_at(view, end))
    assert view.selection_range() == (start, end)
    assert snap_selection(TEXT, start, end) == at(TEXT, "para: Homs and Aleppo")


def test_shift_right_selects_in_the_read_only_view(qtbot, view: ArticleView) -> None:
    start = TEXT.index("🙂")  # the emoji is two UTF-16 units but one code point
    view.select_range(start, start)
    view.setFocus()
    emitted: list[tuple[int, int]] = []
    view.selectionRangeChanged.connect(lambda a, b: emitted.append((a, b)))
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_range() == (start, start + 3)
    assert emitted == [(start, start + 1), (start, start + 2), (start, start + 3)]
    assert TEXT[start : start + 3] == "🙂 p"
    assert view.isReadOnly()


def test_select_range_selects_and_scrolls_into_view(qtbot) -> None:
    text = "\n".join(f"Paragraph {i} 🙂 about Damascus and Homs." for i in range(400))
    view = shown_view(qtbot, text, [])
    start, end = at(text, "Damascus", nth=350)
    view.select_range(start, end)
    assert view.selection_range() == (start, end)
    assert view.textCursor().selectedText() == "Damascus"
    assert view.viewport().rect().contains(view.cursorRect())
    with pytest.raises(ValueError):
        view.select_range(5, len(text) + 1)


@pytest.mark.parametrize(
    ("text", "selected", "expected"),
    [
        ("rebels entered Damascus.", "ascu", "Damascus"),  # partial word grows to the word
        ("rebels entered Damascus.", "Damascus.", "Damascus"),  # trailing full stop
        ("the “Damascus” office", "“Damascus”", "Damascus"),  # curly quotes
        ("the “Damascus” office", " “Damascus” ", "Damascus"),  # spaces and quotes
        ("said Bashar Al-Assad today", "Al-Ass", "Al-Assad"),  # internal hyphen joins
        ("said Bashar Al-Assad today", "Assad", "Al-Assad"),
        ("Syria’s prime minister", "Syri", "Syria"),  # a possessive ’s is not part of the name
        ("Syria’s prime minister", "Syria’", "Syria"),
        ("O’Brien said", "Bri", "O’Brien"),  # an internal apostrophe is
        ("in the U.S. today", "U.S. ", "U.S."),  # an abbreviation keeps its final dot
        ("Syria’s prime minister", "Syria’s", "Syria"),  # a double-click takes the ’s: dropped
        ("Jones's book", "Jones's", "Jones"),
        ("O’Brien’s car", "O’Brien’s", "O’Brien"),
        ("rebels’ advance", "rebels’", "rebels"),
        ("in the U.S. today", "U.S", "U.S."),  # a double-click leaves the dot out: taken back
        ("in the U.S. today", "S", "U.S."),
        ("met Mr. Jalili", "Mr", "Mr."),
        ("entered (Damascus).", "(Damascus).", "Damascus"),  # brackets and sentence punctuation
        ("the [Velmora] office", "[Velmora]", "Velmora"),
        ("وصل إلى دمشق اليوم", "مش", "دمشق"),  # Arabic letters are word characters
        ("Café crème", "Caf", "Café"),  # é as e + combining acute stays whole
        ("family 👩‍👩‍👧 here", " 👩", "👩‍👩‍👧"),  # an emoji ZWJ sequence is never cut
        ("rebels 🔥 fire", "🔥", "🔥"),
    ],
)
def test_snap_selection(text: str, selected: str, expected: str) -> None:
    start, end = at(text, selected)
    snapped = snap_selection(text, start, end)
    assert snapped is not None and text[slice(*snapped)] == expected


def test_snap_selection_precise_and_empty() -> None:
    text = "entered Damascus."
    assert snap_selection(text, 10, 13, precise=True) == (10, 13)
    assert snap_selection(text, 5, 5, precise=True) is None
    assert snap_selection(text, 16, 17) is None  # only the full stop
    assert snap_selection(text, 7, 8) is None  # only a space
    assert snap_selection(text, 13, 10) == (8, 16)  # a backwards range is accepted
    with pytest.raises(ValueError):
        snap_selection(text, 0, 99)


def test_spans_at_lists_innermost_first(view: ArticleView) -> None:
    putin = TEXT.index("Putin") + 1
    assert [s.id for s in view.spans_at(putin)] == [3, 2]
    assert [s.id for s in view.spans_at(TEXT.index("met"))] == [2]
    assert view.spans_at(TEXT.index("Second")) == []
    assert view.spans_at(len(TEXT)) == []


def test_click_on_a_span_emits_the_innermost_id(qtbot, view: ArticleView) -> None:
    with qtbot.waitSignal(view.spanClicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, TEXT.index("Putin") + 2))
    assert blocker.args == [3]
    with qtbot.waitSignal(view.spanClicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, TEXT.index("met") + 1))
    assert blocker.args == [2]
    with qtbot.waitSignal(view.spanClicked) as blocker:  # Arabic, in a right-to-left paragraph
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, TEXT.index("دمشق") + 1))
    assert blocker.args == [5]
    with qtbot.assertNotEmitted(view.spanClicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, TEXT.index("Second")))


def test_add_and_remove_reformat_only_their_block(qtbot, view: ArticleView) -> None:
    formatted: list[int] = []
    view._highlighter.blockFormatted.connect(formatted.append)
    aleppo = span(7, "Aleppo", "LOCATION")
    before = [painted(view, n) for n in range(3)]

    view.add_span(aleppo)
    assert painted(view, 1) == [("Homs", tint_of(view, "LOCATION")), ("Aleppo", tint_of(view, "LOCATION"))]
    assert [painted(view, 0), painted(view, 2)] == [before[0], before[2]]
    view.update_span(Span(7, 1, aleppo.start, aleppo.end, "ACTOR"))
    assert painted(view, 1)[1] == ("Aleppo", tint_of(view, "ACTOR"))
    view.remove_span(7)
    assert [painted(view, n) for n in range(3)] == before
    assert formatted == [1, 1, 1]
    assert not view.document().isModified()
    with pytest.raises(KeyError):
        view.remove_span(7)


def test_span_across_a_line_break_is_painted_in_both_blocks(qtbot) -> None:
    text = "end of one\nstart of two"
    view = shown_view(qtbot, text, [Span(1, 1, text.index("one"), text.index("start") + 5, "EVENT")])
    assert painted(view, 0) == [("one", tint_of(view, "EVENT"))]
    assert painted(view, 1) == [("start", tint_of(view, "EVENT"))]
    assert [s.id for s in view.spans_at(text.index("two") - 2)] == []


def test_underline_bars_follow_the_glyphs_in_a_right_to_left_paragraph(qtbot) -> None:
    # The span runs from the Arabic on the right into the English on the left; "in" lies between.
    view = shown_view(qtbot, TEXT, [Span(1, 1, TEXT.index("في"), TEXT.index("Assad") + 5, "EVENT")])
    image = view.viewport().grab().toImage()

    def under(cp: int) -> set[str]:
        x, bottom = point_at(view, cp).x(), boundary_at(view, cp).y() + view.fontMetrics().height() // 2
        return {image.pixelColor(x, y).name() for y in range(bottom - 4, bottom + 2)}

    event = QColor(COLOURS["EVENT"]).name()
    assert event in under(TEXT.index("Assad") + 2)
    assert event in under(TEXT.index("دمشق") + 1)
    assert event not in under(TEXT.index(" in ") + 1)



def test_underline_bars_of_one_long_paragraph_are_drawn_wherever_it_is_scrolled(qtbot) -> None:
    # Bars are made for the lines on screen only: scrolled to the end, the last span has its bar.
    text = " ".join(f"Sentence {i} about Damascus." for i in range(600))
    spans = [Span(i, 1, *at(text, "Damascus", nth=i), "LOCATION") for i in range(600)]
    view = shown_view(qtbot, text, spans)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    image = view.viewport().grab().toImage()
    cp = at(text, "Damascus", nth=599)[0] + 2
    x, bottom = point_at(view, cp).x(), boundary_at(view, cp).y() + view.fontMetrics().height() // 2
    assert QColor(COLOURS["LOCATION"]).name() in {image.pixelColor(x, y).name() for y in range(bottom - 4, bottom + 2)}

def test_blocks_are_formatted_when_they_come_into_view(qtbot) -> None:
    text = "\n".join(f"Paragraph {i} about Damascus." for i in range(300))
    spans = [Span(i, 1, *at(text, "Damascus", nth=i), "LOCATION") for i in range(300)]
    view = shown_view(qtbot, text, spans)
    last = view.document().lastBlock()
    assert last.layout().formats() == []  # off screen: nothing formatted yet
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    view.grab()
    assert painted(view, 299) == [("Damascus", tint_of(view, "LOCATION"))]


def test_set_colours_reformats(view: ArticleView) -> None:
    view.set_colours({**COLOURS, "LOCATION": "#009E73"})
    view.grab()
    base = view.palette().color(QPalette.ColorRole.Base)
    assert painted(view, 1) == [("Homs", tint("#009E73", SpanHighlighter.LIGHT_FACTORS[0], base).name())]


def test_zoom_changes_font_size(view: ArticleView) -> None:
    size = view.font().pointSizeF()
    view.zoom_in()
    assert view.zoom_level == 1 and view.font().pointSizeF() == size + 1
    view.zoom_out()
    view.zoom_out()
    assert view.zoom_level == -1 and view.font().pointSizeF() == size - 1
    view.zoom_level = 1000
    assert view.zoom_level == ArticleView.ZOOM_LIMITS[1]


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_tooltip_lists_nested_labels_and_marks(qtbot, view: ArticleView) -> None:
    putin = TEXT.index("Putin") + 2
    assert view.tooltip_text(putin) == "ACTOR\nEVENT"
    view.set_marks([(putin - 2, putin + 3, QColor("#009E73"), "source")])
    assert view.tooltip_text(putin) == "ACTOR\nEVENT\nsource"
    assert view.tooltip_text(TEXT.index("Second")) == ""

    pos = point_at(view, putin)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == "ACTOR\nEVENT\nsource"
    QToolTip.hideText()


def test_current_span_and_marks_are_outlined(qtbot, view: ArticleView) -> None:
    def pixels_near(cp: int) -> set[str]:
        image = view.viewport().grab().toImage()
        cursor = QTextCursor(view.document())
        cursor.setPosition(OffsetMap(TEXT).to_utf16(cp))
        rect = view.cursorRect(cursor)
        return {image.pixelColor(rect.center().x() + dx, rect.top() + 1).name() for dx in range(-3, 4)}

    start, end = at(TEXT, "Damascus")
    assert "#009e73" not in pixels_near(start)
    view.set_marks([(start, end, QColor("#009E73"), "place")])
    assert "#009e73" in pixels_near(start)
    text_colour = view.palette().color(QPalette.ColorRole.Text).name()
    view.set_current_span(1)
    assert text_colour in pixels_near(TEXT.index("Assad"))
    view.set_current_span(None)
    assert text_colour not in pixels_near(TEXT.index("Assad"))


def test_mark_outlines_stay_visible_on_light_and_dark_bases() -> None:
    from gui.event_marks import ROLE_COLOURS, TRIGGER_COLOUR

    for base in ("#ffffff", "#1e1e1e"):
        for colour in (*ROLE_COLOURS, TRIGGER_COLOUR):
            assert contrast_ratio(visible_on(colour, base), QColor(base)) >= 3.0, (colour, base)
    assert visible_on("#332288", "#ffffff") == QColor("#332288")  # already visible: unchanged
