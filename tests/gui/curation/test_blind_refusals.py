"""Blind adjudication in refusals too (issue 10): while ``curation.anonymous`` is set, what storage
says when it refuses or reports (a merge's packets, an import into a layer, a curation decision, a
gold edit, an edit in the main window) reaches the screen with "Annotator n" for every annotator's
name, numbered as the window numbers them (``LayerView.blind``, ``storage.team.curation.blind_text``).

The master is ``test_layer_view``'s (ana and ben brought back on two articles, cara at the window).
Every report is read from the real dialog the window shows; nothing of ours is replaced.
"""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit

from gui.file_actions import FileActions, ReportDialog
from storage.importing import ImportOptions
from storage.project import Project
from storage.team.packets import split
from tests.gui.test_layer_view import TEXT, make_master, make_window

NAMES = re.compile(r"\b(ana|ben|zoe)\b")
WORDS = "(Annotator 1 and Annotator 2 have not finished: no copies yet)"  # the trigger's, blind


def blind_window(qtbot, tmp_path: Path):
    path = make_master(tmp_path)
    with Project.open(path) as master:
        master.set_setting("curation.anonymous", "1")
    window = make_window(qtbot, path, tmp_path)
    FileActions(window)  # the File menu, as gui.app.create_main_window installs it
    return path, window


def shown_report(qtbot, start) -> list[str]:
    """Call ``start`` and read the report dialog the window then shows (title, headline, lines),
    closing it: a timer looks for it inside its modal loop, as a user's eyes would."""
    seen: list[list[str]] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ReportDialog) and not seen:
            seen.append([dialog.windowTitle(), *(label.text() for label in dialog.findChildren(QLabel)),
                         *(edit.toPlainText() for edit in dialog.findChildren(QPlainTextEdit))])
            dialog.accept()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(20)
    try:
        start()
        qtbot.waitUntil(lambda: bool(seen), timeout=30000)
    finally:
        timer.stop()
    return seen[0]


def test_bringing_packets_back_reports_every_packet_by_its_blind_name(qtbot, tmp_path):
    """Project ▸ Team ▸ Bring back…: ana's packet twice (refused, naming both files), ben's again
    (unchanged) and zoe's from another project (refused before zoe is a layer: "Annotator 3")."""
    _path, window = blind_window(qtbot, tmp_path)
    packets = tmp_path / "packets"
    again = shutil.copy(packets / "news.ana.sqlite", packets / "copy of news.ana.sqlite")
    with Project.open(tmp_path / "other" / "elsewhere.sqlite") as other:
        other.add_article(text=TEXT, title="Elsewhere")
        split(other, tmp_path / "other" / "packets", annotators=["zoe"], overlap=0.0, per_article=1)
    zoe = tmp_path / "other" / "packets" / "elsewhere.zoe.sqlite"
    window.team.choose_packets = lambda: [packets / "news.ana.sqlite", Path(again), packets / "news.ben.sqlite", zoe]

    shown = shown_report(qtbot, window.team.merge_action.trigger)
    text = "\n".join(shown)
    assert shown[0] == "Bring back" and "Merged 0 of 4 packets; 3 refused" in text
    assert "Annotator 1's packet is given 2 times" in text and "news.Annotator 1.sqlite" in text
    assert "Annotator 2: unchanged (2 articles already merged as they are)" in text
    assert "Annotator 3's packet belongs to another project" in text
    assert NAMES.findall(text) == [], text


def test_an_import_into_a_layer_that_has_annotations_is_refused_in_blind_words(qtbot, tmp_path):
    """File ▸ Import into ana's layer of a text ana already annotated: the importer's refusal names
    the layer, the report shows "Annotator 1", and the status bar too."""
    path, window = blind_window(qtbot, tmp_path)
    with Project.open(path) as master:
        text = master.article(1).text
    source = tmp_path / "more.jsonl"
    source.write_text(json.dumps({"text": text, "label": [[0, 7, "ACTOR"]]}) + "\n", encoding="utf-8")
    actions = window.file_actions

    shown = shown_report(qtbot, lambda: actions.import_paths(
        [source], options=ImportOptions(format="doccano", annotator="ana")))
    text = "\n".join(shown)
    assert "already has annotations in layer 'Annotator 1'" in text, text
    assert NAMES.findall(text) == [] and NAMES.findall(window.statusBar().currentMessage()) == []
    with closing(sqlite3.connect(path)) as db:  # refused whole: ana's layer as it was
        assert db.execute("SELECT count(*) FROM spans WHERE annotator = 'ana'").fetchone() == (4,)


def refusing_gold(path: Path) -> None:
    """Another program's rule in the file (a trigger) that refuses gold spans in words naming the
    annotators: whatever storage or SQLite words a refusal with reaches the curator the same way."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TRIGGER gold_frozen BEFORE INSERT ON spans WHEN NEW.annotator IN ('gold', 'cara') "
                   "BEGIN SELECT RAISE(ABORT, 'ana and ben have not finished: no copies yet'); END")
        db.commit()


def test_curation_decisions_gold_edits_and_window_edits_are_refused_in_blind_words(qtbot, tmp_path):
    path, window = blind_window(qtbot, tmp_path)
    window.open_article(1)
    window.team.curate_action.trigger()
    view = window.team.curation_view
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    refusing_gold(path)

    place = next(row for row, unit in enumerate(view.units) if not unit.resolved)
    view.list.setCurrentRow(place)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_1)  # take Annotator 1's version: the file refuses
    said = view.summary.text()
    assert said.startswith("Not done: ") and WORDS in said and NAMES.findall(said) == [], said

    qtbot.keyClick(view, Qt.Key.Key_G)  # edit gold directly: the same refusal, the same words
    gold = view.gold.view
    qtbot.waitUntil(gold.isVisible)
    start = view.text.index("army")
    gold.select_range(start, start + len("army"))
    with qtbot.waitSignal(view.gold.document.editRefused):
        qtbot.keyClick(gold, Qt.Key.Key_1)
    said = view.summary.text()
    assert not said.startswith("Not done") and WORDS in said and NAMES.findall(said) == [], said

    view.close()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    start = window.document.text.index("army")
    window.view.select_range(start, start + len("army"))
    with qtbot.waitSignal(window.document.editRefused):
        qtbot.keyClick(window.view, Qt.Key.Key_1)  # cara's own layer, in the main window
    said = window.statusBar().currentMessage()
    assert WORDS in said and NAMES.findall(said) == [], said
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM spans WHERE annotator IN ('cara')").fetchone() == (0,)


def test_names_stay_in_refusals_when_the_curator_does_not_adjudicate_blind(qtbot, tmp_path):
    path, window = blind_window(qtbot, tmp_path)
    with Project.open(path) as master:
        master.set_setting("curation.anonymous", None)
    refusing_gold(path)
    start = window.document.text.index("army")
    window.view.select_range(start, start + len("army"))
    with qtbot.waitSignal(window.document.editRefused):
        qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert "(ana and ben have not finished: no copies yet)" in window.statusBar().currentMessage()
