"""One article's suggestions in text order, kept column by column, and their wire format.

A dense dictionary on a long article suggests ~80,000 places. As a list of ``Suggestion`` tuples
that is ~80 ms just to build (measured here), which the window would pay in one event-loop turn
when the separate process (``storage.assist.match_process``) hands its result over. Kept as
arrays instead (start, end, label, recommender, score), the result is read straight from the
process's bytes (a copy per column) and a ``Suggestion`` is made only for what is looked at: the
suggestions on screen, the one at the cursor.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from itertools import repeat
from operator import sub
from typing import Any, Iterable, Iterator, Sequence, overload

from storage.assist.suggestions import Suggestion

# (column, array typecode): the bytes on the wire are these arrays' own, one after another. Both
# ends run on the same machine with the same Python, so the item sizes agree.
_COLUMNS = (("starts", "i"), ("ends", "i"), ("label_ids", "H"), ("recommender_ids", "B"), ("scores", "d"))


class SuggestionTable(Sequence[Suggestion]):
    """A sequence of ``Suggestion`` in text order (start, longest first, label), stored as columns.

    ``starts`` is public for bisection; ``longest`` is an upper bound of any suggestion's length,
    so the suggestions overlapping ``a..b`` start in ``starts[bisect(a - longest):bisect(b)]``.
    """

    def __init__(self, article_id: int = 0, labels: Sequence[str] = (), recommenders: Sequence[str] = (),
                 columns: dict[str, array] | None = None, longest: int | None = None) -> None:
        self.article_id = article_id
        self.labels, self.recommenders = tuple(labels), tuple(recommenders)
        columns = columns or {}
        self.starts: array = columns.get("starts", array("i"))
        self.ends: array = columns.get("ends", array("i"))
        self.label_ids: array = columns.get("label_ids", array("H"))
        self.recommender_ids: array = columns.get("recommender_ids", array("B"))
        self.scores: array = columns.get("scores", array("d"))
        self.longest = longest if longest is not None else max(map(sub, self.ends, self.starts), default=0)

    @classmethod
    def of(cls, suggestions: Iterable[Suggestion], *, article_id: int | None = None) -> "SuggestionTable":
        """The table of ``suggestions``: one article's (``article_id``, default the first one's),
        already in text order (``keep_new``'s)."""
        if isinstance(suggestions, SuggestionTable):
            return suggestions
        rows = list(suggestions)
        labels = {label: n for n, label in enumerate(dict.fromkeys(s.label for s in rows))}
        recommenders = {name: n for n, name in enumerate(dict.fromkeys(s.recommender for s in rows))}
        columns = {"starts": array("i", [s.start for s in rows]), "ends": array("i", [s.end for s in rows]),
                   "label_ids": array("H", [labels[s.label] for s in rows]),
                   "recommender_ids": array("B", [recommenders[s.recommender] for s in rows]),
                   "scores": array("d", [s.score for s in rows])}
        if article_id is None:
            article_id = rows[0].article_id if rows else 0
        return cls(article_id, labels, recommenders, columns)

    # -- the wire format -------------------------------------------------------------------------

    def header(self) -> dict[str, Any]:
        """What ``from_bytes`` needs beside the bytes (sent as one JSON line before them)."""
        return {"article": self.article_id, "labels": list(self.labels), "recommenders": list(self.recommenders),
                "count": len(self), "longest": self.longest, "bytes": len(self) * _ROW_BYTES}

    def to_bytes(self) -> bytes:
        return b"".join(getattr(self, name).tobytes() for name, _ in _COLUMNS)

    @classmethod
    def from_bytes(cls, header: dict[str, Any], data: bytes) -> "SuggestionTable":
        """The table ``header`` and ``data`` (``to_bytes``) describe; ValueError if they disagree."""
        count = int(header["count"])
        if len(data) != count * _ROW_BYTES:
            raise ValueError(f"expected {count * _ROW_BYTES} bytes of suggestions, got {len(data)}")
        view, offset, columns = memoryview(data), 0, {}
        for name, code in _COLUMNS:
            size = count * array(code).itemsize
            columns[name] = column = array(code)
            column.frombytes(view[offset:offset + size])  # array(code, view) would read it item by item
            offset += size
        return cls(int(header["article"]), header["labels"], header["recommenders"], columns, int(header["longest"]))

    # -- the sequence ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.starts)

    def _row(self, i: int) -> Suggestion:
        return Suggestion(self.article_id, self.starts[i], self.ends[i], self.labels[self.label_ids[i]],
                          self.recommenders[self.recommender_ids[i]], self.scores[i])

    @overload
    def __getitem__(self, index: int) -> Suggestion: ...
    @overload
    def __getitem__(self, index: slice) -> list[Suggestion]: ...

    def __getitem__(self, index: int | slice) -> Suggestion | list[Suggestion]:
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("suggestion index out of range")
        return self._row(index)

    def __iter__(self) -> Iterator[Suggestion]:
        labels, recommenders = self.labels, self.recommenders
        return map(Suggestion, repeat(self.article_id), self.starts, self.ends,
                   (labels[i] for i in self.label_ids), (recommenders[i] for i in self.recommender_ids), self.scores)

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        """Where ``value`` is, found by bisection on its start (ValueError if it is not here)."""
        if isinstance(value, Suggestion):
            stop = len(self) if stop is None else stop
            i = max(start, bisect_left(self.starts, value.start))
            while i < stop and self.starts[i] == value.start:
                if self._row(i) == value:
                    return i
                i += 1
        raise ValueError(f"{value!r} is not among the suggestions")

    def __contains__(self, value: object) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (SuggestionTable, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"SuggestionTable(article {self.article_id}, {len(self)} suggestions)"

    def keep(self, lo: int, hi: int, kept: Sequence[int]) -> None:
        """Keep only the rows ``kept`` (ascending, each in ``lo..hi``) of ``lo..hi``: one move per
        column whatever the number dropped, so accepting a screenful stays cheap."""
        for name, code in _COLUMNS:
            column = getattr(self, name)
            column[lo:hi] = array(code, [column[i] for i in kept])


_ROW_BYTES = sum(array(code).itemsize for _, code in _COLUMNS)
