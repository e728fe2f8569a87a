"""Every curation action, by its key in the real view, is one undo step and on disk at once: after
each key another connection reads the change; one Ctrl+Z puts the file back exactly and Ctrl+Shift+Z
redoes it. Hidden names stay hidden from the first paint of the next view; curated needs every
place decided."""
from __future__ import annotations

import sqlite3
from contextlib import closing

from PySide6.QtCore import Qt

from tests.gui.curation.test_curation_frames_view import ALT, CTRL, SHIFT, open_view, row_of
from tests.storage.team.frame_layers import build
from storage.article_status import OWN_STATUS


def snapshot(path):
    """Gold and the decisions, as another program reads the file now."""
    with closing(sqlite3.connect(path)) as db:
        return (
            db.execute('SELECT id, start, "end", label, taken_from FROM spans WHERE annotator = ? ORDER BY id',
                       ["gold"]).fetchall(),
            db.execute("SELECT id, trigger_id, type, attributes, taken_from FROM events WHERE annotator = ? "
                       "ORDER BY id", ["gold"]).fetchall(),
            db.execute("SELECT event_id, role, span_id FROM arguments JOIN events ON events.id = event_id "
                       "WHERE annotator = ? ORDER BY 1, 2, 3", ["gold"]).fetchall(),
            db.execute('SELECT start, "end", decision FROM curation_decisions ORDER BY 1, 2').fetchall(),
            db.execute('SELECT start, "end", decision FROM curation_frame_decisions ORDER BY 1, 2').fetchall(),
        )


def status(path):
    with closing(sqlite3.connect(path)) as db:
        return db.execute(f"SELECT {OWN_STATUS} FROM articles").fetchone()[0]


def test_each_action_is_one_step_on_disk_at_once(qtbot, tmp_path):
    path = tmp_path / "master.sqlite"
    with build(path) as project:
        project.db.execute("DELETE FROM spans WHERE annotator = 'ben' AND start = 15")  # Velmora: ana's only
        project.add_span(1, 38, 46, "ACTOR", annotator="ana")  # "the army" around her and ben's "army"
    _window, view = open_view(qtbot, path, tmp_path)

    def one_step(widget, key, modifiers=Qt.KeyboardModifier.NoModifier, *, read=snapshot):
        before, steps = read(path), view.undo_stack.count()
        qtbot.keyClick(widget, key, modifiers)
        after = read(path)
        assert after != before and view.undo_stack.count() == steps + 1  # on disk, one step
        qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL)
        assert read(path) == before  # one Ctrl+Z: exactly as it was
        qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL | SHIFT)
        assert read(path) == after  # and again, with the same ids
        return after

    view.list.setCurrentRow(row_of(view, 7, frame=True))
    one_step(view, Qt.Key.Key_2)  # ben's whole frame
    view.list.setCurrentRow(row_of(view, 7, frame=True))
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_R)  # location
    one_step(view, Qt.Key.Key_1, ALT)  # ana's location onto it (settles "Velmora" too)
    view.list.setCurrentRow(row_of(view, 7, frame=True))
    one_step(view, Qt.Key.Key_X)  # reject the frames after all
    view.list.setCurrentRow(row_of(view, 38, frame=False))
    one_step(view, Qt.Key.Key_1)  # ana's "the army" and "army"
    view.list.setCurrentRow(row_of(view, 15, frame=False))
    one_step(view, Qt.Key.Key_X)  # no "Velmora" in gold
    qtbot.keyClick(view, Qt.Key.Key_G)
    text = view.gold.view
    text.select_range(15, 22)
    one_step(text, Qt.Key.Key_2)  # tag it in gold directly
    text.select_range(38, 46)
    relabelled = one_step(text, Qt.Key.Key_2)  # relabel ana's "the army" LOCATION: the curator's now
    assert (38, 46, "LOCATION", None) in [row[1:] for row in relabelled[0]]
    one_step(text, Qt.Key.Key_Delete)  # and delete it
    qtbot.keyClick(text, Qt.Key.Key_Escape)
    assert all(u.resolved for u in view.units)
    assert one_step(view, Qt.Key.Key_Return, CTRL, read=status) == "curated"  # undone like the rest


def test_curated_only_when_all_is_decided_and_hidden_names_stay_hidden(qtbot, tmp_path):
    path = tmp_path / "master.sqlite"
    build(path).close()
    window, view = open_view(qtbot, path, tmp_path)
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)  # the frame on "entered" is still open
    assert "still to decide" in view.summary.text() and status(path) == "new"
    qtbot.keyClick(view, Qt.Key.Key_H)
    assert view.versions.item(0, 1).text() == "Annotator 1"
    view.close()
    window.team.curate_action.trigger()  # the next view hides them before any key
    again = window.team.curation_view
    assert again.anonymous.isChecked()
    assert [again.versions.item(r, 1).text() for r in range(2)] == ["Annotator 1", "Annotator 2"]
    assert all("ana" not in again.list.line(k) for k in range(again.list.count()))
    again.take(1)
    assert "took Annotator 1" in again.list.line(row_of(again, 7, frame=True))
    again.mark_curated()
    assert status(path) == "curated"
