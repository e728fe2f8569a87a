"""What an import did, per file and in total: imported, skipped, and dropped by reason.

Every importer returns an ``Outcome`` for its file; ``import_paths`` wraps it in a ``FileResult``
(path, error) and collects them in an ``ImportReport``, whose ``summary_lines`` are what the
command line prints and the window shows. One shape for every format, so "what could not be
represented" reads the same whether it came from brat, doccano or CoNLL.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from storage.model import InputError

NOTES_SHOWN = 10  # files whose notes a summary lists one by one; failures are always listed
LEFT_ASIDE_SHOWN = 5  # files no format reads, named in a summary (all are counted)


@dataclass(frozen=True)
class Duplicate:
    """An article not imported because the same text is already in the project (or the file)."""

    existing_id: int
    line: int | None = None
    in_file: bool = False  # the text came earlier in the same file (doccano lets one text repeat)


@dataclass
class Outcome:
    """What one file added; only meaningful once its transaction has committed.

    ``dropped`` counts what the file holds that the project cannot represent, by reason
    (e.g. ``{"brat relation (R)": 3}``); ``warnings`` say what was imported other than as
    written (a header date that is not a real day); ``notes`` say what normalisation changed in
    the text; ``remarks`` are anything else the user should know (a repaired tag sequence).
    """

    articles_added: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    scheme_added: list[str] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    spans_added: int = 0
    events_added: int = 0
    layer: str | None = None  # import --annotator: the layer every annotation went into
    articles_received: int = 0  # articles already in the project that received annotations
    spans_received: int = 0  # of spans_added, those on such articles


@dataclass
class FileResult:
    """What happened to one file (or to a path that could not be read at all)."""

    path: str
    articles_added: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what normalisation changed
    warnings: list[str] = field(default_factory=list)  # imported, but not as written (e.g. a bad date)
    remarks: list[str] = field(default_factory=list)  # what else the user should know
    scheme_added: list[str] = field(default_factory=list)  # e.g. "label ORG (entity)"
    error: InputError | None = None
    dropped: Counter[str] = field(default_factory=Counter)  # not represented, by reason
    format: str = ""
    spans_added: int = 0
    events_added: int = 0
    layer: str | None = None
    articles_received: int = 0
    spans_received: int = 0

    @classmethod
    def from_outcome(cls, path: str, outcome: Outcome, *, format: str = "") -> FileResult:
        return cls(path, articles_added=outcome.articles_added, duplicates=outcome.duplicates,
                   notes=list(outcome.notes), warnings=list(outcome.warnings), remarks=list(outcome.remarks),
                   scheme_added=outcome.scheme_added,
                   dropped=Counter(outcome.dropped), format=format, spans_added=outcome.spans_added,
                   events_added=outcome.events_added, layer=outcome.layer,
                   articles_received=outcome.articles_received, spans_received=outcome.spans_received)

    def summary(self) -> str | None:
        """One line for the user if this file failed or has something to say, else None."""
        if self.error is not None:
            return str(self.error)
        parts = [f"warning: {warning}" for warning in self.warnings]
        if len(self.duplicates) == 1 and self.duplicates[0].line is None:
            parts.append("skipped: the same text is already in the project as article "
                         f"{self.duplicates[0].existing_id}")
        elif self.duplicates:
            before = [d for d in self.duplicates if not d.in_file]
            repeats = [d for d in self.duplicates if d.in_file]
            if before:
                parts.append(f"skipped {plural(len(before), 'article')} already in the project ({_lines(before)})")
            if repeats:  # not "already in the project": the user would look for it there and not find it
                parts.append(f"skipped {plural(len(repeats), 'record')} repeating the text of an earlier record "
                             f"of this file, their annotations with it ({_lines(repeats)})")
        if self.notes:
            parts.append("normalised " + "; ".join(self.notes))
        parts.extend(self.remarks)
        if self.dropped:
            parts.append("not represented: " + describe_counts(self.dropped))
        if self.scheme_added:
            parts.append("added to the scheme: " + ", ".join(self.scheme_added))
        return f"{self.path}: " + "; ".join(parts) if parts else None


def _lines(duplicates: list[Duplicate]) -> str:
    """"lines 2, 3" (the first ten, then "…") of skipped duplicates."""
    shown = ", ".join(str(d.line) for d in duplicates[:10]) + (", …" if len(duplicates) > 10 else "")
    return f"line{'s' if len(duplicates) > 1 else ''} {shown}"


@dataclass
class ImportReport:
    """Per-file results of one ``import_paths`` call, and the totals the user sees."""

    files: list[FileResult] = field(default_factory=list)
    cancelled: bool = False
    not_started: int = 0  # files left untouched because the import was cancelled
    left_aside: list[str] = field(default_factory=list)  # files in the folders given that no format reads
    left_aside_why: str = "no import format reads"  # or "--format conll does not read"

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
    def spans_added(self) -> int:
        return sum(result.spans_added for result in self.files)

    @property
    def events_added(self) -> int:
        return sum(result.events_added for result in self.files)

    @property
    def articles_received(self) -> int:
        return sum(result.articles_received for result in self.files)

    @property
    def spans_received(self) -> int:
        return sum(result.spans_received for result in self.files)

    @property
    def layers(self) -> list[str]:
        """The annotator layers written into (import --annotator), in order met."""
        return list(dict.fromkeys(r.layer for r in self.files if r.error is None and r.layer is not None))

    @property
    def duplicates_skipped(self) -> int:
        return sum(len(result.duplicates) for result in self.files)

    @property
    def scheme_added(self) -> list[str]:
        return [item for result in self.files for item in result.scheme_added]

    @property
    def dropped(self) -> Counter[str]:
        """What could not be represented, by reason, over every file that imported."""
        total: Counter[str] = Counter()
        for result in self.files:
            if result.error is None:
                total.update(result.dropped)
        return total

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
            lines.append(f"… and {plural(len(more_notes), 'more file')} with notes like these "
                         f"({_kinds_of_notes(more_notes)})")
        if self.left_aside:
            shown = ", ".join(self.left_aside[:LEFT_ASIDE_SHOWN]) + (
                ", …" if len(self.left_aside) > LEFT_ASIDE_SHOWN else "")
            lines.append(f"left aside {plural(len(self.left_aside), 'file')} in the folders that "
                         f"{self.left_aside_why}: {shown}")
        total = f"imported {plural(self.articles_added, 'article')} "
        if self.spans_added or self.events_added:
            total += f"({plural(self.spans_added, 'span')}, {plural(self.events_added, 'event')}) "
        total += f"from {plural(len(self.files), 'file')}"
        if self.layers:
            total += f" into layer {', '.join(self.layers)}"
        if self.articles_received:
            total += (f"; {plural(self.spans_received, 'span')} into layer {', '.join(self.layers)} on "
                      f"{plural(self.articles_received, 'existing article')}")
        if self.duplicates_skipped:
            total += f"; {plural(self.duplicates_skipped, 'duplicate')} skipped"
        dropped = self.dropped
        if dropped:
            total += f"; not represented: {describe_counts(dropped)}"
        if self.errors:
            total += f"; {plural(len(self.errors), 'file')} failed"
        if self.cancelled:
            total += f"; cancelled, {plural(self.not_started, 'file')} not imported"
        return lines + [total]


def describe_counts(counts: Counter[str]) -> str:
    """E.g. "3 brat relation (R), 1 equivalence (*)", largest first."""
    return ", ".join(f"{n} {reason}" for reason, n in counts.most_common())


def _kinds_of_notes(results: list[FileResult]) -> str:
    """E.g. "9990 already in the project, 12 normalised" for the notes a summary leaves out."""
    kinds = [(sum(1 for r in results if r.duplicates), "already in the project"),
             (sum(1 for r in results if r.notes), "normalised"),
             (sum(1 for r in results if r.remarks), "with remarks"),
             (sum(1 for r in results if r.dropped), "with something not represented"),
             (sum(1 for r in results if r.warnings), "with warnings"),
             (sum(1 for r in results if r.scheme_added), "adding to the scheme")]
    return ", ".join(f"{n} {what}" for n, what in kinds if n)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
