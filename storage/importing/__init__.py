"""Import articles into a project: ``.txt`` files, folders of them, our native JSONL, and the
formats listed in ``storage.importing.registry``.

Each file is all or nothing: a problem rolls back everything that file wrote and becomes an
``InputError`` (file and line) in the report, while the other files still import. A big file
(JSONL, CoNLL…) runs in a ``project.transaction()`` of its own (through a rollback journal when
the project has no other connection: ``storage.importing.journal``). Small files, one document each
(``.txt``, brat's ``.ann``), are committed in rounds of about half a second: with
``synchronous=FULL`` every COMMIT waits for the disk, which for ten thousand small files would
cost more than reading them. In a round a plain-text file is one INSERT (atomic by itself); a
brat file is checked in a savepoint of its own (what it adds to the scheme) — unless it is the
usual one, which adds nothing and writes nothing (``registry.Format.usual``, tried first) — and
its rows wait in the round's ``RowBatch``, written together with the other files' (one ``executemany`` per table
every few hundred files); a file that fails is rewound out of the batch, the others go on. A kill
loses the round under way, whole files only. Cancelling is checked between files; the files
already done stay, nothing is half-written.

What a file needs that the project's scheme lacks is ``storage.scheme_growth``'s to add and report.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Iterator, Sequence

from storage.importing import journal
from storage.importing.batch import RowBatch
from storage.importing.intake import not_regular
from storage.importing.journal import rollback_journal
from storage.importing.registry import FORMATS, Format, ImportOptions, Job, detect, importable_suffixes, suffix
from storage.importing.report import Duplicate, FileResult, ImportReport, Outcome
from storage.model import InputError
from storage.project import Project
from storage.scheme import PALETTE
from storage.scheme_growth import SchemeGrowth
from storage.team.gc_pause import paused_gc

__all__ = ["Duplicate", "FileResult", "ImportOptions", "ImportReport", "Outcome", "SchemeGrowth",
           "brat_pair", "import_paths", "IMPORTABLE_SUFFIXES", "PALETTE"]

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

IMPORTABLE_SUFFIXES: tuple[str, ...] = importable_suffixes()
_ROUND_SECONDS = 0.5  # how long one commit round may run: bounds lost work and lock time
# A folder's files that describe the data beside them, read with it: Hugging Face's tag names
# (storage.importing.conll.run_hf), not a file of records to import on its own.
_READ_WITH_DATA = frozenset(("dataset_info.json",))
_BATCH_ARTICLES = 500  # articles a round's batch holds before they are written: bounds memory


class _BatchRefused(Exception):
    """A round's batch was refused by SQLite (its checks should have made that impossible)."""


def import_paths(project: Project, paths: Sequence[str | Path], *, encoding: str | None = None,
                 format: str | None = None, options: ImportOptions | None = None,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> ImportReport:
    """Import files and folders (recursively), each file's format detected or forced by ``format``.

    ``encoding`` forces a text encoding (default: UTF-8, or UTF-16 with a byte-order mark);
    ``options`` carries format-specific choices (``encoding``/``format`` given here win).
    ``progress(done, total, path)`` is called for each file once it is committed;
    ``cancelled()`` is asked before each file and stops the import when it returns True.
    A bad file never raises: it is an error in the report. Only a project-level problem does
    (``ProjectInUseError``, a full disk), after committing the rounds already finished.
    """
    options = options or ImportOptions()
    if encoding is not None or format is not None:
        options = ImportOptions(**{**options.__dict__, "encoding": encoding or options.encoding,
                                   "format": format or options.format})
    jobs, left_aside = _expand(paths, options)
    report = ImportReport(left_aside=left_aside, left_aside_why=(
        f"--format {options.format} does not read" if options.format else "no import format reads"))
    done = 0
    while done < len(jobs) and not report.cancelled:
        stop = done
        while stop < len(jobs) and jobs[stop].format is not None and jobs[stop].format.shared_round:
            stop += 1
        if stop > done:
            # Small files in rounds: big together, they are written once, through a rollback
            # journal, like a big file (storage.importing.journal; ~10% of a brat folder's CPU).
            with rollback_journal(project, jobs[done].path, size=_round_bytes(jobs[done:stop])):
                while done < stop and not report.cancelled:
                    end = _shared_round(project, jobs, done, options, report, cancelled)
                    _progress(progress, jobs, done, end)
                    done = end
            continue
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        report.files.append(_import_one(project, jobs[done], options))
        _progress(progress, jobs, done, done + 1)
        done += 1
    report.not_started = len(jobs) - done
    return report


def _progress(progress: Progress | None, jobs: list[Job], done: int, end: int) -> None:
    if progress is not None:
        for index in range(done, end):  # only now are these files safely on disk
            progress(index + 1, len(jobs), jobs[index].path)


def _round_bytes(jobs: list[Job]) -> int:
    """What small files read, each with its companion (brat's ``.txt``), counted only up to the
    size from which a rollback journal pays (a stat each: ~1 µs)."""
    total = 0
    for job in jobs:
        companion = job.format.companion if job.format is not None else None
        for path in (job.path, os.path.splitext(job.path)[0] + companion) if companion else (job.path,):
            try:
                total += os.stat(path).st_size
            except OSError:  # the importer says what is wrong with it
                pass
        if total >= journal.BULK_FROM_BYTES:
            break
    return total


def _shared_round(project: Project, jobs: list[Job], start: int, options: ImportOptions,
                  report: ImportReport, cancelled: Cancelled | None, *, batched: bool = True) -> int:
    """Import small files from ``start`` in one transaction; return the index it stopped at."""
    end = start
    results: list[FileResult] = []
    # A layer's import (--annotator) checks each article against what earlier files wrote, so
    # its files write their own rows (see RecordWriter).
    batched = batched and options.annotator is None
    # A batched round writes with foreign keys off, as a file in a transaction of its own does
    # (_import_one), for the same reason: every reference its rows make was checked in Python
    # inside the transaction, and checking them again was ~9% of a brat folder's import. SQLite
    # only switches them between transactions; the round done unbatched (below) has them on.
    conn = project.db.conn
    unchecked = batched and not conn.in_transaction
    if unchecked:
        conn.execute("PRAGMA foreign_keys = OFF")
    refused = False
    try:
        # The cyclic collector paused for the round: its files are read into small acyclic strings,
        # lists and row tuples, freed by reference counting (~1% of a brat folder's import).
        with paused_gc(), project.transaction():
            batch = RowBatch(project.db.conn) if batched else None
            started = time.monotonic()
            while end < len(jobs) and jobs[end].format is not None and jobs[end].format.shared_round:
                # (files read ahead for this round are imported in it: reading them was the cost)
                if (end > start and time.monotonic() - started >= _ROUND_SECONDS
                        and not (batch is not None and batch.read_ahead)):
                    break
                if cancelled is not None and cancelled():
                    report.cancelled = True
                    break
                # Plain text is one INSERT, atomic by itself; a small annotated file (brat) gets a
                # savepoint of its own, so a bad one rolls back alone without a COMMIT per file.
                one_statement = jobs[end].format.name == "text"  # type: ignore[union-attr]
                if batch is not None:
                    batch.upcoming = (jobs, end)
                results.append(_run(project, jobs[end], options) if one_statement
                               else _import_one(project, jobs[end], options, batch=batch))
                end += 1
                if batch is not None and len(batch.lines) >= _BATCH_ARTICLES:
                    _write(batch, jobs[end - 1].path)
            if batch is not None:
                _write(batch, jobs[end - 1].path)
    except _BatchRefused:
        refused = True
    finally:
        if unchecked:
            conn.execute("PRAGMA foreign_keys = ON")
    if refused:
        # Rolled back whole: the round again, each file writing its own rows, so the refusal
        # lands on the file that caused it.
        report.cancelled = False
        return _shared_round(project, jobs, start, options, report, cancelled, batched=False)
    report.files.extend(results)
    return end


def _write(batch: RowBatch, path: str) -> None:
    try:
        batch.flush(path)
    except InputError as error:
        raise _BatchRefused() from error


def _import_one(project: Project, job: Job, options: ImportOptions, *, batch: RowBatch | None = None) -> FileResult:
    """A file with annotations, in a transaction of its own; a problem is the file's error.

    Outside any other transaction (see import_paths): a savepoint here would double the cost of
    the bulk inserts, as every page they touch is first copied aside. In a round (``batch``),
    a savepoint, and the file's rows only queue: a problem rewinds them out of the batch.
    """
    if job.problem is not None or job.format is None:
        return _run(project, job, options)
    mark = batch.mark() if batch is not None else None
    usual = job.format.load_usual() if batch is not None else None
    if usual is not None:  # the usual file of a round writes nothing (its rows queue): no savepoint
        try:
            outcome = usual(project, job, options, batch=batch)
        except InputError as error:
            batch.rewind(mark)  # type: ignore[union-attr, arg-type]
            return FileResult(job.path, error=error, format=job.format.name)
        if outcome is not None:
            return FileResult.from_outcome(job.path, outcome, format=job.format.name)
    # A file of its own writes with foreign keys off: every reference its rows make was checked
    # in Python inside the transaction (RowBatch._suspend_triggers says which), and checking
    # them again costs ~8% of a big import. SQLite only switches them between transactions.
    own = batch is None and not project.db.conn.in_transaction
    if own:
        project.db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        # A big file alone in its transaction, with no one else on the project: written once,
        # through a rollback journal, instead of twice through the WAL (storage.importing.journal).
        with rollback_journal(project, job.path) if own else nullcontext(), \
                _file_savepoint(project) if project.db.conn.in_transaction else project.transaction():
            return _run(project, job, options, raise_errors=True, batch=batch)
    except InputError as error:
        if batch is not None and mark is not None:
            batch.rewind(mark)
        return FileResult(job.path, error=error, format=job.format.name)
    finally:
        if own:
            project.db.conn.execute("PRAGMA foreign_keys = ON")


@contextmanager
def _file_savepoint(project: Project) -> Iterator[None]:
    """One file of a round: ``project.transaction()``'s nested form (a savepoint) under one fixed
    name, which the sqlite3 module prepares once (sqlite-utils names each savepoint afresh, a new
    statement every file: ~1% of a brat folder's import); a scheme the file changed is dropped
    from the project's cache when it rolls back."""
    conn = project.db.conn
    conn.execute("SAVEPOINT import_file")
    try:
        yield
    except BaseException:
        project._scheme = None  # a rolled-back scheme edit must not linger in the cache
        if conn.in_transaction:  # a RAISE(ROLLBACK) may have ended the whole transaction
            conn.execute("ROLLBACK TO SAVEPOINT import_file")
            conn.execute("RELEASE SAVEPOINT import_file")
        raise
    conn.execute("RELEASE SAVEPOINT import_file")


def _run(project: Project, job: Job, options: ImportOptions, *, raise_errors: bool = False,
         batch: RowBatch | None = None) -> FileResult:
    try:
        if job.problem is not None or job.format is None:
            raise InputError(job.path, job.problem or "no importer for this file")
        try:
            runner = job.format.load()
            outcome: Outcome = runner(project, job, options) if batch is None else runner(
                project, job, options, batch=batch)
        except RecursionError:  # input nested deeper than any parser here follows
            raise InputError(job.path, "nested too deeply to read (thousands of levels)") from None
        except OverflowError:  # a number SQLite cannot store that no importer check caught
            raise InputError(job.path, "holds a number too large to store (more than 19 digits)") from None
        return FileResult.from_outcome(job.path, outcome, format=job.format.name)
    except InputError as error:
        if raise_errors:
            raise
        return FileResult(job.path, error=error, format=job.format.name if job.format else "")


def _expand(paths: Sequence[str | Path], options: ImportOptions) -> tuple[list[Job], list[str]]:
    """The files to import, in order: each path given, folders walked in sorted order; and the
    files of those folders that no format (or not the forced one) reads, to be told, not hidden."""
    forced = FORMATS.get(options.format) if options.format else None
    if options.format and forced is None:
        return [Job(str(p), "", problem=f"unknown format {options.format!r} (expected one of "
                                        f"{', '.join(FORMATS)})") for p in paths], []
    jobs = []
    left_aside: list[str] = []
    given_paths = {os.path.abspath(str(p)) for p in paths}
    for given in paths:
        path = Path(given)
        if (pair := brat_pair(str(path), forced)) is not None:
            # brat's text, given on its own (corpus/*.txt, or picked in the window): its annotations
            # are in the .ann beside it, read with it; once, when the .ann was given too.
            if os.path.abspath(pair) not in given_paths:
                jobs.append(Job(pair, os.path.basename(pair), format=FORMATS["brat"]))
            continue
        if path.is_dir():
            found, unreadable, others = _walk(str(path), forced)
            left_aside += (os.path.join(str(path), *parts) for parts in others)
            jobs.extend(Job(folder, "", problem=f"cannot read this folder ({reason}): its files were skipped")
                        for folder, reason in unreadable)
            if not found and not unreadable:
                wanted = ", ".join(forced.suffixes if forced else importable_suffixes())
                jobs.append(Job(str(path), "", problem=f"no {wanted} files in this folder"))
            for parts in found:
                full = os.path.join(str(path), *parts)
                odd = not_regular(full)  # before detect(), which reads the file's start
                jobs.append(Job(full, "/".join(parts), problem=odd) if odd else
                            Job(full, "/".join(parts), format=forced or detect(full)))
        elif not path.exists():
            jobs.append(Job(str(path), "", problem="no such file or folder"))
        elif (odd := not_regular(str(path))) is not None:
            jobs.append(Job(str(path), "", problem=odd))
        else:
            found_format = forced or detect(str(path))
            if found_format is None and path.suffix.lower() == ".sqlite":  # a packet, or another project
                jobs.append(Job(str(path), "", problem=(
                    "a project file, not articles: bring a packet back with `team merge` (Project ▸ Team ▸ "
                    "Bring back…); from another project, export --format native and import that")))
            elif found_format is None:
                jobs.append(Job(str(path), "", problem=(
                    f"cannot import {path.suffix or 'a file without an extension'}: expected one of "
                    f"{', '.join(importable_suffixes())} or a folder (or give --format)")))
            else:
                jobs.append(Job(str(path), path.name, format=found_format))
    return jobs, left_aside


def brat_pair(path: str, forced: Format | None = None) -> str | None:
    """The ``.ann`` beside a ``.txt`` given on its own, whose text it is, when nothing forces the
    file to be read otherwise (``--format text`` reads the text alone); else None."""
    if suffix(path) != ".txt" or (forced is not None and forced.name != "brat"):
        return None
    ann = os.path.splitext(path)[0] + ".ann"
    return ann if os.path.isfile(ann) and os.path.isfile(path) else None


def _walk(folder: str, forced: Format | None
          ) -> tuple[list[tuple[str, ...]], list[tuple[str, str]], list[tuple[str, ...]]]:
    """Importable files under ``folder`` as path parts, sorted, hidden files and folders left out;
    the folders that could not be listed, with why; and the files no format (or not the forced
    one) reads, brat's ``.conf`` files aside (read with their ``.ann``, or only brat's display's);
    a Hugging Face ``dataset_info.json`` is neither (its data's reader reads it).
    Both are reported, not skipped in silence: a doccano CSV beside its JSONL must not vanish."""
    # os.walk over strings: pathlib's rglob costs more than the import itself on a big folder.
    wanted = forced.suffixes if forced else importable_suffixes()
    found: list[tuple[str, ...]] = []
    unreadable: list[tuple[str, str]] = []
    others: list[tuple[str, ...]] = []

    def refused(error: OSError) -> None:
        unreadable.append((error.filename or folder, error.strerror or str(error)))

    for directory, folders, files in os.walk(folder, onerror=refused):
        folders[:] = [name for name in folders if not name.startswith(".")]
        relative = os.path.relpath(directory, folder)
        prefix = () if relative == os.curdir else tuple(relative.split(os.sep))
        # Each name's suffix found once: a brat folder of ten thousand documents has twenty thousand.
        names = {name: suffix(name) for name in files if not name.startswith(".")}
        # brat's .txt beside an .ann is that document's text, not an article of its own.
        companions = {os.path.splitext(name)[0] + f.companion for f in FORMATS.values()
                      if f.companion and (forced is None or forced is f)
                      for name, kind in names.items() if kind in f.suffixes}
        found.extend(prefix + (name,) for name, kind in names.items()
                     if kind in wanted and name not in companions and name not in _READ_WITH_DATA)
        others.extend(prefix + (name,) for name, kind in names.items()
                      if kind not in wanted and name not in companions and kind != ".conf")
    return sorted(found), sorted(unreadable), sorted(others)


def detected_formats(paths: Sequence[str | Path], *, limit: int = 200) -> tuple[dict[str, int], int]:
    """What detection finds for the files an import of ``paths`` would read, for the import dialog:
    files per format title (of the first ``limit`` files, in import order, so a huge folder costs
    no more than that) and how many files there are in all."""
    files: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found, _, _ = _walk(str(path), None)
            files.extend(os.path.join(str(path), *parts) for parts in found)
        elif path.is_file():
            files.append(brat_pair(str(path)) or str(path))
    counts: dict[str, int] = {}
    for name in files[:limit]:
        found_format = None if not_regular(name) else detect(name)
        title = found_format.title if found_format else "no known format"
        counts[title] = counts.get(title, 0) + 1
    return counts, len(files)
