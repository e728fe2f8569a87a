"""The whole event-frame path on the real window and the real sample article, by keyboard and mouse:
tag, build the frame, edit, undo/redo, Ctrl+click, delete a filler, reopen, export — checking the
SQLite file after every step and the exported record against the article text."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from storage.exporting import export_to_path
from tests.gui.event_helpers import (
    PHRASE,
    arguments,
    events,
    open_window,
    point,
    rows,
    tag,
    word,
)


def test_build_edit_undo_reopen_and_export_a_frame(qtbot, sample_project: Path):
    window, panel = open_window(qtbot, sample_project)
    project, doc, frame = window.project, window.document, panel.frame

    # Tag the actor, the place and (last) the trigger: tagging EVENT opens its frame at once.
    insurgents = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    damascus = tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    entered = tag(qtbot, window, "entered", Qt.Key.Key_3)
    ((event_id, trigger_id, event_type, attributes),) = events(project)
    assert trigger_id == entered and event_type is None
    assert json.loads(attributes) == {"date": "2024-12-08", "modality": "asserted", "polarity": "positive"}
    qtbot.waitUntil(frame.type_filter.hasFocus)

    # Type: "fig" filters to FIGHT, Enter picks it.
    qtbot.keyClicks(frame.type_filter, "fig")
    assert [frame.type_list.item(i).text() for i in range(frame.type_list.count())] == ["FIGHT"]
    qtbot.keyClick(frame.type_filter, Qt.Key.Key_Return)
    assert events(project)[0][2] == "FIGHT"
    assert frame.type_filter.text() == "FIGHT"

    # Tab to source: its candidates are numbered; 1 is "insurgents".
    qtbot.keyClick(frame.type_filter, Qt.Key.Key_Tab)
    source = frame.slots["source"]
    assert source.list.hasFocus()
    assert source.candidate_rows()[0].text() == "1  insurgents"
    qtbot.keyClick(source.list, Qt.Key.Key_1)
    assert arguments(project) == [("source", insurgents)]
    assert doc.undo_stack.undoText() == "Add ‘insurgents’ as source"
    assert len(doc.spans) == 3  # the digit filled the role; it did not tag or relabel a span

    # Tab past target to location; Enter takes the first (nearest) candidate, Damascus.
    qtbot.keyClick(source.list, Qt.Key.Key_Tab)
    qtbot.keyClick(frame.slots["target"].list, Qt.Key.Key_Tab)
    location = frame.slots["location"]
    assert location.list.hasFocus() and location.candidate_rows()[0].text() == "1  Damascus"
    qtbot.keyClick(location.list, Qt.Key.Key_Return)
    assert arguments(project) == [("location", damascus), ("source", insurgents)]

    # Esc: back to the article, the event still selected and its frame marked there.
    qtbot.keyClick(location.list, Qt.Key.Key_Escape)
    assert window.view.hasFocus() and doc.current_event_id == event_id
    view = window.view
    assert "source" in view.tooltip_text(word(window, "insurgents")[0]).split("\n")
    assert "location" in view.tooltip_text(word(window, "Damascus")[0]).split("\n")
    assert "trigger (FIGHT)" in view.tooltip_text(word(window, "entered")[0]).split("\n")

    # E reopens the frame; change the type, undo and redo it with the window's keys.
    qtbot.keyClick(view, Qt.Key.Key_E)
    assert frame.type_filter.hasFocus() and frame.type_filter.selectedText() == "FIGHT"
    qtbot.keyClicks(frame.type_filter, "assa")
    qtbot.keyClick(frame.type_filter, Qt.Key.Key_Return)
    assert events(project)[0][2] == "ASSAULT"
    qtbot.keyClick(frame.type_filter, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert events(project)[0][2] == "FIGHT" and frame.type_filter.text() == "FIGHT"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert events(project)[0][2] == "ASSAULT"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert events(project)[0][2] == "FIGHT"

    # Polarity: E, four Tabs (source, target, location, polarity), Down picks "negative".
    qtbot.keyClick(view, Qt.Key.Key_E)
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    polarity = frame.attribute_widgets["polarity"]
    assert polarity.hasFocus()
    qtbot.keyClick(polarity, Qt.Key.Key_Down)
    assert json.loads(events(project)[0][3])["polarity"] == "negative"
    assert doc.undo_stack.undoText() == "Set polarity to negative"
    qtbot.keyClick(polarity, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert json.loads(events(project)[0][3])["polarity"] == "positive"
    assert polarity.currentText() == "positive"
    qtbot.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert json.loads(events(project)[0][3])["polarity"] == "negative"

    # Remove the source with Backspace on its filled row; undo, redo, undo.
    qtbot.keyClick(view, Qt.Key.Key_E)
    qtbot.keyClick(frame.type_filter, Qt.Key.Key_Tab)
    assert [item.text() for item in source.filled_rows()] == ["insurgents"]
    assert source.list.currentItem() is source.filled_rows()[0]  # Tab lands on the filled row
    qtbot.keyClick(source.list, Qt.Key.Key_Backspace)
    assert arguments(project) == [("location", damascus)]
    assert doc.undo_stack.undoText() == "Remove source ‘insurgents’"
    qtbot.keyClick(source.list, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert arguments(project) == [("location", damascus), ("source", insurgents)]
    qtbot.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert arguments(project) == [("location", damascus)]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert arguments(project) == [("location", damascus), ("source", insurgents)]

    # Mouse: tag "they" as ACTOR, click the trigger, Ctrl+click "they": source or target? target.
    they = tag(qtbot, window, "they", Qt.Key.Key_1)
    assert doc.current_event_id is None  # a span outside the frame was selected
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point(window, word(window, "entered")[0] + 2))
    assert doc.current_event_id == event_id
    asked = []
    panel.choose_role = lambda roles, span, pos: asked.append(roles) or "target"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     pos=point(window, word(window, "they")[0] + 1))
    assert asked == [["source", "target"]]
    assert arguments(project) == [("location", damascus), ("source", insurgents), ("target", they)]
    assert doc.current_event_id == event_id
    assert "target" in view.tooltip_text(word(window, "they")[0]).split("\n")

    # Delete a span that fills a role (click it, Delete): the argument goes in the same step.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point(window, word(window, "they")[0] + 1))
    assert doc.current_span_id == they and doc.current_event_id == event_id
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert arguments(project) == [("location", damascus), ("source", insurgents)]
    assert rows(project, f"SELECT count(*) FROM spans WHERE id = {they}") == [(0,)]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert arguments(project) == [("location", damascus), ("source", insurgents), ("target", they)]
    assert rows(project, f"SELECT label FROM spans WHERE id = {they}") == [("ACTOR",)]

    # Close and reopen: the frame is intact in a new window's panel.
    window.close()
    window, panel = open_window(qtbot, sample_project)
    table, model = panel.events_table, panel.events_model
    assert model.rowCount() == 1
    assert model.index(0, model.TYPE_COLUMN).data() == "FIGHT"
    assert model.index(0, model.TRIGGER_COLUMN).data() == "entered"
    assert model.index(0, model.ARGUMENTS_COLUMN).data() == "source: insurgents; target: they; location: Damascus"
    assert model.index(0, model.WARNING_COLUMN).data() == ""
    table.setFocus()
    table.setCurrentIndex(model.index(0, 1))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.document.current_event_id == event_id
    frame = panel.frame
    assert frame.type_filter.text() == "FIGHT"
    assert [i.text() for i in frame.slots["source"].filled_rows()] == ["insurgents"]
    assert [i.text() for i in frame.slots["location"].filled_rows()] == ["Damascus"]
    assert frame.attribute_widgets["polarity"].currentText() == "negative"
    assert frame.attribute_widgets["date"].text() == "2024-12-08"

    # Export `events` and check every field against the article text.
    out = sample_project / "events.jsonl"
    export_to_path(window.project, "events", out)
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    text = window.document.text
    for mention in [record["trigger"], *record["source"], *record["target"], record["location"]]:
        assert text[mention["start"]:mention["end"]] == mention["text"]
    assert record["trigger"]["text"] == "entered" and record["type"] == "FIGHT"
    assert [m["text"] for m in record["source"]] == ["insurgents"]
    assert [m["text"] for m in record["target"]] == ["they"]
    assert record["location"]["text"] == "Damascus"
    sentence = record["sentence"]
    assert text[sentence["start"]:sentence["end"]] == sentence["text"]
    assert sentence["start"] <= record["trigger"]["start"] < record["trigger"]["end"] <= sentence["end"]
    assert PHRASE in sentence["text"]
    assert record["date"] == record["article_date"] == "2024-12-08"
    assert (record["polarity"], record["modality"]) == ("negative", "asserted")
    assert record["event_id"] == event_id
