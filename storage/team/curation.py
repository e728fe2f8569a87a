"""Adjudication: the annotators' layers of one article, their disagreements, and the gold layer.

A *unit* is a group of overlapping spans from the annotator layers (``matching.units``,
label-blind, so a boundary or label dispute is one unit). Where every annotator has the very
same span, the unit is *agreed* and goes to gold by itself on first open; the rest are
*disagreements*, each resolved by taking one annotator's version into gold or rejecting it.
Decisions are rows of ``curation_decisions`` keyed by the unit's extent, so a resolved unit
stays resolved. Every action is one transaction and returns what it changed, so the window's
undo puts it back exactly (:func:`undo`).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Sequence

from storage.project import Project, now
from storage.model import RemovedSpan
from storage.team.gold import GoldSpan, gold_spans_in, insert_gold_span, set_span_provenance
from storage.team.matching import SpanAnn, units
from storage.team.packets import GOLD

AGREED = "agreed"
REJECTED = "rejected"
TOOK = "took:"
THRESHOLD_KEY = "curation.agree_threshold"  # share of annotators that must agree (default all)


@dataclass(frozen=True)
class Unit:
    """One place to decide: each annotator's spans there, and gold's."""

    start: int
    end: int
    versions: dict[str, tuple[SpanAnn, ...]]  # annotator -> their spans in the unit (none: absent)
    gold: tuple[SpanAnn, ...]
    decision: str | None

    @property
    def agreed(self) -> bool:
        first = next(iter(self.versions.values()), ())
        return all(v == first for v in self.versions.values())

    @property
    def resolved(self) -> bool:
        return self.decision is not None


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


def annotator_layers(project: Project, article_id: int) -> list[str]:
    """The article's annotator layers (not gold), sorted."""
    return [name for (name,) in project.db.execute(
        "SELECT DISTINCT annotator FROM spans WHERE article_id = ? AND annotator IS NOT NULL "
        "AND annotator != ? ORDER BY 1", [article_id, GOLD])]


def read_units(project: Project, article_id: int, *, annotators: Sequence[str] | None = None) -> list[Unit]:
    """Every unit of the article, in text order (see the module docstring)."""
    names = list(annotators) if annotators is not None else annotator_layers(project, article_id)
    layers: dict[str, list[SpanAnn]] = {name: [] for name in names}
    gold: list[SpanAnn] = []
    for start, end, label, layer in project.db.execute(
            'SELECT start, "end", label, annotator FROM spans WHERE article_id = ? ORDER BY start, "end", label',
            [article_id]):
        if layer == GOLD:
            gold.append(SpanAnn(start, end, label))
        elif layer in layers:
            layers[layer].append(SpanAnn(start, end, label))
    decisions = {(s, e): d for s, e, d in project.db.execute(
        'SELECT start, "end", decision FROM curation_decisions WHERE article_id = ?', [article_id])}
    found = []
    gold.sort()
    gold_starts = [s.start for s in gold]
    longest = max((s.end - s.start for s in gold), default=0)
    for unit in units(layers, names, mode="overlap"):
        spans = [s for members in unit.values() for s in members]
        start, end = min(s.start for s in spans), max(s.end for s in spans)
        first = bisect_left(gold_starts, start - longest)
        last = bisect_left(gold_starts, end, lo=first)
        found.append(Unit(start, end, {name: tuple(unit.get(name, ())) for name in names},
                          tuple(s for s in gold[first:last] if s.end > start),
                          decisions.get((start, end))))
    return found


def auto_merge(project: Project, article_id: int, *, threshold: float | None = None) -> int:
    """Put into gold what enough annotators agree on, once per unit; returns spans added.

    ``threshold`` (default: the project's ``curation.agree_threshold`` setting, else 1.0) is the
    share of the article's annotators that must have the very same span.
    """
    if threshold is None:
        threshold = float(project.setting(THRESHOLD_KEY) or 1.0)
    names = annotator_layers(project, article_id)
    if len(names) < 2:
        return 0
    gold_rows: list[tuple] = []
    decided: list[tuple] = []
    stamp = now()
    with project.transaction():
        for unit in read_units(project, article_id, annotators=names):
            if unit.resolved or unit.gold:
                continue
            counts: dict[tuple[SpanAnn, ...], int] = {}
            for version in unit.versions.values():
                if version:
                    counts[version] = counts.get(version, 0) + 1
            best = max(counts.items(), key=lambda kv: kv[1], default=None)
            if best is None or best[1] < threshold * len(names) - 1e-9:
                continue
            gold_rows += [(article_id, span.start, span.end, span.label, GOLD, stamp, AGREED) for span in best[0]]
            decided.append((article_id, unit.start, unit.end, AGREED, stamp))
        # One executemany each instead of a statement per span: ~8,000 agreed spans on a big article.
        project.db.conn.executemany(
            'INSERT INTO spans (article_id, start, "end", label, annotator, created, taken_from) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)", gold_rows)
        project.db.conn.executemany(
            'INSERT OR REPLACE INTO curation_decisions (article_id, start, "end", decision, created) '
            "VALUES (?, ?, ?, ?, ?)", decided)
    return len(gold_rows)


def take(project: Project, article_id: int, unit: Unit, annotator: str) -> Change:
    """Gold gets ``annotator``'s version of the unit (nothing, if they tagged nothing there)."""
    return _resolve(project, article_id, unit, list(unit.versions.get(annotator, ())), f"{TOOK}{annotator}",
                    taken_from=annotator)


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
