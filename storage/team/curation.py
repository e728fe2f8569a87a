"""Adjudication: the annotators' layers of one article, their disagreements, and the gold layer.

A *unit* (a place to decide) is a group of spans from the annotator layers that overlap one
another, transitively (``matching.overlap_components``, label-blind, so a boundary or label
dispute is one unit). Nested and stacked spans are one place with the spans around them, not
split by pairwise matching as agreement splits them (``matching.units``): places never overlap,
so a decision and gold's spans belong to one place only, and taking a version at one place never
removes what another place's decision put into gold. Where every annotator has the very same
spans, the unit is *agreed* and goes to gold by itself on first open; the rest are
*disagreements*, each resolved by taking one annotator's version into gold or rejecting it.
Decisions are rows of ``curation_decisions`` keyed by the unit's extent, so a resolved unit
stays resolved. Every action is one transaction and returns what it changed, so the window's
undo puts it back exactly (:func:`undo`).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import namedtuple
from dataclasses import dataclass, field
from functools import partial
from operator import and_, eq, itemgetter
from typing import Any, Sequence

from storage.project import Project, now
from storage.model import RemovedSpan
from storage.team.gc_pause import paused_gc
from storage.team.gold import (
    GoldSpan,
    gold_spans_in,
    insert_gold_span,
    insert_gold_spans,
    set_span_provenance,
    unchecked_references,
)
from storage.team.matching import SpanAnn
from storage.team.old_decisions import place_decisions
from storage.team.packets import GOLD

AGREED = "agreed"
REJECTED = "rejected"
TOOK = "took:"
THRESHOLD_KEY = "curation.agree_threshold"  # share of annotators that must agree (default all)
ANONYMOUS_KEY = "curation.anonymous"  # "1": the curation view hides annotator names from its first paint


def names_hidden(project: Project) -> bool:
    """The curator adjudicates blind (H in the curation view, remembered in the project): nothing
    the window shows of an article names its annotators while this holds."""
    return project.setting(ANONYMOUS_KEY) == "1"


def shown_name(layer: str, annotators: Sequence[str], *, hidden: bool) -> str:
    """``layer`` as the curator sees it: "Annotator n" by its place among the article's
    ``annotators`` (``annotator_layers``: the curation view numbers them so) when names are hidden;
    gold, and any other layer, keep their names."""
    if hidden and layer in annotators:
        return f"Annotator {list(annotators).index(layer) + 1}"
    return layer


def blind_text(text: str, annotators: Sequence[str]) -> str:
    """``text`` (a refusal from storage, a report's line, a file name) as a blind curator reads it:
    each of ``annotators``' names, wherever it stands as a whole name ("ana's packet",
    "news.ana.sqlite", not "banana"), becomes its ``shown_name``. One rule for every message, so a
    refusal worded anywhere in storage needs no blind version of its own."""
    names = sorted({name for name in annotators if name}, key=len, reverse=True)  # "ana-b" before "ana"
    if not names or not text:
        return text
    whole = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    return whole.sub(lambda found: shown_name(found.group(1), annotators, hidden=True), text)


class Place:
    """What every place to decide has, span or frame: each annotator's versions and a decision."""

    __slots__ = ()  # adds nothing to a subclass's instances (Unit is a tuple)
    versions: dict[str, tuple[Any, ...]]
    decision: str | None

    @property
    def agreed(self) -> bool:
        first = next(iter(self.versions.values()), ())
        return all(v == first for v in self.versions.values())

    @property
    def resolved(self) -> bool:
        return self.decision is not None


class Unit(namedtuple("Unit", "start end versions gold decision"), Place):
    """One place to decide: each annotator's spans there, and gold's.

    A named tuple (immutable, compared by value) rather than a frozen dataclass: a big article
    has 10,000 of them, all made on every open, and a dataclass's ``__init__`` cost three times as much.
    """

    __slots__ = ()
    start: int
    end: int
    versions: dict[str, tuple[SpanAnn, ...]]  # annotator -> their spans in the unit (none: absent)
    gold: tuple[SpanAnn, ...]
    decision: str | None


@dataclass
class Change:
    """What one curation action did, for undo: gold spans added and removed, the decision before.

    Undo and redo put back the very ids the action made or removed (``storage.team.gold``), so a
    later command that names one of them (a frame taken onto these spans, a gold edit) still can.
    """

    article_id: int
    start: int
    end: int
    added: list[int] = field(default_factory=list)  # gold span ids the action inserted
    removed: list[RemovedSpan] = field(default_factory=list)  # with the events hanging on them
    decision_before: str | None = None
    decision_after: str | None = None
    adds: list[SpanAnn] = field(default_factory=list)  # what the action puts into gold
    taken_from: str | None = None
    inserted: list[GoldSpan] = field(default_factory=list)  # the adds gold did not already have
    kept: list[tuple[int, str | None]] = field(default_factory=list)  # gold spans already right: id, old provenance

    def extent(self) -> tuple[int, int]:
        """The stretch of text whose places this change touches: its unit, and any gold span it
        removed (one reaching past the unit was gold of the neighbouring places too)."""
        removed = [r.span for r in self.removed]
        return min([self.start, *(s.start for s in removed)]), max([self.end, *(s.end for s in removed)])


def annotator_layers(project: Project, article_id: int) -> list[str]:
    """The article's annotator layers (not gold), sorted."""
    return [name for (name,) in project.db.execute(
        "SELECT DISTINCT annotator FROM spans WHERE article_id = ? AND annotator IS NOT NULL "
        "AND annotator != ? ORDER BY 1", [article_id, GOLD])]


def read_units(project: Project, article_id: int, *, annotators: Sequence[str] | None = None) -> list[Unit]:
    """Every unit of the article, in text order (see the module docstring)."""
    with paused_gc():  # 30,000 spans of a big article are as many small acyclic tuples
        return _read(project, article_id, annotators).units()


def units_now(project: Project, article_id: int, units: Sequence[Unit]) -> list[Unit]:
    """``units`` with their gold and decision as the file has them now, reading only their stretch.

    A decision changes gold and decisions, never the annotators' versions: after one, the curation
    view asks for the few places it touched instead of the article's 30,000 spans again.
    """
    if not units:
        return []
    start, end = min(u.start for u in units), max(u.end for u in units)
    gold = [span for _id, span, _taken_from in gold_spans_in(project, article_id, start, end)]
    stored = {(s, e): d for s, e, d in project.db.execute(
        'SELECT start, "end", decision FROM curation_decisions WHERE article_id = ? AND start >= ? AND start < ?',
        [article_id, start, end])}
    decisions = place_decisions([(u.start, u.end, u.versions) for u in units], stored)
    return [Unit(u.start, u.end, u.versions, tuple(s for s in gold if s.start < u.end and s.end > u.start),
                 decisions.get((u.start, u.end))) for u in units]


@dataclass
class Opening:
    """What opening an article for curation found: its annotator layers, its units after the auto-merge."""

    annotators: list[str]
    units: list[Unit]
    merged: int  # agreed spans the auto-merge put into gold


def open_article(project: Project, article_id: int, *, threshold: float | None = None) -> Opening:
    """:func:`auto_merge`, then :func:`read_units` and :func:`annotator_layers`, reading the spans once.

    The curation view opens with this: a 1 MB article with 3 layers × 10,000 spans is read once,
    not three times, and an open with nothing left to merge takes no write lock.
    """
    with paused_gc():  # 30,000 spans of a big article are as many small acyclic tuples
        merged, found = _merge(project, article_id, threshold)
        return Opening(found.names, found.units(), merged)


def auto_merge(project: Project, article_id: int, *, threshold: float | None = None) -> int:
    """Put into gold what enough annotators agree on, once per unit; returns spans added.

    ``threshold`` (default: the project's ``curation.agree_threshold`` setting, else 1.0) is the
    share of the article's annotators that must have the very same span.
    """
    return _merge(project, article_id, threshold)[0]


@dataclass
class _Read:
    """One read of an article's spans: each place's versions (units before gold), gold, decisions."""

    names: list[str]
    places: list[tuple[int, int, dict[str, tuple[SpanAnn, ...]]]]  # start, end, versions
    gold: list[tuple[SpanAnn, ...]]  # each place's gold spans, beside ``places``
    decisions: dict[tuple[int, int], str]

    def units(self) -> list[Unit]:
        places = self.places  # 10,000 on a big article: each unit's fields gathered in C
        return list(map(_UNIT, zip(map(_START, places), map(_END, places), map(_VERSIONS, places), self.gold,
                                   map(self.decisions.get, map(_EXTENT, places)))))


def _gold_by_place(places: Sequence[tuple[int, int, Any]], gold: Sequence[SpanAnn]) -> list[tuple[SpanAnn, ...]]:
    """Each place's gold spans (those overlapping it), in gold's order, in one sweep over gold.

    Places are in text order and never overlap, so their ends are in order too: a gold span's
    first place is found by bisect from the previous one's, and the usual span lies in one place.
    """
    found: list[tuple[SpanAnn, ...]] = [()] * len(places)
    if not gold:
        return found
    ends = list(map(_END, places))
    count, first = len(places), 0
    for span in gold:
        first = bisect_right(ends, span[0], first)  # the first place ending after the span starts
        k = first
        while k < count and places[k][0] < span[1]:
            found[k] += (span,)
            k += 1
    return found


# One layer's spans in text order, straight from the (article, layer, start, end, label) index:
# no sort and no table row per span. The index holds coalesce(annotator, ''), so the unsigned
# layer (NULL) and a layer named '' share a key there; the second form tells them apart.
_LAYER_SPANS = ('SELECT start, "end", label FROM spans WHERE article_id = ? AND coalesce(annotator, \'\') = ? '
                'ORDER BY start, "end", label')
_EMPTY_NAMED_SPANS = _LAYER_SPANS.replace("ORDER BY", "AND annotator IS NOT NULL ORDER BY")
_SPAN_ANN = partial(tuple.__new__, SpanAnn)  # SpanAnn(*row) without a Python call per span
_UNIT = partial(tuple.__new__, Unit)
_START, _END, _VERSIONS = itemgetter(0), itemgetter(1), itemgetter(2)
_EXTENT = itemgetter(0, 1)


def _layer_spans(project: Project, article_id: int, name: str) -> list[SpanAnn]:
    rows = project.db.execute(_LAYER_SPANS if name else _EMPTY_NAMED_SPANS, [article_id, name]).fetchall()
    return list(map(_SPAN_ANN, rows))


def _layer_keys(project: Project, article_id: int) -> set[str]:
    """The article's layers as the (article, layer, …) index keys them: one seek per layer to the
    next one, where SELECT DISTINCT read every span of the article (38,000 on a big one)."""
    keys: set[str] = set()
    key = project.db.execute(_FIRST_LAYER, [article_id]).fetchone()
    while key is not None:
        keys.add(key[0])
        key = project.db.execute(_NEXT_LAYER, [article_id, key[0]]).fetchone()
    return keys


_FIRST_LAYER = "SELECT coalesce(annotator, '') FROM spans WHERE article_id = ? ORDER BY 1 LIMIT 1"
_NEXT_LAYER = ("SELECT coalesce(annotator, '') FROM spans WHERE article_id = ? AND coalesce(annotator, '') > ? "
               "ORDER BY 1 LIMIT 1")


def _read(project: Project, article_id: int, annotators: Sequence[str] | None) -> _Read:
    if annotators is not None:
        names = list(annotators)
    else:  # as annotator_layers() finds them, from the index alone
        keys = _layer_keys(project, article_id)
        names = sorted(keys - {GOLD, ""}) if "" not in keys else annotator_layers(project, article_id)
    gold = _layer_spans(project, article_id, GOLD)
    stream: list[tuple[int, str, SpanAnn]] = []
    for name in names:
        spans = _layer_spans(project, article_id, name) if name != GOLD else []  # gold is never a version
        stream += zip(map(_START, spans), [name] * len(spans), spans)
    # The layers' runs merged by start alone (sort finds the runs), comparing integers, not spans:
    # the groups only need starts in order, and the sort is stable, so each layer's spans stay in
    # their own order, as its version lists them.
    stream.sort(key=_START)
    nobody: dict[str, tuple[SpanAnn, ...]] = dict.fromkeys(names, ())
    # The overlap groups (matching.overlap_components) swept here without a call or a tuple per
    # span: an annotator's nested or stacked spans in a group all go to their version, in order.
    places: list[tuple[int, int, dict[str, tuple[SpanAnn, ...]]]] = []
    versions, first, reach = None, 0, -1
    for start, name, span in stream:
        if start >= reach:  # nothing open reaches this span: the group so far is a place
            if versions is not None:
                places.append((first, reach, versions))
            versions, first, reach = nobody.copy(), start, span[1]
            versions[name] = (span,)
            continue
        if span[1] > reach:
            reach = span[1]
        versions[name] += (span,)
    if versions is not None:
        places.append((first, reach, versions))
    rows = project.db.execute('SELECT start, "end", decision FROM curation_decisions WHERE article_id = ?',
                              [article_id]).fetchall()
    # (start, end) -> decision, in C; old pairwise units' decisions read as their place's
    decisions = place_decisions(places, dict(zip(map(_EXTENT, rows), map(itemgetter(2), rows))))
    return _Read(names, places, _gold_by_place(places, gold), decisions)


def _agreed(found: _Read, threshold: float) -> list[tuple[int, tuple[SpanAnn, ...]]]:
    """The undecided places without gold where enough annotators have the very same spans: each
    place's index in ``found.places`` and the version that goes to gold."""
    agreed: list[tuple[int, tuple[SpanAnn, ...]]] = []
    count = len(found.names)
    if count < 2:  # one annotator agrees with nobody
        return agreed
    need = threshold * count - 1e-9
    unanimous_only = need > count - 1  # then a place with two different versions never agrees
    decided = found.decisions
    # only the places still open are compared: every later open of the article has none
    still = [k for k, ((start, end, _versions), gold) in enumerate(zip(found.places, found.gold))
             if not gold and (start, end) not in decided]
    open_versions = [found.places[k][2] for k in still]
    for k, versions, same in zip(still, open_versions, _unanimous(open_versions, found.names)):
        if same:  # the usual agreed place
            if count >= need:
                agreed.append((k, versions[found.names[0]]))
            continue
        if unanimous_only:
            continue
        votes = versions.values()
        counts: dict[tuple[SpanAnn, ...], int] = {}
        for version in votes:
            if version:
                counts[version] = counts.get(version, 0) + 1
        best = max(counts.items(), key=lambda kv: kv[1], default=None)
        if best is None or best[1] < need:
            continue
        agreed.append((k, best[0]))
    return agreed


def _unanimous(versions: Sequence[dict[str, tuple[SpanAnn, ...]]], names: Sequence[str]) -> list[bool]:
    """Each of the places' ``versions``: every annotator has the very same spans there, and some.
    Compared in C, a column of versions at a time, where comparing each place's versions in a loop
    took ~1 µs a place."""
    columns = [list(map(itemgetter(name), versions)) for name in names]
    if len(columns) < 2:
        return [False] * len(versions)
    same = list(map(bool, columns[0]))
    for other in columns[1:]:
        same = list(map(and_, same, map(eq, columns[0], other)))
    return same


def _merge(project: Project, article_id: int, threshold: float | None) -> tuple[int, _Read]:
    """The auto-merge; returns the spans added and the article as read, with them and their decisions."""
    if threshold is None:
        threshold = float(project.setting(THRESHOLD_KEY) or 1.0)
    seen = _data_version(project)
    found = _read(project, article_id, None)
    agreed = _agreed(found, threshold)
    if not agreed:  # nothing to write (every later open): no write lock taken
        return 0, found
    stamp = now()
    # references checked by insert_gold_spans: the article (the decisions' one too) and the labels
    with unchecked_references(project), project.transaction():
        if _data_version(project) != seen:  # another process wrote since the read: decide on what is there now
            found = _read(project, article_id, None)
            agreed = _agreed(found, threshold)
        places = found.places
        spans = [span for _k, version in agreed for span in version]
        insert_gold_spans(project, article_id, spans, AGREED, created=stamp)
        # each place's extent as one integer (start << 32 | end: offsets are below SQLite's longest
        # string, 10^9), which json_each gives as a number, not a [start, end] array parsed again per
        # row (~5 ms of 8,000 decisions)
        project.db.execute(
            'INSERT OR REPLACE INTO curation_decisions (article_id, start, "end", decision, created) '
            "SELECT ?1, value >> 32, value & 4294967295, ?2, ?3 FROM json_each(?4)",
            [article_id, AGREED, stamp, json.dumps([places[k][0] << 32 | places[k][1] for k, _version in agreed])])
    # what a fresh read would find now, without reading again: the agreed places had no gold
    for k, version in agreed:
        found.gold[k] = version
        found.decisions[places[k][0], places[k][1]] = AGREED
    return len(spans), found


def _data_version(project: Project) -> int:
    """Changes when another connection commits (SQLite's ``PRAGMA data_version``)."""
    return project.db.execute("PRAGMA data_version").fetchone()[0]


def take(project: Project, article_id: int, unit: Unit, annotator: str) -> Change:
    """Gold gets ``annotator``'s version of the unit (nothing, if they tagged nothing there)."""
    return _resolve(project, article_id, unit, list(unit.versions.get(annotator, ())), f"{TOOK}{annotator}",
                    taken_from=annotator)


def settle_agreed(project: Project, article_id: int, unit: Unit) -> Change:
    """Decide a place every annotator agrees on as the auto-merge would: ``agreed``, gold their version."""
    return _resolve(project, article_id, unit, list(next(iter(unit.versions.values()), ())), AGREED,
                    taken_from=AGREED)


def reject(project: Project, article_id: int, unit: Unit) -> Change:
    """Gold gets nothing at the unit: no annotator's version is right."""
    return _resolve(project, article_id, unit, [], REJECTED, taken_from=None)


def _resolve(project: Project, article_id: int, unit: Unit, spans: list[SpanAnn], decision: str, *,
             taken_from: str | None) -> Change:
    change = Change(article_id, unit.start, unit.end, decision_after=decision, adds=spans, taken_from=taken_from)
    with project.transaction():
        row = project.db.execute('SELECT decision FROM curation_decisions WHERE article_id = ? AND start = ? '
                                 'AND "end" = ?', [article_id, unit.start, unit.end]).fetchone()
        change.decision_before = row[0] if row else None
        wanted = set(spans)
        for span_id, span, origin in gold_spans_in(project, article_id, unit.start, unit.end):
            if span in wanted:  # already right: kept, so a gold frame on it keeps its trigger or argument
                wanted.discard(span)
                change.kept.append((span_id, origin))
                set_span_provenance(project, span_id, taken_from)
            else:
                change.removed.append(project.remove_span(span_id))  # events on it go too, for undo
        for span in spans:
            if span in wanted:
                change.inserted.append(insert_gold_span(project, article_id, span, taken_from))
        change.added = [g.id for g in change.inserted]
        _decide(project, article_id, unit.start, unit.end, decision)
    return change


def undo(project: Project, change: Change) -> None:
    """Put gold and the decision back as they were before ``change``, with the same ids."""
    with project.transaction():
        for span_id in change.added:
            project.db.execute("DELETE FROM spans WHERE id = ?", [span_id])
        for removed in change.removed:
            project.restore_span(removed)
        for span_id, origin in change.kept:
            set_span_provenance(project, span_id, origin)
        _decide(project, change.article_id, change.start, change.end, change.decision_before)


def redo(project: Project, change: Change) -> None:
    """Do ``change`` again after :func:`undo`, with the ids it had the first time."""
    with project.transaction():
        for removed in change.removed:
            project.remove_span(removed.span.id)
        for span_id, _origin in change.kept:
            set_span_provenance(project, span_id, change.taken_from)
        for gold in change.inserted:
            insert_gold_span(project, change.article_id, gold.span, gold.taken_from, span_id=gold.id)
        _decide(project, change.article_id, change.start, change.end, change.decision_after)


def _decide(project: Project, article_id: int, start: int, end: int, decision: str | None) -> None:
    if decision is None:
        project.db.execute('DELETE FROM curation_decisions WHERE article_id = ? AND start = ? AND "end" = ?',
                           [article_id, start, end])
    else:
        project.db.execute('INSERT OR REPLACE INTO curation_decisions (article_id, start, "end", decision, created) '
                           "VALUES (?, ?, ?, ?, ?)", [article_id, start, end, decision, now()])


def mark_curated(project: Project, article_id: int) -> None:
    """The article is adjudicated: its status becomes ``curated``."""
    project.set_status(article_id, "curated")
