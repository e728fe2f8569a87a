"""Opening a project only to read it (``stats``, ``export``), wherever it lies: a read-only file,
folder or disk included.

A WAL database normally needs its ``-shm`` file beside it, created on first open; where that
cannot be created SQLite refuses even to read. When nothing can write the file (a read-only
disk), or nothing has written it since it was last closed cleanly (no ``-wal`` file) and we may
not write its folder, it is opened ``immutable``: SQLite then reads the file as it stands,
without locks or ``-shm``. In the second case another user could still start writing while we
read, so :func:`changed_since` lets the caller check, at the end, that the file did not move.
Nothing here opens the project file outside SQLite: a plain ``open()`` and ``close()`` of it
would drop SQLite's POSIX locks in this process (see QT-NOTES.md).
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.model import ProjectFileError


@dataclass(frozen=True)
class Opened:
    conn: sqlite3.Connection
    immutable: bool
    stamp: tuple[int, int] | None  # (size, mtime_ns) when opened immutable, to notice a writer


def _stamp(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def _on_read_only_disk(path: Path) -> bool:
    statvfs = getattr(os, "statvfs", None)  # not on Windows
    return statvfs is not None and bool(statvfs(path).f_flag & os.ST_RDONLY)


def _has_wal_frames(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def _has_journal(path: Path) -> bool:
    journal = Path(f"{path}-journal")
    return journal.exists() and journal.stat().st_size > 0


def _roll_back_interrupted_import(path: Path) -> None:
    """Let SQLite undo an import killed while it wrote through the rollback journal
    (``storage.importing.journal``): a read-only connection cannot, and would refuse to read.
    A plain connection's first read does it when the journal is hot (no writer holds the file);
    while an import still runs, it only reads, or waits."""
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        pass  # busy or refused: the read-only connection below says it in words
    finally:
        conn.close()


def connect(path: Path) -> Opened:
    """A read-only connection to the project at ``path``; ``ProjectFileError`` in words when none can be had."""
    if not path.exists():
        raise ProjectFileError(f"there is no project at {path}")
    writable_folder = os.access(path.parent, os.W_OK) and not _on_read_only_disk(path)
    interrupted = _has_journal(path)
    if interrupted and writable_folder and os.access(path, os.W_OK):
        _roll_back_interrupted_import(path)
        interrupted = _has_journal(path)
    if interrupted and not writable_folder:
        raise ProjectFileError(
            f"cannot read {path}: an import into it was interrupted, and SQLite must undo it from "
            f"{path.name}-journal before the project can be read, which this folder or disk does not "
            "allow; open the project once where it can be written")
    unsaved = _has_wal_frames(path) or interrupted
    immutable = not writable_folder and not unsaved and not Path(f"{path}-shm").exists()
    uri = path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the file is really opened here
    except UnicodeDecodeError:
        conn.close()  # the caller says it in words (ProjectFile._open)
        raise
    except sqlite3.OperationalError as exc:
        conn.close()
        if "unable to open" not in str(exc):
            raise
        raise ProjectFileError(
            f"cannot read {path}: its last changes are in {path.name}-wal, and SQLite needs to create "
            f"{path.name}-shm beside it to read them, which this folder or disk does not allow; open the "
            "project once where it can be written (the changes then move into the file), or copy "
            f"{path.name} and {path.name}-wal to a writable folder") from exc
    return Opened(conn, immutable, _stamp(path) if immutable else None)


def changed_since(path: Path, opened: Opened) -> bool:
    """True when a file opened immutable was written meanwhile (what was read may be torn)."""
    if opened.stamp is None:
        return False
    return _stamp(path) != opened.stamp or Path(f"{path}-wal").exists()
