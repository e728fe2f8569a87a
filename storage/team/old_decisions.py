"""Curation decisions stored before places were overlap groups, read as their places' own (issue 10).

Curation once split a group of overlapping spans where an annotator had nested or stacked spans
into pairwise-matched units (``matching.units``, overlap mode, label-blind), and did so for every
group of frames (over trigger positions); each unit's decision was keyed by that unit's extent.
Places are whole groups now (``matching.overlap_components``), keyed by the group's extent, so such
a decision keys no place, and read as it is, the place it lies in would say "to decide" again
although the curator decided every part of it.

:func:`place_decisions` maps them on read, writing nothing (an open with nothing to merge takes no
write lock): a place whose old units (the same ``matching.units`` over its versions) all have a
decision takes it, the one decision when they agree, :data:`PARTS` when the curator took different
versions for different parts (resolved: gold as the curator left it). A place with an old unit
still undecided stays to decide. A later decision at such a place is keyed by the place, as every
new one; the old rows stay (a native export carries them, and undoing that decision reads them
again).
"""
from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter
from typing import Any, Callable, Mapping, Sequence

from storage.team.matching import units

PARTS = "parts"  # decided part by part, differently, before places were groups: resolved as it stands
_SPAN_POSITION = itemgetter(0, 1)  # (start, end) of a SpanAnn
_FIRST, _SECOND = itemgetter(0), itemgetter(1)

Place = tuple[int, int, Mapping[str, Sequence[Any]]]  # start, end, each annotator's versions there


def place_decisions(places: Sequence[Place], decisions: dict[tuple[int, int], str], *,
                    where: Callable[[Any], tuple[int, int]] = _SPAN_POSITION) -> dict[tuple[int, int], str]:
    """``decisions`` (by extent) with a decision for each place whose decision was stored under its
    old units' extents (module docstring). ``where``: a version's (start, end), a frame's its
    trigger's. Returns ``decisions`` itself, after one count, when every decision keys a place."""
    if not decisions:
        return decisions
    # Counted in C: a big article's 10,000 places are read on every open, and usually every
    # decision keys one of them; only when one does not are the others looked for.
    keys = zip(map(_FIRST, places), map(_SECOND, places))
    if sum(map(decisions.__contains__, keys)) == len(decisions):
        return decisions
    orphans = sorted(decisions.keys() - set(zip(map(_FIRST, places), map(_SECOND, places))))
    starts = [start for start, _end in orphans]
    mapped = dict(decisions)
    for start, end, versions in places:
        first = bisect_left(starts, start)
        if (start, end) in decisions or first == len(starts) or starts[first] >= end:
            continue
        decision = _from_old_units(versions, decisions, where)
        if decision is not None:
            mapped[(start, end)] = decision
    return mapped


def _from_old_units(versions: Mapping[str, Sequence[Any]], decisions: dict[tuple[int, int], str],
                    where: Callable[[Any], tuple[int, int]]) -> str | None:
    """The decision of a place whose old units were all decided, else None."""
    layers = {name: sorted(found, key=where) for name, found in versions.items() if found}
    taken = set()
    for unit in units(layers, list(layers), mode="overlap", where=where):
        positions = [where(x) for members in unit.values() for x in members]
        key = (min(p[0] for p in positions), max(p[1] for p in positions))
        if key not in decisions:
            return None
        taken.add(decisions[key])
    return taken.pop() if len(taken) == 1 else PARTS
