"""Editing gold directly in the curation view, by keys: tag, relabel, delete, a frame's arguments;
each one undo step on the view's stack, on disk at once, made by the curator (no taken_from, also
once a taken span is relabelled)."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from PySide6.QtCore import Qt

import main
from storage.article_status import OWN_STATUS
from storage.project import Project
from storage.team.curation_frames import FrameUnit
from tests.gui.curation.test_curation_frames_view import CTRL, on_disk, open_curation, open_view
from tests.storage.team.frame_layers import TEXT


def gold_spans(path):
    with closing(sqlite3.connect(path)) as db:
        return db.execute('SELECT start, "end", label, taken_from FROM spans WHERE annotator = ? ORDER BY start, label',
                          ["gold"]).fetchall()


def decision(path, start):
    with closing(sqlite3.connect(path)) as db:
        row = db.execute("SELECT decision FROM curation_decisions WHERE start = ?", [start]).fetchone()
    return row[0] if row else None


def test_tag_relabel_delete_in_gold_by_keys(qtbot, tmp_path):
    path, _window, view = open_curation(qtbot, tmp_path)
    assert view.gold.view is None  # nothing laid out until the curator asks for it
    qtbot.keyClick(view, Qt.Key.Key_G)
    text = view.gold.view
    assert text.hasFocus()
    assert [s.start for s in view.gold.document.spans.values()] == [0, 7, 15, 29, 42]  # gold only
    text.select_range(38, 46)  # "the army"
    qtbot.keyClick(text, Qt.Key.Key_1)  # ACTOR's key tags here; it does not take ana's version
    assert (38, 46, "ACTOR", None) in gold_spans(path)  # made by the curator
    assert view.undo_stack.count() == 1
    text.select_range(15, 22)  # exactly gold's LOCATION "Velmora": the key relabels it
    qtbot.keyClick(text, Qt.Key.Key_1)
    assert (15, 22, "ACTOR", None) in gold_spans(path)  # relabelled: the curator's now, no longer "agreed"
    qtbot.keyClick(text, Qt.Key.Key_Delete)  # the relabelled span is the current one
    assert all(row[0] != 15 for row in gold_spans(path))
    qtbot.keyClick(text, Qt.Key.Key_Z, CTRL)
    assert (15, 22, "ACTOR", None) in gold_spans(path)
    qtbot.keyClick(text, Qt.Key.Key_Z, CTRL)  # the relabel undone: agreed again
    assert (15, 22, "LOCATION", "agreed") in gold_spans(path)
    qtbot.keyClick(text, Qt.Key.Key_Escape)  # back to the list; the view stays open
    assert view.list.hasFocus() and view.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # the first tag, from the list too: one history
    assert all(row[0] != 38 for row in gold_spans(path))
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert (38, 46, "ACTOR", None) in gold_spans(path)
    # the list's gold column follows a direct edit
    row = next(k for k, u in enumerate(view.units) if not isinstance(u, FrameUnit) and u.start == 42)
    assert any(s.start == 38 for s in view.units[row].gold)


def test_edit_a_gold_frames_arguments_from_the_keyboard(qtbot, tmp_path):
    path, _window, view = open_curation(qtbot, tmp_path)
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's whole frame on "entered"
    frame_row = next(k for k, u in enumerate(view.units) if isinstance(u, FrameUnit) and u.start == 7)
    view.list.setCurrentRow(frame_row)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_E)  # gold's frame opens in the Events panel
    editor = view.gold.events.frame
    qtbot.waitUntil(lambda: editor.type_filter.hasFocus())
    slot = editor.slots["recipient"].list
    slot.setFocus()
    qtbot.waitUntil(lambda: bool(editor.slots["recipient"].candidate_rows()))
    qtbot.keyClick(slot, Qt.Key.Key_1)  # the first numbered candidate fills recipient
    entered = on_disk(path)[0]
    assert entered[0] == (7, 14) and len(entered[3]["recipient"]) == 1
    steps = view.undo_stack.count()
    qtbot.keyClick(slot, Qt.Key.Key_Z, CTRL)  # one step
    assert "recipient" not in on_disk(path)[0][3] and view.undo_stack.index() == steps - 1
    qtbot.keyClick(slot, Qt.Key.Key_Escape)  # frame → gold text
    assert view.gold.view.hasFocus()
    qtbot.keyClick(view.gold.view, Qt.Key.Key_Escape)  # gold text → list
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    view.close()
    out = tmp_path / "gold.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "native", "--layer", "gold", "-o", str(out)]) == 0
    record = json.loads(out.read_text().splitlines()[1])
    assert {s["annotator"] for s in record["spans"]} == {"gold"} and len(record["events"]) == 2


def test_gold_text_stacks_opens_a_frame_and_refusals_are_said(qtbot, tmp_path):
    path, _window, view = open_curation(qtbot, tmp_path)
    qtbot.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)  # a role, with no gold frame there yet
    assert "take a whole frame first" in view.summary.text() and view.undo_stack.count() == 0
    qtbot.keyClick(view, Qt.Key.Key_G)
    text = view.gold.view
    text.select_range(15, 22)  # gold's LOCATION "Velmora"
    qtbot.keyClick(text, Qt.Key.Key_1, Qt.KeyboardModifier.ShiftModifier)  # ACTOR stacked on top
    assert {(15, 22, "LOCATION", "agreed"), (15, 22, "ACTOR", None)} <= set(gold_spans(path))
    text.select_range(29, 37)  # "fighting": gold's trigger of the agreed frame
    qtbot.keyClick(text, Qt.Key.Key_3)  # already EVENT: refused as a duplicate, said in the summary
    assert "already tagged EVENT" in view.summary.text()
    fighting = next(s for s in view.gold.document.spans.values() if s.start == 29)
    view.gold.document.select_span(fighting.id)
    qtbot.keyClick(text, Qt.Key.Key_E)  # the Events panel's E on the gold text
    qtbot.waitUntil(lambda: view.gold.events.frame.type_filter.hasFocus())
    assert view.gold.events.frame.shown_event.type == "ASSAULT"


def test_a_taken_span_changed_in_gold_is_the_curators(qtbot, tmp_path):
    """Relabelling a span taken from ana, or tagging other bounds in its place, leaves nothing saying
    "taken from ana" on it (the place's decision still says whose version was taken); undo puts the
    provenance back; the gold export carries what the file says."""
    path = tmp_path / "master.sqlite"
    with Project.open(path) as project:
        project.add_article(text=TEXT, title="Velmora")
        for layer, label in (("ana", "LOCATION"), ("ben", "ACTOR")):
            project.add_span(1, 0, 6, "ACTOR", annotator=layer)
            project.add_span(1, 15, 22, label, annotator=layer)  # "Velmora": a label dispute
    _window, view = open_view(qtbot, path, tmp_path)
    assert view.current().start == 15
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's LOCATION
    assert (15, 22, "LOCATION", "ana") in gold_spans(path)
    qtbot.keyClick(view, Qt.Key.Key_G)
    text = view.gold.view
    text.select_range(15, 22)
    qtbot.keyClick(text, Qt.Key.Key_1)  # relabelled ACTOR by the curator
    assert (15, 22, "ACTOR", None) in gold_spans(path)
    assert decision(path, 15) == "took:ana"  # the place was decided by taking ana's version
    qtbot.keyClick(text, Qt.Key.Key_Z, CTRL)
    assert (15, 22, "LOCATION", "ana") in gold_spans(path)
    qtbot.keyClick(text, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert (15, 22, "ACTOR", None) in gold_spans(path)
    # other bounds: the window moves a span by deleting it and tagging the new words
    qtbot.keyClick(text, Qt.Key.Key_Delete)
    text.select_range(15, 28)  # "Velmora after"
    qtbot.keyClick(text, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # exact characters
    assert gold_spans(path) == [(0, 6, "ACTOR", "agreed"), (15, 28, "LOCATION", None)]
    out = tmp_path / "gold.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "native", "--layer", "gold", "-o", str(out)]) == 0
    spans = {(s["start"], s["end"]): s for s in json.loads(out.read_text().splitlines()[1])["spans"]}
    assert "taken_from" not in spans[(15, 28)] and spans[(0, 6)]["taken_from"] == "agreed"


def test_a_taken_frame_retyped_in_gold_is_the_curators(qtbot, tmp_path):
    """ana's frame taken into gold, then its type changed in gold's Events panel: the event no longer
    says "taken from ana"; one Ctrl+Z gives back the type and the provenance."""
    path, _window, view = open_curation(qtbot, tmp_path)
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's ASSAULT on "entered"
    assert on_disk(path)[0][:3] == ((7, 14), "ASSAULT", "ana")
    view.list.setCurrentRow(next(k for k, u in enumerate(view.units) if isinstance(u, FrameUnit) and u.start == 7))
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_E)
    editor = view.gold.events.frame
    qtbot.waitUntil(lambda: editor.type_filter.hasFocus())
    qtbot.keyClicks(editor.type_filter, "COERCE")
    qtbot.keyClick(editor.type_filter, Qt.Key.Key_Return)
    assert on_disk(path)[0][:3] == ((7, 14), "COERCE", None)
    qtbot.keyClick(editor.type_filter, Qt.Key.Key_Escape)  # frame → gold text (the filter keeps its own Ctrl+Z)
    qtbot.keyClick(view.gold.view, Qt.Key.Key_Z, CTRL)
    assert on_disk(path)[0][:3] == ((7, 14), "ASSAULT", "ana")


def status(path):
    with closing(sqlite3.connect(path)) as db:
        return db.execute(f"SELECT {OWN_STATUS} FROM articles").fetchone()[0]


def test_a_direct_gold_edit_and_its_status_are_one_undo_step(qtbot, tmp_path):
    """The first gold edit makes a new article in_progress; one Ctrl+Z takes both back."""
    path, _window, view = open_curation(qtbot, tmp_path)
    assert status(path) == "new"
    qtbot.keyClick(view, Qt.Key.Key_G)
    text = view.gold.view
    text.select_range(38, 46)  # "the army"
    qtbot.keyClick(text, Qt.Key.Key_1)
    assert (38, 46, "ACTOR", None) in gold_spans(path) and status(path) == "in_progress"
    assert view.undo_stack.count() == 1
    qtbot.keyClick(text, Qt.Key.Key_Z, CTRL)
    assert all(row[0] != 38 for row in gold_spans(path)) and status(path) == "new"
    qtbot.keyClick(text, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert (38, 46, "ACTOR", None) in gold_spans(path) and status(path) == "in_progress"
    text.select_range(23, 28)  # "after"
    qtbot.keyClick(text, Qt.Key.Key_2)  # a second edit: the article is no longer new, one command alone
    assert view.undo_stack.count() == 2, view.summary.text()
    qtbot.keyClick(text, Qt.Key.Key_Z, CTRL)
    assert all(row[0] != 23 for row in gold_spans(path)) and status(path) == "in_progress"


def test_an_opened_frame_shows_its_roles_at_1024_by_700(qtbot, tmp_path):
    """E on a frame place: the Events panel takes most of the gold half, so the frame's first
    role slot is in view without scrolling (it was cut under the type list)."""
    _path, _window, view = open_curation(qtbot, tmp_path)
    view.resize(1024, 700)
    frame_row = next(k for k, u in enumerate(view.units) if isinstance(u, FrameUnit) and u.start == 29)
    view.list.setCurrentRow(frame_row)  # the agreed frame on "fighting": gold has it
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_E)
    editor, scroll = view.gold.events.frame, view.gold.events.frame_scroll
    qtbot.waitUntil(lambda: editor.type_filter.hasFocus())
    sizes = view.gold.splitter.sizes()
    assert sizes[1] >= sum(sizes) * 3 // 5 and sizes[0] > 0  # the text keeps some room
    slot = editor.slots["actor"]
    bottom = slot.mapTo(scroll.viewport(), slot.rect().bottomLeft()).y()
    assert slot.isVisible() and 0 < bottom <= scroll.viewport().height()  # whole, no scrolling


def test_a_taken_frame_whose_fillers_change_in_gold_is_the_curators(qtbot, tmp_path):
    """ana's frame taken into gold, then a filler added, and one removed, in gold's Events panel:
    each makes the frame the curator's (no "taken from ana"), as retyping does; Ctrl+Z gives the
    provenance back with the filler, Ctrl+Shift+Z clears it again."""
    path, _window, view = open_curation(qtbot, tmp_path)
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's whole frame on "entered"
    taken = on_disk(path)[0]
    assert taken[:3] == ((7, 14), "ASSAULT", "ana")
    view.list.setCurrentRow(next(k for k, u in enumerate(view.units) if isinstance(u, FrameUnit) and u.start == 7))
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_E)
    editor = view.gold.events.frame
    qtbot.waitUntil(lambda: editor.type_filter.hasFocus())
    slot = editor.slots["recipient"].list
    slot.setFocus()
    qtbot.waitUntil(lambda: bool(editor.slots["recipient"].candidate_rows()))
    qtbot.keyClick(slot, Qt.Key.Key_1)  # a filler the curator adds
    added = on_disk(path)[0]
    assert added[2] is None and len(added[3]["recipient"]) == 1
    qtbot.keyClick(slot, Qt.Key.Key_Z, CTRL)
    assert on_disk(path)[0] == taken  # ana's again, filler and all
    qtbot.keyClick(slot, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert on_disk(path)[0] == added

    qtbot.keyClick(slot, Qt.Key.Key_Z, CTRL)  # back to ana's frame as taken; now one of her fillers goes
    role = next(iter(taken[3]))
    slot = editor.slots[role].list
    slot.setFocus()
    qtbot.waitUntil(lambda: bool(editor.slots[role].filled_rows()))
    slot.setCurrentItem(editor.slots[role].filled_rows()[0])
    qtbot.keyClick(slot, Qt.Key.Key_Delete)
    removed = on_disk(path)[0]
    assert removed[2] is None and len(removed[3].get(role, [])) == len(taken[3][role]) - 1
    qtbot.keyClick(slot, Qt.Key.Key_Z, CTRL)
    assert on_disk(path)[0] == taken
