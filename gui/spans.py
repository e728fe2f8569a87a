"""Pure-Python span logic behind the article view: an index by paragraph, tint runs, underline rows,
and snapping a sloppy selection to words.

No Qt here, so all of it is testable without a display and reusable by a command-line tool.
Offsets are code points over the article text, end-exclusive, like ``storage.model.Span``.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator
from typing import Protocol

from storage.sentences import ABBREVIATIONS


class SpanLike(Protocol):
    """What the view needs of a span (``storage.model.Span`` fits): code points, end-exclusive."""

    @property
    def id(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def label(self) -> str: ...


# ---------------------------------------------------------------------------------------------
# Snapping a selection to words

_HYPHENS_APOSTROPHES = frozenset("-\u2010\u2011'\u2019")
_APOSTROPHES = frozenset("'\u2019")
_ZWJ = "\u200d"
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # "U.S", "U.N": the dot after them is theirs


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch)[0] == "M"


def _joins_word(text: str, i: int) -> bool:
    """A hyphen or apostrophe between word characters (Al-Assad, O’Brien), but not a possessive ’s."""
    if not (0 < i < len(text) - 1 and text[i] in _HYPHENS_APOSTROPHES):
        return False
    if not (_is_word_char(text[i - 1]) and _is_word_char(text[i + 1])):
        return False
    # "Syria’s": tokenisers (spaCy) split the clitic off, so the entity is "Syria".
    possessive = text[i] in _APOSTROPHES and text[i + 1] in "sS"
    return not (possessive and (i + 2 == len(text) or not _is_word_char(text[i + 2])))


def _in_word(text: str, i: int) -> bool:
    return _is_word_char(text[i]) or _joins_word(text, i)


def _is_edge_junk(ch: str) -> bool:
    """Space, punctuation and invisible format characters (LRM/RLM, soft hyphen) at a selection's edge."""
    category = unicodedata.category(ch)
    return ch.isspace() or category[0] in "PZ" or category in ("Cc", "Cf")


def _continues_cluster(ch: str) -> bool:
    """Marks, ZWJ and skin-tone modifiers that must not be cut from the character before them."""
    return unicodedata.category(ch)[0] == "M" or ch == _ZWJ or "\U0001f3fb" <= ch <= "\U0001f3ff"


def snap_selection(text: str, start: int, end: int, *, precise: bool = False) -> tuple[int, int] | None:
    """The range a sloppy mouse selection of ``text[start:end]`` most likely meant, or None if empty.

    Trims surrounding space, quotes, brackets and sentence punctuation, extends a partly selected
    word to the whole word, and drops a trailing possessive ’s/'s ("Syria’s" → "Syria", as spaCy
    tokenises it). A word is a run of letters, digits and combining marks, joined by hyphens and
    apostrophes between them (Al-Assad, O’Brien). An abbreviation keeps its dot ("U.S.", "Mr."), even
    when a double-click picked only its letters. Emoji sequences (ZWJ, skin tones, variation
    selectors) are never cut. ``precise`` keeps the range exactly, refusing only an empty one.
    """
    start, end = min(start, end), max(start, end)
    if start < 0 or end > len(text):
        raise ValueError(f"selection {start}..{end} is outside the text (length {len(text)})")
    if precise:
        return (start, end) if start < end else None
    while start < end and _is_edge_junk(text[start]):
        start += 1
    while start < end and _is_edge_junk(text[end - 1]):
        end -= 1
    if start >= end:
        return None
    if start > 0 and _in_word(text, start) and _in_word(text, start - 1):
        while start > 0 and _in_word(text, start - 1):
            start -= 1
    if end < len(text) and _in_word(text, end - 1) and _in_word(text, end):
        while end < len(text) and _in_word(text, end):
            end += 1
    end = _without_possessive(text, start, end)
    start, end = _with_abbreviation_dot(text, start, end)
    while start > 0 and (_continues_cluster(text[start]) or text[start - 1] == _ZWJ):
        start -= 1
    while end < len(text) and (_continues_cluster(text[end]) or text[end - 1] == _ZWJ):
        end += 1
    return start, end


def _without_possessive(text: str, start: int, end: int) -> int:
    """``end`` moved before a final ’s/'s of a word ("Syria’s"); the clitic is not part of the name."""
    if (end - start > 2 and text[end - 1] in "sS" and text[end - 2] in _APOSTROPHES
            and _is_word_char(text[end - 3]) and (end == len(text) or not _is_word_char(text[end]))):
        return end - 2
    return end


def _with_abbreviation_dot(text: str, start: int, end: int) -> tuple[int, int]:
    """The range grown over the abbreviation it ends in, final dot included ("U.S.", "Mr.", "e.g.")."""
    lo, hi, length = end, end, len(text)
    while lo > 0 and (text[lo - 1].isalpha() or (text[lo - 1] == "." and lo > 1 and text[lo - 2].isalpha())):
        lo -= 1
    while hi < length and (text[hi].isalpha() or (text[hi] == "." and hi + 1 < length and text[hi + 1].isalpha())):
        hi += 1
    if hi == length or text[hi] != "." or hi - lo > 12:
        return start, end
    word = text[lo:hi].lstrip(".")
    if word in ABBREVIATIONS or _INITIALISM.fullmatch(word):
        return min(start, hi - len(word)), hi + 1
    return start, end


# Strong right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko…, their presentation forms and
# astral blocks) and the bidi controls that make text run right to left.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u200f\u202b\u202e\u2067"
                            "\U00010800-\U00010fff\U0001e800-\U0001efff]")


def has_right_to_left(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` may be laid out right to left somewhere (bidi reordering)."""
    return _RIGHT_TO_LEFT.search(text, start, len(text) if end is None else end) is not None


# ---------------------------------------------------------------------------------------------
# Span index, tint runs and underline rows


def span_order(span: SpanLike) -> tuple[int, int, int]:
    """The reading order of spans everywhere: by start, outer before inner, then id."""
    return (span.start, -span.end, span.id)  # outer before inner when both start together


def _innermost_order(span: SpanLike) -> tuple[int, int, int]:
    return (span.end - span.start, -span.start, span.id)


class SpanIndex:
    """Spans by id and by block (paragraph): each lookup costs the spans of one block, not all.

    Block n of the widget is ``text.split("\\n")[n]``: the text is normalised to "\\n" line breaks,
    which ``setPlainText`` turns one-for-one into block separators. A span crossing a line break
    is listed in every block it touches.
    """

    def __init__(self, text: str, spans: Iterable[SpanLike] = ()) -> None:
        self.length = len(text)
        starts = [0]
        i = text.find("\n")
        while i != -1:
            starts.append(i + 1)
            i = text.find("\n", i + 1)
        self.block_starts = starts
        by_id: dict[int, SpanLike] = {}
        by_block: list[list[SpanLike]] = [[] for _ in starts]
        reach = starts[1:] + [self.length + 1]  # a span ending after reach[n] goes on past block n
        count = 0
        # The loop of _insert, inlined: opening an article with 100,000 spans spends its time here.
        for count, span in enumerate(spans, 1):
            start, end = span.start, span.end
            if not 0 <= start < end <= self.length:
                self._check(span)
            by_id[span.id] = span
            n = bisect_right(starts, start) - 1
            if end > reach[n]:
                for m in range(n, bisect_right(starts, end - 1)):
                    by_block[m].append(span)
            else:
                by_block[n].append(span)
        if len(by_id) != count:
            raise ValueError(f"{count - len(by_id)} span id(s) given twice")
        self._by_id = by_id
        self._by_block = by_block
        self._unsorted = {n for n, block in enumerate(by_block) if block}  # sorted lazily, when shown
        self._bidi: dict[int, bool] = {}  # per block: may it run right to left (right_to_left)

    def _check(self, span: SpanLike) -> None:
        if not 0 <= span.start < span.end <= self.length:
            raise ValueError(f"span {span.id} {span.start}..{span.end} is outside the text (length {self.length})")

    def _blocks_of(self, start: int, end: int) -> range:
        starts = self.block_starts
        first = bisect_right(starts, start) - 1
        if first + 1 < len(starts) and end > starts[first + 1]:
            return range(first, bisect_right(starts, end - 1))
        return range(first, first + 1)

    def _insert(self, span: SpanLike) -> range:
        self._check(span)
        if span.id in self._by_id:
            raise ValueError(f"span {span.id} is already shown")
        self._by_id[span.id] = span
        blocks = self._blocks_of(span.start, span.end)
        for n in blocks:
            self._by_block[n].append(span)
            self._unsorted.add(n)
        return blocks

    def add(self, span: SpanLike) -> range:
        """Index ``span``; return the blocks it touches."""
        return self._insert(span)

    def remove(self, span_id: int) -> range:
        """Drop the span with ``span_id`` (KeyError if absent); return the blocks it touched."""
        span = self._by_id.pop(span_id)
        blocks = self._blocks_of(span.start, span.end)
        for n in blocks:
            self._by_block[n] = [s for s in self._by_block[n] if s.id != span_id]
        return blocks

    def replace(self, span: SpanLike) -> list[int]:
        """Swap in a new version of a span with the same id; return the blocks of both versions."""
        self._check(span)
        old = self.remove(span.id)
        new = self._insert(span)
        return sorted(set(old) | set(new))

    def get(self, span_id: int) -> SpanLike | None:
        return self._by_id.get(span_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def block_range(self, n: int) -> tuple[int, int]:
        """Code points of block n, without its line break."""
        starts = self.block_starts
        return starts[n], (starts[n + 1] - 1 if n + 1 < len(starts) else self.length)

    def right_to_left(self, n: int, text: str) -> bool:
        """Whether block ``n`` of ``text`` (the text indexed) may run right to left: scanned once, as
        a 1 MB paragraph takes ~15 ms and its chips and bars ask on every layout and screenful."""
        if n not in self._bidi:
            self._bidi[n] = has_right_to_left(text, *self.block_range(n))
        return self._bidi[n]

    def block_of(self, cp: int) -> int:
        return bisect_right(self.block_starts, cp) - 1

    def block_spans(self, n: int) -> list[SpanLike]:
        """Spans touching block n, sorted by start, outer before inner."""
        spans = self._by_block[n]
        if n in self._unsorted:
            spans.sort(key=span_order)
            self._unsorted.discard(n)
        return spans

    def spans_at(self, cp: int) -> list[SpanLike]:
        """Spans covering code point ``cp``, innermost (shortest) first."""
        if not 0 <= cp < self.length:
            return []
        found = [s for s in self.block_spans(self.block_of(cp)) if s.start <= cp < s.end]
        return sorted(found, key=_innermost_order)


def tint_segments(spans: list[SpanLike], lo: int, hi: int) -> Iterator[tuple[int, int, SpanLike, int]]:
    """(start, end, innermost span, depth) for each run of ``[lo, hi)`` covered by the same spans.

    ``spans`` must be sorted by start (``SpanIndex.block_spans``); a sweep keeps the few spans open
    at each boundary, so a block costs O(spans · depth) rather than O(spans²).
    """
    bounds = sorted({p for s in spans for p in (s.start, s.end) if lo < p < hi} | {lo, hi})
    open_spans: list[SpanLike] = []
    i, count = 0, len(spans)
    for a, b in zip(bounds, bounds[1:]):
        while i < count and spans[i].start <= a:
            open_spans.append(spans[i])
            i += 1
        open_spans = [s for s in open_spans if s.end > a]
        if len(open_spans) == 1:  # the common case, without the min()
            yield a, b, open_spans[0], 1
        elif open_spans:
            yield a, b, min(open_spans, key=_innermost_order), len(open_spans)


def stack_rows(spans: list[SpanLike]) -> list[tuple[SpanLike, int]]:
    """Give each span (sorted by start) the lowest underline row free of overlapping spans.

    Nested spans get one row per level (outer 0, inner 1…); disjoint spans share row 0.
    """
    row_ends: list[int] = []
    rows: list[tuple[SpanLike, int]] = []
    for span in spans:
        for row, row_end in enumerate(row_ends):
            if row_end <= span.start:
                row_ends[row] = span.end
                break
        else:
            row = len(row_ends)
            row_ends.append(span.end)
        rows.append((span, row))
    return rows


class BarRows:
    """A block's spans with their underline rows (``stack_rows``), looked up by the stretch a screen
    shows: a one-paragraph article holds 8,000 of them, and every scroll asked each one."""

    def __init__(self, spans: list[SpanLike]) -> None:
        self.rows = stack_rows(spans)
        self.starts = [span.start for span, _ in self.rows]
        self.longest = max((span.end - span.start for span, _ in self.rows), default=0)

    def reaching(self, lo: int, hi: int, *, max_row: int) -> list[tuple[SpanLike, int]]:
        """The spans (and rows below ``max_row``) that overlap code points ``lo..hi``."""
        first = bisect_left(self.starts, lo - self.longest)
        return [(span, row) for span, row in self.rows[first:bisect_left(self.starts, hi, lo=first)]
                if row < max_row and span.end > lo]


class ChipPlace(Protocol):
    """A label chip to place (``gui.span_labels``): its visual line, x extent, and its span's extent."""

    @property
    def line(self) -> int: ...
    @property
    def left(self) -> float: ...
    @property
    def right(self) -> float: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def chip_rows(chips: list[ChipPlace], *, gap: float = 2.0, max_rows: int | None = None) -> list[int]:
    """The row of each chip above its line (0 = nearest the text), as brat stacks its label boxes.

    A chip sits above every chip of a span inside its own (nested, or stacked on the same words
    and placed earlier), so the outer label reads above the inner ones; otherwise it takes the
    lowest row where it overlaps no other chip of its line by x (``gap`` apart). Innermost spans
    are placed first. A chip that would need ``max_rows`` or more is given that row and not
    placed further (the caller leaves it out).

    Sorted lists per line and per row keep this near n log n: a long paragraph laid out before
    its width is known is one line with every chip on it (thousands, in a 1 MB article). Most
    lines need none of it: their chips are apart and their spans do not overlap, so each takes
    row 0 in any order; only the other lines are stacked.
    """
    rows = [0] * len(chips)
    lines: dict[int, list[int]] = {}
    for i, chip in enumerate(chips):
        lines.setdefault(chip.line, []).append(i)
    crowded = sorted(i for members in lines.values() if len(members) > 1 and _crowded(chips, members, gap)
                     for i in members)
    if crowded:
        for i, row in zip(crowded, _stacked_rows([chips[i] for i in crowded], gap=gap, max_rows=max_rows)):
            rows[i] = row
    return rows


def _crowded(chips: list[ChipPlace], members: list[int], gap: float) -> bool:
    """Whether chips of one line come within ``gap`` of one another or belong to overlapping spans."""
    by_x = sorted((chips[i].left, chips[i].right) for i in members)
    if any(left < before + gap for (_, before), (left, _) in zip(by_x, by_x[1:])):
        return True
    by_text = sorted((chips[i].start, chips[i].end) for i in members)
    reach = by_text[0][1]
    for start, end in by_text[1:]:
        if start < reach:
            return True
        reach = max(reach, end)
    return False


def _stacked_rows(chips: list[ChipPlace], *, gap: float, max_rows: int | None) -> list[int]:
    """:func:`chip_rows` for lines whose chips meet: innermost first, each in its lowest free row."""
    order = sorted(range(len(chips)), key=lambda i: (chips[i].end - chips[i].start, chips[i].left, i))
    rows = [0] * len(chips)
    by_start: dict[int, list[tuple[int, int, int]]] = {}  # line -> (start, end, row), sorted
    lefts: dict[tuple[int, int], list[float]] = {}  # (line, row) -> chip lefts, sorted; chips of a
    rights: dict[tuple[int, int], list[float]] = {}  # row never overlap, so their rights sort alike
    for i in order:
        chip = chips[i]
        left, right, start, end, line = chip.left, chip.right, chip.start, chip.end, chip.line
        inside = by_start.setdefault(line, [])
        row = 0
        for k in range(bisect_left(inside, (start,)), len(inside)):
            s, e, r = inside[k]
            if s > end:
                break
            if e <= end and r >= row:
                row = r + 1
        while max_rows is None or row < max_rows:
            row_lefts = lefts.setdefault((line, row), [])
            k = bisect_left(row_lefts, right + gap)  # chips starting left of this one's right edge
            if k and left < rights[(line, row)][k - 1] + gap:  # the rightmost of them reaches it
                row += 1
                continue
            row_lefts.insert(k, left)
            rights.setdefault((line, row), []).insert(k, right)
            break
        rows[i] = row
        insort(inside, (start, end, row))
    return rows
