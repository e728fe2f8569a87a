"""Two annotators' layers with event frames on one article, and gold read back: for curation tests."""
from __future__ import annotations

from pathlib import Path

from storage.project import Project

TEXT = "Rebels entered Velmora after fighting the army."
SPANS = [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "LOCATION"), (29, 37, "EVENT"), (42, 46, "ACTOR")]


def frame(project: Project, layer: str, trigger: tuple[int, int], type_: str,
          roles: dict[str, list[tuple[int, int]]]) -> None:
    ids = {(s.start, s.end): s.id for s in project.spans(1) if s.annotator == layer}
    event = project.add_event(ids[trigger], type=type_, annotator=layer)
    for role, fillers in roles.items():
        for filler in fillers:
            project.add_argument(event.id, role, ids[filler])


def build(path: Path) -> Project:
    """ana and ben tag the same spans; "entered": ana's ASSAULT has the place, ben's COERCE not;
    "fighting": the same ASSAULT in both. ana's Rebels carries a sector."""
    project = Project.open(path, new_scheme="plover-2.0")
    project.add_article(text=TEXT, title="Velmora")
    for layer in ("ana", "ben"):
        for start, end, label in SPANS:
            project.add_span(1, start, end, label, annotator=layer)
    project.set_span_attribute(1, "sector", ["REB"])
    frame(project, "ana", (7, 14), "ASSAULT", {"actor": [(0, 6)], "location": [(15, 22)]})
    frame(project, "ben", (7, 14), "COERCE", {"actor": [(0, 6)]})
    for layer in ("ana", "ben"):
        frame(project, layer, (29, 37), "ASSAULT", {"actor": [(0, 6), (42, 46)]})
    return project


def gold_frames(project: Project) -> list[tuple]:
    """(trigger, type, taken_from, {role: [(start, end)]}) of every gold event."""
    found = []
    for event in project.events(1):
        if event.annotator != "gold":
            continue
        (origin,) = project.db.execute("SELECT taken_from FROM events WHERE id = ?", [event.id]).fetchone()
        trigger = project.span(event.trigger_id)
        roles: dict[str, list] = {}
        for argument in event.arguments:
            span = project.span(argument.span_id)
            assert span.annotator == "gold"  # a gold frame only ever points at gold spans
            roles.setdefault(argument.role, []).append((span.start, span.end))
        found.append(((trigger.start, trigger.end), event.type, origin, roles))
    return found
