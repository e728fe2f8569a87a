"""Which annotations of different annotators are "the same one": exact and overlap matching.

Exact: same start and end. Overlap: the ranges share at least one code point; each span is
matched at most once (one-to-one), the pairs with the same label first, then the larger
overlap, then the earlier position, so the result does not depend on insertion order.
For coding measures (κ, α) the matching ignores labels, since the label is what is being
compared; for P/R/F1 it requires them, since a match is an agreement.
"""
from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

Offsets = tuple[int, int]
MODES = ("exact", "overlap")


class SpanAnn(NamedTuple):
    """A span as agreement sees it (a tuple: 10,000 articles make a million of them)."""

    start: int
    end: int
    label: str


class FrameAnn(NamedTuple):
    """One event frame as agreement sees it: positions instead of ids, so layers compare."""

    trigger: Offsets
    type: str | None
    roles: Mapping[str, frozenset[Offsets]]
    attributes: Mapping[str, Any]


_POSITION = itemgetter(0, 1)  # (start, end) of a SpanAnn, in C
_LABEL = itemgetter(2)


def match(a: Sequence[Any], b: Sequence[Any], *, mode: str, same_label: bool,
          where: Any = _POSITION, label: Any = _LABEL) -> list[tuple[int, int]]:
    """One-to-one matches ``(index in a, index in b)`` between two lists of positioned things."""
    if mode == "exact":
        return _match_exact(a, b, same_label=same_label, where=where, label=label)
    if mode != "overlap":
        raise ValueError(f"match mode {mode!r} must be one of {MODES}")
    # Positions and labels are taken once per item, not once per comparison: this runs for
    # every article and pair, 40,000 times over a 10,000-article corpus.
    where_b = list(map(where, b))
    label_b = list(map(label, b))
    order_b = sorted(range(len(b)), key=where_b.__getitem__)
    starts_b = [where_b[k][0] for k in order_b]
    longest_b = max((e - s for s, e in where_b), default=0)
    count_b = len(order_b)
    candidates = []
    for i, x in enumerate(a):
        s, e = where(x)
        label_x = label(x)
        k = bisect_left(starts_b, s - longest_b + 1)
        while k < count_b and starts_b[k] < e:
            j = order_b[k]
            bs, be = where_b[j]
            overlap = min(e, be) - max(s, bs)
            if overlap > 0:
                agree = label_x == label_b[j]
                if agree or not same_label:
                    candidates.append((not agree, -overlap, s, bs, i, j))
            k += 1
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    result = []
    for *_, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            result.append((i, j))
    return sorted(result)


def _match_exact(a: Sequence[Any], b: Sequence[Any], *, same_label: bool, where: Any,
                 label: Any) -> list[tuple[int, int]]:
    by_key: dict[Any, list[int]] = {}
    for j, y in enumerate(b):
        by_key.setdefault(where(y), []).append(j)
    result = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    # Same-label pairs first, so ACTOR/ACTOR is not spent on an ACTOR/LOCATION stack.
    for agree_pass in ((True,) if same_label else (True, False)):
        for i, x in enumerate(a):
            if i in used_a:
                continue
            for j in by_key.get(where(x), ()):
                if j not in used_b and (label(x) == label(b[j])) == agree_pass:
                    used_a.add(i)
                    used_b.add(j)
                    result.append((i, j))
                    break
    return sorted(result)


class UnionFind:
    """Groups matched annotations of many annotators into units (connected components)."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, x: Any, y: Any) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def units(layers: Mapping[str, Sequence[Any]], annotators: Sequence[str], *, mode: str,
          where: Any = _POSITION) -> list[dict[str, list[Any]]]:
    """Group the annotations of one article into units, matching every pair label-blind.

    Returns one dict per unit: annotator → the annotations of theirs in it (usually one;
    two when an annotator stacked labels at one position).
    """
    present = [name for name in annotators if name in layers]
    if mode == "exact":  # same position, same unit: a dictionary does it
        by_position: dict[Any, dict[str, list[Any]]] = {}
        for name in present:
            for x in layers[name]:
                by_position.setdefault(where(x), {}).setdefault(name, []).append(x)
        return [by_position[key] for key in sorted(by_position)]
    if len(present) == 2:  # one pair: its one-to-one matches are the units
        first, second = present
        a, b = layers[first], layers[second]
        matched = match(a, b, mode=mode, same_label=False, where=where, label=lambda x: None)
        paired_a, paired_b = {i for i, _ in matched}, {j for _, j in matched}
        pairs = [(min(where(a[i]), where(b[j])), {first: [a[i]], second: [b[j]]}) for i, j in matched]
        pairs += [(where(x), {first: [x]}) for i, x in enumerate(a) if i not in paired_a]
        pairs += [(where(x), {second: [x]}) for j, x in enumerate(b) if j not in paired_b]
        pairs.sort(key=lambda p: p[0])
        return [unit for _, unit in pairs]
    groups = UnionFind()
    for name in present:
        for k in range(len(layers[name])):
            groups.find((name, k))
    for n, first in enumerate(present):
        for second in present[n + 1:]:
            for i, j in match(layers[first], layers[second], mode=mode, same_label=False,
                              where=where, label=lambda x: None):
                groups.union((first, i), (second, j))
    found: dict[Any, dict[str, list[Any]]] = {}
    for name in present:
        for k, x in enumerate(layers[name]):
            found.setdefault(groups.find((name, k)), {}).setdefault(name, []).append(x)
    return sorted(found.values(), key=lambda unit: min(where(x) for xs in unit.values() for x in xs))


def overlap_components(spans: Iterable[tuple[str, Any]], annotators: Sequence[str], *,
                       where: Any = _POSITION) -> Iterator[tuple[list[tuple[str, Any]], bool, int]]:
    """The groups of ``(annotator, span)`` that overlap one another, transitively, in one sweep.

    ``spans`` come sorted by position; spans of other annotators are left out. Yields each
    component's members (in the order given), whether an annotator has two spans in it, and its end.
    Curation's places are these components (``storage.team.curation``): each span in exactly one,
    and no two of them overlap. Agreement's :func:`units` split a component further by pairwise
    one-to-one matching, which is what its figures are documented to count.
    """
    wanted = set(annotators)
    members: list[tuple[str, Any]] = []
    layers_in: set[str] = set()
    reach = 0
    for name, x in spans:
        if name not in wanted:
            continue
        start, end = where(x)
        if members and start >= reach:  # nothing open reaches this span: the component is complete
            yield members, len(layers_in) < len(members), reach
            members, layers_in = [], set()
        if not members or end > reach:
            reach = end
        members.append((name, x))
        layers_in.add(name)
    if members:
        yield members, len(layers_in) < len(members), reach
