"""The event-role recommender: which span likely fills each role of a frame, from today's
candidate order and what the project's done frames show.

The frame editor orders a role's candidates (same sentence first, then nearest to the trigger:
``gui.candidates``). When a frame opens, each empty role is offered one likely filler as a
*suggestion*: shown in its slot, never an argument until the user accepts it, and once rejected
(``assist_role_rejections``) never proposed again for that event and role. What the done frames
of the project teach, per event type and role:

* which texts filled it (the same type counts double: "Rebels" is FIGHT's usual source),
* which labels filled it (a role that takes ACTOR and LOCATION may in practice hold only one),
* on which side of the trigger its filler stood (sources before the verb, targets after it),
* how often the role was filled at all (a role the done frames of a type leave empty is not offered).

Scores are built from shares of those counts, so they stay between 0 and 1 and mean the same in a
project of ten frames or ten thousand. Qt-free and pure counting.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence, TypeVar

from storage.article_status import OWN_STATUS, has_status
from storage.project import Project, now

T = TypeVar("T")
DONE = ("done", "curated")
RECOMMENDER = "roles"
MIN_FRAMES = 3  # done frames of a type before "this role is usually empty" silences it
MIN_FILL_RATE = 0.5  # below this share of a type's done frames filling a role, it is not offered
MIN_SCORE = 0.3  # a candidate must score this much to be offered (candidate 1 with no history: 0.4)


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


@dataclass
class RoleHistory:
    """Counts over the done frames (fillers by type, role and text, label, side; frames per type)."""

    by_type: Counter[tuple[str | None, str, str]] = field(default_factory=Counter)
    by_role: Counter[tuple[str, str]] = field(default_factory=Counter)
    labels: Counter[tuple[str | None, str, str]] = field(default_factory=Counter)
    sides: Counter[tuple[str | None, str, bool]] = field(default_factory=Counter)  # True: before the trigger
    fillers: Counter[tuple[str | None, str]] = field(default_factory=Counter)  # arguments per (type, role)
    fillers_of_role: Counter[str] = field(default_factory=Counter)
    filled: Counter[tuple[str | None, str]] = field(default_factory=Counter)  # frames with the role filled
    frames: Counter[str | None] = field(default_factory=Counter)

    def score(self, event_type: str | None, role: str, text: str) -> float:
        """How often ``text`` filled ``role`` (for ``event_type`` above all): the ranking's key."""
        key = _key(text)
        return 2.0 * self.by_type[(event_type, role, key)] + self.by_role[(role, key)]

    def text_share(self, event_type: str | None, role: str, text: str) -> float:
        """The share of the role's past fillers that had this text (the same type weighing double)."""
        total = 2.0 * self.fillers[(event_type, role)] + self.fillers_of_role[role]
        return self.score(event_type, role, text) / total if total else 0.0

    def usually_empty(self, event_type: str | None, role: str) -> bool:
        frames = self.frames[event_type]
        return frames >= MIN_FRAMES and self.filled[(event_type, role)] / frames < MIN_FILL_RATE


def done_articles(project: Project) -> int:
    """How many articles are done or curated: the done frames change when this does."""
    return project.db.execute(f"SELECT count(*) FROM articles WHERE {has_status(OWN_STATUS, DONE)}").fetchone()[0]


def role_history(project: Project) -> RoleHistory:
    history = RoleHistory()
    done = has_status(OWN_STATUS, DONE)
    for event_type, role, text, label, before, n in project.db.execute(
            'SELECT events.type, arguments.role, substr(articles.text, spans.start + 1, spans."end" - spans.start), '
            "spans.label, spans.start < triggers.start, count(*) "
            "FROM arguments JOIN events ON events.id = arguments.event_id "
            "JOIN spans ON spans.id = arguments.span_id JOIN spans AS triggers ON triggers.id = events.trigger_id "
            "JOIN articles ON articles.id = spans.article_id "
            f"WHERE {done} GROUP BY 1, 2, 3, 4, 5"):
        key = _key(text)
        history.by_type[(event_type, role, key)] += n
        history.by_role[(role, key)] += n
        history.labels[(event_type, role, label)] += n
        history.sides[(event_type, role, bool(before))] += n
        history.fillers[(event_type, role)] += n
        history.fillers_of_role[role] += n
    for event_type, role, frames in project.db.execute(
            "SELECT events.type, arguments.role, count(DISTINCT events.id) FROM arguments "
            "JOIN events ON events.id = arguments.event_id JOIN articles ON articles.id = events.article_id "
            f"WHERE {done} GROUP BY 1, 2"):
        history.filled[(event_type, role)] = frames
    for event_type, frames in project.db.execute(
            "SELECT events.type, count(*) FROM events JOIN articles ON articles.id = events.article_id "
            f"WHERE {done} GROUP BY 1"):
        history.frames[event_type] = frames
    return history


def rank(candidates: Sequence[T], text_of: Callable[[T], str], history: RoleHistory, *,
         event_type: str | None, role: str) -> list[T]:
    """``candidates`` with those the done frames favour first; otherwise their own order (stable)."""
    scored = [(-history.score(event_type, role, text_of(c)), n, c) for n, c in enumerate(candidates)]
    return [c for _, _, c in sorted(scored, key=lambda item: (item[0], item[1]))]


class Filler(NamedTuple):
    """A candidate for a role, as the recommender sees it (today's order is the list's order)."""

    span_id: int
    text: str
    label: str
    before: bool  # starts before the trigger
    same_sentence: bool


class RoleSuggestion(NamedTuple):
    role: str
    span_id: int
    score: float


def filler_score(history: RoleHistory, event_type: str | None, role: str, filler: Filler, place: int) -> float:
    """0..1: half from today's order (``place`` 0 is candidate 1), the trigger's sentence and the
    shares of the role's done fillers with this label and on this side of the trigger; half from the
    share of them with this text, so a filler the done frames name outranks a merely near one."""
    total = history.fillers[(event_type, role)]
    label = history.labels[(event_type, role, filler.label)] / total if total else 0.5
    side = history.sides[(event_type, role, filler.before)] / total if total else 0.5
    base = 0.3 / (1 + place) + 0.3 * filler.same_sentence + 0.2 * label + 0.2 * side
    return (base + history.text_share(event_type, role, filler.text)) / 2


def likely_fillers(history: RoleHistory, event_type: str | None, slots: Mapping[str, Sequence[Filler]], *,
                   rejected: Iterable[tuple[str, int]] = ()) -> dict[str, RoleSuggestion]:
    """One suggestion per role in ``slots`` (each role's candidates, today's order), at most one role
    per span, best scores first; rejected (role, span id) pairs, roles the done frames of this type
    leave empty and weak candidates (another sentence and never seen in the role) are left out."""
    refused = set(rejected)
    scored: list[tuple[float, int, str, Filler]] = []
    for order, (role, fillers) in enumerate(slots.items()):
        for place, filler in enumerate(fillers):
            if (role, filler.span_id) in refused:
                continue
            known = history.text_share(event_type, role, filler.text) > 0
            if history.usually_empty(event_type, role) and not known:
                continue
            if not (filler.same_sentence or known):
                continue
            value = filler_score(history, event_type, role, filler, place)
            if value >= MIN_SCORE:
                scored.append((value, order, role, filler))
    chosen: dict[str, RoleSuggestion] = {}
    used: set[int] = set()
    for value, _, role, filler in sorted(scored, key=lambda item: (-item[0], item[1])):
        if role not in chosen and filler.span_id not in used:
            chosen[role] = RoleSuggestion(role, filler.span_id, round(value, 3))
            used.add(filler.span_id)
    return chosen


def rejected_fillers(project: Project, event_id: int) -> set[tuple[str, int]]:
    """(role, span id) pairs the user rejected for this event."""
    return {(role, span_id) for role, span_id in project.db.execute(
        "SELECT role, span_id FROM assist_role_rejections WHERE event_id = ?", [event_id])}


def reject_filler(project: Project, event_id: int, role: str, span_id: int) -> None:
    """Remember that the user said no to ``span_id`` in ``role`` of this event (one transaction)."""
    with project.transaction():
        project.db.execute("INSERT OR IGNORE INTO assist_role_rejections (event_id, role, span_id, created) "
                           "VALUES (?, ?, ?, ?)", [event_id, role, span_id, now()])


def unreject_filler(project: Project, event_id: int, role: str, span_id: int) -> None:
    """Undo ``reject_filler``."""
    with project.transaction():
        project.db.execute("DELETE FROM assist_role_rejections WHERE event_id = ? AND role = ? AND span_id = ?",
                           [event_id, role, span_id])
