"""spaCy v3 DocBin (``.spacy``): ``doc.ents`` and every ``doc.spans`` group.

Needs spaCy (optional): without it the file is refused in plain words. Entities are spans of the
default layer; each span group keeps its spans in a layer of its own named after the group
(``incorrect_spans`` from Prodigy's ``data-to-spacy`` holds rejected spans, which must not be
mistaken for gold). Character offsets come from spaCy itself (code points, like ours).
"""
from __future__ import annotations

from typing import Any, Iterator

from storage.importing.foreign import ForeignWriter
from storage.importing.intake import read_bytes
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Outcome
from storage.model import InputError
from storage.project import Project


def run(project: Project, job: Job, options: ImportOptions) -> Outcome:
    try:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab
    except ImportError:
        raise InputError(job.path, "reading a spaCy DocBin needs spaCy, which is not installed "
                                   "(pip install spacy)") from None
    docs = _docs(job.path, read_bytes(job.path), DocBin, Vocab)
    writer = ForeignWriter(project, job.path, "spacy", layer=options.annotator)
    for number, doc in enumerate(docs):
        spans: list[dict[str, Any]] = []
        for ent in doc.ents:
            spans.append({"id": len(spans) + 1, "start": ent.start_char, "end": ent.end_char, "label": ent.label_})
        for group, members in doc.spans.items():
            for span in members:
                spans.append({"id": len(spans) + 1, "start": span.start_char, "end": span.end_char,
                              "label": span.label_, "annotator": group})
        if any(not s["label"] for s in spans):
            writer.dropped["span without a label"] += sum(1 for s in spans if not s["label"])
            spans = [s for s in spans if s["label"]]
        writer.add(doc.text, spans, line=None, name=f"doc {number}", meta={"source": f"{job.source}#{number}"})
    return writer.finish()


def _docs(path: str, data: bytes, docbin: Any, vocab: Any) -> Iterator[Any]:
    """The DocBin's docs one at a time (a corpus of them at once would not fit in memory), any
    failure of zlib, msgpack or spaCy turned into one plain line."""
    try:
        store = docbin().from_bytes(data)
        del data
        docs = store.get_docs(vocab())
        while True:
            try:
                doc = next(docs)
            except StopIteration:
                return
            yield doc
    except InputError:
        raise
    except Exception as exc:  # zlib, msgpack and spaCy each raise their own: all mean "not readable"
        import spacy
        raise InputError(path, f"not a DocBin that spaCy {spacy.__version__} can read "
                               f"({type(exc).__name__}: {str(exc)[:120]})") from None
