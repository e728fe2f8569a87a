"""The curation view driven by keys: agreed spans to gold on open, take, reject, undo, redo, curated."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

import main
from gui.main_window import MainWindow
from storage.article_status import OWN_STATUS
from storage.project import Project

TEXT = "Rebels entered Velmora after fighting the army."


def gold(path):
    with closing(sqlite3.connect(path)) as db:
        return db.execute('SELECT start, "end", label, taken_from FROM spans WHERE annotator = ? '
                          "ORDER BY start", ["gold"]).fetchall()


def test_curation_by_keys(qtbot, tmp_path):
    path = tmp_path / "master.sqlite"
    with Project.open(path) as project:
        article = project.add_article(text=TEXT, title="Velmora").id
        for layer, spans in {"ana": [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "LOCATION"), (38, 46, "ACTOR")],
                             "ben": [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "ACTOR"), (42, 46, "ACTOR")]}.items():
            for start, end, label in spans:
                project.add_span(article, start, end, label, annotator=layer)
    window = MainWindow(Project.open(path), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        annotator="curator")
    qtbot.addWidget(window)
    window.show()
    window.team.curate_action.trigger()
    view = window.team.curation_view
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    # what both agree on went to gold on opening; the first disagreement is current
    assert gold(path) == [(0, 6, "ACTOR", "agreed"), (7, 14, "EVENT", "agreed")]
    assert view.current().start == 15 and "to decide" in view.list.line(view.list.currentRow())
    assert view.versions.item(0, 1).text() == "ana" and "LOCATION Velmora" in view.versions.item(0, 2).text()
    qtbot.keyClick(view, Qt.Key.Key_1)  # take ana's version; moves on to the next open one
    assert (15, 22, "LOCATION", "ana") in gold(path)
    assert view.current().start == 38
    qtbot.keyClick(view, Qt.Key.Key_X)  # reject both versions of "the army"/"army"
    assert [row[0] for row in gold(path)] == [0, 7, 15]
    assert "[rejected]" in view.list.line(3)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "[to decide]" in view.list.line(3)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "[rejected]" in view.list.line(3)
    qtbot.keyClick(view, Qt.Key.Key_H)  # the curator hides who said what
    view.list.setCurrentRow(2)
    assert view.versions.item(0, 1).text() == "Annotator 1"
    assert "took Annotator 1" in view.list.line(2)
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute(f"SELECT {OWN_STATUS} FROM articles").fetchone() == ("curated",)
    view.close()
    assert any(s.annotator == "gold" for s in window.document.spans.values())  # the window shows gold


def test_nested_and_stacked_versions_are_one_place_taken_by_one_key(qtbot, tmp_path):
    """ana stacks LOCATION on Velmora and tags "army" inside her "the army"; ben has one span at
    each. Each is one place (not two over the same words): one key takes a whole version there,
    and what it put into gold stays when the next place is decided."""
    path = tmp_path / "master.sqlite"
    with Project.open(path) as project:
        article = project.add_article(text=TEXT, title="Velmora").id
        for layer, spans in {"ana": [(15, 22, "ACTOR"), (15, 22, "LOCATION"), (38, 46, "ACTOR"), (42, 46, "ACTOR")],
                             "ben": [(15, 22, "ACTOR"), (42, 46, "ACTOR")]}.items():
            for start, end, label in spans:
                project.add_span(article, start, end, label, annotator=layer)
    window = MainWindow(Project.open(path), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        annotator="curator")
    qtbot.addWidget(window)
    window.show()
    window.team.curate_action.trigger()
    view = window.team.curation_view
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    assert gold(path) == []  # ana's stacked LOCATION is a disagreement, not hidden behind an agreed ACTOR
    assert [(u.start, u.end) for u in view.units] == [(15, 22), (38, 46)] and view.current().start == 15
    assert "ACTOR Velmora (15–22); LOCATION Velmora (15–22)" in view.versions.item(0, 2).text()
    qtbot.keyClick(view, Qt.Key.Key_2)  # ben's ACTOR only
    assert view.current().start == 38
    qtbot.keyClick(view, Qt.Key.Key_1)  # ana's "the army" and "army", both
    assert gold(path) == [(15, 22, "ACTOR", "ben"), (38, 46, "ACTOR", "ana"), (42, 46, "ACTOR", "ana")]
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    view.close()
    out = tmp_path / "gold.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "spacy", "--layer", "gold", "-o", str(out)]) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [
        (15, 22, "ACTOR"), (38, 46, "ACTOR"), (42, 46, "ACTOR")]
