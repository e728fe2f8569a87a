"""The keyboard path in a project with the older scheme (the README's PLOVER 2.0 path, `ass` → ASSAULT
→ actor → mode, is tests/gui/test_plover_frame.py), key by key, on the real window and the sample article:
select the trigger → 3 → type "fig" → Enter → Tab → 1 → Tab → Tab → Enter → Esc,
with the SQLite file read after every key; then each frame edit undone and redone by Ctrl+Z and
Ctrl+Shift+Z, its undo text readable, the file back to the state it had before and after it."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.event_helpers import (
    open_window,
    point,
    press,
    rows,
    tag,
    word,
)

UNDO = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
REDO = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def frame_rows(project) -> tuple[list[tuple], list[tuple]]:
    """Everything a frame is on disk: events (id, trigger, type, attributes) and arguments."""
    events = [(i, trigger, kind, json.loads(attributes)) for i, trigger, kind, attributes in
              rows(project, "SELECT id, trigger_id, type, attributes FROM events ORDER BY id")]
    arguments = rows(project, "SELECT event_id, role, span_id FROM arguments ORDER BY event_id, role, span_id")
    return events, arguments


def test_the_readme_keyboard_path_key_by_key(qtbot, sample_project: Path):
    window, panel = open_window(qtbot, sample_project)
    project, frame = window.project, panel.frame
    insurgents = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    damascus = tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    assert frame_rows(project) == ([], [])
    attributes = {"date": "2024-12-08", "modality": "asserted", "polarity": "positive"}

    # Select the trigger, 3: the EVENT span, its event (no type yet), focus in the type filter.
    window.view.select_range(*word(window, "entered"))
    press(qtbot, Qt.Key.Key_3)
    ((entered,),) = rows(project, "SELECT id FROM spans WHERE label = 'EVENT'")
    ((event_id, *_),), _ = frame_rows(project)
    assert frame_rows(project) == ([(event_id, entered, None, attributes)], [])
    assert frame.type_filter.hasFocus()

    # "fig" only filters: nothing is stored until Enter.
    for letter in (Qt.Key.Key_F, Qt.Key.Key_I, Qt.Key.Key_G):
        press(qtbot, letter)
    assert frame.type_filter.text() == "fig" and frame.type_list.currentItem().text() == "FIGHT"
    assert frame_rows(project) == ([(event_id, entered, None, attributes)], [])
    press(qtbot, Qt.Key.Key_Return)
    assert frame_rows(project) == ([(event_id, entered, "FIGHT", attributes)], [])

    # Tab: the source slot, its candidates numbered, "insurgents" first and suggested (the
    # event-role recommender's pick, pre-selected, drawn as a suggestion); nothing stored.
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is frame.slots["source"].list
    assert [r.text() for r in frame.slots["source"].candidate_rows()][:1] == ["1  insurgents"]
    assert frame.slots["source"].list.currentItem() is frame.slots["source"].suggested_row()
    assert "suggested" in frame.slots["source"].caption.text()
    assert frame_rows(project) == ([(event_id, entered, "FIGHT", attributes)], [])
    press(qtbot, Qt.Key.Key_1)
    assert frame_rows(project) == ([(event_id, entered, "FIGHT", attributes)],
                                   [(event_id, "source", insurgents)])

    # Tab, Tab: past target (left empty) to location; Enter takes its first candidate.
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is frame.slots["target"].list
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is frame.slots["location"].list
    assert frame_rows(project)[1] == [(event_id, "source", insurgents)]
    press(qtbot, Qt.Key.Key_Return)
    assert frame_rows(project) == ([(event_id, entered, "FIGHT", attributes)],
                                   [(event_id, "location", damascus), (event_id, "source", insurgents)])

    # Esc: back in the article, the event still selected; nothing changes on disk.
    press(qtbot, Qt.Key.Key_Escape)
    assert window.view.hasFocus() and window.document.current_event_id == event_id
    assert frame_rows(project) == ([(event_id, entered, "FIGHT", attributes)],
                                   [(event_id, "location", damascus), (event_id, "source", insurgents)])
    assert panel.events_model.index(0, 0).data() == ""  # a complete frame: no ⚠
    stack = window.document.undo_stack
    assert [stack.text(i) for i in range(stack.count())] == [
        "Tag ‘insurgents’ as ACTOR", "Tag ‘Damascus’ as LOCATION", "Tag ‘entered’ as EVENT",
        "Create event on ‘entered’", "Set event type to FIGHT", "Add ‘insurgents’ as source",
        "Add ‘Damascus’ as location"]


def test_every_frame_edit_undoes_and_redoes_with_a_readable_name(qtbot, sample_project: Path):
    window, panel = open_window(qtbot, sample_project)
    project, doc, frame, view = window.project, window.document, panel.frame, window.view
    insurgents = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    they = tag(qtbot, window, "they", Qt.Key.Key_1)
    tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    panel.choose_role = lambda roles, span, pos: "target"
    states = [frame_rows(project)]  # states[i]: the file after the i-th frame edit
    names: list[str] = []

    def done(name: str) -> None:
        assert doc.undo_stack.undoText() == name
        names.append(name)
        states.append(frame_rows(project))

    tag(qtbot, window, "entered", Qt.Key.Key_3)  # the tag, then (a second command) its event
    done("Create event on ‘entered’")
    qtbot.keyClicks(frame.type_filter, "fig")
    press(qtbot, Qt.Key.Key_Return)
    done("Set event type to FIGHT")
    press(qtbot, Qt.Key.Key_Tab)
    assert [r.text() for r in frame.slots["source"].candidate_rows()] == ["1  they", "2  insurgents"]
    press(qtbot, Qt.Key.Key_2)
    done("Add ‘insurgents’ as source")
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     pos=point(window, word(window, "they")[0] + 1))
    done("Add ‘they’ as target")
    press(qtbot, Qt.Key.Key_E)
    for _ in range(4):
        press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Down)  # polarity
    done("Set polarity to negative")
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_E)
    press(qtbot, Qt.Key.Key_Tab)
    source = frame.slots["source"]
    source.list.setCurrentItem(source.filled_rows()[0])
    press(qtbot, Qt.Key.Key_Delete)
    done("Remove source ‘insurgents’")
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    done("Delete event ‘entered’")
    assert frame_rows(project) == ([], [])
    assert view.hasFocus() and insurgents in doc.spans and they in doc.spans

    # Every step back, then every step forward, from the article with the window's own keys.
    for expected_name, before in zip(reversed(names), reversed(states[:-1])):
        assert doc.undo_stack.undoText() == expected_name
        press(qtbot, *UNDO)
        assert frame_rows(project) == before, expected_name
    for expected_name, after in zip(names, states[1:]):
        assert doc.undo_stack.redoText() == expected_name
        press(qtbot, *REDO)
        assert frame_rows(project) == after, expected_name


def test_arrows_and_enter_fill_a_role_twice_and_backspace_empties_it(qtbot, sample_project: Path):
    """Arrows + Enter do what digits do; a role may take several spans (two sources here)."""
    window, panel = open_window(qtbot, sample_project)
    project, frame = window.project, panel.frame
    insurgents = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    they = tag(qtbot, window, "they", Qt.Key.Key_1)
    tag(qtbot, window, "entered", Qt.Key.Key_3)
    ((event_id, *_),), _ = frame_rows(project)
    press(qtbot, Qt.Key.Key_Tab)
    source = frame.slots["source"]
    assert source.list.currentItem().text() == "1  they"  # the nearest is where Enter lands
    press(qtbot, Qt.Key.Key_Down)
    assert source.list.currentItem().text() == "2  insurgents"
    press(qtbot, Qt.Key.Key_Return)
    assert frame_rows(project)[1] == [(event_id, "source", insurgents)]
    assert source.list.currentItem().text() == "1  they"  # the next pick, renumbered
    press(qtbot, Qt.Key.Key_Return)
    assert frame_rows(project)[1] == [(event_id, "source", insurgents), (event_id, "source", they)]
    assert [r.text() for r in source.filled_rows()] == ["insurgents", "they"] and source.candidate_rows() == []
    assert "no candidates" in source.caption.text()
    assert source.list.currentItem().text() == "insurgents"  # no candidates left: the first filler
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Backspace)
    assert frame_rows(project)[1] == [(event_id, "source", insurgents)]
    assert window.document.undo_stack.undoText() == "Remove source ‘they’"
    assert [r.text() for r in source.candidate_rows()] == ["1  they"]


def test_tab_into_a_filled_slot_highlights_the_filler_so_backspace_removes_it(qtbot, sample_project: Path):
    window, panel = open_window(qtbot, sample_project)
    project, frame = window.project, panel.frame
    insurgents = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    they = tag(qtbot, window, "they", Qt.Key.Key_1)
    tag(qtbot, window, "entered", Qt.Key.Key_3)
    ((event_id, *_),), _ = frame_rows(project)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_2)  # "insurgents", the second candidate
    assert frame_rows(project)[1] == [(event_id, "source", insurgents)]
    press(qtbot, Qt.Key.Key_Escape)
    assert window.view.hasFocus()
    # Back in: E, Tab. The highlight is on the filled row, where Backspace acts.
    press(qtbot, Qt.Key.Key_E)
    press(qtbot, Qt.Key.Key_Tab)
    source = frame.slots["source"]
    assert QApplication.focusWidget() is source.list
    assert source.list.currentItem().text() == "insurgents"
    press(qtbot, Qt.Key.Key_Backspace)
    assert frame_rows(project)[1] == []
    assert window.document.undo_stack.undoText() == "Remove source ‘insurgents’"
    # Right after filling the highlight moves on to the next candidate; Backspace still takes the
    # filler back, as in a tag field; Delete only removes a highlighted filler.
    press(qtbot, Qt.Key.Key_1)
    assert source.list.currentItem().data(Qt.ItemDataRole.UserRole + 1) == "candidate"
    filled = frame_rows(project)[1]
    assert len(filled) == 1
    press(qtbot, Qt.Key.Key_Delete)
    assert frame_rows(project)[1] == filled
    press(qtbot, Qt.Key.Key_Backspace)
    assert frame_rows(project)[1] == []
    assert {insurgents, they} <= set(window.document.spans)
