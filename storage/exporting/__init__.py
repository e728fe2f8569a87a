"""Training-data export: one module per format family, one streaming and file-writing path for all.

    native   lossless JSON Lines with a scheme line first, what our importer reads back (native.py)
    spacy    spaCy/Prodigy JSON Lines; optionally a DocBin for ``spacy train`` (spacy_format.py)
    doccano  doccano JSON Lines, labels or entities/relations (doccano.py)
    hf-bio   Hugging Face token classification, one sentence per record, IOB2 (hf_bio.py)
    events   one record per event frame with role mentions and offsets (events.py)
    plover   PLOVER 2.0 event records: actor/recipient entities, mode, context, quad, scale (plover.py)
    brat     a folder: brat standoff .txt + .ann per article and annotation.conf (brat.py)

Articles are read in id order in batches (``batches.py``), so memory stays flat however large
the project; each article is checked against its text before a record is written, and any
mismatch stops the export (``ExportError``) rather than write shifted offsets. ``export_to_path``
writes beside the destination and renames into place only after an fsync, so a failed or
interrupted export never leaves a half-written file or damages an existing one.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import IO, Callable, Iterator, TextIO

from storage import scheme as scheme_store
from storage.exporting import brat, doccano, events, hf_bio, native, plover, spacy_format
from storage.exporting.batches import (
    ArticleData,
    ExportContext,
    ExportError,
    ExportReport,
    Progress,
    Writer,
    count_articles,
    iter_batches,
    read_snapshot,
)
from storage.frames import frame_problems, problem_kind
from storage.exporting.layers import ALL, check_layer, choose_layer
from storage.model import STATUSES, Scheme
from storage.project import Project

__all__ = ["FOLDER_FORMATS", "FORMATS", "ExportError", "ExportReport", "export_to_path",
           "export_to_stream"]

FORMATS: tuple[str, ...] = ("native", "spacy", "doccano", "hf-bio", "events", "plover")  # one file (or stream)
FOLDER_FORMATS: tuple[str, ...] = ("brat",)  # a folder of files: export_to_path only

_WRITERS: dict[str, Writer | Callable[..., None]] = {
    "native": native.write,
    "spacy": spacy_format.write,
    "doccano": doccano.write,
    "hf-bio": hf_bio.write,
    "events": events.write,
    "plover": plover.write,
    "brat": brat.write,  # gets the (temporary) folder instead of a stream
}


def export_to_stream(project: Project, fmt: str, stream: TextIO, *, status: str | None = None,
                     relations: bool = False, docbin: Path | None = None,
                     progress: Progress | None = None, layer: str | None = None) -> ExportReport:
    """Write ``fmt`` records to an open text stream (e.g. stdout); a DocBin still goes to its own file.

    The stream gets records as they are made, so an error part-way leaves the records before it
    written: use :func:`export_to_path` when a file must be all or nothing.
    """
    _check_options(fmt, status, relations, docbin)
    if fmt in FOLDER_FORMATS:
        raise ExportError(f"the {fmt} format writes a folder (a .txt and an .ann per article, and "
                          "annotation.conf), not one stream: give an output folder")
    name = str(getattr(stream, "name", "<stream>"))
    if docbin is None:
        return _export(project, fmt, stream, name, status=status, relations=relations,
                       docbin_temp=None, progress=progress, layer=layer)
    with _AtomicFile(Path(docbin), binary=True) as docbin_file:
        docbin_file.handle.close()  # spaCy writes the DocBin by path
        report = _export(project, fmt, stream, name, status=status, relations=relations,
                         docbin_temp=docbin_file.temp, progress=progress, layer=layer)
        report.docbin = str(docbin)
    return report


def export_to_path(project: Project, fmt: str, path: str | Path, *, status: str | None = None,
                   relations: bool = False, docbin: Path | None = None,
                   progress: Progress | None = None, layer: str | None = None) -> ExportReport:
    """Write ``fmt`` records to ``path`` (UTF-8, "\\n" line ends) atomically; return what was written.

    On any error ``path`` (and the DocBin path) keep their previous content and no temporary
    file is left behind.
    """
    _check_options(fmt, status, relations, docbin)
    path = Path(path)
    if fmt in FOLDER_FORMATS:  # ``path`` is a folder, replaced whole (see brat.AtomicFolder)
        with brat.AtomicFolder(path) as folder:
            return _export(project, fmt, folder.temp, str(path), status=status, relations=relations,
                           docbin_temp=None, progress=progress, layer=layer)
    _check_destination(project, path)
    if docbin is not None:
        _check_destination(project, Path(docbin))
    with _AtomicFile(path) as out_file:
        if docbin is None:
            report = _export(project, fmt, out_file.handle, str(path), status=status,
                             relations=relations, docbin_temp=None, progress=progress, layer=layer)
        else:
            with _AtomicFile(Path(docbin), binary=True) as docbin_file:
                docbin_file.handle.close()
                report = _export(project, fmt, out_file.handle, str(path), status=status,
                                 relations=relations, docbin_temp=docbin_file.temp, progress=progress,
                                 layer=layer)
                report.docbin = str(docbin)
    return report


def _check_options(fmt: str, status: str | None, relations: bool, docbin: Path | None) -> None:
    """Refuse options that do not fit the format before any work is done or any file is touched."""
    if fmt not in FORMATS + FOLDER_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of "
                          f"{', '.join(FORMATS + FOLDER_FORMATS)}")
    if status is not None and status not in STATUSES:
        raise ExportError(f"unknown status {status!r}; choose one of {', '.join(STATUSES)}")
    if relations and fmt != "doccano":
        raise ExportError(f"relations apply to the doccano format only, not {fmt}")
    if docbin is not None:
        if fmt != "spacy":
            raise ExportError(f"a DocBin is written with the spacy format only, not {fmt}")
        spacy_format.require_spacy()


def _check_destination(project: Project, path: Path) -> None:
    """Refuse a destination that cannot work, or would replace the project itself with JSON Lines."""
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    if project.path is not None and path.resolve() in {
            Path(f"{project.path}{suffix}").resolve() for suffix in ("", "-wal", "-shm")}:
        raise ExportError(f"cannot write {path}: it is the project file itself")


def _export(project: Project, fmt: str, out: TextIO | Path, name: str, *, status: str | None,
            relations: bool, docbin_temp: Path | None, progress: Progress | None,
            layer: str | None = None) -> ExportReport:
    """Stream the (filtered) articles through the format's writer, all inside one read snapshot.

    ``layer`` chooses the annotator layer (storage.exporting.layers): gold where an article has
    it by default, every layer for ``native``.
    """
    report = ExportReport(format=fmt, path=name)
    conn = project.db.conn
    with read_snapshot(conn):
        context = ExportContext(scheme=scheme_store.load(project.db), relations=relations,
                                docbin=docbin_temp)
        total = count_articles(conn, status)
        check_layer(conn, layer)
        chosen = layer if layer is not None else (ALL if fmt == "native" else None)

        def articles() -> Iterator[ArticleData]:
            for batch in iter_batches(conn, status=status):
                for article in batch:
                    choose_layer(article, chosen)
                    if article.events:
                        count_flagged(article, context.scheme, report)
                yield from batch
                report.articles += len(batch)
                if progress is not None:
                    progress(report.articles, total, f"article {batch[-1].id}: {batch[-1].title}")

        _WRITERS[fmt](articles(), out, report, context)
    return report


def count_flagged(article: ArticleData, scheme: Scheme, report: ExportReport) -> None:
    """Count the article's frames the window would flag ⚠ (storage.frames), by kind of problem."""
    spans = {span.id: span for span in article.spans}
    for event in article.events:
        kinds = {problem_kind(problem) for problem in frame_problems(event, spans, scheme)}
        if kinds:
            report.flagged_events += 1
            for kind in kinds:
                report.flagged[kind] = report.flagged.get(kind, 0) + 1


class _AtomicFile:
    """A temporary file beside ``path`` that replaces it on a clean exit and vanishes otherwise.

    The temporary file is created with mode 0o666 (less the umask), like a plain ``open``,
    rather than ``mkstemp``'s 0o600, so the exported file gets the permissions users expect.
    """

    def __init__(self, path: Path, *, binary: bool = False) -> None:
        self.path = path
        self.temp = path  # replaced in __enter__
        self._binary = binary
        self.handle: IO  # type: ignore[type-arg]

    def __enter__(self) -> "_AtomicFile":
        folder = self.path.parent
        while True:
            self.temp = folder / f".{self.path.name}.{secrets.token_hex(4)}.tmp"
            try:
                fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise ExportError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        if self._binary:
            self.handle = os.fdopen(fd, "wb")
        else:
            self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: object) -> None:
        if exc_type is not None:
            self._discard()
            if isinstance(exc, OSError):  # disk full, permissions…: the user's to fix, not a crash
                raise ExportError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
            return
        try:
            if not self.handle.closed:
                self.handle.flush()
                os.fsync(self.handle.fileno())
                self.handle.close()
            else:
                _fsync_path(self.temp)
            os.replace(self.temp, self.path)
        except OSError as error:
            self._discard()
            raise ExportError(f"cannot write {self.path}: {error.strerror or error}") from error
        except BaseException:
            self._discard()
            raise
        _fsync_folder(self.path.parent)

    def _discard(self) -> None:
        if not self.handle.closed:
            try:
                self.handle.close()
            except OSError:
                pass  # e.g. the disk is full: the temporary file goes anyway
        self.temp.unlink(missing_ok=True)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; folders cannot be opened for fsync on Windows, so skip there."""
    if os.name != "posix":
        return
    try:
        _fsync_path(folder)
    except OSError:
        pass  # some file systems refuse fsync on folders; the file itself is already in place
