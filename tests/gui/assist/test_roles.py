"""The event-role recommender: a frame's role candidates put first what done frames show."""
from __future__ import annotations

from storage.assist.roles import rank, role_history
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
