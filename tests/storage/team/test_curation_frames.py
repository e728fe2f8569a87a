"""Event-frame curation on a real file: agreed frames to gold, take a frame or one role, reject, undo, redo."""
from __future__ import annotations

import json

import pytest

import main
from storage.exporting import export_to_path
from storage.model import AnnotatorError
from storage.project import Project
from storage.team import curation, curation_frames
from storage.team.matching import SpanAnn
from tests.storage.team.frame_layers import build, gold_frames


@pytest.fixture
def project(tmp_path):
    with build(tmp_path / "p.sqlite") as project:
        yield project


def gold_span_count(project):
    return project.db.execute("SELECT count(*) FROM spans WHERE annotator = 'gold'").fetchone()[0]


def test_agreed_frames_go_to_gold_on_their_agreed_spans(project):
    assert curation.auto_merge(project, 1) == 5  # every span agrees
    assert curation_frames.auto_merge_frames(project, 1) == 1
    assert gold_frames(project) == [((29, 37), "ASSAULT", "agreed", {"actor": [(0, 6), (42, 46)]})]
    assert gold_span_count(project) == 5  # the frame reused the agreed gold spans
    assert curation_frames.auto_merge_frames(project, 1) == 0  # once
    units = curation_frames.read_frame_units(project, 1)
    assert [(u.start, u.end, u.resolved) for u in units] == [(7, 14, False), (29, 37, True)]
    assert units[0].versions["ana"][0].fillers("location") == (SpanAnn(15, 22, "LOCATION"),)
    assert units[0].roles() == ["actor", "location"]


def test_threshold_setting_applies_to_frames(project):
    project.set_setting(curation.THRESHOLD_KEY, "0.5")  # one of two annotators is enough
    assert curation_frames.auto_merge_frames(project, 1) == 2  # ana's frame wins the tie by layer order
    assert {f[0] for f in gold_frames(project)} == {(7, 14), (29, 37)}


def test_take_whole_frame_makes_the_spans_it_needs_then_undo_redo_keep_ids(project):
    curation_frames.auto_merge_frames(project, 1)  # spans not merged: the frame must make its own
    unit = curation_frames.read_frame_units(project, 1)[0]
    change = curation_frames.take_frame(project, 1, unit, "ana")
    assert gold_frames(project)[0] == ((7, 14), "ASSAULT", "ana", {"actor": [(0, 6)], "location": [(15, 22)]})
    rebels = project.db.execute("SELECT id, taken_from FROM spans WHERE annotator = 'gold' AND start = 0").fetchone()
    assert rebels[1] == "agreed"  # made first by the agreed "fighting" frame, reused here
    assert project.span(rebels[0]).attributes == {"sector": ["REB"]}  # copied from the annotator's span
    assert curation_frames.read_frame_units(project, 1)[0].decision == "took:ana"
    ids = sorted(project.db.execute("SELECT id FROM spans WHERE annotator = 'gold'").fetchall())
    curation_frames.undo(project, change)
    assert [f[0] for f in gold_frames(project)] == [(29, 37)]
    assert curation_frames.read_frame_units(project, 1)[0].decision is None
    curation_frames.redo(project, change)
    assert sorted(project.db.execute("SELECT id FROM spans WHERE annotator = 'gold'").fetchall()) == ids
    assert gold_frames(project)[0][1] == "ASSAULT"


def test_take_one_role_then_the_other_annotators_frame_replaces_it(project):
    curation.auto_merge(project, 1)
    curation_frames.auto_merge_frames(project, 1)
    unit = curation_frames.read_frame_units(project, 1)[0]
    with pytest.raises(AnnotatorError, match="take a whole frame first"):
        curation_frames.take_role(project, 1, unit, "ana", "location")
    curation_frames.take_frame(project, 1, unit, "ben")
    assert gold_frames(project)[0] == ((7, 14), "COERCE", "ben", {"actor": [(0, 6)]})
    role = curation_frames.take_role(project, 1, curation_frames.read_frame_units(project, 1)[0], "ana", "location")
    assert gold_frames(project)[0] == ((7, 14), "COERCE", "ben", {"actor": [(0, 6)], "location": [(15, 22)]})
    curation_frames.undo(project, role)
    assert gold_frames(project)[0] == ((7, 14), "COERCE", "ben", {"actor": [(0, 6)]})
    curation_frames.redo(project, role)
    assert gold_frames(project)[0][3]["location"] == [(15, 22)]


def test_reject_removes_gold_frames_and_keeps_spans(project):
    curation.auto_merge(project, 1)
    curation_frames.auto_merge_frames(project, 1)
    unit = curation_frames.read_frame_units(project, 1)[0]
    curation_frames.take_frame(project, 1, unit, "ana")
    rejected = curation_frames.reject_frames(project, 1, curation_frames.read_frame_units(project, 1)[0])
    assert [f[0] for f in gold_frames(project)] == [(29, 37)] and gold_span_count(project) == 5
    assert curation_frames.read_frame_units(project, 1)[0].decision == "rejected"
    curation_frames.undo(project, rejected)
    assert gold_frames(project)[0][2] == "ana"


def test_span_decision_keeps_a_gold_frame_on_a_span_already_right(project):
    """Taking a span version that gold already has must not delete (and cascade) the frame on it."""
    curation_frames.take_frame(project, 1, curation_frames.read_frame_units(project, 1)[0], "ana")
    velmora = next(u for u in curation.read_units(project, 1) if u.start == 15)
    change = curation.take(project, 1, velmora, "ben")  # the same LOCATION span
    assert gold_frames(project)[0][3]["location"] == [(15, 22)]
    curation.undo(project, change)
    # a span decision that removes the argument's span takes the argument; undo brings both back
    removed = curation.reject(project, 1, velmora)
    assert "location" not in gold_frames(project)[0][3]
    curation.undo(project, removed)
    assert gold_frames(project)[0][3]["location"] == [(15, 22)]


def test_undoing_a_removal_keeps_uid_and_provenance(project):
    """The window's delete + Ctrl+Z on a gold span or event must not turn 'taken from ana' into 'made here'."""
    curation_frames.take_frame(project, 1, curation_frames.read_frame_units(project, 1)[0], "ana")
    (event_id, trigger_id) = project.db.execute("SELECT id, trigger_id FROM events WHERE annotator = 'gold'").fetchone()
    before = project.db.execute("SELECT uid, taken_from FROM spans WHERE id = ? UNION ALL "
                                "SELECT uid, taken_from FROM events WHERE id = ?", [trigger_id, event_id]).fetchall()
    project.restore_span(project.remove_span(trigger_id))  # the event goes with its trigger, and comes back
    project.restore_event(project.remove_event(event_id))
    after = project.db.execute("SELECT uid, taken_from FROM spans WHERE id = ? UNION ALL "
                               "SELECT uid, taken_from FROM events WHERE id = ?", [trigger_id, event_id]).fetchall()
    assert after == before and before[1][1] == "ana"


def test_a_take_reads_the_annotators_frame_inside_its_transaction(project):
    """The unit the view read may be stale (another process edited ana's layer): gold gets ana's frame as
    the file has it when the take runs, and a refused take changes nothing."""
    unit = curation_frames.read_frame_units(project, 1)[0]
    before = project.db.execute("SELECT count(*) FROM spans").fetchone()
    with pytest.raises(AnnotatorError):
        curation_frames.take_role(project, 1, unit, "ana", "location")  # no gold frame yet: refused whole
    assert project.db.execute("SELECT count(*) FROM spans").fetchone() == before
    assert curation_frames.read_frame_units(project, 1)[0].decision is None
    (ana_event,) = project.db.execute("SELECT id FROM events WHERE annotator = 'ana' AND type = 'ASSAULT' "
                                      "ORDER BY id LIMIT 1").fetchone()
    project.remove_argument(ana_event, "location", project.event(ana_event).fillers("location")[0])
    curation_frames.take_frame(project, 1, unit, "ana")
    assert gold_frames(project)[0] == ((7, 14), "ASSAULT", "ana", {"actor": [(0, 6)]})


def test_frame_decisions_round_trip_through_native(project, tmp_path):
    curation.auto_merge(project, 1)
    curation_frames.auto_merge_frames(project, 1)
    curation_frames.take_frame(project, 1, curation_frames.read_frame_units(project, 1)[0], "ben")
    out = tmp_path / "master.jsonl"
    export_to_path(project, "native", out)
    record = json.loads(out.read_text().splitlines()[1])
    assert {(d["start"], d["decision"], d.get("frame", False)) for d in record["curation"]} >= {
        (7, "took:ben", True), (29, "agreed", True), (7, "agreed", False)}
    copy = tmp_path / "copy.sqlite"
    assert main.main(["--project", str(copy), "import", str(out)]) == 0
    with Project.open(copy) as again:
        assert [(u.start, u.decision) for u in curation_frames.read_frame_units(again, 1)] == [
            (7, "took:ben"), (29, "agreed")]
        assert gold_frames(again) == gold_frames(project)
        export_to_path(again, "native", tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_bytes() == out.read_bytes()


def test_taking_a_frame_settles_the_span_places_gold_now_holds(project):
    """ben never tagged "Velmora". Taking ana's frame puts her LOCATION "Velmora" into gold: that
    span place is decided with the frame (took:ana), in the same undo step. A place where ana has
    more than the frame took (her stacked EVENT on "Rebels") stays open: the curator decides the rest."""
    project.db.execute("DELETE FROM spans WHERE annotator = 'ben' AND start = 15")
    project.add_span(1, 0, 6, "EVENT", annotator="ana")  # stacked on her ACTOR "Rebels"
    curation.auto_merge(project, 1)
    curation_frames.auto_merge_frames(project, 1)
    open_places = [(u.start, u.end) for u in curation.read_units(project, 1) if not u.resolved]
    assert open_places == [(0, 6), (15, 22)]
    entered = curation_frames.read_frame_units(project, 1)[0]
    change = curation_frames.take_frame(project, 1, entered, "ana")
    places = {(u.start, u.end): u for u in curation.read_units(project, 1)}
    assert places[(15, 22)].decision == "took:ana" and places[(15, 22)].gold == (SpanAnn(15, 22, "LOCATION"),)
    assert places[(0, 6)].decision is None  # gold has ana's ACTOR "Rebels", not her EVENT there
    curation_frames.undo(project, change)
    assert curation.read_units(project, 1)[2].decision is None and gold_frames(project)[0][0] == (29, 37)
    assert project.db.execute("SELECT count(*) FROM spans WHERE annotator = 'gold' AND start = 15").fetchone() == (0,)
    curation_frames.redo(project, change)
    assert {(u.start, u.decision) for u in curation.read_units(project, 1)} >= {(15, "took:ana"), (0, None)}


def test_taking_a_role_settles_its_fillers_places(project):
    project.db.execute("DELETE FROM spans WHERE annotator = 'ben' AND start = 15")
    curation.auto_merge(project, 1)
    curation_frames.auto_merge_frames(project, 1)
    curation_frames.take_frame(project, 1, curation_frames.read_frame_units(project, 1)[0], "ben")
    assert next(u for u in curation.read_units(project, 1) if u.start == 15).decision is None
    curation_frames.take_role(project, 1, curation_frames.read_frame_units(project, 1)[0], "ana", "location")
    assert next(u for u in curation.read_units(project, 1) if u.start == 15).decision == "took:ana"


def test_frames_on_overlapping_triggers_are_one_place(project):
    """ana makes a second frame on "entered Velmora" (overlapping her "entered"): with ben's frame on
    "entered" they are one place, whatever pairwise matching would pair, and taking ben's replaces
    both of ana's nowhere else."""
    project.add_span(1, 7, 22, "EVENT", annotator="ana")
    ids = {(s.start, s.end): s.id for s in project.spans(1) if s.annotator == "ana"}
    project.add_event(ids[(7, 22)], type="COERCE", annotator="ana")
    units = curation_frames.read_frame_units(project, 1)
    assert [(u.start, u.end) for u in units] == [(7, 22), (29, 37)]
    assert [f.trigger for f in units[0].versions["ana"]] == [SpanAnn(7, 14, "EVENT"), SpanAnn(7, 22, "EVENT")]
    curation_frames.take_frame(project, 1, units[0], "ana")
    assert [(f[0], f[1]) for f in gold_frames(project)] == [((7, 14), "ASSAULT"), ((7, 22), "COERCE")]
    curation_frames.take_frame(project, 1, curation_frames.read_frame_units(project, 1)[0], "ben")
    assert [(f[0], f[1]) for f in gold_frames(project)] == [((7, 14), "COERCE")]


def test_take_role_fills_the_gold_frame_it_is_given(project):
    from tests.storage.team.frame_layers import frame

    frame(project, "ana", (7, 14), "COERCE", {})
    curation.auto_merge(project, 1)
    curation_frames.take_frame(project, 1, curation_frames.read_frame_units(project, 1)[0], "ana")
    unit = curation_frames.read_frame_units(project, 1)[0]
    assert [f.type for f in unit.gold] == ["ASSAULT", "COERCE"] and len(unit.gold_ids) == 2
    with pytest.raises(AnnotatorError, match="no longer here"):
        curation_frames.take_role(project, 1, unit, "ben", "actor", event_id=max(unit.gold_ids) + 99)
    curation_frames.take_role(project, 1, unit, "ben", "actor", event_id=unit.gold_ids[1])
    assert [(f[1], f[3]) for f in gold_frames(project) if f[0] == (7, 14)] == [
        ("ASSAULT", {"actor": [(0, 6)], "location": [(15, 22)]}), ("COERCE", {"actor": [(0, 6)]})]
    # ana has two frames there: gold's COERCE takes the location of her COERCE (none), not of her ASSAULT
    curation_frames.take_role(project, 1, unit, "ana", "location", event_id=unit.gold_ids[1])
    assert [f[3].get("location") for f in gold_frames(project) if f[0] == (7, 14)] == [[(15, 22)], None]


def test_a_taken_event_changed_in_gold_is_no_longer_the_annotators(project):
    """Type and attributes changed on a gold event taken from ana make it the curator's (taken_from
    NULL), unless the change passes the provenance back (undo); a change to the same value is none."""
    curation_frames.take_frame(project, 1, curation_frames.read_frame_units(project, 1)[0], "ana")
    event_id = project.db.execute("SELECT id FROM events WHERE annotator = 'gold' AND taken_from = 'ana'").fetchone()[0]
    project.set_event_type(event_id, "ASSAULT")  # unchanged
    project.set_event_attribute(event_id, "dead", None)  # unset already
    assert project.event_taken_from(event_id) == "ana"
    project.set_event_attribute(event_id, "dead", 3)
    assert project.event_taken_from(event_id) is None
    project.set_event_attribute(event_id, "dead", None, taken_from="ana")  # the undo
    assert project.event_taken_from(event_id) == "ana"
    project.set_event_type(event_id, "COERCE")
    assert project.event_taken_from(event_id) is None and project.event(event_id).type == "COERCE"
