"""Import articles into a project: ``.txt`` files, folders of them, and our native JSONL.

Each file is all or nothing: a problem rolls back everything that file wrote and becomes an
``InputError`` (file and line) in the report, while the other files still import. A native file
runs in a ``project.transaction()`` of its own. Plain-text files are committed in rounds of about
half a second, each file one INSERT (atomic by itself): with ``synchronous=FULL`` every COMMIT
waits for the disk, which for ten thousand small files would cost more than reading them.
Cancelling is checked between files; the files already done stay, nothing is half-written.

What a file needs that the project's scheme lacks is ``storage.scheme_growth``'s to add and report.
"""
from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from storage.model import InputError
from storage.native_import import Duplicate, import_native
from storage.project import Project, now
from storage.scheme import PALETTE
from storage.scheme_growth import SchemeGrowth
from storage.text import content_hash, decode, has_bom, normalise, parse_article

__all__ = ["Duplicate", "FileResult", "ImportReport", "SchemeGrowth", "import_paths", "IMPORTABLE_SUFFIXES",
           "PALETTE"]

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

IMPORTABLE_SUFFIXES: tuple[str, ...] = (".txt", ".jsonl")
_ROUND_SECONDS = 0.5  # how long one commit round may run: bounds lost work and lock time
NOTES_SHOWN = 10  # files whose notes a summary lists one by one; failures are always listed


@dataclass
class FileResult:
    """What happened to one file (or to a path that could not be read at all)."""

    path: str
    articles_added: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what normalisation changed
    warnings: list[str] = field(default_factory=list)  # imported, but not as written (e.g. a bad date)
    scheme_added: list[str] = field(default_factory=list)  # e.g. "label ORG (entity)"
    error: InputError | None = None

    def summary(self) -> str | None:
        """One line for the user if this file failed or has something to say, else None."""
        if self.error is not None:
            return str(self.error)
        parts = [f"warning: {warning}" for warning in self.warnings]
        if len(self.duplicates) == 1 and self.duplicates[0].line is None:
            parts.append("skipped: the same text is already in the project as article "
                         f"{self.duplicates[0].existing_id}")
        elif self.duplicates:
            lines = ", ".join(str(d.line) for d in self.duplicates[:10])
            more = ", …" if len(self.duplicates) > 10 else ""
            parts.append(f"skipped {_plural(len(self.duplicates), 'article')} already in the project "
                         f"(line{'s' if len(self.duplicates) > 1 else ''} {lines}{more})")
        if self.notes:
            parts.append("normalised " + "; ".join(self.notes))
        if self.scheme_added:
            parts.append("added to the scheme: " + ", ".join(self.scheme_added))
        return f"{self.path}: " + "; ".join(parts) if parts else None


@dataclass
class ImportReport:
    """Per-file results of one :func:`import_paths` call, and the totals the user sees."""

    files: list[FileResult] = field(default_factory=list)
    cancelled: bool = False
    not_started: int = 0  # files left untouched because the import was cancelled

    @property
    def ok(self) -> bool:
        """True when no file failed (skipped duplicates and a cancel are not failures)."""
        return all(result.error is None for result in self.files)

    @property
    def errors(self) -> list[InputError]:
        return [result.error for result in self.files if result.error is not None]

    @property
    def articles_added(self) -> int:
        return sum(result.articles_added for result in self.files)

    @property
    def duplicates_skipped(self) -> int:
        return sum(len(result.duplicates) for result in self.files)

    @property
    def scheme_added(self) -> list[str]:
        return [item for result in self.files for item in result.scheme_added]

    def summary_lines(self) -> list[str]:
        """A line per failed file ("path:line: reason"), then the first few notes, then the totals.

        Notes (skipped duplicates, normalised line ends) stop after ``NOTES_SHOWN`` files and are
        counted instead: re-importing a folder of ten thousand files must not bury its one error.
        """
        lines = [str(result.error) for result in self.files if result.error is not None]
        notes = [(result, line) for result in self.files
                 if result.error is None and (line := result.summary()) is not None]
        lines += [line for _, line in notes[:NOTES_SHOWN]]
        more_notes = [result for result, _ in notes[NOTES_SHOWN:]]
        if more_notes:
            lines.append(f"… and {_plural(len(more_notes), 'more file')} with notes like these "
                         f"({_kinds_of_notes(more_notes)})")
        total = (f"imported {_plural(self.articles_added, 'article')} "
                 f"from {_plural(len(self.files), 'file')}")
        if self.duplicates_skipped:
            total += f"; {_plural(self.duplicates_skipped, 'duplicate')} skipped"
        if self.errors:
            total += f"; {_plural(len(self.errors), 'file')} failed"
        if self.cancelled:
            total += f"; cancelled, {_plural(self.not_started, 'file')} not imported"
        return lines + [total]


def _kinds_of_notes(results: list[FileResult]) -> str:
    """E.g. "9990 already in the project, 12 normalised" for the notes a summary leaves out."""
    kinds = [(sum(1 for r in results if r.duplicates), "already in the project"),
             (sum(1 for r in results if r.notes), "normalised"),
             (sum(1 for r in results if r.warnings), "with warnings"),
             (sum(1 for r in results if r.scheme_added), "adding to the scheme")]
    return ", ".join(f"{n} {what}" for n, what in kinds if n)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class _Job:
    """One file to import, or a path that is an error before anything is read."""

    path: str  # as the user gave it (or the folder given joined with the file's relative path)
    source: str  # stored as the article's source: the path relative to the folder given
    problem: str | None = None
    native: bool = False  # a native JSONL file: many rows, so it gets a transaction of its own


def import_paths(project: Project, paths: Sequence[str | Path], *, encoding: str | None = None,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> ImportReport:
    """Import ``.txt`` files, native ``.jsonl`` files and folders of both (recursively).

    ``encoding`` forces a text encoding (default: UTF-8, or UTF-16 with a byte-order mark).
    ``progress(done, total, path)`` is called for each file once it is committed;
    ``cancelled()`` is asked before each file and stops the import when it returns True.
    A bad file never raises: it is an error in the report. Only a project-level problem does
    (``ProjectInUseError``, a full disk), after committing the rounds already finished.
    """
    jobs = _expand(paths)
    report = ImportReport()
    done = 0
    while done < len(jobs) and not report.cancelled:
        if not jobs[done].native:
            end = _text_round(project, jobs, done, encoding, report, cancelled)
        elif cancelled is not None and cancelled():
            report.cancelled = True
            break
        else:
            report.files.append(_import_one(project, jobs[done], encoding))
            end = done + 1
        if progress is not None:
            for index in range(done, end):  # only now are these files safely on disk
                progress(index + 1, len(jobs), jobs[index].path)
        done = end
    report.not_started = len(jobs) - done
    return report


def _text_round(project: Project, jobs: list[_Job], start: int, encoding: str | None,
                report: ImportReport, cancelled: Cancelled | None) -> int:
    """Import plain-text files from ``start`` in one transaction; return the index it stopped at."""
    end = start
    with project.transaction():
        started = time.monotonic()
        while end < len(jobs) and not jobs[end].native:
            if end > start and time.monotonic() - started >= _ROUND_SECONDS:
                break
            if cancelled is not None and cancelled():
                report.cancelled = True
                break
            report.files.append(_import_one(project, jobs[end], encoding))
            end += 1
    return end


def _expand(paths: Sequence[str | Path]) -> list[_Job]:
    """The files to import, in order: each path given, folders walked in sorted order."""
    jobs = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = _walk(str(path))
            if not found:
                jobs.append(_Job(str(path), "", problem="no .txt or .jsonl files in this folder"))
            for parts in found:
                jobs.append(_Job(os.path.join(str(path), *parts), "/".join(parts),
                                 native=_suffix(parts[-1]) == ".jsonl"))
        elif not path.exists():
            jobs.append(_Job(str(path), "", problem="no such file or folder"))
        elif path.suffix.lower() not in IMPORTABLE_SUFFIXES:
            jobs.append(_Job(str(path), "", problem=(
                f"cannot import {path.suffix or 'a file without an extension'}: "
                "expected a .txt file, a native .jsonl file or a folder")))
        else:
            jobs.append(_Job(str(path), path.name, native=_suffix(path.name) == ".jsonl"))
    return jobs


def _walk(folder: str) -> list[tuple[str, ...]]:
    """Importable files under ``folder`` as path parts, sorted, hidden files and folders left out."""
    # os.walk over strings: pathlib's rglob costs more than the import itself on a big folder.
    found: list[tuple[str, ...]] = []
    for directory, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        relative = os.path.relpath(directory, folder)
        prefix = () if relative == os.curdir else tuple(relative.split(os.sep))
        found.extend(prefix + (name,) for name in files
                     if not name.startswith(".") and _suffix(name) in IMPORTABLE_SUFFIXES)
    return sorted(found)


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _import_one(project: Project, job: _Job, encoding: str | None) -> FileResult:
    """Import one file, all or nothing; a problem is returned as the file's error, not raised."""
    try:
        if job.problem is not None:
            raise InputError(job.path, job.problem)
        try:
            with open(job.path, "rb") as file:
                data = file.read()
        except OSError as exc:
            raise InputError(job.path, f"cannot read the file: {exc.strerror or exc}") from None
        content = decode(data, path=job.path, encoding=encoding)
        if job.native:
            # Outside any other transaction (see import_paths): a savepoint here would double
            # the cost of the bulk inserts, as every page they touch is first copied aside.
            with project.transaction():
                outcome = import_native(project, job.path, content, SchemeGrowth(project))
            return FileResult(job.path, articles_added=outcome.articles_added,
                              duplicates=outcome.duplicates, scheme_added=outcome.scheme_added)
        return _import_text(project, job, content, bom=has_bom(data, encoding))
    except InputError as error:
        return FileResult(job.path, error=error)


def _import_text(project: Project, job: _Job, content: str, *, bom: bool) -> FileResult:
    """One article from a plain-text file, the house header (" date YYYY-MM-DD headline") parsed."""
    try:
        text, changes = normalise(content)
    except ValueError as exc:
        raise InputError(job.path, str(exc)) from None
    if bom:  # decode() already dropped the encoding's mark; say so like any other change
        changes = dataclasses.replace(changes, bom=changes.bom + 1)
    article = parse_article(text)
    if not article.text or article.text.isspace():
        raise InputError(job.path, "there is no article text after the date line")
    stamp, digest = now(), content_hash(article.text)
    # One statement, so the file is atomic without a savepoint; Project.add_article would spend
    # a savepoint, a look-up and a re-read on every file of a ten-thousand-file folder.
    cursor = project.db.execute(
        "INSERT INTO articles (text, length, title, date, source, status, content_hash, created, "
        "updated) VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?) ON CONFLICT (content_hash) DO NOTHING",
        [article.text, len(article.text), article.title, article.date, job.source, digest, stamp, stamp])
    if cursor.rowcount == 0:
        existing = project.article_id_by_hash(digest)
        assert existing is not None
        return FileResult(job.path, duplicates=[Duplicate(existing)])
    return FileResult(job.path, articles_added=1, notes=[changes.describe()] if changes.changed else [],
                      warnings=[article.warning] if article.warning else [])
