"""Background tints for spans, one paragraph (block) at a time, read from a ``SpanIndex``.

Each character gets the tint of its innermost span, stronger with nesting depth, and black or white
text by WCAG contrast against that tint. ``highlightBlock`` looks only at the spans of its own block,
and only at blocks the view has painted: opening a 1 MB article with 100,000 spans formats one
screenful. Span offsets are code points; ``setFormat`` wants UTF-16 units within the block, so
``OffsetMap`` converts.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from gui.colours import readable_text_colour, relative_luminance, tint
from gui.offsets import OffsetMap
from gui.spans import SpanIndex, tint_segments


class SpanHighlighter(QSyntaxHighlighter):
    """Background tints for spans, read block by block from a ``SpanIndex``.

    Blocks are formatted only once ``activate`` has been called for them (the view does so for
    what it paints): Qt runs ``highlightBlock`` over the whole document on ``setPlainText``, and
    formatting 100,000 spans there would cost a second; an inactive block returns at once.
    """

    # Block number, after each block is formatted: lets tests and profiling see which blocks
    # an edit reformats (Qt itself reports a whole-viewport update for any of them).
    blockFormatted = Signal(int)

    # Tint strength by nesting depth (1 = outermost): light enough to read, stronger inside.
    LIGHT_FACTORS = (0.22, 0.40, 0.55)
    DARK_FACTORS = (0.35, 0.60, 0.75)

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._index = SpanIndex("")
        self._offsets = OffsetMap("")
        self._colours: dict[str, QColor] = {}
        self._base = QColor(Qt.GlobalColor.white)
        self._formats: dict[tuple[str, int], QTextCharFormat] = {}
        self._active: set[int] = set()

    def set_source(self, index: SpanIndex, offsets: OffsetMap, colours: Mapping[str, QColor], base: QColor, *,
                   first: Iterable[int] = ()) -> None:
        """Read a new article's spans; call just before ``setPlainText``, which reformats every block.

        ``first``: the blocks the first paint will show, formatted as the text goes in. Qt lays a
        block out again when its formats change, so a block activated only when painted is laid
        out twice, and one 1 MB paragraph takes ~0.2 s each time.
        """
        self._index, self._offsets = index, offsets
        self._colours, self._base = dict(colours), QColor(base)
        self._formats.clear()
        self._active = set(first)

    def set_colours(self, colours: Mapping[str, QColor], base: QColor) -> None:
        """New label colours or base colour: clear every tint; blocks are formatted again when painted."""
        self._colours, self._base = dict(colours), QColor(base)
        self._formats.clear()
        self._active.clear()
        self.rehighlight()  # every block is inactive now, so this only clears the old tints
        self.document().setModified(False)

    def activate(self, blocks: range) -> None:
        """Format the blocks in ``blocks`` that have not been formatted since the last reset."""
        new = [n for n in blocks if n not in self._active]
        self._active.update(new)
        self._rehighlight_blocks(new)

    def refresh(self, blocks: Iterable[int]) -> list[int]:
        """Reformat the already formatted blocks among ``blocks`` after their spans changed;
        return the others (never shown, so left alone)."""
        blocks = list(blocks)
        self._rehighlight_blocks([n for n in blocks if n in self._active])
        return [n for n in blocks if n not in self._active]

    def _rehighlight_blocks(self, numbers: list[int]) -> None:
        document = self.document()
        for n in numbers:
            self.rehighlightBlock(document.findBlockByNumber(n))
        if numbers:
            # Qt marks the document modified for a format change; the text never changes here.
            document.setModified(False)

    def colour(self, label: str) -> QColor:
        return self._colours.get(label, QColor(Qt.GlobalColor.gray))

    def _format(self, label: str, depth: int) -> QTextCharFormat:
        key = (label, min(depth, 3))
        fmt = self._formats.get(key)
        if fmt is None:
            dark = relative_luminance(self._base) < 0.2
            factor = (self.DARK_FACTORS if dark else self.LIGHT_FACTORS)[key[1] - 1]
            background = tint(self.colour(label), factor, self._base)
            fmt = QTextCharFormat()
            fmt.setBackground(background)
            fmt.setForeground(readable_text_colour(background))
            self._formats[key] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        n = self.currentBlock().blockNumber()
        if n not in self._active:
            return
        self.blockFormatted.emit(n)
        spans = self._index.block_spans(n)
        if not spans:
            return
        lo, hi = self._index.block_range(n)
        to_utf16 = self._offsets.to_utf16
        origin = to_utf16(lo)  # setFormat counts UTF-16 units from the start of the block
        for a, b, inner, depth in tint_segments(spans, lo, hi):
            start = to_utf16(a) - origin
            self.setFormat(start, to_utf16(b) - origin - start, self._format(inner.label, depth))
