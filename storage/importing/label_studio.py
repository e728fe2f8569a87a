"""Label Studio JSON export (a list of tasks, or one task) and JSON-MIN.

The text is ``data.<key>``: ``--text-key``, else the key a result names (``"source": "$text"``),
else the one string field (not a URL) in which every result's ``value.text`` is at its offsets (a
title beside the body), else ``text``, else the task's one string that is not a URL.
``annotations[].result[]`` items of ``type: "labels"`` are spans (one per label in
``value.labels``), offsets in code points as Label Studio writes them: a ``value.text`` that only matches when ``end`` is one further (0.x files,
the legacy ``completions`` key) or when offsets count UTF-16 units is corrected and counted, any
other mismatch refuses the file. ``relation`` results follow ``ForeignWriter.relation_events``;
other result types (rectangles, choices, text areas) are counted. ``hypertextlabels`` results
(labels on a HyperText, placed by XPath and ``globalOffsets`` rather than offsets in the string)
make the task's text the HTML's text, markup dropped, each region placed there and checked
(``hypertext``) or counted with the reason it cannot be. Several annotations of one
task (different users, ``completed_by`` an id or an object) each keep their spans, with the
user as annotator: the project's annotator layers hold them side by side. Cancelled annotations
are counted; ``predictions`` are counted unless ``predictions=True`` imports them, the model
version as annotator.
"""
from __future__ import annotations

import re
from typing import Any

from storage.importing.foreign import ForeignWriter
from storage.importing.hypertext import NOT_FOUND, HtmlText
from storage.importing.intake import stream_json
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Outcome
from storage.project import Project

_ANNOTATION_KEYS = ("annotations", "completions")
_HYPERTEXT = ("hypertextlabels", "htmllabels")  # result types of labels on HyperText (htmllabels: 0.x)
_URL = re.compile(r"(?:https?|s3|gs)://\S+|/data/\S+")  # HyperText valueType="url": the HTML is elsewhere


def looks_like(record: Any) -> bool:
    if not isinstance(record, dict):
        return False
    if isinstance(record.get("data"), dict) or any(k in record for k in (*_ANNOTATION_KEYS, "predictions")):
        return True
    label = record.get("label")  # JSON-MIN: the results flattened to value objects
    return isinstance(label, list) and bool(label) and isinstance(label[0], dict) and "labels" in label[0]


def run(project: Project, job: Job, options: ImportOptions) -> Outcome:
    writer = ForeignWriter(project, job.path, "label-studio", layer=options.annotator)
    for line, task in stream_json(job.path, encoding=options.encoding):
        if not isinstance(task, dict):
            raise writer.fail(f"expected a task object, not {type(task).__name__}", line)
        _task(writer, job, options, line, task)
    return writer.finish()


def _text_key(writer: ForeignWriter, options: ImportOptions, data: dict[str, Any], results: list[Any],
              line: int, name: str) -> str:
    if options.text_key:
        if options.text_key not in data:
            raise writer.fail(f"{name}: the task's data has no {options.text_key!r} field (--text-key); it has "
                              f"{', '.join(map(repr, data)) or 'none'}", line)
        return options.text_key
    named = {r.get("source", "")[1:] for r in results if isinstance(r, dict)
             and isinstance(r.get("source"), str) and r["source"].startswith("$")}
    named &= set(data)
    if len(named) == 1:
        return named.pop()
    texts = [k for k, v in data.items() if isinstance(v, str) and not v.startswith(("http://", "https://", "s3://", "/data/"))]
    if len(texts) > 1 and (quoted := _quoted(results)):  # a title and a body: the one the spans' text is in
        fitting = [k for k in texts if all(data[k][start:end] == shown for start, end, shown in quoted)]
        if len(fitting) == 1:
            return fitting[0]
    if isinstance(data.get("text"), str):
        return "text"
    if len(texts) == 1:
        return texts[0]
    raise writer.fail(f"{name}: cannot tell which data field is the text ({', '.join(map(repr, data)) or 'none'}); "
                      "name it with --text-key", line)


def _quoted(results: list[Any]) -> list[tuple[int, int, str]]:
    """(start, end, text) of every result that quotes its text with its offsets (``labels``)."""
    quoted = []
    for result in results:
        value = result.get("value") if isinstance(result, dict) else None
        if isinstance(value, dict) and isinstance(value.get("text"), str) and \
                type(value.get("start")) is int and type(value.get("end")) is int:
            quoted.append((value["start"], value["end"], value["text"]))
    return quoted


def _annotator(annotation: dict[str, Any], several: bool) -> str | None:
    user = annotation.get("completed_by")
    if isinstance(user, dict):
        user = user.get("email") or user.get("id")
    if user is None:
        return f"annotation {annotation['id']}" if several and "id" in annotation else None
    return f"user {user}" if isinstance(user, int) else str(user)


def _task(writer: ForeignWriter, job: Job, options: ImportOptions, line: int, task: dict[str, Any]) -> None:
    name = f"task {task['id']}" if "id" in task else "task"
    if "data" not in task and "label" in task:  # JSON-MIN: data fields at the top, results flattened
        data = {k: v for k, v in task.items() if isinstance(v, str)}
        annotations = [{"result": [{"type": "labels", "value": v} for v in task["label"]],
                        "completed_by": task.get("annotator")}]
    else:
        data = task.get("data")
        if "data" not in task and not any(k in task for k in (*_ANNOTATION_KEYS, "predictions")):
            # Nothing of a task at all (a spaCy labels file, someone's settings): say so, not what "data" must be.
            keys = [str(k) for k in task]
            shown = ", ".join(keys[:5]) + (", …" if len(keys) > 5 else "")
            raise writer.fail(f'not a Label Studio task: no "data" nor "annotations" (its keys: {shown or "none"}); '
                              "if the file is in another format, choose it with --format", line)
        if not isinstance(data, dict):
            raise writer.fail(f'{name}: "data" must be an object holding the text', line)
        key = next((k for k in _ANNOTATION_KEYS if k in task), "annotations")  # 0.x: "completions"
        annotations = list(task.get(key) or [])
    predictions = task.get("predictions") or []
    if predictions and not options.predictions:
        writer.dropped["prediction (import them with --predictions)"] += len(predictions)
        predictions = []
    results = [r for a in annotations + predictions if isinstance(a, dict) for r in a.get("result") or []]
    key = _text_key(writer, options, data, results, line, name)
    text = data[key]
    if not isinstance(text, str) or not text.strip():
        writer.dropped["task without text"] += 1
        return
    html = None
    if any(_is_hypertext(r) for r in results):  # the text is HTML: its regions count in the HTML's text
        if _URL.fullmatch(text.strip()):
            writer.dropped["HyperText task whose HTML is at a URL, not in the file"] += 1
            return
        html = HtmlText(text)
        text = html.text
        writer.notes["HTML (HyperText) imported as its text, markup dropped"] += 1
    spans: list[dict[str, Any]] = []
    relations: list[tuple[Any, Any, Any]] = []
    several = len(annotations) + len(predictions) > 1
    for annotation, is_prediction in [(a, False) for a in annotations] + [(p, True) for p in predictions]:
        if not isinstance(annotation, dict):
            raise writer.fail(f"{name}: each annotation must be an object", line)
        if annotation.get("was_cancelled"):
            writer.dropped["cancelled annotation"] += 1
            continue
        annotator = (f"model {annotation.get('model_version', '?')}" if is_prediction
                     else _annotator(annotation, several))
        local: dict[Any, list[int]] = {}
        for result in annotation.get("result") or []:
            kind = result.get("type") if isinstance(result, dict) else None
            if kind == "relation":
                for label in result.get("labels") or [result.get("label") or "related"]:
                    relations += [(h, c, label) for h in local.get(result.get("from_id"), [("missing", 0)])
                                  for c in local.get(result.get("to_id"), [("missing", 0)])]
                continue
            value = result.get("value") or {}
            if html is not None and _is_hypertext(result):  # html is set when the task has any
                placed = html.place(value) if isinstance(value, dict) else NOT_FOUND
                if isinstance(placed, str):
                    writer.dropped[placed] += 1
                    continue
                start, end = placed
                names = value.get("hypertextlabels") or value.get("labels") or []
            elif kind == "labels":
                start, end = _offsets(writer, text, value, line, name)
                names = value.get("labels") or []
            else:
                writer.dropped[f"non-text result ({kind})"] += 1
                continue
            for label in names:
                span = {"id": len(spans) + 1, "start": start, "end": end, "label": label}
                if annotator:
                    span["annotator"] = annotator
                if "id" in result:
                    span["attributes"] = {"source_id": str(result["id"])}
                    local.setdefault(result["id"], []).append(span["id"])
                spans.append(span)
    events = writer.relation_events(spans, relations, line=line, name=name) if relations else []
    writer.add(text, spans, line=line, name=name, events=events,
               meta={"source": f"{job.source}#{task.get('id', line)}"})


def _is_hypertext(result: Any) -> bool:
    """A HyperText/RichText region: its own type, or ``labels`` placed by XPath (older exports)."""
    if not isinstance(result, dict):
        return False
    value = result.get("value")
    return result.get("type") in _HYPERTEXT or (
        result.get("type") == "labels" and isinstance(value, dict) and isinstance(value.get("start"), str))


def _offsets(writer: ForeignWriter, text: str, value: dict[str, Any], line: int, name: str) -> tuple[int, int]:
    """``value.start``/``end`` as code points, a legacy one-short ``end`` or UTF-16 units corrected."""
    start, end, shown = value.get("start"), value.get("end"), value.get("text")
    if type(start) is not int or type(end) is not int:
        raise writer.fail(f"{name}: a labels result needs integer start and end, not {start!r} and {end!r}", line)
    if shown is None or text[start:end] == shown:
        return start, end
    if text[start:end + 1] == shown:
        writer.corrected["span end one too small (Label Studio 0.x)"] += 1
        return start, end + 1
    units = text.encode("utf-16-le")
    if units[2 * start:2 * end].decode("utf-16-le", errors="replace") == shown:
        writer.corrected["span offsets in UTF-16 units (now code points)"] += 1
        return len(units[:2 * start].decode("utf-16-le")), len(units[:2 * end].decode("utf-16-le"))
    raise writer.fail(f"{name}: the result's text is {shown!r} but the text at {start}..{end} is "
                      f"{text[start:end]!r}", line)
