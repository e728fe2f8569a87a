"""The event-role recommender: a frame's role candidates put first what done frames show, and
each empty role shows its likely filler as a suggestion that is never an argument until accepted."""
from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.role_slot import SUGGESTED
from storage.assist.roles import Filler, likely_fillers, rank, role_history
from storage.assist.settings import save_settings
from storage.project import Project
from tests.gui.assist.helpers import open_window

DONE = "Rebels attacked the army in Velmora.\n"
NEW = "The army said Rebels attacked a convoy near Kessa.\n"


def make(path):
    with Project.open(path) as project:
        done = project.add_article(text=DONE, title="done").id
        rebels = project.add_span(done, 0, 6, "ACTOR")
        army = project.add_span(done, DONE.index("the army"), DONE.index("the army") + 8, "ACTOR")
        trigger = project.add_span(done, 7, 15, "EVENT")
        event = project.add_event(trigger.id, type="FIGHT")
        project.add_argument(event.id, "source", rebels.id)
        project.add_argument(event.id, "target", army.id)
        project.set_status(done, "done")
        new = project.add_article(text=NEW, title="new").id
        project.add_span(new, 0, 8, "ACTOR")  # The army
        project.add_span(new, NEW.index("Rebels"), NEW.index("Rebels") + 6, "ACTOR")
        return new


def test_history_moves_the_usual_filler_first_and_keeps_the_order_otherwise(tmp_path):
    make(tmp_path / "p.sqlite")
    with Project.open(tmp_path / "p.sqlite") as project:
        history = role_history(project)
    words = ["The army", "Rebels", "convoy"]
    assert rank(words, str, history, event_type="FIGHT", role="source") == ["Rebels", "The army", "convoy"]
    assert rank(words, str, history, event_type="FIGHT", role="target") == ["The army", "Rebels", "convoy"]
    assert rank(["b", "a"], str, history, event_type="FIGHT", role="location") == ["b", "a"]


def test_a_new_frame_offers_the_likely_filler_as_candidate_one(qtbot, tmp_path):
    new = make(tmp_path / "p.sqlite")
    window = open_window(qtbot, tmp_path / "p.sqlite", tmp_path / "s.ini")
    window.open_article(new)
    start = NEW.index("attacked")
    assert window.document.tag(start, start + 8, "EVENT")
    trigger = window.document.current_span
    assert window.document.create_event(trigger.id, "FIGHT")
    frame = window.event_panel.frame
    frame.set_event(window.document.current_event)
    texts = lambda role: [NEW[c.span.start:c.span.end] for c in frame.candidates_for(role)]
    assert texts("source") == ["Rebels", "The army"]  # nearest first would be "Rebels" too: check target
    assert texts("target") == ["The army", "Rebels"]  # "Rebels" is nearer; done frames say army
    save_settings(window.project, roles=False)
    window.assist.settings_changed()
    assert texts("target") == ["Rebels", "The army"]  # today's order: nearest to the trigger first


def test_done_frames_teach_label_side_and_text_and_a_usually_empty_role_is_not_offered(tmp_path):
    make(tmp_path / "p.sqlite")
    with Project.open(tmp_path / "p.sqlite") as project:
        history = role_history(project)
    assert history.sides[("FIGHT", "source", True)] == 1 and history.sides[("FIGHT", "target", False)] == 1
    assert history.labels[("FIGHT", "target", "ACTOR")] == 1 and history.frames["FIGHT"] == 1
    # "The army" stands before the trigger, "Rebels" after it: the text the done frame shows wins.
    army = Filler(1, "The army", "ACTOR", True, True)
    rebels = Filler(2, "Rebels", "ACTOR", False, True)
    chosen = likely_fillers(history, "FIGHT", {"source": [army, rebels], "target": [army, rebels]})
    assert {role: s.span_id for role, s in chosen.items()} == {"source": 2, "target": 1}
    # One span is offered to one role only; a rejected pair leaves the role to the next candidate.
    chosen = likely_fillers(history, "FIGHT", {"source": [army, rebels], "target": [army, rebels]},
                            rejected={("source", 2)})
    assert {role: s.span_id for role, s in chosen.items()} == {"target": 1}  # army is target's, not source's
    # Another sentence and never seen in the role: not offered; nor a role three done frames left empty.
    far = Filler(3, "villagers", "ACTOR", True, False)
    assert likely_fillers(history, "FIGHT", {"location": [far]}) == {}
    history.frames["FIGHT"] = 3
    assert likely_fillers(history, "FIGHT", {"location": [Filler(4, "Kessa", "LOCATION", False, True)]}) == {}


def arguments(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT role, span_id FROM arguments WHERE event_id > 1 ORDER BY role").fetchall()  # 1: done


def rejections(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT role, span_id FROM assist_role_rejections").fetchall()


def open_frame(qtbot, tmp_path):
    """The window on ``make``'s new article, with a FIGHT frame on "attacked" showing."""
    path = tmp_path / "p.sqlite"
    new = make(path)
    window = open_window(qtbot, path, tmp_path / "s.ini")
    window.open_article(new)
    document = window.document
    start = NEW.index("attacked")
    assert document.tag(start, start + 8, "EVENT")  # the frame opens on the new trigger
    assert document.set_event_type(document.current_event.id, "FIGHT")
    return path, new, window


def test_a_frame_shows_suggested_fillers_that_keys_accept_and_reject(qtbot, tmp_path):
    path, new, window = open_frame(qtbot, tmp_path)
    document, frame = window.document, window.event_panel.frame
    event_id = document.current_event.id
    army = next(s.id for s in document.spans.values() if s.start == 0)
    rebels = next(s.id for s in document.spans.values() if NEW[s.start:s.end] == "Rebels")
    # The frame opens with a suggested filler in each role the done frames fill, drawn as one.
    source, target = frame.slots["source"], frame.slots["target"]
    assert source.suggested_row() is not None and source.suggested_row().data(SUGGESTED)
    assert source.suggested_row().font().italic() and "suggested" in source.caption.text()
    assert {r: s.span_id for r, s in frame.role_suggestions.items()} == {"source": rebels, "target": army}
    assert arguments(path) == []  # shown, not stored

    # Tab from the type filter to source: its suggestion is pre-selected; Alt+Delete rejects it.
    frame.start_editing()
    qtbot.keyClick(frame.type_filter, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is source.list
    assert source.list.currentItem() is source.suggested_row()
    qtbot.keyClick(source.list, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)
    assert rejections(path) == [("source", rebels)] and arguments(path) == []
    assert frame.role_suggestions.get("source") is None or frame.role_suggestions["source"].span_id != rebels
    # Undo forgets the rejection and the suggestion is back; Alt+Return accepts it.
    qtbot.keyClick(source.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rejections(path) == [] and frame.role_suggestions["source"].span_id == rebels
    qtbot.keyClick(source.list, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier)
    assert arguments(path) == [("source", rebels)]
    # Tab to target: Enter takes its pre-selected suggestion like any candidate.
    qtbot.keyClick(source.list, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is target.list and target.list.currentItem() is target.suggested_row()
    qtbot.keyClick(target.list, Qt.Key.Key_Return)
    assert arguments(path) == [("source", rebels), ("target", army)]
    assert frame.role_suggestions == {} or "target" not in frame.role_suggestions
    # A rejection is kept in the project: reopened, the frame does not offer it again.
    qtbot.keyClick(target.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(target.list, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)
    assert rejections(path) == [("target", army)]
    window.close()
    window = open_window(qtbot, path, tmp_path / "s2.ini")
    window.open_article(new)
    window.document.select_event(event_id)
    assert window.event_panel.frame.role_suggestions.get("target") is None or \
        window.event_panel.frame.role_suggestions["target"].span_id != army


def test_alt_shift_return_accepts_every_suggested_filler_as_one_undo_step(qtbot, tmp_path):
    path, _, window = open_frame(qtbot, tmp_path)
    frame = window.event_panel.frame
    frame.start_editing()
    qtbot.keyClick(frame.type_filter, Qt.Key.Key_Tab)
    expected = sorted((role, s.span_id) for role, s in frame.role_suggestions.items())
    assert len(expected) >= 2
    qtbot.keyClick(frame.slots["source"].list, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert arguments(path) == expected
    qtbot.keyClick(frame.slots["source"].list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert arguments(path) == []
    # From the type filter, right after picking the type, Alt+Return takes them all too.
    frame.start_editing()
    qtbot.keyClick(frame.type_filter, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier)
    assert arguments(path) == expected and frame.type_filter.hasFocus()
    # With the recommender off nothing is suggested.
    save_settings(window.project, roles=False)
    window.assist.settings_changed()
    assert frame.role_suggestions == {} and frame.slots["source"].suggested_row() is None
