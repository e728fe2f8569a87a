"""Which spans could fill an event role, best guess first — the list the frame editor numbers 1..9;
and which event types match what the user typed in the type filter.

An event's arguments are nearly always in the trigger's own sentence, and close to the trigger
("insurgents who said they had *entered* Damascus"). So candidates from the trigger's sentence
come before all others, and within each group the nearest span to the trigger comes first.

No Qt here (like ``gui.spans``): the ordering is the part worth testing on its own, and it is
pure arithmetic over code-point offsets.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from gui.spans import SpanLike
from storage.model import Event, EventType, Role
from storage.sentences import sentence_at

__all__ = ["Candidate", "candidates", "distance", "matching_types", "role_candidates", "role_rules"]


@dataclass(frozen=True)
class Candidate:
    """A span that may fill a role, with why it ranks where it does."""

    span: SpanLike
    same_sentence: bool
    distance: int  # code points between the span and the trigger; 0 when they touch or overlap


def distance(a: SpanLike, b: SpanLike) -> int:
    """The gap in code points between two spans (0 when they touch or overlap)."""
    return max(0, a.start - b.end, b.start - a.end)


def candidates(spans: Iterable[SpanLike], trigger: SpanLike, labels: Collection[str],
               sentence_bounds: Sequence[tuple[int, int]], *,
               exclude: Collection[int] = ()) -> list[Candidate]:
    """Spans labelled one of ``labels``, ordered: the trigger's sentence first, then by distance.

    ``sentence_bounds`` is ``storage.sentences.sentences(text)`` (computed once per article by
    the caller: it is the expensive part). The trigger itself and the span ids in ``exclude``
    (e.g. those already filling the role) are left out. Ties go to the earlier span, so the
    order is stable and a subject just before the trigger beats an object just after it.
    """
    home = sentence_at(sentence_bounds, trigger.start) if sentence_bounds else None
    found = []
    for span in spans:
        if span.label not in labels or span.id == trigger.id or span.id in exclude:
            continue
        same = home is not None and sentence_at(sentence_bounds, span.start) == home
        found.append(Candidate(span, same, distance(span, trigger)))
    found.sort(key=lambda c: (not c.same_sentence, c.distance, c.span.start, c.span.id))
    return found


def role_candidates(event: Event, role: Role, spans: Iterable[SpanLike], trigger: SpanLike,
                    sentence_bounds: Sequence[tuple[int, int]]) -> list[Candidate]:
    """Candidates for ``role`` in ``event``: spans already in the frame (in any role) are left out,
    since one span is rarely both source and target; the numbers go to the likely others."""
    return candidates(spans, trigger, role.labels, sentence_bounds,
                      exclude={argument.span_id for argument in event.arguments})


def matching_types(event_types: Iterable[EventType], typed: str) -> list[EventType]:
    """Types whose name holds ``typed`` (any case), then those whose description does; all if empty.

    So "fig" finds FIGHT, and "arrest" finds INVESTIGATE and COERCE by what they mean.
    """
    needle = typed.strip().lower()
    types = list(event_types)
    by_name = [t for t in types if needle in t.name.lower()]
    by_description = [t for t in types if t not in by_name and needle and needle in t.description.lower()]
    return by_name + by_description


def role_rules(role: Role) -> str:
    """What a role takes, for its caption: "ACTOR, required", "LOCATION, at most 1"."""
    rules = "/".join(role.labels)
    if role.min_count:
        rules += ", required"
    if role.max_count is not None:
        rules += f", at most {role.max_count}"
    return rules
