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

from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, TextIO

from storage import scheme as scheme_store
from storage.exporting import brat, doccano, events, hf_bio, native, plover, spacy_format
from storage.exporting.atomic import AtomicFile, AtomicFolder
from storage.exporting.batches import (
    ArticleData,
    EventRow,
    ExportContext,
    ExportError,
    ExportReport,
    Progress,
    SpanRow,
    Writer,
    count_articles,
    iter_batches,
    name_spans,
)
from storage.frames import frame_problems, problem_kind
from storage.span_attribute_runs import read_snapshot
from storage.team.coverage import recorded_layers
from storage.team.gc_pause import paused_gc
from storage.team.layer_status import export_status_sql
from storage.locks import is_project_file
from storage.exporting.layers import (
    ALL,
    LayerChoice,
    check_layer,
    chosen_layer,
    layer_provenance,
    team_identity,
)
from storage.model import STATUSES, Scheme
from storage.project import Project

_AtomicFile = AtomicFile  # the name storage.team.cli imports
FLAGGED_NAMED = 5  # incomplete frames a summary names one by one; the rest are counted

__all__ = ["FOLDER_FORMATS", "FORMATS", "ExportError", "ExportReport", "export_to_path",
           "export_to_stream"]

FORMATS: tuple[str, ...] = ("native", "spacy", "doccano", "hf-bio", "events", "plover")  # one file (or stream)
FOLDER_FORMATS: tuple[str, ...] = ("brat",)  # a folder of files: export_to_path only
# Writers that read span rows by position take them as plain tuples (batches.iter_batches): the
# native export, whose speed is measured against a bare sqlite3 loop, is spared a SpanRow per span.
_BY_POSITION = frozenset({"native"})
_ID, _LABEL = itemgetter(0), itemgetter(3)  # of a span row (SpanRow's order)
_ROLE, _SPAN_ID = itemgetter(0), itemgetter(1)  # of an ArgumentRow

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
                     progress: Progress | None = None, layer: str | None = None,
                     strict: bool = False) -> ExportReport:
    """Write ``fmt`` records to an open text stream (e.g. stdout); a DocBin still goes to its own file.

    The stream gets records as they are made, so an error part-way leaves the records before it
    written: use :func:`export_to_path` when a file must be all or nothing. ``strict`` refuses
    incomplete event frames (no type, a required role empty…) instead of writing them.
    """
    _check_options(fmt, status, relations, docbin)
    if fmt in FOLDER_FORMATS:
        raise ExportError(f"the {fmt} format writes a folder (a .txt and an .ann per article, and "
                          "annotation.conf), not one stream: give an output folder")
    name = str(getattr(stream, "name", "<stream>"))
    if docbin is None:
        return _export(project, fmt, stream, name, status=status, relations=relations,
                       docbin_temp=None, progress=progress, layer=layer, strict=strict)
    with AtomicFile(Path(docbin), binary=True) as docbin_file:
        docbin_file.handle.close()  # spaCy writes the DocBin by path
        report = _export(project, fmt, stream, name, status=status, relations=relations,
                         docbin_temp=docbin_file.temp, progress=progress, layer=layer, strict=strict)
        report.docbin = str(docbin)
    return report


def export_to_path(project: Project, fmt: str, path: str | Path, *, status: str | None = None,
                   relations: bool = False, docbin: Path | None = None,
                   progress: Progress | None = None, layer: str | None = None,
                   strict: bool = False, layer_names: Mapping[str, str] | None = None) -> ExportReport:
    """Write ``fmt`` records to ``path`` (UTF-8, "\\n" line ends) atomically; return what was written.

    On any error ``path`` (and the DocBin path) keep their previous content and no temporary
    file is left behind; temporary files of exports killed before are deleted (``atomic``).
    ``strict`` refuses incomplete event frames instead of writing them. ``layer_names``: how the
    report names layers (the window's "Annotator n" while the curator adjudicates blind).
    """
    _check_options(fmt, status, relations, docbin)
    path = Path(path)
    if fmt in FOLDER_FORMATS:  # ``path`` is a folder, replaced whole (see atomic.AtomicFolder)
        with AtomicFolder(path, check=brat.check_destination, remove=brat.remove_export) as folder:
            report = _export(project, fmt, folder.temp, str(path), status=status, relations=relations,
                             docbin_temp=None, progress=progress, layer=layer, strict=strict,
                             layer_names=layer_names)
        report.notes += folder.notes
        return report
    _check_destination(project, path)
    if docbin is not None:
        _check_destination(project, Path(docbin))
    with AtomicFile(path) as out_file:
        if docbin is None:
            report = _export(project, fmt, out_file.handle, str(path), status=status,
                             relations=relations, docbin_temp=None, progress=progress, layer=layer,
                             strict=strict, layer_names=layer_names)
        else:
            with AtomicFile(Path(docbin), binary=True) as docbin_file:
                docbin_file.handle.close()
                report = _export(project, fmt, out_file.handle, str(path), status=status,
                                 relations=relations, docbin_temp=docbin_file.temp, progress=progress,
                                 layer=layer, strict=strict, layer_names=layer_names)
                report.docbin = str(docbin)
    if out_file.swept:
        report.notes.append(f"deleted {out_file.swept} temporary file{'s' if out_file.swept > 1 else ''} "
                            "of an export stopped before")
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
    if project.path is not None and is_project_file(path, project.path):
        # Also its journals, by stat (a link to them too): only SQLite may open those (storage.locks).
        raise ExportError(f"cannot write {path}: it is the project file itself")


def _export(project: Project, fmt: str, out: TextIO | Path, name: str, *, status: str | None,
            relations: bool, docbin_temp: Path | None, progress: Progress | None,
            layer: str | None = None, strict: bool = False,
            layer_names: Mapping[str, str] | None = None) -> ExportReport:
    """Stream the (filtered) articles through the format's writer, all inside one read snapshot.

    ``layer`` chooses the annotator layer (storage.exporting.layers): gold where an article has
    it by default, every layer for ``native``; articles the chosen layer does not cover are left
    out and counted in the report.
    """
    report = ExportReport(format=fmt, path=name)
    conn = project.db.conn
    # The cyclic collector paused (storage.team.gc_pause): the rows read and the records made from
    # them are acyclic, freed by reference counting as each batch is written, and rescanning them
    # was ~4% of a native export's CPU time.
    with read_snapshot(conn), paused_gc():
        context = ExportContext(scheme=scheme_store.load(project.db), relations=relations,
                                docbin=docbin_temp, layers=layer_provenance(conn),
                                team=team_identity(conn))
        shown = (lambda layer: layer_names.get(layer, layer)) if layer_names else str
        check_layer(conn, layer, name=shown)
        choice = LayerChoice(chosen_layer(fmt, layer), recorded=recorded_layers(conn), name=shown)
        # --status filters by the status of the layer written (every status belongs to a layer)
        status_sql = export_status_sql(conn, choice.layer)
        total = count_articles(conn, status, status_sql=status_sql)
        flagged = FlaggedFrames(context.scheme, report)
        seen = 0

        def articles() -> Iterator[ArticleData]:
            nonlocal seen
            for batch in iter_batches(conn, status=status, named=False, status_sql=status_sql):
                seen += len(batch)
                if choice.layer != ALL:
                    batch = [article for article in batch if choice.keep(article)]
                    if not batch:
                        if progress is not None:
                            progress(seen, total, "")
                        continue
                for article in batch:
                    if article.events:
                        flagged.count(article)
                if strict and report.flagged_events:  # before the batch is written
                    more = "; …" if report.flagged_events > len(report.flagged_names) else ""
                    raise ExportError(
                        f"--strict: {_frames(report.flagged_events)} incomplete ({'; '.join(report.flagged_names)}"
                        f"{more}); complete them (⚠ in the Events dock), or export without --strict")
                report.articles += len(batch)
                last = batch[-1]
                # Handed on one by one and let go: an article's rows then die as soon as the writer
                # is done with them, before the garbage collector's older generations see them.
                batch.reverse()
                while batch:
                    article = batch.pop()
                    if fmt not in _BY_POSITION:
                        name_spans(article)  # only now (see iter_batches)
                    yield article
                del article
                if progress is not None:
                    progress(seen, total, f"article {last.id}: {last.title}")

        _WRITERS[fmt](articles(), out, report, context)
        choice.report(report)
    return report


class FlaggedFrames:
    """Counts the frames the window would flag ⚠ (storage.frames), by kind of problem.

    A frame's problems depend only on its type, its arguments' roles and span labels (in order)
    and its mode attributes; a corpus repeats a few such shapes many times, so each shape is
    checked once per export and its problems remembered.
    """

    def __init__(self, scheme: Scheme, report: ExportReport) -> None:
        self.scheme = scheme
        self.report = report
        self._modes = [attribute.name for attribute in scheme.attributes if attribute.kind == "mode"]
        self._known: dict[Any, tuple[list[str], tuple[str, ...]]] = {}

    def count(self, article: ArticleData) -> None:
        spans = article.spans
        labels = dict(zip(map(_ID, spans), map(_LABEL, spans)))
        report = self.report
        flagged = report.flagged
        for event in article.events:
            problems, kinds = self._problems(event, labels, spans)
            if not problems:
                continue
            if len(report.flagged_names) < FLAGGED_NAMED:
                report.flagged_names.append(f"article {article.id} event {event.id}: {', '.join(problems)}")
            report.flagged_events += 1
            for kind in kinds:
                flagged[kind] = flagged.get(kind, 0) + 1

    def _problems(self, event: EventRow, labels: dict[int, str],
                  spans: list[SpanRow]) -> tuple[list[str], tuple[str, ...]]:
        """The frame's problems and their kinds (each once)."""
        arguments = event.arguments  # (role, label) pairs built in C: this runs for every event
        key = (event.type, tuple(zip(map(_ROLE, arguments), map(labels.get, map(_SPAN_ID, arguments)))),
               tuple(_hashable(event.attributes.get(name)) for name in self._modes) if self._modes else ())
        known = self._known.get(key)
        if known is None:
            named = {row[0]: SpanRow._make(row) for row in spans}  # rows are plain tuples here (iter_batches)
            problems = frame_problems(event, named, self.scheme)
            known = self._known[key] = (problems, tuple(dict.fromkeys(map(problem_kind, problems))))
        return known


def _hashable(value: Any) -> Any:
    """A mode attribute's value as a cache key, its type kept: ``1``, ``true`` and ``[1]`` differ."""
    if isinstance(value, list):
        return list, tuple(map(_hashable, value))
    if isinstance(value, dict):
        return dict, tuple((name, _hashable(item)) for name, item in value.items())
    return type(value), value


def _frames(n: int) -> str:
    return f"{n} event frame{'s' if n != 1 else ''}"
