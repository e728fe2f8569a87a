"""The document and its undo commands against a real project file: every edit is on disk
before the signal fires, and undo/redo put the file back exactly."""
from __future__ import annotations

import pytest

from gui.document import AnnotationDocument
from storage.project import Project

TEXT = "Insurgents entered Damascus on Sunday.\n\nMr. Al-Assad left Syria."


@pytest.fixture
def doc(tmp_path, qtbot):
    project = Project.open(tmp_path / "p.sqlite")
    article = project.add_article(text=TEXT, title="t", date="2024-12-08")
    document = AnnotationDocument(project, annotator="ann")
    document.open_article(article.id)
    yield document
    project.close()


def rows(doc, table):
    return doc.project.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def at(word):
    start = TEXT.index(word)
    return start, start + len(word)


def test_tag_commits_before_the_signal_and_undo_redo_mirror(doc, qtbot):
    seen = []
    doc.spanAdded.connect(lambda span: seen.append(rows(doc, "spans")))
    assert doc.tag(*at("Damascus"), "LOCATION")
    assert len(seen[0]) == 1 and seen[0][0][4] == "LOCATION"  # already in the file
    assert doc.undo_stack.undoText() == "Tag ‘Damascus’ as LOCATION"
    doc.undo_stack.undo()
    assert rows(doc, "spans") == [] and doc.spans == {}
    doc.undo_stack.redo()
    assert [s.label for s in doc.spans.values()] == ["LOCATION"]
    assert rows(doc, "spans")[0][1:5] == (doc.article.id, *at("Damascus"), "LOCATION")


def test_refused_edit_is_reported_and_not_on_the_stack(doc, qtbot):
    doc.tag(*at("Damascus"), "LOCATION")
    with qtbot.waitSignal(doc.editRefused) as refused:
        assert not doc.tag(*at("Damascus"), "LOCATION")
    assert "already tagged" in refused.args[0]
    assert doc.undo_stack.count() == 1


def test_a_span_another_layer_has_is_refused_where_every_layer_shows(doc, qtbot):
    doc.project.add_span(doc.article.id, *at("Damascus"), "LOCATION", annotator="ben")
    doc.open_article(doc.article.id)
    with qtbot.waitSignal(doc.editRefused) as refused:
        assert not doc.tag(*at("Damascus"), "LOCATION")
    assert refused.args[0].endswith("is already tagged LOCATION")
    assert doc.undo_stack.count() == 0 and len(rows(doc, "spans")) == 1
    doc.layer = "ann"  # one layer shown: ben's span is not in it, and the file takes the tag in ann's
    doc.open_article(doc.article.id)
    assert doc.tag(*at("Damascus"), "LOCATION")
    assert doc.project.db.execute("SELECT annotator FROM spans ORDER BY annotator").fetchall() == [("ann",), ("ben",)]


def test_delete_span_that_fills_a_role_is_one_undoable_step(doc, qtbot):
    doc.tag(*at("entered"), "EVENT")
    trigger = doc.current_span
    doc.tag(*at("Insurgents"), "ACTOR")
    actor = doc.current_span
    doc.create_event(trigger.id, "FIGHT")
    event_id = doc.current_event_id
    doc.add_argument(event_id, "source", actor.id)
    before = rows(doc, "arguments")
    doc.delete_span(actor.id)
    assert rows(doc, "arguments") == [] and doc.events[event_id].arguments == ()
    doc.undo_stack.undo()
    assert rows(doc, "arguments") == before
    assert doc.events[event_id].fillers("source") == (actor.id,)


def test_event_edits_undo_in_reverse(doc, qtbot):
    doc.tag(*at("entered"), "EVENT")
    trigger = doc.current_span
    doc.create_event(trigger.id)
    event_id = doc.current_event_id
    doc.set_event_type(event_id, "FIGHT")
    doc.set_event_attribute(event_id, "polarity", "negative")
    assert doc.undo_stack.undoText() == "Set polarity to negative"
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    event = doc.project.event(event_id)
    assert event.type is None and event.attributes["polarity"] == "positive"
    doc.undo_stack.undo()
    assert rows(doc, "events") == []
    doc.undo_stack.redo()
    assert doc.project.event(event_id).trigger_id == trigger.id


def test_events_table_follows_span_edits_without_a_reset_per_keystroke(doc, qtbot, qtmodeltester):
    from gui.event_list_model import EventListModel

    model = EventListModel(doc)
    doc.tag(*at("entered"), "EVENT")
    trigger = doc.current_span
    doc.create_event(trigger.id, "FIGHT")
    event_id = doc.current_event_id
    doc.tag(*at("Insurgents"), "ACTOR")
    actor = doc.current_span
    doc.add_argument(event_id, "source", actor.id)
    summary = model.index(0, EventListModel.ARGUMENTS_COLUMN)
    assert summary.data() == "source: Insurgents"
    with qtbot.assertNotEmitted(model.modelReset):  # a span no event uses: the table stays
        doc.tag(*at("Sunday"), "ACTOR")
    doc.delete_span(actor.id)  # a filler goes: its event row follows
    assert model.index(0, EventListModel.ARGUMENTS_COLUMN).data() == ""
    doc.delete_span(trigger.id)  # the trigger goes: so does the row
    assert model.rowCount() == 0
    qtmodeltester.check(model)
