"""gui.spans without Qt: the block index, tint runs and underline rows agree with brute force."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gui.spans import SpanIndex, chip_rows, has_right_to_left, stack_rows, tint_segments

TEXT = "one two\nthree four five\n\nsix"


@dataclass(frozen=True)
class S:
    id: int
    start: int
    end: int
    label: str = "ACTOR"


def spans_of(text: str) -> st.SearchStrategy[list[S]]:
    pairs = st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))).filter(lambda p: p[0] < p[1])
    return st.lists(pairs, max_size=12).map(lambda ps: [S(i, a, b) for i, (a, b) in enumerate(ps)])


def test_index_lists_a_span_in_every_block_it_touches() -> None:
    crossing = S(1, TEXT.index("two"), TEXT.index("four"))
    index = SpanIndex(TEXT, [crossing, S(2, 0, 3)])
    assert index.block_starts == [0, 8, 24, 25]
    assert [s.id for s in index.block_spans(0)] == [2, 1]
    assert [s.id for s in index.block_spans(1)] == [1]
    assert index.block_spans(2) == index.block_spans(3) == []
    assert index.block_range(1) == (8, 23) and index.block_range(3) == (25, 28)
    assert index.remove(1) == range(0, 2)
    assert index.block_spans(1) == [] and len(index) == 1


def test_index_refuses_bad_spans() -> None:
    with pytest.raises(ValueError, match="outside the text"):
        SpanIndex(TEXT, [S(1, 0, len(TEXT) + 1)])
    with pytest.raises(ValueError, match="given twice"):
        SpanIndex(TEXT, [S(1, 0, 3), S(1, 4, 7)])
    index = SpanIndex(TEXT, [S(1, 0, 3)])
    with pytest.raises(ValueError, match="already shown"):
        index.add(S(1, 4, 7))
    with pytest.raises(ValueError):
        index.replace(S(1, 4, 99))
    assert index.get(1) == S(1, 0, 3)  # a refused replacement leaves the old span


@given(spans_of(TEXT))
def test_spans_at_matches_brute_force(spans: list[S]) -> None:
    index = SpanIndex(TEXT, spans)
    for cp in range(len(TEXT)):
        expected = sorted((s for s in spans if s.start <= cp < s.end), key=lambda s: (s.end - s.start, -s.start, s.id))
        assert index.spans_at(cp) == expected


@given(spans_of(TEXT))
def test_tint_segments_match_brute_force(spans: list[S]) -> None:
    index = SpanIndex(TEXT, spans)
    for n in range(len(index.block_starts)):
        lo, hi = index.block_range(n)
        painted: dict[int, tuple[int, int]] = {}
        for a, b, inner, depth in tint_segments(index.block_spans(n), lo, hi):
            assert lo <= a < b <= hi
            painted.update((cp, (inner.id, depth)) for cp in range(a, b))
        for cp in range(lo, hi):
            covering = index.spans_at(cp)
            assert painted.get(cp) == ((covering[0].id, len(covering)) if covering else None)


@given(spans_of(TEXT))
def test_stack_rows_never_overlap_within_a_row(spans: list[S]) -> None:
    rows = stack_rows(sorted(spans, key=lambda s: (s.start, -s.end, s.id)))
    for (a, row_a) in rows:
        for (b, row_b) in rows:
            if a is not b and row_a == row_b:
                assert a.end <= b.start or b.end <= a.start
    nested = stack_rows([S(1, 0, 10), S(2, 2, 5), S(3, 6, 9)])
    assert [row for _, row in nested] == [0, 1, 1]  # siblings inside one span share its inner row


def test_has_right_to_left_finds_arabic_hebrew_and_rlm_in_a_range() -> None:
    text = "Assad met Putin in دمشق, then שלום and a mark \u200f."
    assert has_right_to_left(text)
    assert not has_right_to_left(text, 0, text.index("دمشق"))
    assert has_right_to_left(text, text.index("שלום"), text.index("שלום") + 1)
    assert has_right_to_left("\u200f") and not has_right_to_left("😀 Café 東京")


@dataclass(frozen=True)
class C:
    """A chip to place: its line and x extent, and its span's extent."""

    line: int
    left: float
    right: float
    start: int
    end: int


chips_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 300), st.integers(10, 80), st.integers(0, 40), st.integers(1, 20))
    .map(lambda t: C(t[0], t[1], t[1] + t[2], t[3], t[3] + t[4])), max_size=14)


@given(chips_strategy)
def test_chip_rows_keep_chips_apart_and_outer_labels_above_inner(chips: list[C]) -> None:
    rows = chip_rows(chips)
    for i, a in enumerate(chips):
        for j, b in enumerate(chips):
            if i != j and a.line == b.line and rows[i] == rows[j]:
                assert a.right + 2 <= b.left or b.right + 2 <= a.left  # never over each other
            if a.line == b.line and a.start <= b.start and b.end <= a.end and (a.start, a.end) != (b.start, b.end):
                assert rows[i] > rows[j]  # a span's label sits above the labels of the spans inside it
    stacked = chip_rows([C(0, 10, 50, 5, 9), C(0, 10, 50, 5, 9)])
    assert sorted(stacked) == [0, 1]  # two labels on the same words: one row each


def test_chip_rows_on_one_long_line_stop_at_the_rows_shown() -> None:
    """A 1 MB paragraph laid out before its width is known: thousands of chips on one line. Placement
    must stay near n log n (it was cubic: minutes) and give up at ``max_rows`` (those chips are not drawn)."""
    chips = [C(0, 12.0 * k, 12.0 * k + 40, 10 * k, 10 * k + 5) for k in range(6000)]  # each overlaps the next 3
    rows = chip_rows(chips, max_rows=3)
    assert rows[:8] == [0, 1, 2, 3, 0, 1, 2, 3] and rows.count(3) == 1500  # every fourth finds no room
    assert chip_rows(chips[:8]) == rows[:8]
    piled = [C(0, 0.0, 40.0, 10 * k, 10 * k + 5) for k in range(6000)]  # all at one x: each needs a row of its own
    assert chip_rows(piled, max_rows=3) == [0, 1, 2] + [3] * 5997
    assert chip_rows(piled[:5]) == [0, 1, 2, 3, 4]


def chip_rows_by_scanning(chips: list[C], gap: float = 2.0) -> list[int]:
    """The rule as first written, every placed chip of the line looked at: the reference."""
    order = sorted(range(len(chips)), key=lambda i: (chips[i].end - chips[i].start, chips[i].left, i))
    rows = [0] * len(chips)
    placed: dict[int, list[tuple[float, float, int, int, int]]] = {}
    for i in order:
        chip = chips[i]
        here = placed.setdefault(chip.line, [])
        row = max((r + 1 for _, _, s, e, r in here if chip.start <= s and e <= chip.end), default=0)
        while any(r == row and left < chip.right + gap and chip.left < right + gap for left, right, _, _, r in here):
            row += 1
        rows[i] = row
        here.append((chip.left, chip.right, chip.start, chip.end, row))
    return rows


crowded_line = st.lists(  # one or two lines, chips often touching, overlapping, nested or identical
    st.tuples(st.integers(0, 1), st.integers(0, 40), st.sampled_from([10, 12, 30]), st.integers(0, 25),
              st.integers(1, 12)).map(lambda t: C(t[0], 2.0 * t[1], 2.0 * t[1] + t[2], t[3], t[3] + t[4])),
    max_size=40)


@given(crowded_line)
def test_chip_rows_bisecting_place_every_chip_where_scanning_did(chips: list[C]) -> None:
    rows = chip_rows_by_scanning(chips)
    assert chip_rows(chips) == rows
    for limit in (1, 3):  # the chips that fit under a limit are where they were; the others at it or above
        assert [min(row, limit) for row in chip_rows(chips, max_rows=limit)] == [min(row, limit) for row in rows]


many_lines = st.lists(  # up to eight lines of a few chips each: most apart (row 0 without stacking), some not
    st.tuples(st.integers(0, 7), st.integers(0, 30), st.sampled_from([10, 24, 40]), st.integers(0, 90),
              st.integers(1, 6)).map(lambda t: C(t[0], 12.0 * t[1], 12.0 * t[1] + t[2], t[3], t[3] + t[4])),
    max_size=30)


@given(many_lines)
def test_chip_rows_skip_stacking_only_where_scanning_gives_row_0(chips: list[C]) -> None:
    assert chip_rows(chips) == chip_rows_by_scanning(chips)
    assert [min(row, 2) for row in chip_rows(chips, max_rows=2)] == [min(row, 2) for row in chip_rows_by_scanning(chips)]
