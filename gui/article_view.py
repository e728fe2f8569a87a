"""The article view: the centre widget where an article is read, its spans painted, selected and clicked.

Painting costs what the screen shows, never what the article holds:

* ``SpanHighlighter`` (``gui.span_highlighter``) tints each character in the colour of its innermost span, stronger
  with nesting depth, with black or white text by contrast. It reads a per-paragraph ``SpanIndex`` so
  ``highlightBlock`` only looks at the spans of its own block, and it formats a block only once the block has been on
  screen, so opening 1 MB with 100,000 spans costs one screenful.
* ``GappedLayout`` (``gui.span_labels``) opens a gap above every line when Qt lays a block out: a lane for event arcs
  plus rows for label chips. ``ArticleView.paintEvent`` draws, for the visible blocks only, each span's label in a
  chip above where it starts (brat's look; full, short or hidden, ``set_label_display``), nested and stacked spans a
  row higher each, and one bar per span under its text in the label colour, one row per nesting level. It also
  outlines the current span and transient marks, and joins one mark (an event's trigger) to the others by arcs that
  run only in the lanes and down the page margin, never through text (``gui.event_marks``).
* Right-to-left paragraphs are right-aligned, each block in its own direction (the headline's look).

Offsets in this API are code points over the text given to ``set_article``; Qt counts UTF-16 units.
``OffsetMap`` converts at this boundary and nowhere else.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextLine,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from gui.colours import relative_luminance, visible_on
from gui.event_marks import ArcEnd, connector_path
from gui.offsets import OffsetMap
from gui.plain import plain_tooltip
from gui.span_highlighter import SpanHighlighter
from gui.span_labels import (LABEL_DISPLAYS, Chip, ChipStyle, GappedLayout, VisualLines, lines_between, paint_chips,
                              place_chips, short_names, underline_bars)
from gui.spans import BarRows, SpanIndex, SpanLike, snap_selection
from gui.steady_scroll_bar import steady_vertical_bar

__all__ = ["ArticleView", "Mark", "SpanHighlighter", "SpanLike", "snap_selection"]

LONG_BLOCK = 20_000  # UTF-16 units: a paragraph whose layout keeps its shaping data between paints
FIRST_SCREEN_CHARACTERS = 8000  # more than a screen shows: blocks starting before it are on the first one
Mark = tuple[int, int, QColor, str]  # start, end (code points), colour, name shown on hover, e.g. "source"


class ArticleView(QPlainTextEdit):
    """Read-only article text with painted spans; selection, clicks and hover in code points.

    The view shows spans; it never edits them. The window turns ``selection_range`` (snapped with
    ``snap_selection``) into a command and calls ``add_span``/``remove_span``/``update_span`` back.
    """

    spanClicked = Signal(int)  # span id: a click without drag on a painted span, innermost wins
    selectionRangeChanged = Signal(int, int)  # code points; start == end when nothing is selected

    BASE_POINT_SIZE = 12.0
    ZOOM_LIMITS = (-5, 20)  # point-size steps around BASE_POINT_SIZE
    # Bars live in the font's descent: two rows fit under the baseline; deeper nesting still shows
    # in the tint strength, the label chips and the tooltip.
    MAX_BAR_ROWS = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._offsets = OffsetMap("")
        self._index = SpanIndex("")
        self._label_display = "full"
        self._chip_style = ChipStyle(self.font())
        self._chip_texts: dict[str, str] = {}  # label -> what its chips say
        self._chips: dict[int, list[Chip]] = {}  # per block, set when Qt lays the block out
        self._gaps: dict[int, list[float]] = {}  # per block, the gap above each visual line
        # Per block, the chips last placed and the line breaks they were placed on: Qt lays a block
        # out again when only its tints change, and placing 8,000 chips in one paragraph costs 0.3 s.
        self._placed: dict[int, tuple[tuple[int, float, float, int], list[Chip]]] = {}
        self.painted_chips: list[tuple[int, str, QRectF]] = []  # by the last paint: span id, text, box
        # Per block: the lines shown when its bars (relative to it) were made, the bars; its spans' rows.
        self._bars: dict[int, tuple[tuple[int, int], list[tuple[QRectF, QColor]]]] = {}
        self._stacked: dict[int, BarRows] = {}
        self._chip_lines: dict[int, list[int]] = {}  # per block: its chips' visual lines, in order
        self._bars_key: tuple[object, ...] = ()
        self._current: int | None = None
        self._marks: list[Mark] = []
        self._hub: int | None = None  # index of the mark the connectors start from
        self.painted_connectors: list[tuple[str, QPointF, QPointF]] = []  # by the last paint: name, ends
        self.painted_paths: list[QPainterPath] = []  # and their whole paths
        self._colours: dict[str, QColor] = {}
        self._press_pos: QPoint | None = None
        # Our layout before any text: it opens a gap above each line for label chips and arcs.
        document = QTextDocument(self)
        self._layout = GappedLayout(document, self._arrange)
        document.setDocumentLayout(self._layout)
        option = document.defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)  # each paragraph its own direction
        document.setDefaultTextOption(option)
        self.setDocument(document)
        self.setReadOnly(True)
        # Read-only allows only mouse selection by default; keyboard-only annotators need Shift+arrows.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setUndoRedoEnabled(False)  # the text never changes after set_article; don't keep 1 MB twice
        self.document().setDocumentMargin(16)
        self._zoom = 0
        self._apply_zoom()
        self._highlighter = SpanHighlighter(self.document())
        self._highlighter.set_colours({}, self.palette().color(QPalette.ColorRole.Base))
        # Painters other capabilities add, called after the spans: (painter, visible blocks).
        self.overlays: list[Callable[[QPainter, list[tuple[QTextBlock, QRectF]]], None]] = []
        self.span_tip: Callable[[SpanLike], str] = lambda span: span.label  # the window's adds "(by …)"
        self.selectionChanged.connect(self._emit_selection_range)
        steady_vertical_bar(self).valueChanged.connect(self._repaint_connectors)  # gui.steady_scroll_bar: why

    # -- content ---------------------------------------------------------------------------

    def set_article(self, text: str, spans: Iterable[SpanLike], colours: Mapping[str, QColor | str]) -> None:
        """Show ``text`` (normalised, "\\n" line breaks) with ``spans`` tinted in ``colours`` by label."""
        index = SpanIndex(text, spans)  # first: a bad span leaves the view as it was
        # Drop the selection while the old text and offsets still agree: setPlainText would
        # report it as changed to position -1 (a reload after another window's edit did so).
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.setTextCursor(cursor)
        self._text = text  # kept: the widget's own text differs (NBSP, separators) and is never read
        self._offsets = OffsetMap(text)
        self._index = index
        self._bars.clear()
        self._current, self._marks, self._hub = None, [], None
        self._colours = {label: QColor(colour) for label, colour in colours.items()}
        self._chips.clear()
        self._chip_lines.clear()
        self._gaps.clear()
        self._placed.clear()
        self._stacked.clear()
        self._update_chip_texts()
        base = self.palette().color(QPalette.ColorRole.Base)
        # The first screen's blocks are tinted as the text goes in: Qt lays them out once, not twice.
        self._highlighter.set_source(self._index, self._offsets, self._colours, base,
                                     first=range(bisect_left(index.block_starts, FIRST_SCREEN_CHARACTERS)))
        self.setPlainText(text)
        # Qt's queued scroll-bar change for the new length, now: else the first paint wraps at the old width, then all again.
        QApplication.sendPostedEvents(self, QEvent.Type.MetaCall)

    @property
    def text(self) -> str:
        return self._text

    def set_colours(self, colours: Mapping[str, QColor | str]) -> None:
        """New label colours: every shown block is reformatted."""
        self._colours = {label: QColor(colour) for label, colour in colours.items()}
        self._highlighter.set_colours(self._colours, self.palette().color(QPalette.ColorRole.Base))
        self._bars.clear()
        if self._update_chip_texts():
            self._placed.clear()
            self._layout.relayout_all()  # a renamed label: chips change width
        self.viewport().update()

    # -- label chips ------------------------------------------------------------------------

    @property
    def label_display(self) -> str:
        """What the chip above each span says: "full" (the label), "short" ("LOC") or "hidden"."""
        return self._label_display

    def set_label_display(self, display: str) -> None:
        if display not in LABEL_DISPLAYS:
            raise ValueError(f"label display {display!r} is not one of {', '.join(LABEL_DISPLAYS)}")
        if display != self._label_display:
            self._label_display = display
            self._update_chip_texts()
            self._placed.clear()
            self._layout.relayout_all()  # the gaps between lines change
            self.viewport().update()

    def _update_chip_texts(self) -> bool:
        """Recompute what chips say; True if it changed."""
        names = list(self._colours)
        texts = short_names(names) if self._label_display == "short" else {name: name for name in names}
        changed, self._chip_texts = texts != self._chip_texts, texts
        return changed

    def _arrange(self, block: QTextBlock) -> list[float]:
        """The gap above each visual line of a block Qt has just laid out, and the block's chips.

        Called by ``GappedLayout`` before it moves the lines down: x positions are final, y not yet.
        """
        n, layout, style = block.blockNumber(), block.layout(), self._chip_style
        self._bars.pop(n, None)
        chips: list[Chip] = []
        if layout.lineCount() == 0:  # not laid out: QTextLine calls on it would crash
            return []
        if block.length() > LONG_BLOCK:
            layout.setCacheEnabled(True)  # else every paint frees what cursorToX then rebuilds: ~0.1 s
        if self._label_display != "hidden" and n < len(self._index.block_starts) and self._index.block_spans(n):
            first, last = layout.lineAt(0), layout.lineAt(layout.lineCount() - 1)
            breaks = (layout.lineCount(), first.x(), first.width(), last.textStart())
            placed = self._placed.get(n)
            lo, hi = self._index.block_range(n)
            to_utf16, base = self._offsets.to_utf16, self._offsets.to_utf16(lo)
            if placed is not None and placed[0] == breaks:
                chips = placed[1]
            elif block.length() - 1 == to_utf16(hi) - base:  # not the emptied document setPlainText lays out first
                lines = VisualLines(layout, bidi=self._index.right_to_left(n, self._text))
                chips = place_chips(self._index.block_spans(n), lines, texts=self._chip_texts, style=style,
                                    to_block=lambda cp: to_utf16(cp) - base, lo=lo, hi=hi,
                                    right_to_left=block.textDirection() == Qt.LayoutDirection.RightToLeft,
                                    bounds=(first.x(), first.x() + first.width()))
                self._placed[n] = (breaks, chips)
        self._chips[n] = chips
        self._chip_lines[n] = [chip.line for chip in chips]  # chips come in text order, so lines ascend
        rows = [0 if self._label_display == "hidden" else 1] * layout.lineCount()
        for chip in chips:
            rows[chip.line] = max(rows[chip.line], chip.row + 1)
        gaps = self._gaps[n] = [style.gap(count) for count in rows]
        return gaps

    def chip_at(self, pos: QPoint) -> int | None:
        """The span id of the label chip drawn at viewport position ``pos``, if any."""
        point = QPointF(pos)
        return next((span_id for span_id, _, box in self.painted_chips if box.contains(point)), None)

    def add_span(self, span: SpanLike) -> None:
        self._refresh(self._index.add(span))

    def remove_span(self, span_id: int) -> None:
        """Stop showing a span; KeyError if it is not shown."""
        self._refresh(self._index.remove(span_id))

    def update_span(self, span: SpanLike) -> None:
        """Show the new version (label or range) of a span already shown, matched by id."""
        self._refresh(self._index.replace(span))

    def span(self, span_id: int) -> SpanLike | None:
        return self._index.get(span_id)

    def spans_at(self, cp: int) -> list[SpanLike]:
        """Spans covering code point ``cp``, innermost (shortest) first."""
        return self._index.spans_at(cp)

    def _refresh(self, blocks: Iterable[int]) -> None:
        blocks = list(blocks)
        for n in blocks:
            self._bars.pop(n, None)
            self._placed.pop(n, None)  # its spans changed: place its chips again
            self._stacked.pop(n, None)
        # Reformatting lays a block out again, which places its chips; a block laid out but never
        # shown (Qt measures some ahead) is laid out again by hand, as its chips may need more rows.
        document = self.document()
        for n in self._highlighter.refresh(blocks):
            block = document.findBlockByNumber(n)
            if block.layout().lineCount():
                document.markContentsDirty(block.position(), block.length())
        document.setModified(False)
        # Bars are not formats, so repaint even if no tint changed. (For any reformatted block,
        # QPlainTextDocumentLayout repaints the whole viewport anyway: nothing to gain by a region.)
        self.viewport().update()

    # -- transient emphasis ----------------------------------------------------------------

    def set_current_span(self, span_id: int | None) -> None:
        """Outline one span (the one being edited in the side panel), or none."""
        self._current = span_id
        self.viewport().update()

    def set_marks(self, marks: Iterable[tuple[int, int, QColor | str, str]], *, hub: int | None = None) -> None:
        """Outline a handful of ranges (e.g. an event's arguments); the name shows on hover.

        With ``hub`` (an index into ``marks``, e.g. the trigger) a thin curve joins that mark to
        each other one, in the other's colour, wherever both are on screen.
        """
        self._marks = [(s, e, QColor(c), name) for s, e, c, name in marks]
        self._hub = hub
        self.viewport().update()

    # -- selection ---------------------------------------------------------------------------

    def selection_range(self) -> tuple[int, int] | None:
        """The selected code points (start, end), or None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        to_cp = self._offsets.to_code_point
        return to_cp(cursor.selectionStart()), to_cp(cursor.selectionEnd())

    def select_range(self, start: int, end: int) -> None:
        """Select code points ``start..end`` and scroll them into the middle of the view if hidden."""
        if not 0 <= start <= end <= len(self._text):
            raise ValueError(f"range {start}..{end} is outside the text (length {len(self._text)})")
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_utf16(start))
        cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        if not self.viewport().rect().contains(self.cursorRect(cursor)):
            self.centerCursor()

    def _emit_selection_range(self) -> None:
        cursor, to_cp = self.textCursor(), self._offsets.to_code_point
        self.selectionRangeChanged.emit(to_cp(cursor.selectionStart()), to_cp(cursor.selectionEnd()))

    # -- zoom ------------------------------------------------------------------------------

    @property
    def zoom_level(self) -> int:
        """Font size in point steps from ``BASE_POINT_SIZE`` (0 = default)."""
        return self._zoom

    @zoom_level.setter
    def zoom_level(self, level: int) -> None:
        self._zoom = max(self.ZOOM_LIMITS[0], min(self.ZOOM_LIMITS[1], level))
        self._apply_zoom()

    def zoom_in(self) -> None:
        self.zoom_level = self._zoom + 1

    def zoom_out(self) -> None:
        self.zoom_level = self._zoom - 1

    def _apply_zoom(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(self.BASE_POINT_SIZE + self._zoom)
        self._chip_style = ChipStyle(font)  # first: setFont lays every block out again
        self._placed.clear()
        self.setFont(font)

    # -- hit testing and hover ----------------------------------------------------------------

    def code_point_at(self, pos: QPoint) -> int | None:
        """The code point drawn under viewport position ``pos``, or None over margins and line ends."""
        block = self.cursorForPosition(pos).block()
        rect = self.blockBoundingGeometry(block).translated(self.contentOffset())
        x, y = pos.x() - rect.left(), pos.y() - rect.top()
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.y() <= y < line.y() + line.height():
                break
        else:
            return None
        if not line.naturalTextRect().left() <= x < line.naturalTextRect().right():
            return None
        # CursorOnCharacter: the character under x, not the nearest gap between characters.
        offset = line.xToCursor(x, QTextLine.CursorPosition.CursorOnCharacter)
        if offset >= block.length() - 1:
            return None
        return self._offsets.to_code_point(block.position() + offset)

    def tooltip_text(self, cp: int) -> str:
        """Labels of the spans under ``cp`` (innermost first), then names of the marks under it."""
        lines = [self.span_tip(span) for span in self.spans_at(cp)]
        return "\n".join(lines + [name for start, end, _, name in self._marks if start <= cp < end])

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Tooltip events over the text go to the viewport, so they arrive here rather than in event().
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            chip, cp = self.chip_at(event.pos()), self.code_point_at(event.pos())
            span = self._index.get(chip) if chip is not None else None
            text = self.span_tip(span) if span is not None else self.tooltip_text(cp) if cp is not None else ""
            if text:  # a label like "<b>" shows as typed
                QToolTip.showText(event.globalPos(), plain_tooltip(text), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        left = event.button() == Qt.MouseButton.LeftButton
        self._press_pos = event.position().toPoint() if left else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        press, self._press_pos = self._press_pos, None
        if press is None or event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        pos = event.position().toPoint()
        if (pos - press).manhattanLength() >= QApplication.startDragDistance():
            return
        chip = self.chip_at(pos)  # a label chip picks its own span, even among several on the same words
        cp = self.code_point_at(pos)
        spans = self.spans_at(cp) if cp is not None else []
        if chip is not None or spans:
            self.spanClicked.emit(chip if chip is not None else spans[0].id)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        # Qt's own Ctrl+wheel zoom in read-only editors would bypass zoom_level.
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta > 0:
                self.zoom_in()
            elif delta < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # Tints are blended into the base colour; a dark palette needs new formats.
            self._highlighter.set_colours(self._colours, self.palette().color(QPalette.ColorRole.Base))
            self._bars.clear()

    # -- painting ------------------------------------------------------------------------------

    def _visible_blocks(self) -> Iterator[tuple[QTextBlock, QRectF]]:
        block, offset, bottom = self.firstVisibleBlock(), self.contentOffset(), self.viewport().height()
        while block.isValid():
            rect = self.blockBoundingGeometry(block).translated(offset)
            if rect.top() > bottom:
                return
            if block.isVisible():
                yield block, rect
            block = block.next()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        shown = list(self._visible_blocks())
        if shown:
            # One block beyond the bottom so that scrolling by a line finds it formatted.
            self._highlighter.activate(range(shown[0][0].blockNumber(), shown[-1][0].blockNumber() + 2))
        super().paintEvent(event)
        # Line breaks move with the width and the font (colour changes clear the cache themselves).
        key = (self.viewport().width(), self.font().pointSizeF())
        if key != self._bars_key:
            self._bars.clear()
            self._bars_key = key
        painter = QPainter(self.viewport())
        clip = QRectF(event.rect())
        # Formats never change line metrics, so the geometry taken before activating still holds.
        for block, rect in shown:
            if rect.intersects(clip):
                for bar, colour in self._block_bars(block, -rect.top(), self.viewport().height() - rect.top()):
                    bar = bar.translated(rect.topLeft())
                    if bar.intersects(clip):
                        painter.fillRect(bar, colour)
        self._paint_chips(painter, shown, clip)
        self._paint_outlines(painter, shown)
        for overlay in self.overlays:  # e.g. gui/assist/suggestion_marks.py
            overlay(painter, shown)
        painter.end()

    def _paint_chips(self, painter: QPainter, shown: list[tuple[QTextBlock, QRectF]], clip: QRectF) -> None:
        """Each span's label in a small box of its colour above where it starts (brat's look)."""
        self.painted_chips = [] if self._label_display == "hidden" else paint_chips(
            painter, shown, self._chips, self._chip_lines, self._chip_style, self._highlighter.colour,
            ratio=self.devicePixelRatioF(), height=self.viewport().height(), clip=clip)

    def _block_bars(self, block: QTextBlock, top: float, bottom: float) -> list[tuple[QRectF, QColor]]:
        """The underline bars of a block's lines between ``top`` and ``bottom`` (the viewport), relative to
        its top-left, once per layout and screenful: one paragraph may hold 8,000 spans (0.5 s of bars)."""
        n, layout = block.blockNumber(), block.layout()
        if layout.lineCount() == 0:  # not laid out yet, nothing to cache
            return []
        shown = lines_between(layout, top, bottom)
        cached = self._bars.get(n)
        if cached is not None and cached[0] == shown:
            return cached[1]
        lo, hi = self._index.block_range(n)
        to_utf16, from_utf16 = self._offsets.to_utf16, self._offsets.to_code_point
        base = to_utf16(lo)
        first, last = layout.lineAt(shown[0]), layout.lineAt(shown[1])
        seen_lo, seen_hi = from_utf16(base + first.textStart()), from_utf16(base + last.textStart() + last.textLength())
        thickness = max(2.0, round(self.fontMetrics().height() / 9))
        dark = relative_luminance(self.palette().color(QPalette.ColorRole.Base)) < 0.2
        lines = VisualLines(layout, bidi=self._index.right_to_left(n, self._text), lines=range(shown[0], shown[1] + 1))
        stacked = self._stacked.get(n)
        if stacked is None:
            stacked = self._stacked[n] = BarRows(self._index.block_spans(n))
        shown_spans = stacked.reaching(seen_lo, seen_hi, max_row=self.MAX_BAR_ROWS)
        bars = underline_bars(shown_spans, lines, to_block=lambda cp: to_utf16(min(max(cp, lo), hi)) - base,
                              thickness=thickness, colour_of=self._highlighter.colour, lighter=dark)
        self._bars[n] = (shown, bars)
        return bars

    def _mark_colour(self, colour: QColor) -> QColor:
        """A mark's colour made visible on this palette's base (dark indigo on a dark theme)."""
        return visible_on(colour, self.palette().color(QPalette.ColorRole.Base))

    def _paint_outlines(self, painter: QPainter, shown: list[tuple[QTextBlock, QRectF]]) -> None:
        outlines: list[tuple[int, int, QPen, int | None]] = []
        for n, (start, end, colour, _) in enumerate(self._marks):
            outlines.append((start, end, QPen(self._mark_colour(colour), 2, Qt.PenStyle.DashLine), n))
        current = self._index.get(self._current) if self._current is not None else None
        if current is not None:
            outlines.append((current.start, current.end, QPen(self.palette().color(QPalette.ColorRole.Text), 2), None))
        self.painted_connectors, self.painted_paths = [], []
        if not outlines:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        to_utf16 = self._offsets.to_utf16
        anchors: dict[int, ArcEnd] = {}  # mark index -> where an arc meets its first box on screen
        for block, rect in shown:
            lo, hi = self._index.block_range(block.blockNumber())
            here = [outline for outline in outlines if outline[0] < hi and outline[1] > lo]
            if not here:
                continue
            lines = VisualLines(block.layout(), bidi=self._index.right_to_left(block.blockNumber(), self._text))
            for start, end, pen, n in here:
                a, b = to_utf16(max(start, lo)) - to_utf16(lo), to_utf16(min(end, hi)) - to_utf16(lo)
                painter.setPen(pen)
                for i, left, right in lines.runs(a, b):
                    top, bottom = rect.top() + lines.tops[i], rect.top() + lines.bottoms[i]
                    box = QRectF(rect.left() + left - 1, top, right - left + 2, bottom - top)
                    painter.drawRoundedRect(box, 3, 3)
                    if n is not None and n not in anchors:
                        anchors[n] = self._arc_end(block, rect, i, box, start, end)
        self._paint_connectors(painter, anchors)

    def _arc_end(self, block: QTextBlock, rect: QRectF, line: int, box: QRectF, start: int, end: int) -> ArcEnd:
        """Where an arc meets a mark on visual ``line`` of ``block`` (drawn at ``rect``): the top of
        the span's label chip, as in brat, or of its box when labels are hidden."""
        n, style = block.blockNumber(), self._chip_style
        top = rect.top() + block.layout().lineAt(line).y()
        gaps = self._gaps.get(n)
        lane = top - (gaps[line] if gaps and line < len(gaps) else style.lane) + style.lane / 2
        chip = next((c for c in self._chips.get(n, ()) if (c.start, c.end, c.line) == (start, end, line)), None)
        if chip is None:
            return ArcEnd(box.center().x(), box.top(), lane)
        chip_box = style.rect(chip, top - rect.top()).translated(rect.topLeft())
        return ArcEnd(chip_box.center().x(), chip_box.top(), lane)

    def range_boxes(self, ranges: list[tuple[int, int]],
                    shown: list[tuple[QTextBlock, QRectF]]) -> Iterator[tuple[int, QRectF]]:
        """(index into ``ranges``, on-screen box) for each visual line piece of each code-point range
        among the visible blocks ``shown`` (what overlays get); ``ranges`` sorted by start. One line
        layout per block, however many ranges: for painters outside this module."""
        to_utf16 = self._offsets.to_utf16
        starts = [start for start, _ in ranges]
        longest = max((end - start for start, end in ranges), default=0)
        for block, rect in shown:
            lo, hi = self._index.block_range(block.blockNumber())
            first, last = bisect_left(starts, lo - longest), bisect_left(starts, hi)
            here = [(n, ranges[n]) for n in range(first, last) if ranges[n][1] > lo]
            if not here:
                continue
            lines = VisualLines(block.layout(), bidi=self._index.right_to_left(block.blockNumber(), self._text))
            base = to_utf16(lo)
            for n, (start, end) in here:
                for i, left, right in lines.runs(to_utf16(max(start, lo)) - base, to_utf16(min(end, hi)) - base):
                    yield n, QRectF(rect.left() + left - 1, rect.top() + lines.tops[i], right - left + 2,
                                    lines.bottoms[i] - lines.tops[i])

    def caret(self) -> int:
        """The caret's position in code points."""
        return self._offsets.to_code_point(self.textCursor().position())

    def visible_range(self) -> tuple[int, int]:
        """Code points from the first to the end of the last (partly) visible block."""
        shown = list(self._visible_blocks())
        if not shown:
            return 0, 0
        first, last = shown[0][0], shown[-1][0]
        to_cp = self._offsets.to_code_point
        return to_cp(first.position()), to_cp(last.position() + last.length() - 1)

    def _repaint_connectors(self) -> None:
        # Scrolling blits the viewport and repaints only the strip that came into view: a connector
        # to a mark in that strip would be drawn in the strip alone. Few marks: repaint it all.
        if self._hub is not None and len(self._marks) > 1:
            self.viewport().update()

    def _paint_connectors(self, painter: QPainter, anchors: dict[int, ArcEnd]) -> None:
        hub = anchors.get(self._hub) if self._hub is not None else None
        if hub is None:
            return
        margin = self.document().documentMargin() * 0.75
        for slot, (n, arc_end) in enumerate((n, e) for n, e in anchors.items() if n != self._hub):
            _, _, colour, name = self._marks[n]
            colour = self._mark_colour(colour)
            # Down the nearer page margin: the left one unless both ends lie in the right half.
            right = (hub.x + arc_end.x) / 2 > self.viewport().width() / 2
            path = connector_path(hub, arc_end, margin=self.viewport().width() - margin if right else margin,
                                  slot=slot)
            painter.setPen(QPen(colour, 1.5))
            painter.drawPath(path)
            end = path.currentPosition()
            painter.setBrush(colour)  # a dot on the argument's end says which way the line goes
            painter.drawEllipse(end, 2.5, 2.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            self.painted_connectors.append((name, path.pointAtPercent(0), end))
            self.painted_paths.append(path)
