"""A big file's import through SQLite's rollback journal, when no one else has the project open;
and a big folder's small files (brat), whose rounds of about half a second are each a transaction.

A project is in WAL mode (readers never wait for a writer), and in WAL every page an import
writes goes to disk twice: into the ``-wal`` file as the transaction runs, then into the project
by the checkpoint that follows its COMMIT. For a corpus of 10,000 documents that is ~100 MB
more to write and sync: ~0.2 s more CPU, most of it system time (``bench/bench_import_floor.py``,
500,000 spans: 0.99 s through the WAL, 0.79 s through the journal, 0.56 s for the plain
tables), and more of waiting for the disk.

A rollback journal writes a page once: into the file, after copying the page's old content, if
it had any, to ``-journal`` (a new project's pages are appended and need no copy). With
``synchronous=FULL`` (the project's, kept) it is as safe as WAL: the journal is synced before
the file is written, the file before COMMIT returns, so a crash of the program (kill -9) or of
the machine leaves the whole file imported or, the hot journal rolled back by the next open,
none of it. What WAL adds is that others may read while the import writes, so the switch is
made only when this connection is the only one to the file, in any process: SQLite itself
refuses to leave WAL otherwise ("database is locked"), and then the import stays in WAL as
before, without waiting (the busy timeout is set aside for the attempt). The price: a window or
command that opens the project while such an import writes cannot open it until the import
ends (a folder's: all its rounds, the switch back to WAL comes after the last); it is refused
within a moment (measured ~0.2 s), "another program is writing to this project; try again in a
moment", where in WAL it would have read the state before the import. After the import the
project goes back to WAL; if that fails (someone opened it meanwhile) the next open switches it
back (``ProjectFile._configure``).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from typing import Iterator

from storage.project import Project
from storage.project_file import BUSY_TIMEOUT_MS

# A smaller file is imported in WAL: the two switches cost a few syncs (~50 ms on this disk),
# more than writing its pages once instead of twice saves.
BULK_FROM_BYTES = 8 << 20


def switch_journal(conn: sqlite3.Connection, mode: str) -> bool:
    """``PRAGMA journal_mode = mode`` without waiting for anyone; True if the file is in it now."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        return conn.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0] == mode
    except sqlite3.OperationalError:  # another connection has the file open (or is reading it)
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


@contextmanager
def rollback_journal(project: Project, path: str, *, size: int | None = None) -> Iterator[None]:
    """Run the import of the file at ``path`` (its own transaction, begun inside) through a
    rollback journal when it is big and the project's only connection is this one; else as is.
    ``size``: the bytes the import reads, where it is more than that file (a folder of small files
    committed in rounds, each round a transaction begun inside)."""
    conn = project.db.conn
    try:
        big = (os.stat(path).st_size if size is None else size) >= BULK_FROM_BYTES
    except OSError:  # the importer says what is wrong with it
        big = False
    switched = (big and project.path is not None and project.read_only is None and not conn.in_transaction
                and switch_journal(conn, "delete"))
    try:
        yield
    finally:
        if switched and switch_journal(conn, "wal"):
            # A read maps the WAL's index again and takes its locks, as an open leaves them
            # (storage.locks.FileWatch counts them before each of the window's edits).
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
