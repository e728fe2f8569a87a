"""storage.locks sees a process lose SQLite's locks or its WAL, and ``Project.reconnect`` makes
writing safe again: real files, real second processes, the kernel's own /proc/locks."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storage.locks import held_locks, wal_replaced
from storage.project import Project

REPO = Path(__file__).resolve().parents[2]

# Another program: opens the project, reads, adds an article, and (after a line on stdin, if
# asked to wait) closes, as `event-annotator import` from a terminal does.
OTHER = """
import sys
from storage.project import Project
project = Project.open(sys.argv[1])
project.article_count()
project.add_article(text=sys.argv[2], title="from the other process")
print("written", flush=True)
if sys.argv[3] == "wait":
    sys.stdin.readline()
project.close()
"""

# A third program's view: the titles, the spans, and SQLite's verdict on the file.
CHECK = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(json.dumps([
    [r[0] for r in db.execute("SELECT title FROM articles ORDER BY id")],
    db.execute('SELECT start, "end", label FROM spans ORDER BY id').fetchall(),
    db.execute("PRAGMA integrity_check").fetchone()[0]]))
"""


def other_process(path: Path, text: str, *, wait: bool = False) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", OTHER, str(path), text, "wait" if wait else "exit"],
                               cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "written\n"
    return process


def seen_by_a_third_process(path: Path) -> tuple[list[str], list[list], str]:
    done = subprocess.run([sys.executable, "-c", CHECK, str(path)], capture_output=True, text=True,
                          check=True, timeout=60)
    return tuple(json.loads(done.stdout))


def drop_locks_like_a_file_dialog(path: Path) -> None:
    """What Qt's file dialog did: open the project's files to sniff their type, and close them."""
    for name in (str(path), f"{path}-shm", f"{path}-wal"):
        with open(name, "rb") as sniffed:
            sniffed.read(16)


@pytest.fixture
def project(tmp_path):
    project = Project.open(tmp_path / "p.sqlite")
    project.add_article(text="Rebels entered Velmora.", title="first")
    yield project
    project.close()


def test_an_open_project_holds_its_locks_and_its_wal(project):
    assert held_locks(project.path) == 1 and held_locks(f"{project.path}-shm") == 1
    assert wal_replaced(project.path) is False
    assert project.file_problem() is None


def test_closing_any_descriptor_of_the_file_is_seen_and_reconnect_takes_the_locks_again(project):
    drop_locks_like_a_file_dialog(project.path)
    assert held_locks(project.path) == 0
    problem = project.file_problem()
    assert problem is not None and not problem.wal_replaced
    assert "lost its locks on p.sqlite" in problem.message
    project.reconnect()
    assert project.file_problem() is None and held_locks(project.path) == 1
    project.add_span(1, 0, 6, "ACTOR")
    assert seen_by_a_third_process(project.path) == (["first"], [[0, 6, "ACTOR"]], "ok")


def test_a_wal_deleted_by_another_process_is_seen_and_no_later_write_is_lost(project):
    drop_locks_like_a_file_dialog(project.path)
    # Believing it is alone, the other program checkpoints and deletes the WAL as it exits.
    assert other_process(project.path, "Troops left Homs.").wait(timeout=60) == 0
    problem = project.file_problem()
    assert problem is not None and problem.wal_replaced
    assert "replaced the journal" in problem.message
    project.reconnect()
    assert project.file_problem() is None
    project.add_span(1, 0, 6, "ACTOR")  # after reconnecting: into the live file, seen by others
    assert project.article_count() == 2  # and the other program's article is visible here
    assert seen_by_a_third_process(project.path) == (
        ["first", "from the other process"], [[0, 6, "ACTOR"]], "ok")
    project.close()
    assert seen_by_a_third_process(project.path)[1:] == ([[0, 6, "ACTOR"]], "ok")


def test_reconnecting_while_another_process_keeps_the_file_open(project):
    drop_locks_like_a_file_dialog(project.path)
    other = other_process(project.path, "Troops left Homs.", wait=True)
    try:
        project.reconnect()  # the other one holds its locks: closing must not checkpoint under it
        assert project.file_problem() is None
        project.add_span(1, 0, 6, "ACTOR")
    finally:
        other.communicate("\n", timeout=60)
    assert other.returncode == 0
    assert seen_by_a_third_process(project.path) == (
        ["first", "from the other process"], [[0, 6, "ACTOR"]], "ok")


def test_a_project_without_a_file_has_nothing_to_check():
    from sqlite_utils import Database

    assert Project(Database(memory=True)).file_problem() is None


def test_a_second_connection_in_the_same_process_is_no_problem(project):
    """SQLite sets the shared locks through whichever connection's descriptor it uses; when that
    one closes it keeps the descriptor open, so the locks stay and the check must find them."""
    with Project.open(project.path) as other:
        other.add_span(1, 0, 6, "ACTOR")
    assert project.file_problem() is None
    assert held_locks(project.path) == 1 and held_locks(f"{project.path}-shm") == 1
