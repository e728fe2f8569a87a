"""The event-role recommender: which candidate span likely fills a role, from what the project's
done frames show.

The frame editor already orders a role's candidates (same sentence first, then nearest to the
trigger: ``gui.candidates``). This keeps that order and moves forward the candidates whose text
has filled the same role in done frames (for the same event type above all), so candidate 1 is
the likely filler: the slot pre-selects it and one key fills it. Qt-free and pure counting.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence, TypeVar

from storage.project import Project

T = TypeVar("T")
DONE = ("done", "curated")


@dataclass
class RoleHistory:
    """(event type, role, filler text) and (role, filler text) counts over done frames."""

    by_type: Counter[tuple[str | None, str, str]] = field(default_factory=Counter)
    by_role: Counter[tuple[str, str]] = field(default_factory=Counter)

    def score(self, event_type: str | None, role: str, text: str) -> float:
        key = " ".join(text.split()).lower()
        return 2.0 * self.by_type[(event_type, role, key)] + self.by_role[(role, key)]


def role_history(project: Project) -> RoleHistory:
    history = RoleHistory()
    marks = ",".join("?" * len(DONE))
    for event_type, role, text, n in project.db.execute(
            'SELECT events.type, arguments.role, substr(articles.text, spans.start + 1, spans."end" - spans.start), '
            "count(*) FROM arguments JOIN events ON events.id = arguments.event_id "
            "JOIN spans ON spans.id = arguments.span_id JOIN articles ON articles.id = spans.article_id "
            f"WHERE articles.status IN ({marks}) GROUP BY 1, 2, 3", DONE):
        key = " ".join(text.split()).lower()
        history.by_type[(event_type, role, key)] += n
        history.by_role[(role, key)] += n
    return history


def rank(candidates: Sequence[T], text_of: Callable[[T], str], history: RoleHistory, *,
         event_type: str | None, role: str) -> list[T]:
    """``candidates`` with those the done frames favour first; otherwise their own order (stable)."""
    scored = [(-history.score(event_type, role, text_of(c)), n, c) for n, c in enumerate(candidates)]
    return [c for _, _, c in sorted(scored, key=lambda item: (item[0], item[1]))]
