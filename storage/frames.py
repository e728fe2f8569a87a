"""Checks of event frames against the scheme: what the window flags (⚠) and what export summaries count.

A frame is never refused for these: a frame is built one key at a time, and a type changed after
its modes were chosen must not lose them. ``frame_problems`` takes the store's ``Event`` and
``Span`` or the export's rows alike (anything with ``type``, ``attributes``, ``arguments`` of
(role, span_id) and spans with a ``label``).
"""
from __future__ import annotations

from typing import Any, Mapping

from storage.model import Scheme

# Problems a summary counts by kind: the text of a problem starts with one of these.
MISSING = "missing"
MODE_NOT_OF_TYPE = "mode not of its type"


def frame_problems(event: Any, spans: Mapping[int, Any], scheme: Scheme) -> list[str]:
    """Human-readable problems of one frame; an empty list means the frame is complete."""
    problems: list[str] = []
    event_type = scheme.event_type(event.type)
    if event.type is None:
        problems.append("no event type")
    role_names = {role.name for role in scheme.roles}
    required_by_type = set(event_type.required_roles) if event_type is not None else set()
    for role in scheme.roles:
        count = sum(1 for argument in event.arguments if argument.role == role.name)
        if count < role.min_count:
            problems.append(f"{MISSING} {role.name}")
        elif count == 0 and role.name in required_by_type:
            problems.append(f"{MISSING} {role.name} ({event.type} requires one)")
        if role.max_count is not None and count > role.max_count:
            problems.append(f"{role.name} has {count} spans, at most {role.max_count} allowed")
    for argument in event.arguments:
        span = spans.get(argument.span_id)
        if argument.role not in role_names:
            problems.append(f"unknown role {argument.role}")
        elif span is not None and not scheme.role(argument.role).accepts(span.label):
            problems.append(f"{argument.role} filled by a span labelled {span.label}")
    for attribute in scheme.attributes:
        if attribute.kind != "mode":
            continue
        allowed = event_type.mode_names if event_type is not None else ()
        for mode in event.attributes.get(attribute.name) or ():
            if mode not in allowed:
                problems.append(f"{MODE_NOT_OF_TYPE}: {mode} is not a mode of {event.type or 'an untyped event'}")
    return problems


def problem_kind(problem: str) -> str:
    """What a summary counts a problem as: "missing actor", "mode not of its type"…"""
    if problem.startswith(MODE_NOT_OF_TYPE):
        return MODE_NOT_OF_TYPE
    if problem.startswith(MISSING):
        return problem.split(" (")[0]
    return problem
