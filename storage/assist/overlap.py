"""Does a range overlap any of a set of spans? In O(log n), for the many suggestions or occurrences
of a long article checked against its many spans (a scan per check would be quadratic)."""
from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from typing import Iterable


class Taken:
    """Spans as (start, end); ``overlaps(start, end)`` is True if any shares a code point with it."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        # _reach[i]: the furthest end among the first i spans (by start).
        self._reach = [-1, *accumulate((e for _, e in ordered), max)]

    def overlaps(self, start: int, end: int) -> bool:
        # Only spans starting before ``end`` can overlap; one does iff the furthest of their ends passes ``start``.
        return self._reach[bisect_left(self._starts, end)] > start
