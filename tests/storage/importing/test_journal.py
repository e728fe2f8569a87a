"""A big file imported through a rollback journal when the project has no other connection
(storage.importing.journal): written once instead of twice, as safe as WAL, and WAL again after."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from storage.importing import ImportOptions, import_paths, journal
from storage.project import Project
from storage.project_file import BUSY_TIMEOUT_MS
from tests.storage import torture

TEXT = "Rebels entered Damascus on Sunday while the army held Homs and Aleppo. " * 60  # ~4.3 KB


def write_tasks(path, count, *, bad_last=False):
    """``count`` Prodigy tasks of ~4 KB with 40 spans each; the last one broken if ``bad_last``."""
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            text = f"Report {n}. {TEXT}"
            spans = [{"start": at, "end": at + 6, "label": "ACTOR"} for at in range(len(f"Report {n}. "), 3000, 72)]
            if bad_last and n == count - 1:
                spans[-1]["end"] = len(text) + 5
            out.write(json.dumps({"text": text, "spans": spans, "answer": "accept", "_input_hash": n}) + "\n")
    return path


def wal_bytes(path):
    wal = f"{path}-wal"
    return os.path.getsize(wal) if os.path.exists(wal) else 0


def test_a_big_file_alone_is_written_once_and_the_project_is_in_wal_again(tmp_path, monkeypatch):
    monkeypatch.setattr(journal, "BULK_FROM_BYTES", 1 << 20)
    source = write_tasks(tmp_path / "tasks.jsonl", 400)  # ~2 MB
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        report = import_paths(project, [source], options=ImportOptions(format="prodigy"))
        assert report.ok and report.files[0].articles_added == 400
        assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # Through the WAL the import's pages would all be in it still (a checkpoint does not shrink it).
        assert wal_bytes(path) < 256 * 1024 < os.path.getsize(source)
        assert project.file_problem() is None  # the WAL's locks taken again, as after an open
        assert not os.path.exists(f"{path}-journal")
    with Project.open(path) as again:
        assert again.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 400 * 42


def test_with_another_connection_open_the_import_stays_in_wal_without_waiting(tmp_path, monkeypatch):
    monkeypatch.setattr(journal, "BULK_FROM_BYTES", 1 << 20)
    source = write_tasks(tmp_path / "tasks.jsonl", 400)
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project, Project.open(path) as window:
        window.article_ids()
        started = time.monotonic()
        report = import_paths(project, [source], options=ImportOptions(format="prodigy"))
        assert time.monotonic() - started < BUSY_TIMEOUT_MS / 1000  # refused at once, not after the timeout
        assert report.ok
        assert wal_bytes(path) > os.path.getsize(source) // 2  # written through the WAL
        assert len(window.article_ids()) == 400  # and the other connection reads it as ever
        assert window.file_problem() is None and project.file_problem() is None


def test_a_bad_big_file_leaves_the_project_unchanged_and_in_wal(tmp_path, monkeypatch):
    monkeypatch.setattr(journal, "BULK_FROM_BYTES", 1 << 20)
    source = write_tasks(tmp_path / "tasks.jsonl", 400, bad_last=True)
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        report = import_paths(project, [source], options=ImportOptions(format="prodigy"))
        (result,) = report.files
        assert result.error is not None and result.error.line == 400 and "outside the text" in str(result.error)
        assert project.article_ids() == []
        assert project.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
        assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_big_folder_of_small_files_is_written_once_too(tmp_path, monkeypatch):
    """A brat folder's rounds (a transaction every half second) go through the rollback journal
    when the folder is big, its .txt files counted; a bad file among them is refused alone."""
    monkeypatch.setattr(journal, "BULK_FROM_BYTES", 1 << 20)
    folder = tmp_path / "brat"
    folder.mkdir()
    for n in range(300):  # ~1.3 MB of text, ~0.1 MB of .ann
        text = f"Report {n}. {TEXT}"
        at = len(f"Report {n}. ")
        end = len(text) + 5 if n == 299 else at + 6
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
        (folder / f"{n}.ann").write_text(f"T1\tACTOR {at} {end}\tRebels\n", encoding="utf-8")
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        report = import_paths(project, [folder], options=ImportOptions(format="brat"))
        assert [error.path for error in report.errors] == [str(folder / "299.ann")]
        assert report.articles_added == 299 and report.spans_added == 299
        assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert wal_bytes(path) < 256 * 1024 < 299 * len(TEXT)  # not through the WAL
        assert not os.path.exists(f"{path}-journal") and project.file_problem() is None
    with Project.open(path) as again:
        assert again.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 299


# The command line killed at a chosen step (tests.storage.torture), the threshold lowered so
# that a file of ~1 MB goes through the journal: a real import of that size, in a few seconds.
KILLED_AT_STEP = torture.KILLED_AT_STEP.replace(
    "import main\n", "import main\nimport storage.importing.journal\nstorage.importing.journal.BULK_FROM_BYTES = 1 << 20\n")


def run_killed_at(step, *argv):
    return subprocess.run([sys.executable, "-c", KILLED_AT_STEP, str(torture.ROOT), str(step), "sql",
                           *map(str, argv)], capture_output=True, text=True, timeout=torture.TIMEOUT)


def test_an_import_killed_through_the_journal_leaves_whole_files_only(tmp_path):
    count = 250  # ~1.1 MB
    source = write_tasks(tmp_path / "tasks.jsonl", count)
    project = tmp_path / "p.sqlite"
    argv = ("--project", project, "import", source, "--format", "prodigy")
    total = int(run_killed_at(10**9, *argv).stdout.split()[-1])
    hot_journals = 0
    # The last steps are the import's: its INSERTs (~20 statements a round), COMMIT, the switch
    # back to WAL (the project's opening and migrations come first).
    for step in (total - 12, total - 5, total - 2):
        for leftover in tmp_path.glob("p.sqlite*"):
            leftover.unlink()
        result = run_killed_at(step, *argv)
        assert result.returncode == -9, result.stderr[-500:]
        if os.path.exists(f"{project}-journal"):
            hot_journals += 1
            # stats opens read-only, which cannot undo the import: it has SQLite do so first, and
            # counts the project as it was before the import (it said "cannot be written here").
            stats = subprocess.run([sys.executable, "main.py", "--project", str(project), "stats", "--json"],
                                   cwd=torture.ROOT, capture_output=True, text=True, timeout=torture.TIMEOUT)
            assert stats.returncode == 0, stats.stderr[-500:]
            assert json.loads(stats.stdout)["articles"] in (0, count)
            assert not os.path.exists(f"{project}-journal")
        assert torture.consistency_problems(project) == []
        with Project.open(project) as opened:
            assert len(opened.article_ids()) in (0, count)  # the file whole or not at all
            assert opened.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert run_killed_at(10**9, *argv).returncode == 0
        with Project.open(project) as opened:
            assert len(opened.article_ids()) == count
            assert opened.db.execute("SELECT count(*) FROM spans").fetchone()[0] == count * 42
    assert hot_journals >= 1  # killed mid-import, its rollback journal was there to undo it
