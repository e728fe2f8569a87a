"""Many spans written as one edit: accepting occurrences or suggestions, and undoing that.

Each function is one transaction, so a batch is durable together the moment it returns, and a
refusal of any span (a duplicate someone else added meanwhile) leaves the project unchanged.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

from storage.model import Span
from storage.project import Project


class Proposal(NamedTuple):
    """A span the assistance proposes; ``origin`` says which part of it did."""

    article_id: int
    start: int
    end: int
    label: str
    origin: str


def add_spans(project: Project, proposals: Iterable[Proposal], *, annotator: str | None = None) -> list[Span]:
    """Tag every proposal, all in one transaction: all are stored, or (on any refusal) none."""
    with project.transaction():
        return [project.add_span(p.article_id, p.start, p.end, p.label, annotator=annotator, origin=p.origin)
                for p in proposals]


def remove_spans(project: Project, spans: Iterable[Span]) -> None:
    """Undo ``add_spans``: delete the spans it made, in one transaction."""
    with project.transaction():
        for span in spans:
            project.remove_span(span.id)


def restore_spans(project: Project, spans: Iterable[Span]) -> list[Span]:
    """Redo after ``remove_spans``: the same spans, ids, times and origins, in one transaction."""
    with project.transaction():
        return [project.add_span(s.article_id, s.start, s.end, s.label, annotator=s.annotator,
                                 span_id=s.id, created=s.created, origin=s.origin) for s in spans]
