"""Import articles into a project: ``.txt`` files, folders of them, and our native JSONL.

Each file is all or nothing: a problem rolls back everything that file wrote and becomes an
``InputError`` (file and line) in the report, while the other files still import. A native file
runs in a ``project.transaction()`` of its own. Plain-text files are committed in rounds of about
half a second, each file one INSERT (atomic by itself): with ``synchronous=FULL`` every COMMIT
waits for the disk, which for ten thousand small files would cost more than reading them.
Cancelling is checked between files; the files already done stay, nothing is half-written.

``SchemeGrowth`` is the policy for what a file needs that the project's scheme lacks: it adds
labels (palette colour, no key), roles, event types and attributes, and reports each addition.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from storage import scheme as scheme_store
from storage.model import Attribute, EventType, InputError, Label, Role, SchemeError
from storage.native_import import Duplicate, import_native
from storage.project import Project, now
from storage.text import content_hash, decode, has_bom, normalise, parse_article

__all__ = ["Duplicate", "FileResult", "ImportReport", "SchemeGrowth", "import_paths", "IMPORTABLE_SUFFIXES",
           "PALETTE"]

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

IMPORTABLE_SUFFIXES: tuple[str, ...] = (".txt", ".jsonl")
_ROUND_SECONDS = 0.5  # how long one commit round may run: bounds lost work and lock time
NOTES_SHOWN = 10  # files whose notes a summary lists one by one; failures are always listed
# Okabe–Ito, the colour-blind-safe set the default scheme's colours come from, without black
# (a black highlight hides its text). A new label takes the first colour no label has, then cycles.
PALETTE: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
ATTRIBUTE_KINDS: tuple[str, ...] = ("choice", "date", "text")


@dataclass
class FileResult:
    """What happened to one file (or to a path that could not be read at all)."""

    path: str
    articles_added: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what normalisation changed
    scheme_added: list[str] = field(default_factory=list)  # e.g. "label ORG (entity)"
    error: InputError | None = None

    def summary(self) -> str | None:
        """One line for the user if this file failed or has something to say, else None."""
        if self.error is not None:
            return str(self.error)
        parts = []
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
    return FileResult(job.path, articles_added=1,
                      notes=[changes.describe()] if changes.changed else [])


class SchemeGrowth:
    """The project's scheme as one file's import sees it: set look-ups, and additions it needs.

    Any importer that meets a label, role, event type or attribute the project lacks adds it
    here, so the policy is the same for every format: new labels get the next palette colour and
    no key, a new role takes the labels of the spans that fill it, and every addition is reported.
    Made per file and used inside that file's transaction, so a failed file's additions roll back
    with it. Problems raise ``SchemeError``; the importer adds the file and line.
    """

    def __init__(self, project: Project) -> None:
        self._project = project
        # Read from the file, not project.scheme: this import changes the scheme as it goes.
        scheme = scheme_store.load(project.db)
        self.kinds = {label.name: label.kind for label in scheme.labels}
        self.role_labels = {role.name: set(role.labels) for role in scheme.roles}
        self.role_max = {role.name: role.max_count for role in scheme.roles}
        self.types = {event_type.name for event_type in scheme.event_types}
        self.attributes = {attribute.name: attribute for attribute in scheme.attributes}
        self._colours = {label.colour.upper() for label in scheme.labels}
        self._keys = {label.key for label in scheme.labels if label.key}
        # Inferred from use in this file, so later records may still widen them (what a file's
        # scheme record defines, by contrast, is authoritative and never widened).
        self._inferred_labels: set[str] = set()
        self._inferred_roles: set[str] = set()
        self._added: dict[str, str] = {}  # what was added -> how the report describes it, in order

    @property
    def additions(self) -> list[str]:
        """What this import added, e.g. ["label ORG (entity)", "role place (takes CITY)"]."""
        return list(self._added.values())

    def add_label(self, name: Any, *, colour: str | None = None, key: str | None = None,
                  description: str = "", kind: str = "entity", inferred: bool = True) -> None:
        """Add a label the project lacks; a taken key is dropped, a missing colour is chosen."""
        if not isinstance(name, str):
            raise SchemeError(f"a label must be a string, not {name!r}")
        note = ""
        if key is not None and key in self._keys:
            note, key = f", key {key} is taken so it has none", None
        if colour is None:
            free = [c for c in PALETTE if c not in self._colours]
            colour = free[0] if free else PALETTE[len(self.kinds) % len(PALETTE)]
        try:
            label = Label(name=name, colour=colour, key=key, description=description, kind=kind)
        except (TypeError, ValueError) as exc:  # Label checks name, colour and key
            raise SchemeError(f"cannot add label {name!r}: {exc}") from None
        self._project.add_label(label)
        self.kinds[name] = kind
        self._colours.add(label.colour.upper())
        if key:
            self._keys.add(key)
        if inferred:
            self._inferred_labels.add(name)
        self._added[f"label {name}"] = f"label {name} ({kind}{note})"

    def require_trigger(self, label: str) -> None:
        """Make sure ``label`` may anchor an event, upgrading a label this file inferred."""
        if self.kinds[label] == "trigger":
            return
        if label not in self._inferred_labels:
            raise SchemeError(f"its trigger is labelled {label}, which is not a trigger label")
        # No Project method changes a label's kind. Its scheme cache is already clear: this file
        # added the label through Project.add_label, and nothing has read the scheme since.
        self._project.db.execute("UPDATE labels SET kind = 'trigger' WHERE name = ?", [label])
        self.kinds[label] = "trigger"
        self._added[f"label {label}"] = f"label {label} (trigger)"

    def require_role(self, role: Any, label: str) -> str:
        """Make sure ``role`` exists and takes ``label`` spans (adding or widening an inferred role).

        Returns the role's name, now known to be a string.
        """
        if not isinstance(role, str) or not role:
            raise SchemeError(f"an argument role must be a non-empty string, not {role!r}")
        if role not in self.role_labels:
            self.add_role(Role(name=role, labels=(label,)), inferred=True)
        elif label not in self.role_labels[role]:
            if role not in self._inferred_roles:
                raise SchemeError(f"role {role!r} does not take {label} spans "
                                  f"(it takes {', '.join(sorted(self.role_labels[role])) or 'none'})")
            # As for label kinds: this file added the role, so the scheme cache is clear.
            scheme_store.allow_label_in_role(self._project.db, role, label)
            self.role_labels[role].add(label)
            self._added[f"role {role}"] = f"role {role} (takes {', '.join(sorted(self.role_labels[role]))})"
        return role

    def add_role(self, role: Role, *, inferred: bool = False) -> None:
        unknown = [label for label in role.labels if label not in self.kinds]
        if unknown:
            raise SchemeError(f"role {role.name!r} takes label(s) {', '.join(unknown)} "
                              "that the scheme does not define")
        self._project.add_role(role)
        self.role_labels[role.name], self.role_max[role.name] = set(role.labels), role.max_count
        if inferred:
            self._inferred_roles.add(role.name)
        self._added[f"role {role.name}"] = f"role {role.name} (takes {', '.join(role.labels) or 'none'})"

    def add_event_type(self, name: Any, description: str = "") -> None:
        if not isinstance(name, str) or not name:
            raise SchemeError(f"an event type must be a non-empty string, not {name!r}")
        self._project.add_event_type(EventType(name, description))
        self.types.add(name)
        self._added[f"event type {name}"] = f"event type {name}"

    def add_attribute(self, attribute: Attribute) -> None:
        if not attribute.name or attribute.kind not in ATTRIBUTE_KINDS:
            raise SchemeError(f"cannot add attribute {attribute.name!r} of kind {attribute.kind!r}")
        self._project.add_attribute(attribute)
        self.attributes[attribute.name] = attribute
        self._added[f"attribute {attribute.name}"] = f"attribute {attribute.name} ({attribute.kind})"

    def check_attribute(self, name: str, value: Any) -> None:
        """Refuse a value the attribute does not allow; an unknown attribute is added as free text."""
        attribute = self.attributes.get(name)
        if attribute is None:
            self.add_attribute(Attribute(name=name, kind="text"))
            attribute = self.attributes[name]
        if value is None:
            return
        if attribute.choices is not None and value not in attribute.choices:
            raise SchemeError(f"{name} must be one of {', '.join(attribute.choices)}, not {value!r}")
        if attribute.kind == "date":
            try:
                _dt.date.fromisoformat(value if isinstance(value, str) else "")
            except ValueError:
                raise SchemeError(f"{name} must be an ISO date (YYYY-MM-DD), not {value!r}") from None
        elif attribute.choices is None and not isinstance(value, str):
            raise SchemeError(f"{name} must be a string, not {value!r}")

    def add_from_record(self, scheme: Any) -> None:
        """Add what a scheme record (``resources/scheme.json``'s shape) defines and the project lacks.

        What the project already has stays as it is: an import never recolours or redefines.
        """
        if not isinstance(scheme, dict):
            raise SchemeError('"scheme" must be an object')
        try:
            for item in scheme.get("labels", ()):
                if item["name"] not in self.kinds:
                    self.add_label(item["name"], colour=item.get("colour"), key=item.get("key"),
                                   description=item.get("description", ""),
                                   kind=item.get("kind", "entity"), inferred=False)
            for item in scheme.get("event_types", ()):
                if item["name"] not in self.types:
                    self.add_event_type(item["name"], item.get("description", ""))
            for item in scheme.get("roles", ()):
                if item["name"] not in self.role_labels:
                    self.add_role(Role(name=item["name"], labels=tuple(item.get("labels", ())),
                                       max_count=item.get("max_count"), min_count=item.get("min_count", 0),
                                       description=item.get("description", "")))
            for item in scheme.get("attributes", ()):
                if item["name"] not in self.attributes:
                    choices = item.get("choices")
                    self.add_attribute(Attribute(
                        name=item["name"], kind=item.get("kind", "choice"),
                        choices=tuple(choices) if choices is not None else None,
                        default=item.get("default"), description=item.get("description", "")))
        except (KeyError, TypeError, AttributeError) as exc:
            raise SchemeError(f"malformed scheme record ({type(exc).__name__}: {exc})") from None
        except sqlite3.IntegrityError as exc:  # e.g. a role's max_count of 0
            raise SchemeError(f"scheme record refused: {exc}") from None
