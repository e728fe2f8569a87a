"""How a selected event shows in the article: one colour per role, an outline per argument, and a
thin curve from the trigger to each argument.

The colours are shared with the frame editor (a role's swatch there is its outline here). The
article view draws what ``event_marks`` lists, and joins the first mark (the trigger) to the others
with ``connector_path``, routed through the gaps the view leaves between lines and down the page
margin so that no arc runs through text; only the selected event is drawn, so a long article
stays readable.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainterPath

from storage.model import Event, Role, Span

__all__ = ["ROLE_COLOURS", "TRIGGER_COLOUR", "ArcEnd", "connector_path", "event_marks", "role_colour"]

# Okabe-Ito and Tol colours the default labels do not use, dark enough to outline on any tint.
ROLE_COLOURS = ("#009E73", "#D55E00", "#332288", "#882255", "#44AA99", "#999933")
TRIGGER_COLOUR = "#CC79A7"


def role_colour(roles: tuple[Role, ...], name: str) -> QColor:
    """The colour of a role, by its place in the scheme: the same in the panel and the article."""
    names = [role.name for role in roles]
    position = names.index(name) if name in names else len(names)
    return QColor(ROLE_COLOURS[position % len(ROLE_COLOURS)])


def event_marks(event: Event | None, spans: Mapping[int, Span],
                roles: tuple[Role, ...]) -> list[tuple[int, int, QColor, str]]:
    """Outlines for the article: the trigger first (when it exists), then each argument, named by
    role for the tooltip. Empty without an event: nothing is drawn for unselected events."""
    if event is None:
        return []
    marks = []
    trigger = spans.get(event.trigger_id)
    if trigger is not None:
        marks.append((trigger.start, trigger.end, QColor(TRIGGER_COLOUR),
                      f"trigger ({event.type or 'no type'})"))
    for argument in event.arguments:
        span = spans.get(argument.span_id)
        if span is not None:
            marks.append((span.start, span.end, role_colour(roles, argument.role), argument.role))
    return marks


@dataclass(frozen=True, slots=True)
class ArcEnd:
    """Where an arc meets a mark: ``x`` on the top edge ``top`` of its label chip (or of its box when
    labels are hidden), and ``lane``, the y of the glyph-free strip above that mark's line."""

    x: float
    top: float
    lane: float


def connector_path(start: ArcEnd, end: ArcEnd, *, margin: float, slot: int = 0) -> QPainterPath:
    """A trigger→argument arc that never crosses a glyph: vertical only above a mark (into the arc
    lane, the top strip of the gap the view leaves above each line), horizontal only along lanes,
    and from one line's lane to another's only down the page margin at x = ``margin``.

    ``slot`` (the argument's place among the trigger's) shifts the arc a little along the lane and
    the margin, so that arcs leaving one trigger stay apart.
    """
    offset = (slot % 3 - 1) * 1.5
    path = QPainterPath(QPointF(start.x, start.top))
    if abs(start.lane - end.lane) < 0.5:  # one line: up, across, down (brat's arch)
        lane = start.lane + offset
        _corner_to(path, QPointF(start.x, lane), QPointF(end.x, lane))
        _corner_to(path, QPointF(end.x, lane), QPointF(end.x, end.top))
        path.lineTo(end.x, end.top)
        return path
    x = margin + (slot % 4) * (-2.5 if margin < start.x else 2.5)  # outwards, away from the text
    _corner_to(path, QPointF(start.x, start.lane + offset), QPointF(x, start.lane + offset))
    _corner_to(path, QPointF(x, start.lane + offset), QPointF(x, end.lane + offset))
    _corner_to(path, QPointF(x, end.lane + offset), QPointF(end.x, end.lane + offset))
    _corner_to(path, QPointF(end.x, end.lane + offset), QPointF(end.x, end.top))
    path.lineTo(end.x, end.top)
    return path


def _corner_to(path: QPainterPath, corner: QPointF, towards: QPointF, radius: float = 4.0) -> None:
    """Line to just before ``corner``, then round it off towards ``towards`` (the next corner)."""
    here = path.currentPosition()
    before, after = here - corner, towards - corner
    r_in = min(radius, _length(before) / 2)
    r_out = min(radius, _length(after) / 2)
    if r_in < 0.5 or r_out < 0.5:
        path.lineTo(corner)
        return
    path.lineTo(corner + before * (r_in / _length(before)))
    path.quadTo(corner, corner + after * (r_out / _length(after)))


def _length(vector: QPointF) -> float:
    return (vector.x() ** 2 + vector.y() ** 2) ** 0.5
