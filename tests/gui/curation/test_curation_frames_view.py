"""Event frames in the curation view, by keys: agreed frame to gold on open, take a whole frame,
take one role's fillers, reject, undo, redo; checked in the file and in a gold export."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

import main
from gui.main_window import MainWindow
from storage.project import Project
from storage.team.curation_frames import FrameUnit
from tests.storage.team.frame_layers import build, frame, gold_frames

CTRL, ALT, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ShiftModifier


def open_view(qtbot, path, tmp_path):
    """The window on ``path``'s article 1 and its curation view, active, as a curator opens it."""
    window = MainWindow(Project.open(path), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        annotator="curator")
    qtbot.addWidget(window)
    window.show()
    window.document.open_article(1)
    window.team.curate_action.trigger()
    view = window.team.curation_view
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    return window, view


def open_curation(qtbot, tmp_path):
    path = tmp_path / "master.sqlite"
    build(path).close()
    return (path, *open_view(qtbot, path, tmp_path))


def row_of(view, start, *, frame):
    """The list row of the place starting at ``start``: a frame place, or a span place."""
    return next(k for k, u in enumerate(view.units) if u.start == start and isinstance(u, FrameUnit) == frame)


def decisions(path):
    """The span places' decisions in the file: (start, end, decision)."""
    with closing(sqlite3.connect(path)) as db:
        return set(db.execute('SELECT start, "end", decision FROM curation_decisions').fetchall())


def on_disk(path):
    with Project.open(path) as project:
        return gold_frames(project)


def test_frames_by_keys_whole_frame_one_role_reject_undo(qtbot, tmp_path):
    path, _window, view = open_curation(qtbot, tmp_path)
    # every span agrees, and so does the frame on "fighting": all in gold before a key is pressed
    assert on_disk(path) == [((29, 37), "ASSAULT", "agreed", {"actor": [(0, 6), (42, 46)]})]
    assert "1 agreed frame went" in view.summary.text()
    unit = view.current()  # the only open place: the frame on "entered"
    assert isinstance(unit, FrameUnit) and unit.start == 7 and "frame on" in view.list.line(view.list.currentRow())
    headers = [view.versions.horizontalHeaderItem(c).text() for c in range(view.versions.columnCount())]
    assert headers[:5] == ["Key", "Layer", "Trigger", "Type", "▸ actor"] and "location" in headers
    assert view.versions.item(0, 3).text() == "ASSAULT" and view.versions.item(1, 3).text() == "COERCE"
    location = headers.index("location")
    assert view.versions.item(0, location).text() == "Velmora" and view.versions.item(1, location).text() == "–"

    qtbot.keyClick(view, Qt.Key.Key_H)  # names hidden in the frame table too
    assert [view.versions.item(r, 1).text() for r in range(3)] == ["Annotator 1", "Annotator 2", "gold"]
    qtbot.keyClick(view, Qt.Key.Key_H)
    qtbot.keyClick(view, Qt.Key.Key_2)  # ben's whole frame
    assert on_disk(path)[0] == ((7, 14), "COERCE", "ben", {"actor": [(0, 6)]})
    view.list.setCurrentRow(next(k for k, u in enumerate(view.units) if isinstance(u, FrameUnit) and u.start == 7))
    qtbot.keyClick(view, Qt.Key.Key_R)  # actor → recipient
    qtbot.keyClick(view, Qt.Key.Key_R)  # → location
    assert view.role == "location" and view.versions.horizontalHeaderItem(location).text() == "▸ location"
    qtbot.keyClick(view, Qt.Key.Key_1, ALT)  # only ana's location onto ben's frame
    assert on_disk(path)[0] == ((7, 14), "COERCE", "ben", {"actor": [(0, 6)], "location": [(15, 22)]})
    assert view.current().start == 7  # the frame stays current: it may need another role

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # the role, as one step
    assert on_disk(path)[0] == ((7, 14), "COERCE", "ben", {"actor": [(0, 6)]})
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert on_disk(path)[0][3]["location"] == [(15, 22)]

    qtbot.keyClick(view, Qt.Key.Key_X)  # on second thought: no frame on "entered"
    assert [f[0] for f in on_disk(path)] == [(29, 37)]
    assert "[rejected]" in view.list.line(view.list.currentRow()) or view.current().start != 7
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # back before ben's frame: nothing on "entered"
    assert [f[0] for f in on_disk(path)] == [(29, 37)]
    assert "[to decide]" in view.list.line(view.list.currentRow())

    view.list.setCurrentRow(next(k for k, u in enumerate(view.units) if isinstance(u, FrameUnit) and u.start == 7))
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's whole frame, for the export
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    view.close()
    assert on_disk(path)[0][2] == "ana"  # closing the view decides nothing
    out = tmp_path / "gold.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "events", "--layer", "gold", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    entered = next(r for r in records if r["trigger"]["text"] == "entered")
    assert entered["type"] == "ASSAULT" and [a["text"] for a in entered["actor"]] == ["Rebels"]
    assert entered["location"]["text"] == "Velmora"
    assert len(records) == 2


def test_role_keys_on_a_span_unit_say_what_they_are_for(qtbot, tmp_path):
    path = tmp_path / "master.sqlite"
    with build(path) as project:
        project.add_span(1, 38, 46, "ACTOR", annotator="ana")  # "the army" beside ben's "army": a span dispute
    _window, view = open_view(qtbot, path, tmp_path)
    view.list.setCurrentRow(next(k for k, u in enumerate(view.units) if not isinstance(u, FrameUnit)
                                 and not u.resolved))
    qtbot.keyClick(view, Qt.Key.Key_1, ALT)
    assert "go to a frame first" in view.summary.text()


def test_taking_a_whole_frame_settles_the_span_places_under_it(qtbot, tmp_path):
    """ben never tagged "Velmora": its span place is open until 1 takes ana's frame, whose location
    it is; then it is decided with the frame, in one undo step, and the article can be marked curated."""
    path = tmp_path / "master.sqlite"
    with build(path) as project:
        project.db.execute("DELETE FROM spans WHERE annotator = 'ben' AND start = 15")
    _window, view = open_view(qtbot, path, tmp_path)
    assert [(u.start, isinstance(u, FrameUnit)) for u in view.units if not u.resolved] == [(7, True), (15, False)]
    assert view.current().start == 7 and isinstance(view.current(), FrameUnit)
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's whole frame, with "Velmora" as its location
    assert on_disk(path)[0][:3] == ((7, 14), "ASSAULT", "ana") and (15, 22, "took:ana") in decisions(path)
    assert all(u.resolved for u in view.units) and "0 still to decide" in view.summary.text()
    line = view.list.line(next(k for k, u in enumerate(view.units) if u.start == 15 and not isinstance(u, FrameUnit)))
    assert "[took ana]" in line
    assert view.undo_stack.count() == 1
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # one step: the frame and the place it settled
    assert (15, 22, "took:ana") not in decisions(path) and [f[0] for f in on_disk(path)] == [(29, 37)]
    assert [u.start for u in view.units if not u.resolved] == [7, 15]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert (15, 22, "took:ana") in decisions(path) and on_disk(path)[0][2] == "ana"
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    assert "Curated" in view.summary.text()
    view.close()
    out = tmp_path / "gold.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "spacy", "--layer", "gold", "-o", str(out)]) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert (15, 22, "LOCATION") in {(s["start"], s["end"], s["label"]) for s in record["spans"]}


def test_alt_keys_fill_the_gold_frame_chosen_with_f(qtbot, tmp_path):
    """ana made two frames on "entered" (ASSAULT with the place, COERCE with nobody); taking hers
    gives gold both. F chooses gold's COERCE, and Alt+2 puts ben's actor on it, not on the first
    frame; E opens the chosen one. The gold text, once shown, keeps that choice."""
    path = tmp_path / "master.sqlite"
    with build(path) as project:
        frame(project, "ana", (7, 14), "COERCE", {})
    _window, view = open_view(qtbot, path, tmp_path)
    qtbot.keyClick(view, Qt.Key.Key_G)  # the gold text is shown (and could pick a frame)…
    qtbot.keyClick(view.gold.view, Qt.Key.Key_Escape)  # …then back to the list
    assert view.current().start == 7
    qtbot.keyClick(view, Qt.Key.Key_1)  # both of ana's frames
    assert [(f[0], f[1]) for f in on_disk(path)] == [((7, 14), "ASSAULT"), ((7, 14), "COERCE"), ((29, 37), "ASSAULT")]
    view.list.setCurrentRow(next(k for k, u in enumerate(view.units) if isinstance(u, FrameUnit) and u.start == 7))
    layers = [view.versions.item(r, 1).text() for r in range(view.versions.rowCount())]
    assert layers == ["ana", "ben", "▸ gold 1", "gold 2"]
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert [view.versions.item(r, 1).text() for r in (2, 3)] == ["gold 1", "▸ gold 2"]
    assert view.role == "actor"
    qtbot.keyClick(view, Qt.Key.Key_2, ALT)  # ben's actor onto gold's COERCE
    coerce = next(f for f in on_disk(path) if f[1] == "COERCE")
    assert coerce[3] == {"actor": [(0, 6)]}
    assert next(f for f in on_disk(path) if f[1] == "ASSAULT" and f[0] == (7, 14))[3] == {
        "actor": [(0, 6)], "location": [(15, 22)]}
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_E)  # E opens the chosen frame
    qtbot.waitUntil(lambda: view.gold.events.frame.type_filter.hasFocus())
    assert view.gold.events.frame.shown_event.type == "COERCE"
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # the role, one step
    assert "actor" not in next(f for f in on_disk(path) if f[1] == "COERCE")[3]


def test_a_frame_take_settles_a_place_whose_span_gold_already_had(qtbot, tmp_path):
    """The curator tagged "Velmora" in gold by hand (its place stays open: nobody's version was
    taken); ana's frame then reuses that span, and the place's line says it was decided with it."""
    path = tmp_path / "master.sqlite"
    with build(path) as project:
        project.db.execute("DELETE FROM spans WHERE annotator = 'ben' AND start = 15")
    _window, view = open_view(qtbot, path, tmp_path)
    qtbot.keyClick(view, Qt.Key.Key_G)
    view.gold.view.select_range(15, 22)
    qtbot.keyClick(view.gold.view, Qt.Key.Key_2)  # LOCATION, made by the curator
    qtbot.keyClick(view.gold.view, Qt.Key.Key_Escape)
    velmora = row_of(view, 15, frame=False)
    assert "[to decide]" in view.list.line(velmora)
    view.list.setCurrentRow(row_of(view, 7, frame=True))
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's frame: its location is the span gold already has
    assert "[took ana]" in view.list.line(velmora) and view.units[velmora].gold != ()
    assert (15, 22, "took:ana") in decisions(path) and all(u.resolved for u in view.units)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert "[to decide]" in view.list.line(velmora) and (15, 22, "took:ana") not in decisions(path)
