"""The curation view keeps its list in place: a decision, its undo and redo, a direct gold edit and H
rewrite only the lines of the places they touch, never rebuild the list, and every line still says
what a fresh read of the file says; each key is on disk when the list shows it."""
from __future__ import annotations

import sqlite3
from contextlib import closing

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.curation import frames
from gui.curation.view import CurationView
from storage.project import Project
from storage.team import curation, curation_frames
from tests.gui.curation.test_curation_frames_view import CTRL, SHIFT, open_curation

#       0         1         2         3         4         5         6         7
#       0123456789012345678901234567890123456789012345678901234567890123456789012
TEXT = "Rebels entered Velmora after heavy fighting with the army near Ostrava today."
LAYERS = {  # agreed: Rebels, entered; disputes: Velmora (label), heavy fighting (bounds), army (one only),
    # Ostrava (ben's two nested spans: one place, his version both), today (chen alone)
    "ana": [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "LOCATION"), (29, 43, "EVENT"), (53, 57, "ACTOR"),
            (63, 70, "LOCATION")],
    "ben": [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "ACTOR"), (35, 43, "EVENT"), (58, 70, "LOCATION"),
            (63, 70, "LOCATION")],
    "chen": [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "LOCATION"), (35, 43, "EVENT"), (63, 70, "ACTOR"),
             (71, 76, "ACTOR")],
}


def decisions(path):
    with closing(sqlite3.connect(path)) as db:
        return dict(((s, e), d) for s, e, d in db.execute('SELECT start, "end", decision FROM curation_decisions'))


def gold(path):
    with closing(sqlite3.connect(path)) as db:
        return db.execute('SELECT start, "end", label, taken_from FROM spans WHERE annotator = ? '
                          'ORDER BY start, "end", label', ["gold"]).fetchall()


def same_as_the_file(view: CurationView) -> None:
    """The list's places, lines and count are what reading the whole article again gives."""
    fresh = [*curation.read_units(view.project, view.article_id, annotators=view.annotators),
             *curation_frames.read_frame_units(view.project, view.article_id, annotators=view.annotators)]
    fresh.sort(key=frames.unit_key)
    assert view.units == fresh
    assert [view.list.line(k) for k in range(view.list.count())] == [view._line(k, u) for k, u in enumerate(fresh)]
    assert f"{sum(not u.resolved for u in fresh)} still to decide" in view.summary.text()


def open_view(qtbot, tmp_path):
    """The curation view, active (its shortcuts need it), of a master holding LAYERS over TEXT."""
    path = tmp_path / "master.sqlite"
    with Project.open(path) as project:
        article = project.add_article(text=TEXT, title="Velmora").id
        for layer, spans in LAYERS.items():
            for start, end, label in spans:
                project.add_span(article, start, end, label, annotator=layer)
    view = CurationView(Project.open(path), article)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    return path, view


def test_decisions_update_the_list_in_place(qtbot, tmp_path):
    path, view = open_view(qtbot, tmp_path)
    rebuilt = []
    view.list.model().modelReset.connect(lambda: rebuilt.append("reset"))
    view.list.model().rowsRemoved.connect(lambda *_: rebuilt.append("removed"))
    told = set()  # rows whose line the list was told to show again (it makes lines only as it shows them)
    view.list.model().dataChanged.connect(lambda first, last, *_: told.update(range(first.row(), last.row() + 1)))
    assert gold(path) == [(0, 6, "ACTOR", "agreed"), (7, 14, "EVENT", "agreed")]
    same_as_the_file(view)
    assert view.current().start == 15
    qtbot.keyClick(view, Qt.Key.Key_2)  # ben's ACTOR for Velmora
    assert (15, 22, "ACTOR", "ben") in gold(path) and decisions(path)[(15, 22)] == "took:ben"
    same_as_the_file(view)
    assert told == {view._row_of((15, 22), -1)}  # that place's line, and only it
    assert view.current().start == 29  # moved on to the bounds dispute
    qtbot.keyClick(view, Qt.Key.Key_3)  # chen's "fighting"
    qtbot.keyClick(view, Qt.Key.Key_X)  # the army: nobody's
    assert decisions(path)[(29, 43)] == "took:chen" and decisions(path)[(53, 57)] == "rejected"
    same_as_the_file(view)
    assert (view.current().start, view.current().end) == (58, 70)
    qtbot.keyClick(view, Qt.Key.Key_2)  # "near Ostrava" and "Ostrava": ben's two spans go to gold together
    assert [(s, e) for s, e, _l, who in gold(path) if who == "ben"] == [(15, 22), (58, 70), (63, 70)]
    same_as_the_file(view)
    assert [(s.start, s.end) for s in view.units[view._row_of((58, 70), -1)].gold] == [(58, 70), (63, 70)]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert (53, 57) not in decisions(path) and all(s != 58 for s, *_ in gold(path))
    assert view.current().start == 53  # the place the undo put back is the current one
    same_as_the_file(view)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert decisions(path)[(53, 57)] == "rejected"
    same_as_the_file(view)
    told.clear()
    qtbot.keyClick(view, Qt.Key.Key_H)  # names hidden: every line says so, nothing read again
    assert told == set(range(len(view.units)))
    assert "took Annotator 2" in view.list.line(2)
    same_as_the_file(view)
    # a curator's gold span over two places changes both places' gold columns
    qtbot.keyClick(view, Qt.Key.Key_G)
    view.gold.view.select_range(44, 57)  # "with the army"
    qtbot.keyClick(view.gold.view, Qt.Key.Key_1)
    assert (44, 57, "ACTOR", None) in gold(path)
    same_as_the_file(view)
    assert any(s.start == 44 for s in view.units[view._row_of((53, 57), -1)].gold)
    qtbot.keyClick(view.gold.view, Qt.Key.Key_Z, CTRL)
    assert all(s != 44 for s, *_ in gold(path))
    same_as_the_file(view)
    view.gold.view.select_range(63, 70)  # "Ostrava": gold of the place 58–70, which starts before it
    qtbot.keyClick(view.gold.view, Qt.Key.Key_2)
    assert (63, 70, "LOCATION", None) in gold(path)
    same_as_the_file(view)
    assert rebuilt == []  # not one key rebuilt the list
    view.close()
    view.project.close()


def test_frame_decisions_update_the_list_in_place(qtbot, tmp_path):
    path, _window, view = open_curation(qtbot, tmp_path)
    rebuilt = []
    view.list.model().modelReset.connect(lambda: rebuilt.append("reset"))
    unit = view.current()
    assert isinstance(unit, curation_frames.FrameUnit) and unit.start == 7
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's whole frame on "entered", with its place filler
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT decision FROM curation_frame_decisions WHERE start = 7").fetchone() == ("took:ana",)
    same_as_the_file(view)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM curation_frame_decisions WHERE start = 7").fetchone() == (0,)
    same_as_the_file(view)
    assert "[to decide]" in view.list.line(view.list.currentRow())
    assert rebuilt == []


def test_gold_text_catches_up_after_a_run_of_decisions(qtbot, tmp_path):
    # With the gold text shown, each decision would re-tint (and so lay out again) its paragraph:
    # the text takes decisions in once the curator pauses, or at once when they turn to it.
    path, view = open_view(qtbot, tmp_path)
    qtbot.keyClick(view, Qt.Key.Key_G)
    shown = view.gold.document
    qtbot.keyClick(view.gold.view, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_2)  # Velmora: ben's ACTOR
    qtbot.keyClick(view, Qt.Key.Key_3)  # fighting: chen's
    assert ("took:ben", "took:chen") == (decisions(path)[(15, 22)], decisions(path)[(29, 43)])  # on disk at once
    qtbot.waitUntil(lambda: {(s.start, s.end, s.label) for s in shown.spans.values()} >= {(15, 22, "ACTOR"),
                                                                                         (35, 43, "EVENT")})
    qtbot.keyClick(view, Qt.Key.Key_X)  # the army: rejected; G shows it at once, without the pause
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # chen's fighting undone
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert {(s.start, s.end) for s in shown.spans.values()} == {(s, e) for s, e, *_ in gold(path)}
    assert (35, 43) not in {(s.start, s.end) for s in shown.spans.values()}
    assert view.undo_stack.count() == 3 and view.undo_stack.index() == 1  # the catch-up is no edit of its own
    view.close()
    view.project.close()


def test_closing_the_window_closes_the_view_first(qtbot, tmp_path):
    # The window closes its project in its own close event: the curation view (its gold text's
    # pending catch-up above all) must be gone before, never reading a closed file.
    path, window, view = open_curation(qtbot, tmp_path)
    qtbot.keyClick(view, Qt.Key.Key_G)
    qtbot.keyClick(view.gold.view, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's frame: the gold text has it to catch up with
    assert view.gold._catch_up.isActive()
    window.close()
    assert not view.isVisible() and not view.gold._catch_up.isActive()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT decision FROM curation_frame_decisions WHERE start = 7").fetchone() == ("took:ana",)
