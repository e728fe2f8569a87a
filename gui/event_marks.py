"""How a selected event shows in the article: one colour per role, an outline per argument, and a
thin curve from the trigger to each argument.

The colours are shared with the frame editor (a role's swatch there is its outline here). The
article view draws what ``event_marks`` lists, and joins the first mark (the trigger) to the others
with ``connector_path``; only the selected event is drawn, so a long article stays readable.
"""
from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainterPath

from storage.model import Event, Role, Span

__all__ = ["ROLE_COLOURS", "TRIGGER_COLOUR", "connector_path", "event_marks", "role_colour"]

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


def connector_path(start: QRectF, end: QRectF) -> QPainterPath:
    """A curve from the box of a trigger (``start``) to the box of an argument (``end``).

    QPlainTextEdit leaves no room between lines, so the curve keeps to where glyphs are thin: on
    one line it arcs over both boxes only into the descender zone of the line above (a quarter of
    a line at most); across lines it leaves the trigger's edge that faces the argument and enters
    the argument's facing edge, hugging the gap between lines when they are neighbours.
    """
    height = start.height()
    if abs(start.center().y() - end.center().y()) < height / 2:
        a, b = QPointF(start.center().x(), start.top()), QPointF(end.center().x(), end.top())
        lift = min(0.3 * height, 3 + abs(b.x() - a.x()) / 12)  # the peak is 3/4 of the lift
        path = QPainterPath(a)
        path.cubicTo(a.x(), a.y() - lift, b.x(), b.y() - lift, b.x(), b.y())
        return path
    down = end.center().y() > start.center().y()
    a = QPointF(start.center().x(), start.bottom() if down else start.top())
    b = QPointF(end.center().x(), end.top() if down else end.bottom())
    bend = max(0.25 * height, min(0.5 * height, abs(b.y() - a.y()) / 2))
    bend = bend if down else -bend
    path = QPainterPath(a)
    path.cubicTo(a.x(), a.y() + bend, b.x(), b.y() - bend, b.x(), b.y())
    return path
