"""Writing the gold layer with provenance: the pieces span and frame curation share.

Gold annotations are ordinary spans and events whose layer (``annotator``) is ``gold``;
``taken_from`` says which annotator layer one came from (``agreed`` when every annotator had
it, NULL when the curator made it). Every helper here runs inside the caller's transaction
(they are savepoints of it), and removals return everything needed to put the annotation back
with the **same ids** (``Project.remove_span``/``remove_event`` keep uid and ``taken_from`` for
their restore): a later undo command may name those ids, so an undo/redo never renumbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from storage import span_attributes
from storage.model import Event
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
class GoldEvent:
    """A gold event (with its arguments) and where it came from."""

    event: Event
    taken_from: str | None


def gold_spans_in(project: Project, article_id: int, start: int, end: int) -> list[tuple[int, SpanAnn, str | None]]:
    """Gold spans overlapping ``[start, end)``: id, position and label, provenance."""
    # coalesce(annotator, '') as the layer index has it: a range of the index, not the article's
    # every span (~10 ms on 38,000, paid by each curation decision)
    return [(row[0], SpanAnn(row[1], row[2], row[3]), row[4]) for row in project.db.execute(
        'SELECT id, start, "end", label, taken_from FROM spans WHERE article_id = ? AND coalesce(annotator, \'\') = ? '
        'AND start < ? AND "end" > ? ORDER BY start, "end", label', [article_id, GOLD, end, start])]


def find_gold_span(project: Project, article_id: int, span: SpanAnn) -> int | None:
    row = project.db.execute(
        'SELECT id FROM spans WHERE article_id = ? AND coalesce(annotator, \'\') = ? AND start = ? AND "end" = ? '
        "AND label = ?",
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


def restore_gold_event(project: Project, gold: GoldEvent) -> None:
    """Put back an event this module made, with its id, arguments and provenance."""
    project.restore_event(gold.event)
    project.db.execute("UPDATE events SET taken_from = ? WHERE id = ?", [gold.taken_from, gold.event.id])


def set_span_provenance(project: Project, span_id: int, taken_from: str | None) -> None:
    project.db.execute("UPDATE spans SET taken_from = ? WHERE id = ?", [taken_from, span_id])
