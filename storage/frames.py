"""Checks of event frames against the scheme: what the window flags and what export summaries count."""
from __future__ import annotations

from typing import Mapping

from storage.model import Event, Scheme, Span


def frame_problems(event: Event, spans: Mapping[int, Span], scheme: Scheme) -> list[str]:
    """Human-readable problems of one frame; an empty list means the frame is complete."""
    problems: list[str] = []
    if event.type is None:
        problems.append("no event type")
    role_names = {role.name for role in scheme.roles}
    for role in scheme.roles:
        count = len(event.fillers(role.name))
        if count < role.min_count:
            problems.append(f"missing {role.name}")
        if role.max_count is not None and count > role.max_count:
            problems.append(f"{role.name} has {count} spans, at most {role.max_count} allowed")
    for argument in event.arguments:
        span = spans.get(argument.span_id)
        if argument.role not in role_names:
            problems.append(f"unknown role {argument.role}")
        elif span is not None and not scheme.role(argument.role).accepts(span.label):
            problems.append(f"{argument.role} filled by a span labelled {span.label}")
    return problems
