"""How suggestions show in the article: a dashed outline in the label's colour, no fill, so they
never look like annotations (which are tinted and underlined). The current suggestion (the one
Ctrl+J jumped to) has a thicker outline.

``SuggestionMarks`` is an overlay of the article view (``ArticleView.overlays``): it paints only
the suggestions of the visible blocks, found by bisection, so a 1 MB article with thousands of
suggestions costs one screenful. They are kept as a ``SuggestionTable`` (columns), so taking in
80,000 of them from the match process costs a copy, not 80,000 tuples.
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Callable, Mapping, Sequence

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QTextBlock

from gui.article_view import ArticleView
from gui.colours import relative_luminance, visible_on
from storage.assist.suggestion_table import SuggestionTable
from storage.assist.suggestions import Suggestion

__all__ = ["SuggestionMarks"]


class SuggestionMarks:
    """The suggestions of the open article, drawn over ``view``; ``colours()`` gives label colours."""

    def __init__(self, view: ArticleView, colours: Callable[[], Mapping[str, QColor]]) -> None:
        self.view, self._colours = view, colours
        self.suggestions = SuggestionTable()
        self.current: Suggestion | None = None
        self.painted: list[tuple[Suggestion, QRectF]] = []  # by the last paint, for tests and hit checks
        view.overlays.append(self.paint)

    def set_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        """Show ``suggestions``, already in text order (``keep_new``'s, or the match process's)."""
        self.suggestions = SuggestionTable.of(suggestions)
        if self.current is not None and self.current not in self.suggestions:
            self.current = None
        self.view.viewport().update()

    def remove(self, start: int, end: int, *, only: set[Suggestion] | None = None) -> None:
        """Drop the suggestions overlapping ``start..end`` (or just ``only`` among them): a span now
        covers them. Touches only the index range that can overlap, so a tag stays cheap."""
        table = self.suggestions
        lo = bisect_left(table.starts, start - table.longest)
        hi = bisect_left(table.starts, end)
        ends = table.ends
        kept = [i for i in range(lo, hi)
                if not (ends[i] > start and table.starts[i] < end) or (only is not None and table[i] not in only)]
        if len(kept) == hi - lo:
            return
        table.keep(lo, hi, kept)
        current = self.current
        if current is not None and current.end > start and current.start < end and current not in table:
            self.current = None
        self.view.viewport().update()

    def set_current(self, suggestion: Suggestion | None) -> None:
        self.current = suggestion
        self.view.viewport().update()

    def between(self, start: int, end: int) -> list[Suggestion]:
        """Suggestions overlapping ``start..end``."""
        table = self.suggestions
        lo = bisect_left(table.starts, start - table.longest)
        hi = bisect_left(table.starts, end)
        return [s for s in table[lo:hi] if s.end > start and s.start < end]

    def at(self, cp: int) -> list[Suggestion]:
        """Suggestions covering code point ``cp`` (or ending right at it: the caret after a word)."""
        return [s for s in self.between(cp - 1, cp + 1) if s.start <= cp <= s.end]

    def paint(self, painter: QPainter, shown: list[tuple[QTextBlock, QRectF]]) -> None:
        self.painted = []
        if not self.suggestions or not shown:
            return
        visible = self.between(*self.view.visible_range())
        if not visible:
            return
        base = self.view.palette().color(QPalette.ColorRole.Base)
        colours = self._colours()
        dark = relative_luminance(base) < 0.2
        painter.save()
        # Square, one pixel, not antialiased, all boxes of one colour in one drawRects: an
        # antialiased dashed rounded outline costs ~0.1 ms each to stroke, and a screenful of
        # suggestions (a few hundred) would cost more than the frame (measured: 13 ms → 0.2 ms
        # for 114 boxes).
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        groups: dict[str, list[QRect]] = {}
        current: list[QRect] = []
        for n, box in self.view.range_boxes([(s.start, s.end) for s in visible], shown):
            suggestion = visible[n]
            rect = box.toAlignedRect().adjusted(0, 0, -1, -1)
            groups.setdefault(suggestion.label, []).append(rect)
            if suggestion == self.current:  # thicker: a solid outline just inside the dashed one
                current.append(rect.adjusted(1, 1, -1, -1))
            self.painted.append((suggestion, box))

        def colour(label: str) -> QColor:
            shown = visible_on(QColor(colours.get(label, QColor("#888888"))), base)
            return shown.lighter(160) if dark else shown  # a thin dashed line needs more contrast than a tint

        for label, rects in groups.items():
            painter.setPen(QPen(colour(label), 1, Qt.PenStyle.DashLine))
            painter.drawRects(rects)
        if current and self.current is not None:
            painter.setPen(QPen(colour(self.current.label), 1, Qt.PenStyle.SolidLine))
            painter.drawRects(current)
        painter.restore()
