"""doccano JSONL (and its pretty-printed single-object variant).

Every shape doccano has written: ``label``/``labels`` as ``[start, end, "LABEL"]`` tuples (a list
of plain strings is a text-classification label: counted, not represented), ``entities`` with
``relations`` (``from_id``/``to_id``/``type``; a relation from a trigger label becomes an event
argument, see ``ForeignWriter.relation_events``), and the multi-user ``annotations`` form
(``start_offset``/``end_offset``/``label``/``user``: the user becomes the span's annotator, a
numeric label id its name, as doccano exported no names; an annotation's ``id``, like an entity's,
is the span's ``source_id``). The text is ``text`` unless
``--text-key`` names another field (``data`` in flair's files, ``column_data`` in doccano's
custom-column example is found on its own). A record without text is counted and skipped; a span
repeated in one record is collapsed and counted; the record's ``id`` stays in the article's source.
"""
from __future__ import annotations

from operator import itemgetter
from typing import Any

from storage.importing.foreign import ForeignWriter
from storage.importing.intake import stream_json
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Outcome
from storage.project import Project
from storage.team.gc_pause import paused_gc

TEXT_KEYS = ("text", "data", "column_data")
LABEL_KEYS = ("label", "labels", "column_label")
_LABEL = itemgetter(2)
_OTHER_KEYS = ("labels", "column_label", "entities", "annotations", "relations")  # what add_plain does not read


def looks_like(record: Any) -> bool:
    """A doccano record: span tuples or entities under one of doccano's keys (not Label Studio's
    JSON-MIN, whose ``label`` holds objects, nor a Hugging Face record)."""
    if not isinstance(record, dict) or "ner_tags" in record or isinstance(record.get("data"), dict):
        return False
    labels = next((record[k] for k in LABEL_KEYS if k in record), None)
    if isinstance(labels, list) and labels and isinstance(labels[0], dict):
        return False
    return any(key in record for key in (*LABEL_KEYS, "entities", "annotations", "data", "column_data"))


def run(project: Project, job: Job, options: ImportOptions) -> Outcome:
    writer = ForeignWriter(project, job.path, "doccano", layer=options.annotator)
    with paused_gc():  # a record's dicts and lists hold no cycle: the collector would only rescan them
        for line, record in stream_json(job.path, encoding=options.encoding):
            read_record(writer, job, options, line, record)
    return writer.finish()


def read_record(writer: ForeignWriter, job: Job, options: ImportOptions, line: int, record: Any) -> None:
    if not isinstance(record, dict):
        raise writer.fail(f"expected a JSON object per record, not {type(record).__name__}", line)
    keys = (options.text_key,) if options.text_key else TEXT_KEYS
    key = next((k for k in keys if k in record), None)
    text = record.get(key) if key else None
    if not isinstance(text, str) or not text.strip():
        if key is None and options.text_key:
            raise writer.fail(f"the record has no {options.text_key!r} field (--text-key)", line)
        writer.dropped["record without text"] += 1
        return
    name = f"record {record['id']}" if "id" in record else ""
    plain = record.get("label")
    if (type(plain) is list and not any(key in record for key in _OTHER_KEYS) and set(map(type, plain)) <= {list}
            and set(map(len, plain)) <= {3} and set(map(type, map(_LABEL, plain))) <= {str}):
        # The commonest record, [start, end, label] under "label" and nothing else: whole columns checked at once.
        source = f"{job.source}#{record['id']}" if "id" in record else f"{job.source}:{line}"
        writer.add_plain(text, plain, line=line, name=name, meta={"source": source})
        return
    spans: list[dict[str, Any]] = []
    relations: list[tuple[Any, Any, Any]] = []
    for label_key in LABEL_KEYS:
        for item in _list(writer, record, label_key, line):
            if isinstance(item, str):
                writer.dropped["document label (text classification)"] += 1
                continue
            if not isinstance(item, list) or len(item) < 3:
                raise writer.fail(f"{name + ': ' if name else ''}{label_key} entries must be "
                                  f"[start, end, label], not {item!r}", line)
            spans.append(_span(len(spans) + 1, item[0], item[1], item[2]))
    local: dict[Any, int] = {}
    for item in _list(writer, record, "entities", line):
        if not isinstance(item, dict):
            raise writer.fail(f"{name + ': ' if name else ''}each entity must be an object", line)
        span = _span(len(spans) + 1, item.get("start_offset"), item.get("end_offset"), item.get("label"))
        if "id" in item:
            local[item["id"]] = span["id"]
            span["attributes"] = {"source_id": str(item["id"])}
        spans.append(span)
    for item in _list(writer, record, "annotations", line):
        if not isinstance(item, dict):
            raise writer.fail(f"{name + ': ' if name else ''}each annotation must be an object", line)
        span = _span(len(spans) + 1, item.get("start_offset"), item.get("end_offset"), item.get("label"))
        if "id" in item:  # doccano 1.0's annotation id, traceable like an entity's
            span["attributes"] = {"source_id": str(item["id"])}
        if item.get("user") is not None:
            span["annotator"] = f"user {item['user']}" if isinstance(item["user"], int) else str(item["user"])
        spans.append(span)
    for relation in _list(writer, record, "relations", line):
        if not isinstance(relation, dict):
            raise writer.fail(f"{name + ': ' if name else ''}each relation must be an object", line)
        head, child = relation.get("from_id"), relation.get("to_id")
        relations.append((local.get(head, ("missing", head)), local.get(child, ("missing", child)),
                          relation.get("type")))
    events = writer.relation_events(spans, relations, line=line, name=name) if relations else []
    source = f"{job.source}#{record['id']}" if "id" in record else f"{job.source}:{line}"
    writer.add(text, spans, line=line, name=name, events=events, meta={"source": source})


def _list(writer: ForeignWriter, record: dict[str, Any], key: str, line: int) -> list[Any]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise writer.fail(f'"{key}" must be a list, not {type(value).__name__}', line)
    return value


def _span(local: int, start: Any, end: Any, label: Any) -> dict[str, Any]:
    if isinstance(label, int) and not isinstance(label, bool):
        label = str(label)  # doccano 1.0 exported label ids without their names
    return {"id": local, "start": start, "end": end, "label": label}
