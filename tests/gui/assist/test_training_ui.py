"""The model from the window: trained in a separate process (QProcess) with progress and cancel,
its suggestions shown; the Recommenders dialog stores settings; without spaCy the window works
and says what is missing."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.project import Project
from tests.gui.assist.helpers import open_window
from tests.storage.assist.test_model import BLOCK_SPACY, make_project

ROOT = Path(__file__).resolve().parents[3]


def test_train_now_runs_in_another_process_and_its_suggestions_show(qtbot, tmp_path):
    path = make_project(tmp_path / "p.sqlite", done=5, new=1)
    window = open_window(qtbot, path, tmp_path / "s.ini")
    assist = window.assist
    dialog = assist.show_recommenders()
    assert dialog.report.text().startswith("No model yet. 5 done articles")
    steps = []
    assist.runner.progressed.connect(lambda text, percent: steps.append((text, percent)))
    with qtbot.waitSignal(assist.runner.finished, timeout=240_000) as finished:
        assert assist.train()
        assert assist.runner.running and not dialog.train_button.isEnabled()
    report, error = finished.args
    assert error == "" and report.train_articles == 4
    assert any(text.startswith("Training: epoch") for text, _ in steps)
    assert dialog.scores.rowCount() == len(report.labels) and dialog.report.text().startswith("Trained")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM assist_models").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM assist_suggestions").fetchone()[0] == report.suggestions
    shown_by_model = [s for s in assist.suggestions.suggestions if s.recommender == "model"]
    assert all(s.score >= 0.5 for s in shown_by_model)  # the default threshold


def test_cancel_kills_the_training_and_leaves_the_project_unchanged(qtbot, tmp_path):
    path = make_project(tmp_path / "p.sqlite", done=5, new=1)
    window = open_window(qtbot, path, tmp_path / "s.ini")
    with qtbot.waitSignal(window.assist.runner.finished, timeout=60_000) as finished:
        window.assist.train()
        window.assist.runner.cancel()
    assert finished.args == [None, ""]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM assist_models").fetchone()[0] == 0


def test_recommenders_dialog_stores_the_settings_in_the_project(qtbot, tmp_path):
    path = make_project(tmp_path / "p.sqlite", done=2, new=1)
    window = open_window(qtbot, path, tmp_path / "s.ini")
    dialog = window.assist.show_recommenders()
    dialog.min_count.setValue(3)
    dialog.conflict.setCurrentIndex(2)
    dialog.threshold.setValue(0.8)
    dialog.retrain.setValue(0)
    dialog.apply()
    with sqlite3.connect(path) as db:
        stored = json.loads(db.execute("SELECT value FROM settings WHERE key = 'assist'").fetchone()[0])
    assert (stored["dictionary_min_count"], stored["dictionary_conflict"], stored["model_threshold"],
            stored["model_retrain_after"]) == (3, "all", 0.8, 0)


WINDOW_WITHOUT_SPACY = BLOCK_SPACY + """
import json
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from gui.main_window import MainWindow
from storage.project import Project
app = QApplication([])
window = MainWindow(Project.open(sys.argv[1]), settings=QSettings(sys.argv[2], QSettings.Format.IniFormat),
                    annotator="ann")
window.show()
window.document.tag(0, 6, "ACTOR")
window.assist.train()
print(json.dumps({"missing": window.assist.missing_action.text(),
                  "visible": window.assist.missing_action.isVisible(),
                  "train": window.assist.train_action.isEnabled(),
                  "status": window.statusBar().currentMessage(),
                  "suggestions": len(window.assist.suggestions.suggestions)}))
window.close()
"""


def test_without_spacy_the_window_works_and_says_what_is_missing(tmp_path):
    path = make_project(tmp_path / "p.sqlite", done=2, new=1)
    result = subprocess.run([sys.executable, "-c", WINDOW_WITHOUT_SPACY, str(path), str(tmp_path / "s.ini")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert "pip install 'event-annotator[assist]'" in shown["missing"] and "pyahocorasick" in shown["missing"]
    assert shown["visible"] and not shown["train"] and "spaCy" in shown["status"]
    with Project.open(path) as project:  # annotating still works: the tag is on disk
        assert [(s.start, s.end, s.label) for s in project.spans(3)] == [(0, 6, "ACTOR")]


def test_closing_the_window_ends_its_training(qtbot, tmp_path):
    path = make_project(tmp_path / "p.sqlite", done=5, new=1)
    window = open_window(qtbot, path, tmp_path / "s.ini")
    assert window.assist.train()
    process = window.assist.runner.process
    window.close()
    assert window.assist.runner.process is None and process is not None


def test_marking_the_nth_newly_done_article_starts_a_retrain(qtbot, tmp_path):
    path = make_project(tmp_path / "p.sqlite", done=4, new=2)
    with Project.open(path) as project:
        from storage.assist.settings import save_settings
        save_settings(project, model_retrain_after=5)  # no model yet: 4 done so far, the 5th trains
    window = open_window(qtbot, path, tmp_path / "s.ini")
    with qtbot.waitSignal(window.assist.runner.finished, timeout=240_000) as finished:
        window.mark_done()
        assert window.assist.runner.running
    report, error = finished.args
    assert error == "" and report.articles == 5
