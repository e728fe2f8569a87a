"""spaCy v3 DocBin (``.spacy``): ``doc.ents`` and every ``doc.spans`` group.

Needs spaCy (optional): without it the file is refused in plain words. Entities are spans of the
default layer; each span group keeps its spans in a layer of its own named after the group
(``incorrect_spans`` from Prodigy's ``data-to-spacy`` holds rejected spans, which must not be
mistaken for gold). A group that holds every entity of its doc (``spans["sc"]`` as ``export
--docbin`` writes it: every span, the entities being its non-overlapping part) is the doc's
annotation itself, its entities a view of it: its spans go to the default layer, once. Span
attributes come back from ``doc.user_data["span_attributes"]`` (what that export writes).
Character offsets come from spaCy itself (code points, like ours). The file is read one Doc at a
time (``docbin_stream``), never inflated whole.
"""
from __future__ import annotations

import os
import stat
from typing import Any, Iterator

from storage.importing.docbin_stream import DocBinError, read_docs
from storage.importing.foreign import ForeignWriter
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Outcome
from storage.model import InputError
from storage.project import Project


def run(project: Project, job: Job, options: ImportOptions) -> Outcome:
    try:
        from spacy.vocab import Vocab
    except ImportError:
        raise InputError(job.path, "reading a spaCy DocBin needs spaCy, which is not installed "
                                   "(pip install spacy)") from None
    writer = ForeignWriter(project, job.path, "spacy", layer=options.annotator)
    for number, doc in enumerate(_docs(job.path, Vocab())):
        spans: list[dict[str, Any]] = []
        ents = {(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents}
        mirror = next((group for group, members in doc.spans.items() if ents and ents <= {
            (span.start_char, span.end_char, span.label_) for span in members}), None)
        if mirror is None:
            for start, end, label in sorted(ents):
                spans.append({"id": len(spans) + 1, "start": start, "end": end, "label": label})
        for group, members in doc.spans.items():
            for span in members:
                spans.append({"id": len(spans) + 1, "start": span.start_char, "end": span.end_char,
                              "label": span.label_, **({} if group == mirror else {"annotator": group})})
        _attach_attributes(spans, doc.user_data.get("span_attributes") if doc.user_data else None)
        if any(not s["label"] for s in spans):
            writer.dropped["span without a label"] += sum(1 for s in spans if not s["label"])
            spans = [s for s in spans if s["label"]]
        writer.add(doc.text, spans, line=None, name=f"doc {number}", meta={"source": f"{job.source}#{number}"})
    return writer.finish()


def _attach_attributes(spans: list[dict[str, Any]], values: Any) -> None:
    """``doc.user_data["span_attributes"]`` (start, end, label, attributes each) onto the default
    layer's spans they name; anything else in the user data is not ours to read."""
    if not isinstance(values, (list, tuple)):
        return
    where = {(s["start"], s["end"], s["label"]): s for s in spans if "annotator" not in s}
    for item in values:
        if isinstance(item, dict) and isinstance(item.get("attributes"), dict):
            span = where.get((item.get("start"), item.get("end"), item.get("label")))
            if span is not None:
                span["attributes"] = item["attributes"]


def _docs(path: str, vocab: Any) -> Iterator[Any]:
    """The DocBin's docs one at a time, read from the file as they are needed (``docbin_stream``:
    memory stays flat whatever the file's size), any failure of zlib, msgpack or spaCy turned into
    one plain line naming the file."""
    try:
        # Non-blocking, so a named pipe swapped in since the importer looked is refused, not waited on.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)),
                       "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputError(path, "not a regular file: skipped")
            before = _signature(info)
            yield from read_docs(file, vocab)
            # Read in two passes, too long to hold a lease through: a change meanwhile is caught
            # here, and the error rolls back what the file's transaction wrote.
            if _signature(os.fstat(file.fileno())) != before:
                raise InputError(path, "the file was being written while it was read (is it still being "
                                       "saved?); import it again once it is saved")
    except InputError:
        raise
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None
    except Exception as exc:  # zlib, msgpack and spaCy each raise their own: all mean "not readable"
        import spacy
        reason = str(exc) if isinstance(exc, DocBinError) else f"{type(exc).__name__}: {str(exc)[:120]}"
        raise InputError(path, f"not a DocBin that spaCy {spacy.__version__} can read ({reason})") from None


def _signature(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns
