"""Label chips above spans, and the room between lines they and the event arcs need.

brat and INCEpTION write each span's label in a small box above its words; the article view does
the same. ``QPlainTextDocumentLayout`` stacks a paragraph's lines with no gap and ignores line
height and block margins, so ``GappedLayout`` moves each line down right after Qt has laid its
block out: every line gets a lane for event arcs on top, then as many chip rows as its labels need
(one at least while labels are shown, so tagging a word never makes the text jump). The same hook
right-aligns right-to-left paragraphs, which QPlainTextEdit would leave left-aligned: it gives
every block the document's one text option, whatever the paragraph's direction.

Everything here costs what one block holds, and only blocks Qt lays out (what is on screen).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from math import ceil

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPixmap, QTextBlock, QTextDocument, QTextLayout
from PySide6.QtWidgets import QPlainTextDocumentLayout

from gui.colours import readable_text_colour
from gui.spans import SpanLike, chip_rows

LABEL_DISPLAYS = ("full", "short", "hidden")
LABEL_DISPLAY_KEY = "label_display"  # QSettings key
SHORT_LENGTH = 3


def short_names(names: Iterable[str]) -> dict[str, str]:
    """A short form of each label for its chip: the first three letters ("ACT", "LOC", "EVE"),
    longer where two labels would read alike, the whole name when it is short anyway."""
    names = list(dict.fromkeys(names))
    short = {}
    for name in names:
        size = SHORT_LENGTH
        while size < len(name) and any(
                other != name and other[:size].casefold() == name[:size].casefold() for other in names):
            size += 1
        short[name] = name if len(name) <= size + 1 else name[:size]
    return short


class VisualLines:
    """The visual lines of one laid-out block, read from Qt once, to map UTF-16 ranges to x runs."""

    __slots__ = ("lines", "starts", "ends", "tops", "bottoms", "bidi")

    def __init__(self, layout: QTextLayout, *, bidi: bool, lines: range | None = None) -> None:
        """``lines``: only those visual lines (e.g. the ones on screen); indices then count from the first."""
        self.lines = [layout.lineAt(i) for i in (lines if lines is not None else range(layout.lineCount()))]
        self.starts = [line.textStart() for line in self.lines]
        self.ends = [start + line.textLength() for start, line in zip(self.starts, self.lines)]
        self.tops = [line.y() for line in self.lines]
        self.bottoms = [line.y() + line.height() for line in self.lines]
        self.bidi = bidi

    def runs(self, start: int, end: int) -> Iterator[tuple[int, float, float]]:
        """(line index, left x, right x) per visual piece of ``start..end``: one per line of a wrapped
        span, and in bidi text one per directional run (a logical range need not be contiguous)."""
        i = max(0, bisect_right(self.starts, start) - 1)
        while i < len(self.lines) and self.starts[i] < end:
            a, b = max(start, self.starts[i]), min(end, self.ends[i])
            if a < b and not self.bidi:
                # cursorToX is 8x cheaper than glyphRuns and exact where no text runs right to left.
                xa, xb = self.lines[i].cursorToX(a)[0], self.lines[i].cursorToX(b)[0]
                yield i, min(xa, xb), max(xa, xb)
            elif a < b:
                pieces = sorted((r.boundingRect().left(), r.boundingRect().right())
                                for r in self.lines[i].glyphRuns(a, b - a))
                merged: list[list[float]] = []
                for left, right in pieces:  # runs split by font or format changes are one piece
                    if merged and left <= merged[-1][1] + 0.5:
                        merged[-1][1] = max(merged[-1][1], right)
                    else:
                        merged.append([left, right])
                yield from ((i, left, right) for left, right in merged)
            i += 1


def lines_between(layout: QTextLayout, top: float, bottom: float) -> tuple[int, int]:
    """The first and last visual lines of a laid-out block that reach into ``top..bottom`` (block
    coordinates), found by bisection: a long paragraph has thousands of lines."""
    count = layout.lineCount()
    a, b = 0, count
    while a < b:  # the first line whose bottom is below top
        mid = (a + b) // 2
        line = layout.lineAt(mid)
        if line.y() + line.height() <= top:
            a = mid + 1
        else:
            b = mid
    first, b = min(a, count - 1), count
    a = first
    while a < b:  # the first line whose top is at or below bottom
        mid = (a + b) // 2
        if layout.lineAt(mid).y() < bottom:
            a = mid + 1
        else:
            b = mid
    return first, max(first, a - 1)



def underline_bars(stacked: Iterable[tuple[SpanLike, int]], lines: VisualLines, *, to_block: Callable[[int], int],
                   thickness: float, colour_of: Callable[[str], QColor], lighter: bool) -> list[tuple[QRectF, QColor]]:
    """A bar under each piece of each span, in its row (``stack_rows``: 0 lowest), relative to the block.

    ``to_block`` turns a code point into a UTF-16 offset within the block (clamped to it). On a
    dark base (``lighter``) the bar must stand out from its own dark tint, so it is lightened.
    """
    bars: list[tuple[QRectF, QColor]] = []
    shade: dict[str, QColor] = {}
    for span, row in stacked:
        colour = shade.get(span.label)
        if colour is None:
            colour = colour_of(span.label)
            colour = shade[span.label] = colour.lighter(150) if lighter else colour
        for i, left, right in lines.runs(to_block(span.start), to_block(span.end)):
            y = lines.bottoms[i] - (row + 1) * thickness
            # One pixel in from each end keeps abutting spans of one label apart.
            bars.append((QRectF(left + 1, y, right - left - 2, thickness), colour))
    return bars

@dataclass(frozen=True, slots=True)
class Chip:
    """One span's label box, placed above the visual line where the span starts."""

    span_id: int
    label: str
    text: str  # what the chip says: the label, or its short form
    line: int  # visual line of the block
    left: float  # x, relative to the block
    right: float
    start: int  # the span's extent, code points (chip_rows stacks outer spans above inner ones)
    end: int
    row: int = 0  # 0 = nearest the text


class ChipStyle:
    """Sizes of chips and line gaps for one text font: small, but legible at 100% zoom."""

    MAX_ROWS = 3  # deeper nesting still shows in the tint, the bars and the tooltip
    MIN_POINT_SIZE = 7.5

    def __init__(self, text_font: QFont) -> None:
        self.font = QFont(text_font)
        self.font.setPointSizeF(max(self.MIN_POINT_SIZE, text_font.pointSizeF() * 0.7))
        self.metrics = QFontMetricsF(self.font)
        self.padding = max(3.0, round(self.metrics.height() / 4))
        self.height = round(self.metrics.height()) + 2
        self.row_height = self.height + 1
        self.lane = max(5.0, round(QFontMetricsF(text_font).height() * 0.3))  # room for event arcs
        self._widths: dict[str, float] = {}
        self._pixmaps: dict[tuple[str, int, float], QPixmap] = {}

    def width(self, text: str) -> float:
        width = self._widths.get(text)
        if width is None:
            width = self._widths[text] = round(self.metrics.horizontalAdvance(text)) + 2 * self.padding
        return width

    def gap(self, rows: int) -> float:
        return self.lane + rows * self.row_height

    def pixmap(self, text: str, fill: QColor, ratio: float) -> QPixmap:
        """The chip as a picture, drawn once per text and colour: painting a screenful of chips is
        then a few blits, not a rounded rectangle and a text layout each."""
        key = (text, fill.rgba(), ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            size = QSizeF(self.width(text), self.height) * ratio
            pixmap = QPixmap(ceil(size.width()), ceil(size.height()))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            box = QRectF(0, 0, self.width(text), self.height)
            painter.drawRoundedRect(box, 3, 3)
            painter.setFont(self.font)
            painter.setPen(readable_text_colour(fill))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            painter.end()
            self._pixmaps[key] = pixmap
        return pixmap

    def rect(self, chip: Chip, line_top: float) -> QRectF:
        """The chip's box relative to its block, given the top of its line there."""
        return QRectF(chip.left, line_top - (chip.row + 1) * self.row_height, chip.right - chip.left, self.height)


def place_chips(spans: Iterable[SpanLike], lines: VisualLines, *, texts: dict[str, str], style: ChipStyle,
                to_block: Callable[[int], int], lo: int, hi: int, right_to_left: bool,
                bounds: tuple[float, float]) -> list[Chip]:
    """Chips for the spans that start in one block (``lo..hi``, code points), rows assigned.

    A chip starts where its span starts: at the left of its first piece in a left-to-right
    paragraph, at the right in a right-to-left one; it is pushed back inside ``bounds`` (the text
    area's x range) rather than cut at the edge. ``to_block`` turns a code point into a UTF-16
    offset within the block. Chips that would need more than ``ChipStyle.MAX_ROWS`` are left out.
    """
    chips: list[Chip] = []
    starts, line_of = lines.starts, lines.lines
    for span in spans:
        if not lo <= span.start < hi:
            continue  # a span from an earlier paragraph has its chip there
        first = None
        if not lines.bidi:  # the common case: where the span starts is all a chip needs
            a = to_block(span.start)
            i = max(0, bisect_right(starts, a) - 1)
            x = line_of[i].cursorToX(a)[0]
            first = [i, x, x]
        runs = lines.runs(to_block(span.start), to_block(min(span.end, hi))) if first is None else ()
        for i, left, right in runs:  # in bidi text: the first line's pieces, together
            if first is None:
                first = [i, left, right]
            elif i == first[0]:
                first[1], first[2] = min(first[1], left), max(first[2], right)
            else:
                break
        if first is None:
            continue
        text = texts.get(span.label, span.label)
        width = style.width(text)
        left = first[2] - width if right_to_left else first[1]
        left = max(bounds[0], min(left, bounds[1] - width))
        chips.append(Chip(span.id, span.label, text, first[0], left, left + width, span.start, span.end))
    rows = chip_rows(chips, max_rows=style.MAX_ROWS)
    # most chips keep row 0, which they were made with: a copy each cost ~40 ms for 8,000
    return [c if not row else replace(c, row=row) for c, row in zip(chips, rows) if row < style.MAX_ROWS]


def paint_chips(painter: QPainter, shown: list[tuple[QTextBlock, QRectF]], chips: dict[int, list[Chip]],
                lines: dict[int, list[int]], style: ChipStyle, colour_of: Callable[[str], QColor], *,
                ratio: float, height: float, clip: QRectF) -> list[tuple[int, str, QRectF]]:
    """Draw the chips of the blocks ``shown`` (block, its rectangle in the viewport) that sit on screen;
    return each drawn chip's span id, text and box.

    ``chips`` are each block's, in text order, and ``lines`` their visual lines, ascending: only the
    chips of the lines on screen and of the one below (its chips sit above it) are looked at, not
    the 8,000 of a one-paragraph article.
    """
    painted: list[tuple[int, str, QRectF]] = []
    for block, rect in shown:
        layout, n = block.layout(), block.blockNumber()
        if not chips.get(n) or layout.lineCount() == 0:
            continue
        first, last = lines_between(layout, -rect.top(), height - rect.top())
        on = lines[n]
        for chip in chips[n][bisect_left(on, first):bisect_left(on, last + 2)]:
            box = style.rect(chip, layout.lineAt(chip.line).y()).translated(rect.topLeft())
            painted.append((chip.span_id, chip.text, box))
            if box.intersects(clip):
                painter.drawPixmap(box.topLeft(), style.pixmap(chip.text, colour_of(chip.label), ratio))
    return painted


class GappedLayout(QPlainTextDocumentLayout):
    """QPlainTextEdit's own layout, with a gap above every line and right-to-left blocks right-aligned.

    ``arrange(block)`` returns the gap above each visual line of a freshly laid-out block. Qt lays
    a block out again whenever its text, formats or width change and then puts the first line at
    y = 0; every gap is at least the arc lane, so a first line at 0 means "not arranged yet", and
    ``blockBoundingRect``, which the editor asks before it paints, hit-tests or scrolls over a
    block, arranges it then.
    """

    def __init__(self, document: QTextDocument, arrange: Callable[[QTextBlock], list[float]]) -> None:
        super().__init__(document)
        self._arrange = arrange

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 - Qt override
        layout = block.layout()
        if layout.lineCount() == 0:
            super().blockBoundingRect(block)  # lays the block out
        if layout.lineCount() and layout.lineAt(0).y() == 0:
            self._place(block, layout)
        return super().blockBoundingRect(block)

    def _place(self, block: QTextBlock, layout: QTextLayout) -> None:
        if block.textDirection() == Qt.LayoutDirection.RightToLeft:
            # Alignment is applied when lines are drawn and hit-tested, so no new layout is needed.
            option = layout.textOption()
            option.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
            layout.setTextOption(option)
        y = 0.0
        for i, gap in enumerate(self._arrange(block)):
            line = layout.lineAt(i)
            y += gap
            line.setPosition(QPointF(line.x(), y))
            y += line.height()

    def relayout_all(self) -> None:
        """Lay every block out again (the gaps changed, e.g. labels shown or hidden)."""
        document = self.document()
        document.setDefaultTextOption(document.defaultTextOption())  # Qt relays out every block for it
