"""Writing the gold layer with provenance: the pieces span and frame curation share.

Gold annotations are ordinary spans and events whose layer (``annotator``) is ``gold``;
``taken_from`` says which annotator layer one came from (``agreed`` when every annotator had
it, NULL when the curator made it). Every helper here runs inside the caller's transaction
(they are savepoints of it), and removals return everything needed to put the annotation back
with the **same ids**: a later undo command may name those ids, so an undo/redo must never
renumber what it restores.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from storage import span_attributes
from storage.model import Event, RemovedSpan
from storage.project import Project
from storage.team.matching import SpanAnn
from storage.team.packets import GOLD


@dataclass(frozen=True)
class GoldSpan:
    """A gold span as curation saw it when it made or removed it."""

    id: int
    span: SpanAnn
    taken_from: str | None
    attributes: Mapping[str, Any]


@dataclass(frozen=True)
class RemovedGoldSpan:
    """A removed gold span, the gold events and arguments that went with it, and their provenance."""

    removed: RemovedSpan
    taken_from: str | None
    events_taken_from: Mapping[int, str | None]


@dataclass(frozen=True)
class GoldEvent:
    """A gold event (with its arguments) and where it came from."""

    event: Event
    taken_from: str | None


def gold_spans_in(project: Project, article_id: int, start: int, end: int) -> list[tuple[int, SpanAnn, str | None]]:
    """Gold spans overlapping ``[start, end)``: id, position and label, provenance."""
    return [(row[0], SpanAnn(row[1], row[2], row[3]), row[4]) for row in project.db.execute(
        'SELECT id, start, "end", label, taken_from FROM spans WHERE article_id = ? AND annotator = ? '
        'AND start < ? AND "end" > ? ORDER BY start, "end", label', [article_id, GOLD, end, start])]


def find_gold_span(project: Project, article_id: int, span: SpanAnn) -> int | None:
    row = project.db.execute(
        'SELECT id FROM spans WHERE article_id = ? AND annotator = ? AND start = ? AND "end" = ? AND label = ?',
        [article_id, GOLD, span.start, span.end, span.label]).fetchone()
    return row[0] if row else None


def insert_gold_span(project: Project, article_id: int, span: SpanAnn, taken_from: str | None, *,
                     span_id: int | None = None, attributes: Mapping[str, Any] | None = None) -> GoldSpan:
    """A new gold span through the store's checks (label, bounds, duplicates), with provenance."""
    made = project.add_span(article_id, span.start, span.end, span.label, annotator=GOLD, span_id=span_id,
                            attributes=attributes or None)
    project.db.execute("UPDATE spans SET taken_from = ? WHERE id = ?", [taken_from, made.id])
    return GoldSpan(made.id, span, taken_from, dict(attributes or {}))


def span_attributes_of(project: Project, span_id: int) -> dict[str, Any]:
    return dict(span_attributes.values_of(project.db, [span_id]).get(span_id, {}))


def remove_gold_span(project: Project, span_id: int) -> RemovedGoldSpan:
    """Delete a gold span; the events it triggers and the arguments it fills go with it."""
    (taken_from,) = project.db.execute("SELECT taken_from FROM spans WHERE id = ?", [span_id]).fetchone()
    events = dict(project.db.execute("SELECT id, taken_from FROM events WHERE trigger_id = ?", [span_id]).fetchall())
    return RemovedGoldSpan(project.remove_span(span_id), taken_from, events)


def restore_gold_span(project: Project, removed: RemovedGoldSpan) -> None:
    project.restore_span(removed.removed)
    project.db.execute("UPDATE spans SET taken_from = ? WHERE id = ?", [removed.taken_from, removed.removed.span.id])
    for event_id, taken_from in removed.events_taken_from.items():
        project.db.execute("UPDATE events SET taken_from = ? WHERE id = ?", [taken_from, event_id])


def remove_gold_event(project: Project, event_id: int) -> GoldEvent:
    (taken_from,) = project.db.execute("SELECT taken_from FROM events WHERE id = ?", [event_id]).fetchone()
    return GoldEvent(project.remove_event(event_id), taken_from)


def restore_gold_event(project: Project, gold: GoldEvent) -> None:
    project.restore_event(gold.event)
    project.db.execute("UPDATE events SET taken_from = ? WHERE id = ?", [gold.taken_from, gold.event.id])


def set_span_provenance(project: Project, span_id: int, taken_from: str | None) -> None:
    project.db.execute("UPDATE spans SET taken_from = ? WHERE id = ?", [taken_from, span_id])
