"""A PLOVER 2.0 frame built in the window from the keyboard: type, actor, place, the type's own modes,
contexts, a count; the Events table shows type:mode, a mode of another type is flagged; the file and
a PLOVER export hold what was typed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from storage.exporting import export_to_path
from storage.project import Project
from tests.gui.event_helpers import load_sample, open_window, press, rows, tag, word


@pytest.fixture
def plover_project(tmp_path: Path, plover_default: None) -> Path:
    with Project.open(tmp_path / "project.sqlite") as project:
        load_sample(project)
    return tmp_path


def attributes(project: Project) -> dict:
    ((value,),) = rows(project, "SELECT attributes FROM events")
    return json.loads(value)


def test_a_plover_frame_from_the_keyboard(qtbot, plover_project: Path) -> None:
    window, panel = open_window(qtbot, plover_project)
    project, frame = window.project, panel.frame
    assert project.scheme.name == "PLOVER"
    insurgents = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    damascus = tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    window.view.select_range(*word(window, "entered"))
    press(qtbot, Qt.Key.Key_3)
    assert frame.type_filter.hasFocus()
    qtbot.keyClicks(frame.type_filter, "ass")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is frame.slots["actor"].list
    press(qtbot, Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_Tab)  # recipient: left empty (two-sided fighting: every party is actor)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Return)  # location: Damascus, the first candidate
    assert rows(project, "SELECT role, span_id FROM arguments ORDER BY role") == [
        ("actor", insurgents), ("location", damascus)]

    # The mode field offers ASSAULT's fifteen modes, no other type's; "fire" Enter picks firearms.
    press(qtbot, Qt.Key.Key_Tab)
    modes = frame.choice_fields["mode"]
    assert QApplication.focusWidget() is modes.edit and modes.list.isVisible()
    assert modes.list.count() == 15 and modes.list.item(0).text() == "abduct"
    qtbot.keyClicks(modes.edit, "fire")
    assert modes.list.currentItem().text() == "firearms"
    press(qtbot, Qt.Key.Key_Return)
    assert attributes(project)["mode"] == ["firearms"]
    assert panel.events_model.index(0, panel.events_model.TYPE_COLUMN).data() == "ASSAULT:firearms"

    # Contexts: several; Space toggles like Enter, Backspace in an empty filter takes the last back.
    press(qtbot, Qt.Key.Key_Tab)
    contexts = frame.choice_fields["context"]
    qtbot.keyClicks(contexts.edit, "mil")
    press(qtbot, Qt.Key.Key_Space)
    qtbot.keyClicks(contexts.edit, "terro")
    press(qtbot, Qt.Key.Key_Return)
    assert attributes(project)["context"] == ["military", "terrorism"]
    press(qtbot, Qt.Key.Key_Backspace)
    assert attributes(project)["context"] == ["military"]
    for _ in range(3):  # auxiliary, date, dead
        press(qtbot, Qt.Key.Key_Tab)
    dead = frame.attribute_widgets["dead"]
    assert QApplication.focusWidget() is dead
    qtbot.keyClicks(dead, "-3x")  # the field takes digits only
    press(qtbot, Qt.Key.Key_Tab)
    assert attributes(project)["dead"] == 3
    press(qtbot, Qt.Key.Key_Escape)
    assert window.view.hasFocus()
    assert panel.events_model.index(0, 0).data() == ""  # complete: no ⚠

    # CONSULT has no firearms: the frame is flagged, the mode kept, the field offers CONSULT's modes.
    press(qtbot, Qt.Key.Key_E)
    qtbot.keyClicks(frame.type_filter, "consult")
    press(qtbot, Qt.Key.Key_Return)
    assert panel.events_model.index(0, 0).data() == "⚠"
    assert frame.problems.text() == "⚠ mode not of its type: firearms is not a mode of CONSULT"
    modes.edit.setFocus()
    assert [modes.list.item(i).text() for i in range(modes.list.count())] == [
        "visit", "third-party", "multilateral", "phone", "firearms"]
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows(project, "SELECT type FROM events") == [("ASSAULT",)]

    report = export_to_path(project, "plover", plover_project / "out.jsonl")
    (record,) = [json.loads(line) for line in (plover_project / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (record["event"], record["mode"], record["context"], record["dead"]) == (
        ["ASSAULT"], ["firearms"], ["military"], 3)
    assert [a["entity_text"] for a in record["actor"]] == ["insurgents"]
    assert record["event_loc"]["extracted_place"] == "Damascus" and record["event_scale"] == -9.0
    assert report.flagged_events == 0


def test_c_edits_the_articles_contexts_undoably(qtbot, plover_project: Path) -> None:
    window, _ = open_window(qtbot, plover_project)
    project, panel = window.project, window.span_attribute_panel
    press(qtbot, Qt.Key.Key_C)
    field = panel.article_fields["context"]
    assert QApplication.focusWidget() is field.edit
    qtbot.keyClicks(field.edit, "milit")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(field.edit, "dipl")
    press(qtbot, Qt.Key.Key_Space)
    assert project.article_attributes(1) == {"context": ["military", "diplomatic"]}
    press(qtbot, Qt.Key.Key_Escape)
    assert window.view.hasFocus() and field.edit.text() == "military, diplomatic"
    assert window.undo_action.text() == "Undo Set the article's context to military, diplomatic"
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.article_attributes(1) == {"context": ["military"]}
    assert field.edit.text() == "military"
