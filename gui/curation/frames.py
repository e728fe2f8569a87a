"""Event frames in the curation view: their line in the list, their versions table, their command.

A frame unit (``storage.team.curation_frames``) is listed beside the span units, in text order.
Its table has one row per annotator and gold, one column per role of the scheme; the selected
role's column (**R** / **Shift+R**) is marked, and **Alt+1**–**Alt+9** take that role's fillers
from annotator n, while **1**–**9** take the whole frame and **X** rejects, as for spans. Where
gold has several frames at a place, each is a row of its own and the one Alt+1–9 fill is marked:
**F** / **Shift+F** choose it, and so does making one current in the gold text or Events panel.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from gui.plain import plain_tooltip, quote
from storage.team import curation, curation_frames
from storage.team.curation_frames import FrameChange, FrameUnit, FrameVersion
from storage.team.matching import SpanAnn
from storage.team.old_decisions import PARTS

if TYPE_CHECKING:
    from gui.curation.view import CurationView

ROLE_MARK = "▸ "  # before the selected role's column header
MAX_COLUMN = 150  # pixels: at 1024 px wide every role column still shows beside the list


def unit_key(unit: object) -> tuple[int, int, int]:
    """What identifies a list entry across reloads, and orders the list: a frame unit and a span
    unit may share an extent (a trigger is a span), and the span comes first."""
    return (unit.start, unit.end, int(isinstance(unit, FrameUnit)))  # type: ignore[attr-defined]


class FrameCommand(QUndoCommand):
    """One frame action (take a frame, take a role, reject): done once on push, then undo/redo
    through the store with the ids of the first run."""

    def __init__(self, view: "CurationView", unit: FrameUnit, text: str,
                 act: Callable[[], FrameChange]) -> None:
        super().__init__(text)
        self.view, self.key, self.act = view, unit_key(unit), act
        self.change: FrameChange | None = None
        self._skip_next_redo = False

    def first(self) -> None:
        """Act once, before the push; raises AnnotatorError when the store refuses."""
        self.change = self.act()
        self._skip_next_redo = True
        self.view.show_change(*touched(self.change), keep=self.key)

    def redo(self) -> None:
        if self._skip_next_redo:  # push() calls redo() right after first() already ran
            self._skip_next_redo = False
            return
        assert self.change is not None
        curation_frames.redo(self.view.project, self.change)
        self.view.show_change(*touched(self.change), keep=self.key)

    def undo(self) -> None:
        assert self.change is not None
        curation_frames.undo(self.view.project, self.change)
        self.view.show_change(*touched(self.change), keep=self.key)


def touched(change: FrameChange) -> tuple[int, int]:
    """The stretch whose span places a frame action touches: its triggers, the gold spans it made for
    the taken frame's fillers (anywhere in the sentence) and the span places it settled. Removed
    events leave spans alone."""
    extents = [(change.start, change.end), *((g.span.start, g.span.end) for g in change.spans),
               *(settled.extent() for settled in change.settled)]
    return min(start for start, _end in extents), max(end for _start, end in extents)


def take_frame(view: "CurationView", unit: FrameUnit, annotator: str) -> FrameCommand:
    return FrameCommand(view, unit, f"Take {annotator}'s frame", lambda: curation_frames.take_frame(
        view.project, view.article_id, unit, annotator))


def take_role(view: "CurationView", unit: FrameUnit, annotator: str, role: str,
              event_id: int | None = None) -> FrameCommand:
    return FrameCommand(view, unit, f"Take {annotator}'s {role}", lambda: curation_frames.take_role(
        view.project, view.article_id, unit, annotator, role, event_id=event_id))


def target(view: "CurationView", unit: FrameUnit) -> int | None:
    """The gold event Alt+1–9 fill at ``unit``: the one chosen (F, or current in the gold text), else the first."""
    if view.gold_frame in unit.gold_ids:
        return view.gold_frame
    return unit.gold_ids[0] if unit.gold_ids else None


def step_gold_frame(view: "CurationView", direction: int) -> None:
    """F / Shift+F: the next or previous of gold's frames at the current place is the one Alt+1–9 fill."""
    unit = view.current()
    if not isinstance(unit, FrameUnit) or not unit.gold_ids:
        view.summary.setText("F chooses among gold's frames at a frame place: gold has none here")
        return
    now = target(view, unit)
    view.gold_frame = unit.gold_ids[(unit.gold_ids.index(now) + direction) % len(unit.gold_ids)]
    view.show_current()  # the table marks the new one


def gold_event_chosen(view: "CurationView", event: object) -> None:
    """A gold event made current in the gold text or Events panel is the one Alt+1–9 fill."""
    if event is None or event.id == view.gold_frame:  # type: ignore[attr-defined]
        return
    view.gold_frame = event.id  # type: ignore[attr-defined]
    unit = view.current()
    if isinstance(unit, FrameUnit) and view.gold_frame in unit.gold_ids:
        view.show_current()


def reject(view: "CurationView", unit: FrameUnit) -> FrameCommand:
    return FrameCommand(view, unit, "Reject the frames", lambda: curation_frames.reject_frames(
        view.project, view.article_id, unit))


def state(unit: FrameUnit | curation.Unit, name: Callable[[str], str]) -> str:
    """A unit's decision in words, for its line in the list."""
    if not unit.resolved:
        return "to decide"
    if unit.decision == curation.AGREED:
        return "agreed"
    if unit.decision == curation.REJECTED:
        return "rejected"
    if unit.decision == PARTS:
        return "decided in parts"
    return f"took {name(unit.decision[len(curation.TOOK):])}"  # type: ignore[index]


def frame_line(k: int, unit: FrameUnit, text: str, name: Callable[[str], str]) -> str:
    types = sorted({f.type or "no type" for frames in unit.versions.values() for f in frames})
    return (f"{k + 1:>4}  {unit.start}–{unit.end}  frame on {quote(text[unit.start:unit.end], 30)} "
            f"({' / '.join(types)})  [{state(unit, name)}]")


def _spans(spans: tuple[SpanAnn, ...], text: str) -> str:
    return ", ".join(quote(text[s.start:s.end], 24) for s in spans)


def _frames_cell(frames: tuple[FrameVersion, ...], part: Callable[[FrameVersion], str]) -> str:
    return " | ".join(part(f) for f in frames)  # two frames on one place: both, side by side


def _attributes(frame: FrameVersion) -> str:
    values = frame.values
    shown = (f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
             for key, value in sorted(values.items()) if value not in (None, "", []))
    return "; ".join(shown) or "–"


def show_frame_unit(table: QTableWidget, unit: FrameUnit, rows: list[tuple[str, str, tuple[FrameVersion, ...]]],
                    roles: list[str], role: str | None, text: str, *, target: int | None = None) -> None:
    """Fill the versions table: one row per annotator and gold, a column per role; where gold has
    several frames, a row for each (the last of ``rows`` is gold's), ``target``'s marked."""
    if len(unit.gold) > 1:
        rows = rows[:-1] + [("", (ROLE_MARK if event_id == target else "") + f"gold {n + 1}", (frame,))
                            for n, (frame, event_id) in enumerate(zip(unit.gold, unit.gold_ids))]
    headers = ["Key", "Layer", "Trigger", "Type", *((ROLE_MARK if r == role else "") + r for r in roles),
               "Attributes"]
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, (key, layer, frames) in enumerate(rows):
        if not frames:  # said once, not in every column
            cells = [key, layer, "(no frame)"] + [""] * (len(headers) - 3)
        else:
            cells = [key, layer,
                     _frames_cell(frames, lambda f: quote(text[f.trigger.start:f.trigger.end], 24)),
                     _frames_cell(frames, lambda f: f.type or "no type"),
                     *(_frames_cell(frames, lambda f, role=x: _spans(f.fillers(role), text) or "–") for x in roles),
                     _frames_cell(frames, _attributes)]
        for c, value in enumerate(cells):
            item = QTableWidgetItem(value)  # items show text as typed
            item.setToolTip(plain_tooltip(value))
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for column in range(table.columnCount()):  # long fillers elide (the tooltip has them whole), so every
        table.setColumnWidth(column, min(table.columnWidth(column), MAX_COLUMN))  # role stays in view
