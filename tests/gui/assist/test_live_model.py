"""An article imported after training gets the model's suggestions when it opens: computed by a
separate process (the window never runs spaCy), stored for the current model version, shown when
ready; opening does not wait for them."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from storage.assist.model import needs_suggestions
from storage.assist.settings import save_settings
from storage.project import Project
from tests.gui.assist.helpers import open_window
from tests.storage.assist.test_model import make_project

ROOT = Path(__file__).resolve().parents[3]
LATE = "Rebels shelled Marabad overnight. The army entered Kessa on Monday. Police arrested protesters.\n"


def test_an_article_imported_after_training_gets_model_suggestions_when_opened(qtbot, tmp_path):
    path = make_project(tmp_path / "p.sqlite", done=5, new=0)
    result = subprocess.run([sys.executable, "-m", "storage.assist.train_process", "--project", str(path),
                             "--epochs", "6"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with Project.open(path) as project:
        # The model's suggestions only: the dictionary off, every stored score shown.
        save_settings(project, dictionary=False, model_threshold=0.2)
        late = project.add_article(text=LATE, title="imported after training").id
        assert needs_suggestions(project, late)
    window = open_window(qtbot, path, tmp_path / "s.ini")
    live = window.assist.suggestions.live
    with qtbot.waitSignal(live.suggested, timeout=120_000) as done:
        started = time.perf_counter()
        window.open_article(late)
        opened_ms = (time.perf_counter() - started) * 1000
        qtbot.waitUntil(lambda: live.process is not None)  # asked once the article shows
        assert window.assist.suggestions.suggestions == []  # not there yet: the window did not wait
    assert done.args == [late]
    assert opened_ms < 1000  # loading spaCy and the model happens in the process, not here
    with sqlite3.connect(path) as db:
        stored = db.execute('SELECT start, "end", label FROM assist_suggestions WHERE article_id = ? '
                            'ORDER BY start', [late]).fetchall()
        version = db.execute("SELECT version FROM assist_suggested WHERE article_id = ?", [late]).fetchone()
        trained = db.execute("SELECT trained FROM assist_models").fetchone()
        assert db.execute("SELECT count(*) FROM spans WHERE article_id = ?", [late]).fetchone()[0] == 0
    assert stored and version == trained  # stored for this model version: never asked again
    shown = [(s.start, s.end, s.label) for s in window.assist.suggestions.suggestions]
    assert sorted(shown) == sorted(stored) and all(s.recommender == "model" for s in window.assist.suggestions.suggestions)
    with Project.open(path) as project:
        assert not needs_suggestions(project, late)
    window.close()
    assert live.process is None
