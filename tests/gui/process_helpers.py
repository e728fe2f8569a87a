"""Real second processes on a project file, and what the kernel says this process holds on it.

Read straight from /proc and from the file through a fresh interpreter, never through the
window's own connection or our lock-checking code, so a test cannot agree with itself.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Another program reading the file: every span, and SQLite's own verdict on the file.
_READER = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
spans = db.execute('SELECT id, article_id, start, "end", label FROM spans ORDER BY id').fetchall()
print(json.dumps({"spans": spans, "integrity": db.execute("PRAGMA integrity_check").fetchall()}))
db.close()
"""


def _proc_locks() -> set[str]:
    # The kernel lists /proc/locks a page per read(); while other processes (other tests) lock and
    # unlock between pages a line can come twice or not at all. Three passes, each line once.
    lines: set[str] = set()
    for _ in range(3):
        lines.update(line.split(":", 1)[1].strip() for line in Path("/proc/locks").read_text().splitlines())
    return lines


def process_locks(path: Path, pid: int | None = None) -> list[str]:
    """The POSIX locks ``pid`` (this process) holds on ``path`` or its -shm, as /proc/locks lists them."""
    pid = os.getpid() if pid is None else pid
    inodes = set()
    for name in (str(path), f"{path}-shm"):
        if os.path.exists(name):
            st = os.stat(name)
            inodes.add((os.major(st.st_dev), os.minor(st.st_dev), st.st_ino))
    held = []
    for line in _proc_locks():
        fields = line.split()
        if len(fields) < 5 or fields[0] == "->":  # "->": a waiter, not a lock held
            continue
        major, minor, inode = fields[4].split(":")
        if fields[3] == str(pid) and (int(major, 16), int(minor, 16), int(inode)) in inodes:
            held.append(line)
    return sorted(held)


def run_cli(*argv: object) -> subprocess.CompletedProcess:
    """``event-annotator ARGV`` as a user runs it from a terminal: its own process, to the end."""
    return subprocess.run([sys.executable, str(REPO / "main.py"), *map(str, argv)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def read_in_other_process(path: Path) -> tuple[set[tuple[int, int, int, int, str]], list[str]]:
    """(spans as (id, article, start, end, label), integrity_check rows) seen by another process."""
    done = subprocess.run([sys.executable, "-c", _READER, str(path)], capture_output=True, text=True,
                          timeout=120, check=True)
    found = json.loads(done.stdout)
    return {tuple(row) for row in found["spans"]}, [row[0] for row in found["integrity"]]


def run_in_other_process(code: str, *args: object) -> str:
    """Run ``code`` (with ``sys.argv[1:] == args``) in a fresh interpreter on our modules; its stdout."""
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


_HOLD_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")  # the write lock, as a long import in another program holds it
print("holding", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


class WriteLockHolder:
    """Another program holding the project's write lock until ``release()``."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(path)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline() == "holding\n"

    def release(self) -> None:
        if self.process.returncode is None:
            self.process.communicate("\n", timeout=60)
