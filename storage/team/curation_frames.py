"""Adjudication of event frames: the annotators' frames of one article, their disagreements, gold.

A *frame unit* groups the annotators' frames whose triggers overlap one another, transitively
(``matching.overlap_components`` over trigger positions; agreement instead matches them one-to-one
per pair): places never overlap, so each gold frame belongs to one place. Where every annotator has the
very same frame (trigger span, type, attributes and each role's filler spans, by position and
label), the unit is *agreed* and goes to gold by itself on first open, under the threshold span
curation uses; the rest are disagreements: a frame only some layers have, or one whose type,
roles or attributes differ. The curator takes one annotator's whole frame, or only one role's
fillers from an annotator onto gold's frame, or rejects the unit. Gold spans a taken frame needs
are reused where gold already has them (same position and label) and made otherwise, with
``taken_from`` naming the annotator.

Decisions are rows of ``curation_frame_decisions`` (apart from span decisions: a trigger is a
span too, decided on its own). Every action is one transaction, its checks inside it, and
returns a :class:`FrameChange` that :func:`undo` and :func:`redo` replay with the same ids.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Sequence

from storage.model import Argument, Event
from storage.project import Project, now
from storage.team import curation
from storage.team.curation import AGREED, REJECTED, THRESHOLD_KEY, TOOK, Place, annotator_layers
from storage.team.gold import (
    GoldEvent,
    GoldSpan,
    find_gold_span,
    insert_gold_span,
    restore_gold_event,
    span_attributes_of,
)
from storage.team.matching import SpanAnn, overlap_components
from storage.team.old_decisions import place_decisions
from storage.team.packets import GOLD, TeamError


class FrameVersion(NamedTuple):
    """One annotator's frame by positions (layers share no ids), comparable and hashable."""

    trigger: SpanAnn
    type: str | None
    attributes: str  # canonical JSON (sorted keys), so equal values compare equal
    roles: tuple[tuple[str, tuple[SpanAnn, ...]], ...]  # role -> filler spans, sorted; empty roles left out

    def fillers(self, role: str) -> tuple[SpanAnn, ...]:
        return dict(self.roles).get(role, ())

    @property
    def values(self) -> dict[str, Any]:
        return json.loads(self.attributes)


@dataclass(frozen=True)
class FrameUnit(Place):
    """One place to decide: each annotator's frames on overlapping triggers, and gold's."""

    start: int  # the extent of the triggers
    end: int
    versions: dict[str, tuple[FrameVersion, ...]]  # annotator -> their frames here (none: absent)
    gold: tuple[FrameVersion, ...]
    decision: str | None
    gold_ids: tuple[int, ...] = ()  # the gold events' ids, in the order of ``gold``: what take_role targets

    def roles(self) -> list[str]:
        """Roles any version or gold fills here, in the order first seen."""
        seen: dict[str, None] = {}
        for frames in (*self.versions.values(), self.gold):
            for frame in frames:
                for role, _fillers in frame.roles:
                    seen.setdefault(role, None)
        return list(seen)


@dataclass
class FrameChange:
    """What one frame action did: events and arguments removed and added, spans made, decisions."""

    article_id: int
    start: int
    end: int
    decision_before: str | None = None
    decision_after: str | None = None
    removed_events: list[Event] = field(default_factory=list)  # with their provenance, for undo
    removed_arguments: list[tuple[int, Argument]] = field(default_factory=list)
    spans: list[GoldSpan] = field(default_factory=list)  # gold spans made for the taken frame
    events: list[GoldEvent] = field(default_factory=list)  # gold events made, with their arguments
    arguments: list[tuple[int, Argument]] = field(default_factory=list)  # added to an existing gold event
    settled: list[curation.Change] = field(default_factory=list)  # span places the take decided too


def read_frame_units(project: Project, article_id: int, *,
                     annotators: Sequence[str] | None = None) -> list[FrameUnit]:
    """Every frame unit of the article, in text order (see the module docstring)."""
    names = list(annotators) if annotators is not None else annotator_layers(project, article_id)
    events = project.db.execute("SELECT id, trigger_id, type, attributes, annotator FROM events "
                                "WHERE article_id = ? ORDER BY id", [article_id]).fetchall()
    if not events:  # most articles: one indexed query and done
        return []
    # Only the spans frames use: an article may hold tens of thousands of spans.
    spans = {row[0]: SpanAnn(row[1], row[2], row[3]) for row in project.db.execute(
        'SELECT id, start, "end", label FROM spans WHERE id IN (SELECT trigger_id FROM events WHERE article_id = ?) '
        "OR id IN (SELECT span_id FROM arguments JOIN events ON events.id = event_id WHERE article_id = ?)",
        [article_id, article_id])}
    fillers: dict[int, dict[str, list[SpanAnn]]] = {}
    for event_id, role, span_id in project.db.execute(
            "SELECT event_id, role, span_id FROM arguments JOIN events ON events.id = event_id "
            "WHERE article_id = ?", [article_id]):
        fillers.setdefault(event_id, {}).setdefault(role, []).append(spans[span_id])
    layers: dict[str, list[FrameVersion]] = {name: [] for name in names}
    gold: list[tuple[FrameVersion, int]] = []
    for event_id, trigger_id, kind, attributes, layer in events:
        roles = tuple(sorted((role, tuple(sorted(found))) for role, found in fillers.get(event_id, {}).items()))
        version = FrameVersion(spans[trigger_id], kind, json.dumps(json.loads(attributes), sort_keys=True), roles)
        if layer == GOLD:
            gold.append((version, event_id))
        elif layer in layers:
            layers[layer].append(version)
    decisions = {(s, e): d for s, e, d in project.db.execute(
        'SELECT start, "end", decision FROM curation_frame_decisions WHERE article_id = ?', [article_id])}
    stream = sorted(((name, frame) for name, frames in layers.items() for frame in frames),
                    key=lambda item: _order(item[1]))
    gold.sort(key=lambda item: (_order(item[0]), item[1]))
    places = []
    for members, _repeats, end in overlap_components(stream, names, where=_trigger_position):
        versions: dict[str, list[FrameVersion]] = {name: [] for name in names}
        for name, frame in members:
            versions[name].append(frame)
        places.append((members[0][1].trigger.start, end, {name: tuple(frames) for name, frames in versions.items()}))
    decisions = place_decisions(places, decisions, where=_trigger_position)  # decisions stored per old unit too
    found = []
    for start, end, placed in places:
        here = [(f, event_id) for f, event_id in gold if f.trigger.start < end and f.trigger.end > start]
        found.append(FrameUnit(start, end, placed, tuple(f for f, _id in here), decisions.get((start, end)),
                               tuple(event_id for _f, event_id in here)))
    return found


def _order(frame: FrameVersion) -> tuple[Any, ...]:
    """Text order; an untyped frame beside a typed one on the same trigger compares too (None < str fails)."""
    return frame.trigger, frame.type or "", frame.attributes, frame.roles


def _trigger_position(frame: FrameVersion) -> tuple[int, int]:
    return frame.trigger.start, frame.trigger.end


def auto_merge_frames(project: Project, article_id: int, *, threshold: float | None = None) -> int:
    """Put into gold the frames enough annotators agree on, once per unit; returns frames added.

    Same rule as spans (``curation.auto_merge``, which should run first so the frames' spans are
    reused): ``threshold`` of the article's annotators must have the very same frames.
    """
    if project.db.execute("SELECT 1 FROM events WHERE article_id = ? LIMIT 1", [article_id]).fetchone() is None:
        return 0  # most articles: no frames, so no layers to look up and no write lock to take
    if threshold is None:
        threshold = float(project.setting(THRESHOLD_KEY) or 1.0)
    names = annotator_layers(project, article_id)
    if len(names) < 2:
        return 0
    added = 0
    with project.transaction():
        for unit in read_frame_units(project, article_id, annotators=names):
            if unit.resolved or unit.gold:
                continue
            counts: dict[tuple[FrameVersion, ...], int] = {}
            for version in unit.versions.values():
                if version:
                    counts[version] = counts.get(version, 0) + 1
            best = max(counts.items(), key=lambda kv: kv[1], default=None)
            if best is None or best[1] < threshold * len(names) - 1e-9:
                continue
            change = FrameChange(article_id, unit.start, unit.end)
            agreeing = next(name for name, version in unit.versions.items() if version == best[0])
            for frame in best[0]:
                _insert_frame(project, article_id, frame, change, taken_from=AGREED, copy_from=agreeing)
            _decide(project, article_id, unit.start, unit.end, AGREED)
            added += len(best[0])
    return added


def take_frame(project: Project, article_id: int, unit: FrameUnit, annotator: str) -> FrameChange:
    """Gold's frames at the unit become ``annotator``'s whole frames (none, if they made none)."""
    change = FrameChange(article_id, unit.start, unit.end, decision_after=f"{TOOK}{annotator}")
    with project.transaction():
        change.decision_before = _decision(project, article_id, unit)
        for event_id in _gold_events_at(project, article_id, unit):
            change.removed_events.append(project.remove_event(event_id))
        taken = _current_versions(project, article_id, unit, annotator)
        for frame in taken:
            _insert_frame(project, article_id, frame, change, taken_from=annotator, copy_from=annotator)
        _decide(project, article_id, unit.start, unit.end, change.decision_after)
        _settle_span_places(project, article_id, change, annotator,
                            {span for frame in taken for span in (frame.trigger, *_fillers(frame))})
    return change


def take_role(project: Project, article_id: int, unit: FrameUnit, annotator: str, role: str, *,
              event_id: int | None = None) -> FrameChange:
    """Gold's frame ``event_id`` at the unit gets ``annotator``'s fillers of ``role`` (only those),
    nothing else changes. Without ``event_id``: gold's first frame there (in text order).

    The fillers come from the annotator's frame there that is most like gold's (same trigger, then
    same type, then the larger trigger overlap), so two frames of theirs at one place are not mixed.
    Refused when gold has no frame there yet (take a whole frame first, then roles from others),
    or no longer has ``event_id`` there.
    """
    change = FrameChange(article_id, unit.start, unit.end)
    with project.transaction():
        change.decision_before = _decision(project, article_id, unit)
        change.decision_after = change.decision_before or f"{TOOK}{annotator}"
        targets = _gold_events_at(project, article_id, unit)
        if not targets:
            raise TeamError("gold has no frame here yet: take a whole frame first, then one role from another "
                            "annotator")
        if event_id is not None and event_id not in targets:
            raise TeamError("that gold frame is no longer here (changed elsewhere?): choose gold's frame again")
        target = event_id if event_id is not None else targets[0]
        event = project.event(target)
        for argument in event.arguments:
            if argument.role == role:
                project.remove_argument(target, role, argument.span_id)
                change.removed_arguments.append((target, argument))
        trigger = project.span(event.trigger_id)
        source = _likest(_current_versions(project, article_id, unit, annotator),
                         SpanAnn(trigger.start, trigger.end, trigger.label), event.type)
        wanted = set(source.fillers(role)) if source is not None else set()
        for span in sorted(wanted):
            span_id = _gold_span(project, article_id, span, change, taken_from=annotator, copy_from=annotator)
            project.add_argument(target, role, span_id)
            change.arguments.append((target, Argument(role, span_id)))
        _decide(project, article_id, unit.start, unit.end, change.decision_after)
        _settle_span_places(project, article_id, change, annotator, wanted)
    return change


def reject_frames(project: Project, article_id: int, unit: FrameUnit) -> FrameChange:
    """Gold gets no frame at the unit (the trigger and argument spans stay: spans are decided apart)."""
    change = FrameChange(article_id, unit.start, unit.end, decision_after=REJECTED)
    with project.transaction():
        change.decision_before = _decision(project, article_id, unit)
        for event_id in _gold_events_at(project, article_id, unit):
            change.removed_events.append(project.remove_event(event_id))
        _decide(project, article_id, unit.start, unit.end, REJECTED)
    return change


def undo(project: Project, change: FrameChange) -> None:
    """Put gold and the decision back as they were before ``change``, with the same ids."""
    with project.transaction():
        for settled in reversed(change.settled):  # decisions and provenance only: no span of theirs to remove
            curation.undo(project, settled)
        for event_id, argument in change.arguments:
            project.remove_argument(event_id, argument.role, argument.span_id)
        for gold in change.events:
            project.remove_event(gold.event.id)
        for span in change.spans:
            project.remove_span(span.id)
        for event in change.removed_events:
            project.restore_event(event)
        for event_id, argument in change.removed_arguments:
            project.add_argument(event_id, argument.role, argument.span_id)
        _decide(project, change.article_id, change.start, change.end, change.decision_before)


def redo(project: Project, change: FrameChange) -> None:
    """Do ``change`` again after :func:`undo`."""
    with project.transaction():
        for event_id, argument in change.removed_arguments:
            project.remove_argument(event_id, argument.role, argument.span_id)
        for event in change.removed_events:
            project.remove_event(event.id)
        for span in change.spans:
            insert_gold_span(project, change.article_id, span.span, span.taken_from, span_id=span.id,
                             attributes=span.attributes)
        for gold in change.events:
            restore_gold_event(project, gold)
        for event_id, argument in change.arguments:
            project.add_argument(event_id, argument.role, argument.span_id)
        _decide(project, change.article_id, change.start, change.end, change.decision_after)
        for settled in change.settled:
            curation.redo(project, settled)


# -- inside a transaction ------------------------------------------------------------------------


def _current_versions(project: Project, article_id: int, unit: FrameUnit, annotator: str) -> tuple[FrameVersion, ...]:
    """The annotator's frames at the unit as the file has them now (the check inside the write)."""
    for fresh in read_frame_units(project, article_id):
        if fresh.start < unit.end and fresh.end > unit.start and annotator in fresh.versions:
            return fresh.versions[annotator]
    return ()


def _likest(frames: Sequence[FrameVersion], trigger: SpanAnn, kind: str | None) -> FrameVersion | None:
    """Of one annotator's frames at a place, the one most like gold's frame on ``trigger`` of type ``kind``."""
    def likeness(frame: FrameVersion) -> tuple[bool, bool, int]:
        shared = min(frame.trigger.end, trigger.end) - max(frame.trigger.start, trigger.start)
        return frame.trigger[:2] == trigger[:2], frame.type == kind, shared
    return max(frames, key=likeness, default=None)  # max keeps the first of equals: text order


def _fillers(frame: FrameVersion) -> tuple[SpanAnn, ...]:
    return tuple(span for _role, fillers in frame.roles for span in fillers)


def _settle_span_places(project: Project, article_id: int, change: FrameChange, annotator: str,
                        taken: set[SpanAnn]) -> None:
    """Decide the open span places whose gold the take just fixed, as if their version had been taken.

    A place counts when one of ``annotator``'s spans there is one the frame took, and gold there
    is now exactly ``annotator``'s version: gold already says what taking it would (INCEpTION shows
    such a place as accepted). It is decided ``took:annotator``, or ``agreed`` when every annotator
    has that version. A place where the annotator has more than the frame took stays open: only the
    curator can say whether the rest belongs in gold. Nothing is removed here.
    """
    if not taken:
        return
    for place in curation.read_units(project, article_id):
        version = place.versions.get(annotator, ())
        if place.resolved or not any(span in taken for span in version) or set(place.gold) != set(version):
            continue
        change.settled.append(curation.settle_agreed(project, article_id, place) if place.agreed
                              else curation.take(project, article_id, place, annotator))


def _gold_events_at(project: Project, article_id: int, unit: FrameUnit) -> list[int]:
    return [row[0] for row in project.db.execute(
        "SELECT events.id FROM events JOIN spans ON spans.id = trigger_id WHERE events.article_id = ? "
        'AND events.annotator = ? AND spans.start < ? AND spans."end" > ? ORDER BY spans.start, events.id',
        [article_id, GOLD, unit.end, unit.start])]


def _gold_span(project: Project, article_id: int, span: SpanAnn, change: FrameChange, *,
               taken_from: str, copy_from: str) -> int:
    """The gold span at ``span``'s position and label: reused if gold has it, else made, with
    provenance ``taken_from`` and the span attributes ``copy_from``'s span has (an actor's code…)."""
    found = find_gold_span(project, article_id, span)
    if found is not None:
        return found
    source = project.db.execute(
        'SELECT id FROM spans WHERE article_id = ? AND annotator = ? AND start = ? AND "end" = ? AND label = ?',
        [article_id, copy_from, span.start, span.end, span.label]).fetchone()
    attributes = span_attributes_of(project, source[0]) if source else {}
    made = insert_gold_span(project, article_id, span, taken_from, attributes=attributes)
    change.spans.append(made)
    return made.id


def _insert_frame(project: Project, article_id: int, frame: FrameVersion, change: FrameChange, *,
                  taken_from: str, copy_from: str) -> None:
    """A gold event like ``frame``: its trigger and argument spans found or made, then the event."""
    where = {"taken_from": taken_from, "copy_from": copy_from}
    trigger_id = _gold_span(project, article_id, frame.trigger, change, **where)
    event = project.add_event(trigger_id, type=frame.type, attributes=frame.values, annotator=GOLD)
    project.db.execute("UPDATE events SET taken_from = ? WHERE id = ?", [taken_from, event.id])
    for role, fillers in frame.roles:
        for span in fillers:
            project.add_argument(event.id, role, _gold_span(project, article_id, span, change, **where))
    change.events.append(GoldEvent(project.event(event.id), taken_from))


def _decision(project: Project, article_id: int, unit: FrameUnit) -> str | None:
    row = project.db.execute('SELECT decision FROM curation_frame_decisions WHERE article_id = ? AND start = ? '
                             'AND "end" = ?', [article_id, unit.start, unit.end]).fetchone()
    return row[0] if row else None


def _decide(project: Project, article_id: int, start: int, end: int, decision: str | None) -> None:
    if decision is None:
        project.db.execute('DELETE FROM curation_frame_decisions WHERE article_id = ? AND start = ? AND "end" = ?',
                           [article_id, start, end])
    else:
        project.db.execute('INSERT OR REPLACE INTO curation_frame_decisions (article_id, start, "end", decision, '
                           "created) VALUES (?, ?, ?, ?, ?)", [article_id, start, end, decision, now()])
