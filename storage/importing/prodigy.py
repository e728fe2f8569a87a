"""Prodigy / spaCy JSONL, and spaCy v2 ``TRAIN_DATA`` JSON.

Prodigy tasks: ``text``, ``spans`` (``start``/``end``/``label``; only ``token_start``/``token_end``
is read through ``tokens``), ``meta``, ``answer`` and ``_annotator_id``/``_session_id``. Accepted
tasks are imported (status done); rejected and ignored ones are skipped and counted, or imported
with status skipped when ``answers="all"``. A span with its own ``answer`` (``ner.teach``) is kept
only when accepted; consecutive tasks on the same text (a ``ner.teach`` stream asks about one
suggestion at a time) become one article, and a text met again later (the stream came back to
it) adds its accepted spans to that article: Prodigy's own ``data-to-spacy`` merges every task
on one input the same way. ``relations`` (``rel.manual``) follow
``ForeignWriter.relation_events``; the other annotators' ``versions`` of ``review`` output are
counted, the reviewed spans imported. The annotator is ``_annotator_id``, else ``_session_id``.
The task's free-form ``meta``: what an article has a place for is kept as native ``meta`` keeps
it, ``source`` (a string: where the text came from, "The New York Times", a BioNLP file name; it
takes the place of the file#``_input_hash`` otherwise recorded, a hash Prodigy computes from the
text, which the article holds anyway), ``title`` (a string) and ``date`` (YYYY-MM-DD). The rest
(``section``, a suggestion's ``score``, a ``pattern``…) is counted, so the summary says what was
left behind: an article's attributes are the scheme's declared ones (PLOVER contexts), coded by
the annotator, and free keys added to the scheme would show in every event frame.

``TRAIN_DATA``: ``[[text, {"entities": [[start, end, label], ...]}], ...]``.
"""
from __future__ import annotations

from operator import itemgetter
from typing import Any

from storage.importing.foreign import ForeignWriter
from storage.importing.intake import stream_json
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Outcome
from storage.model import is_iso_date
from storage.project import Project
from storage.team.gc_pause import paused_gc

PRODIGY_KEYS = ("_input_hash", "_task_hash", "answer", "_view_id", "_annotator_id", "_session_id", "tokens")
STATUS = {"accept": "done", "reject": "skipped", "ignore": "skipped"}
# Task meta keys an article has a place for, each with the test its value must pass to be kept.
ARTICLE_META = {"source": lambda v: isinstance(v, str) and bool(v.strip()),
                "title": lambda v: isinstance(v, str) and bool(v.strip()), "date": is_iso_date}


def looks_like(record: Any) -> bool:
    """A Prodigy task: text and a key only Prodigy writes. A bare ``{"text", "spans"}`` record
    (our spaCy export, an old native file) is left to the native reader, which reads it the same."""
    return isinstance(record, dict) and isinstance(record.get("text"), str) and "ner_tags" not in record \
        and any(key in record for key in PRODIGY_KEYS)


def looks_like_train_data(record: Any) -> bool:
    return isinstance(record, list) and len(record) == 2 and isinstance(record[0], str) and isinstance(record[1], dict)


class _Pending:
    """The article being gathered: consecutive tasks on the same text add their spans to it."""

    def __init__(self) -> None:
        self.text: str | None = None
        self.line = 0
        self.spans: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.meta: dict[str, Any] = {}
        self.from_task: set[str] = set()  # keys of ``meta`` a task's own meta gave (ARTICLE_META)
        self.kept: set[str] = set()  # the keys that went into an article
        # While every task on the text gave plain spans: their starts, ends and labels (_plain_spans).
        self.plain: list[list[Any]] | None = [[], [], []]
        # hash() of every text flushed so far (8 bytes each, not the texts): one met again goes
        # through ForeignWriter.add(more=True), which finds its article by the real digest.
        self.seen: set[int] = set()


def run(project: Project, job: Job, options: ImportOptions) -> Outcome:
    writer = ForeignWriter(project, job.path, "prodigy", layer=options.annotator)
    with paused_gc():  # a task's dicts and lists hold no cycle: the collector would only rescan them
        _read_tasks(writer, job, options)
    return writer.finish()


def _read_tasks(writer: ForeignWriter, job: Job, options: ImportOptions) -> None:
    pending = _Pending()
    for line, record in stream_json(job.path, encoding=options.encoding):
        if not isinstance(record, dict):
            raise writer.fail(f"expected a JSON object per task, not {type(record).__name__}", line)
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            writer.dropped["task without text"] += 1
            continue
        answer = record.get("answer", "accept")
        if answer not in STATUS:
            raise writer.fail(f'unknown answer {answer!r} (Prodigy writes "accept", "reject" or "ignore")', line)
        if answer != "accept" and options.answers != "all":
            writer.dropped[f"task answered {answer} (import them with --answers all)"] += 1
            continue
        if text != pending.text:
            _flush(writer, pending)
            pending.text, pending.line = text, line
            pending.meta = {"source": f"{job.source}#{record.get('_input_hash', line)}",
                            "status": STATUS[answer] if "answer" in record else "new"}
            pending.from_task = set()
        elif answer == "accept" and "answer" in record:  # --answers all: one accepted task makes the text done
            pending.meta["status"] = "done"
        meta = record.get("meta")
        if isinstance(meta, dict):
            _keep_meta(writer, pending, meta)
        plain = _plain_spans(record)
        if plain is not None and pending.plain is not None:
            for column, more in zip(pending.plain, plain):
                column += more
        else:
            if pending.plain:  # an earlier task's plain spans, as _task_spans would have made them
                pending.spans = [{"id": number, "start": start, "end": end, "label": label}
                                 for number, (start, end, label) in enumerate(zip(*pending.plain), 1)]
            pending.plain = None
            spans, events = _task_spans(writer, record, line, offset=len(pending.spans))
            pending.spans += spans
            pending.events += events
        if record.get("versions"):
            writer.dropped["review version (another annotator's spans, not imported)"] += len(record["versions"])
    _flush(writer, pending)
    for key in sorted(pending.kept):
        writer.remarks.append(f"task meta {key!r} kept as the article's {key}")


def _keep_meta(writer: ForeignWriter, pending: _Pending, meta: dict[str, Any]) -> None:
    """Prodigy's free-form task meta: ``ARTICLE_META`` keys into the article's meta (a later task on
    the same text agreeing with it adds nothing), every other key or value counted as not kept."""
    for key, value in meta.items():
        fits = ARTICLE_META.get(key)
        if fits is None or not fits(value):
            writer.dropped[f"task meta {key!r} (not kept)"] += 1
        elif key not in pending.from_task:
            pending.meta[key] = value
            pending.from_task.add(key)
        elif pending.meta[key] != value:  # another task on the same text says otherwise: the first stays
            writer.dropped[f"task meta {key!r} differing from an earlier task's on the same text (not kept)"] += 1


def _flush(writer: ForeignWriter, pending: _Pending) -> None:
    if pending.text is None:
        pass
    elif (key := hash(pending.text)) in pending.seen:  # a text met before, not just before
        if pending.plain is not None:
            pending.spans = [{"id": number, "start": start, "end": end, "label": label}
                             for number, (start, end, label) in enumerate(zip(*pending.plain), 1)]
        writer.add(pending.text, pending.spans, line=pending.line, events=pending.events, meta=pending.meta,
                   more=True)
    else:
        pending.seen.add(key)
        pending.kept |= pending.from_task  # (a text met again keeps the meta it was first given)
        if pending.plain is not None:
            writer.add_plain_columns(pending.text, *pending.plain, line=pending.line, meta=pending.meta)
        else:
            writer.add(pending.text, pending.spans, line=pending.line, events=pending.events, meta=pending.meta)
    pending.text, pending.spans, pending.events, pending.plain = None, [], [], [[], [], []]


_START, _END, _LABEL = itemgetter("start"), itemgetter("end"), itemgetter("label")


def _plain_spans(record: dict[str, Any]) -> list[list[Any]] | None:
    """The task's spans as columns (starts, ends, labels) when each is only start, end and label,
    with a label, and the task names no annotator and has no relations (a manual NER task):
    ``_task_spans`` would make the same spans, and ``ForeignWriter.add_plain_columns`` checks
    them over whole columns. Else None. A column by a one-key getter each: a tuple per span
    first, split into columns after, cost ~8 µs more per task of 50 spans."""
    raw = record.get("spans") or []
    annotator = record.get("_annotator_id") or record.get("_session_id")
    if (type(raw) is not list or not set(map(type, raw)) <= {dict} or not set(map(len, raw)) <= {3}
            or isinstance(annotator, str) or record.get("relations")):
        return None
    try:
        starts, ends, labels = list(map(_START, raw)), list(map(_END, raw)), list(map(_LABEL, raw))
    except KeyError:
        return None
    return [starts, ends, labels] if set(map(type, labels)) <= {str} and "" not in labels else None


def _task_spans(writer: ForeignWriter, record: dict[str, Any], line: int,
                *, offset: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    annotator = record.get("_annotator_id") or record.get("_session_id")
    tokens = record.get("tokens") or []
    spans: list[dict[str, Any]] = []
    raw = record.get("spans") or []
    if not isinstance(raw, list):
        raise writer.fail('"spans" must be a list', line)
    for index, span in enumerate(raw):
        if not isinstance(span, dict):
            raise writer.fail(f"spans[{index}] must be an object", line)
        if span.get("answer", "accept") != "accept":
            writer.dropped[f"span suggestion answered {span['answer']}"] += 1
            continue
        start, end = span.get("start"), span.get("end")
        if start is None and "token_start" in span:  # token indices only: the tokens carry offsets
            try:
                start, end = tokens[span["token_start"]]["start"], tokens[span["token_end"]]["end"]
            except (IndexError, KeyError, TypeError):
                raise writer.fail(f"spans[{index}]: token_start/token_end do not name tokens of this task",
                                  line) from None
        label = span.get("label")
        if not isinstance(label, str) or not label:
            raise writer.fail(f"spans[{index}] has no label", line)
        item = {"id": offset + len(spans) + 1, "start": start, "end": end, "label": label}
        if "text" in span:
            item["text"] = span["text"]
        if isinstance(annotator, str):
            item["annotator"] = annotator
        spans.append(item)
    relations = record.get("relations") or []
    events: list[dict[str, Any]] = []
    if relations:
        where = {(s["start"], s["end"], s["label"]): s["id"] for s in spans}
        triples = []
        for relation in relations:
            head, child = relation.get("head_span") or {}, relation.get("child_span") or {}
            triples.append((where.get((head.get("start"), head.get("end"), head.get("label")), ("head", line)),
                            where.get((child.get("start"), child.get("end"), child.get("label")), ("child", line)),
                            relation.get("label")))
        events = writer.relation_events(spans, triples, line=line)
    return spans, events


def run_train_data(project: Project, job: Job, options: ImportOptions) -> Outcome:
    """spaCy v2 ``TRAIN_DATA``: an array of ``[text, {"entities": [[start, end, label]]}]``."""
    writer = ForeignWriter(project, job.path, "spacy", layer=options.annotator)
    for number, (line, item) in enumerate(stream_json(job.path, encoding=options.encoding)):
        if not looks_like_train_data(item):
            raise writer.fail(f"example {number} must be [text, {{\"entities\": [...]}}]", line)
        text, annotations = item
        for key in annotations:
            if key != "entities":
                writer.dropped[f'"{key}" annotations (spaCy {key})'] += 1
        entities, meta = annotations.get("entities", []), {"source": f"{job.source}#{number}"}
        if type(entities) is list and set(map(type, entities)) <= {list} and set(map(len, entities)) <= {3}:
            writer.add_plain(text, entities, line=line, name=f"example {number}", meta=meta)  # whole columns at once
            continue
        spans = []
        for entity in entities:
            if not isinstance(entity, list) or len(entity) != 3:
                raise writer.fail(f"example {number}: entities must be [start, end, label], not {entity!r}", line)
            spans.append({"id": len(spans) + 1, "start": entity[0], "end": entity[1], "label": entity[2]})
        writer.add(text, spans, line=line, name=f"example {number}", meta=meta)
    return writer.finish()
