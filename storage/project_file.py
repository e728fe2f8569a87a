"""An open project file: the connection, its pragmas and migrations, the one way to write
(:meth:`ProjectFile.transaction`), and noticing what other processes wrote.

Every write goes through ``transaction()``, which takes the write lock up front (``BEGIN
IMMEDIATE``), so the checks a write makes inside it see the newest state and stay true until
COMMIT, whatever another window or process does meanwhile. SQLite's refusals come out of it as
our errors in plain words (``storage.sqlite_errors``). ``storage.project.Project`` builds the
articles, spans and events on top.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Self

from sqlite_utils import Database

import resources
from storage import read_only as read_only_files
from storage import schema
from storage import scheme as scheme_store
from storage.locks import FileProblem, FileWatch
from storage.model import ProjectFileError, Scheme, StorageError
from storage.sqlite_errors import plain_error

BUSY_TIMEOUT_MS = 5000


@dataclass
class RideAlong:
    """A write that goes into another write's transaction (:meth:`ProjectFile.also_in_next_commit`):
    what it returned, and whether the commit that holds it happened."""

    write: Callable[[Database], Any]
    result: Any = None
    committed: bool = False


class ProjectFile:
    """The project file, open. Subclassed by ``Project``; create with :meth:`open`."""

    def __init__(self, db: Database, path: Path | None = None, *, new_scheme: str | None = None,
                 read_only: read_only_files.Opened | None = None) -> None:
        self.db = db
        self.path = path
        self.read_only = read_only
        # No implicit BEGIN from the sqlite3 module: every transaction is ours, opened in
        # transaction() with BEGIN IMMEDIATE, so none is ever left open or taken without the lock.
        db.conn.isolation_level = None
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        schema.check_is_project(db)  # before _configure turns on WAL in someone else's file
        if read_only is None:
            self._configure()
        elif schema.pending(db):
            # An older project on a read-only disk: bring a copy in memory up to date to read it.
            memory = sqlite3.connect(":memory:", isolation_level=None)
            db.conn.backup(memory)
            db.close()
            db = Database(memory)
        self.db = db
        self._scheme: Scheme | None = None
        self._scheme_version = -1
        self._ride_along: RideAlong | None = None  # also_in_next_commit's write, until a commit takes it
        if schema.pending(db) or not db.execute("SELECT 1 FROM labels LIMIT 1").fetchone():
            # Two processes opening a new or older project at once: the second waits, then finds
            # the migrations applied and the scheme seeded by the first.
            with self.transaction():
                schema.apply(db)
                if not db.execute("SELECT 1 FROM labels LIMIT 1").fetchone():
                    scheme_store.seed(db, resources.scheme(new_scheme or resources.default_scheme_name()))
        self._data_version = self._read_data_version()
        # After SQLite took its locks (it has read the file by now); a read-only open takes none.
        self._watch = FileWatch(path) if path is not None and read_only is None else None

    @classmethod
    def open(cls, path: str | Path, *, new_scheme: str | None = None, read_only: bool = False) -> Self:
        """Open (creating it and its folder if needed) the project file at ``path``.

        A new file is seeded with the shipped scheme ``new_scheme`` (``resources.scheme_names()``;
        None: the default); an existing project keeps its own.

        ``read_only`` opens an existing project only to read it, and works where it cannot be
        written (a read-only file, folder or disk: ``storage.read_only``); call :meth:`close`
        to learn whether someone wrote it meanwhile.
        Raises ``ProjectInUseError`` when another program holds the file, ``ProjectFileError``
        when it cannot be a project (a folder, not SQLite, another program's database, newer,
        damaged), ``StorageError`` when the disk refuses.
        """
        path = Path(path)
        if path.is_dir():
            raise ProjectFileError(f"{path} is a folder, not a project file")
        if read_only:
            return cls._open(path, lambda: read_only_files.connect(path))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
            raise ProjectFileError(f"cannot create {path}: {blocker} is a file, not a folder") from exc
        except OSError as exc:
            raise ProjectFileError(f"cannot create the folder for {path}: {exc.strerror or exc}") from exc
        return cls._open(path, None, new_scheme=new_scheme)

    @classmethod
    def _open(cls, path: Path, read_only: Any, *, new_scheme: str | None = None) -> Self:
        db = None
        try:
            opened = read_only() if read_only is not None else None
            db = Database(opened.conn if opened is not None else path)
            return cls(db, path, new_scheme=new_scheme, read_only=opened)
        except ProjectFileError as exc:
            if db is not None:
                db.close()
            if str(path) in str(exc):
                raise
            raise ProjectFileError(f"{path}: {exc}") from exc
        except UnicodeDecodeError as exc:
            # SQLite's message quoted a damaged schema's bytes, which Python could not decode.
            if db is not None:
                db.close()
            raise plain_error(path, sqlite3.DatabaseError("malformed database schema (not UTF-8 text)")) from exc
        except sqlite3.DatabaseError as exc:  # OperationalError is one too
            if db is not None:
                db.close()
            plain = plain_error(path, exc)
            if plain is not exc and "not a database" not in str(exc):  # a text file, say: not damage
                raise plain from exc
            raise ProjectFileError(f"cannot open {path} as a project: {exc}") from exc

    def close(self) -> None:
        """Close the file; for a project opened ``read_only`` without locks, raise ``StorageError``
        if it was written meanwhile (what was read may mix old and new)."""
        self.db.close()
        if self.read_only is not None and self.path is not None \
                and read_only_files.changed_since(self.path, self.read_only):
            raise StorageError(f"{self.path} was changed by another program while it was being read; "
                               "what was read may be incomplete: run the command again")

    def file_problem(self) -> FileProblem | None:
        """None while this connection still holds its locks and its WAL (see ``storage.locks``)."""
        return self._watch.problem() if self._watch is not None else None

    def reconnect(self) -> None:
        """Close the connection and open the file again, after ``file_problem`` found one.

        SQLite then takes its locks afresh and uses the WAL that is on disk now. It only does
        so once *every* connection of this process to the file is closed (it shares their
        locks), so callers check ``file_problem`` again afterwards.
        """
        assert self.path is not None and self.read_only is None
        self.db.close()
        # Exactly the setup of a fresh open (pragmas, transaction mode, caches, the watch), so
        # the two cannot drift apart; the object stays the one the window's parts hold.
        ProjectFile.__init__(self, Database(self.path), self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _configure(self) -> None:
        # WAL: readers never block the writer; FULL: survive OS crash and power loss too.
        if not self.db.memory:
            self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = FULL")
        self.db.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic write: the write lock taken up front, committed on exit, rolled back on any exception.

        ``BEGIN IMMEDIATE`` waits (up to the busy timeout) for any other writer to finish, and the
        snapshot it then reads is the newest: a check made inside stays true until COMMIT. Nested
        calls (``restore_span`` adds a span, then events) become savepoints of the outer one.
        SQLite's refusals come out as our errors, in plain words.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():  # a savepoint: the outer transaction already holds the lock
                yield self.db
            return
        try:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._scheme = None
                raise
            try:
                if self._read_data_version() != self._scheme_version:
                    self._scheme = None  # another process changed the file: check against its scheme
                yield self.db
                along, self._ride_along = self._ride_along, None
                if along is not None:
                    along.result = along.write(self.db)
                conn.execute("COMMIT")
                if along is not None:
                    along.committed = True
            except BaseException:
                self._scheme = None  # a rolled-back scheme edit must not linger in the cache
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            raise plain_error(self.path, exc) from exc

    @contextmanager
    def also_in_next_commit(self, write: Callable[[Database], Any]) -> Iterator[RideAlong]:
        """Within the block, ``write`` runs inside the next transaction, last, just before its
        COMMIT: a change that belongs to the next write (the first edit of a ``new`` article starts
        it) is on disk with it, by one commit, or not at all. The block's write need not know: the
        window wraps whichever command the user gave. The ``RideAlong`` says afterwards whether it
        was committed and what ``write`` returned; with no transaction in the block it never runs.
        """
        along = self._ride_along = RideAlong(write)
        try:
            yield along
        finally:
            if self._ride_along is along:
                self._ride_along = None

    # -- change detection (another window or process wrote to the file) -----------------------

    def _read_data_version(self) -> int:
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def changed_elsewhere(self) -> bool:
        """True once after another connection committed a change since the last call."""
        version = self._read_data_version()
        changed = version != self._data_version
        self._data_version = version
        if changed:
            self._scheme = None
        return changed
