"""The native format: lossless JSON Lines that our importer reads back into an identical project.

The first line is ``{"scheme": {...}}`` in the shape of ``resources/scheme.json`` (labels, event
types, roles, attributes), so a re-import reproduces the scheme before any span needs it. Then one
line per article::

    {"id", "text", "meta": {"title", "date", "source", "status", "created", "updated"},
     "spans": [{"id", "start", "end", "label", "text", "annotator", "created", "origin",
                "attributes"?}],
     "events": [{"id", "trigger": <span id>, "type", "attributes": {...},
                 "arguments": [{"role", "span": <span id>}], "annotator", "created"}],
     "layers"?: {<layer>: {"status", "updated"}}, "curation"?: [{"start", "end", "decision", "created", "frame"?}]}

Annotator layers (``storage/team``) ride along only where a project has them: a gold span's or
event's ``"taken_from"`` (the layer it was taken from), every span's and event's ``"uid"`` (its id
across files, which a later merge matches by) once any layer was merged or imported, an article's
``"layers"`` (each layer's status there), its ``"curation"`` (the curator's decisions, so a resolved disagreement stays
resolved; ``"frame": true`` on an event-frame decision) and, on the first line beside the scheme, ``"layers": [{"name", "kind", "packet",
"packet_digest", "merged"}]`` (where each merged or imported layer came from) and a master's
``"team"`` (``team.project``, ``team.fingerprint``: the packets it handed out name them). So a master
project round-trips with its layers and their provenance, and an ordinary one's bytes are unchanged.

Keys come in this fixed order and attributes sorted by name, so the same project always gives the
same bytes (diffable, hashable). A span's "attributes" ({name: value}, sorted) and a label's
declared "attributes" appear only when there are some. A span's "text" is ``text[start:end]``: redundant, but it lets a
reader check every offset without our code. An empty project still gets its scheme line.
"""
from __future__ import annotations

import json
from itertools import repeat
from operator import itemgetter, ne
from typing import Any, Iterable, TextIO

from storage import scheme as scheme_store
from storage import span_attributes
from storage.exporting.batches import ArticleData, ExportContext, ExportReport, SpanRow, as_line, json_line, json_text
from storage.model import Label, Scheme


def scheme_record(scheme: Scheme) -> dict[str, Any]:
    """The scheme as ``resources/scheme.json`` spells it (what ``storage.scheme.seed`` reads)."""
    identity = {"name": scheme.name, "version": scheme.version} if scheme.name is not None else {}
    return {
        **identity,
        "labels": [_label_record(label) for label in scheme.labels],
        "event_types": [scheme_store.event_type_record(kind) for kind in scheme.event_types],
        "roles": [{"name": role.name, "labels": list(role.labels), "max_count": role.max_count,
                   "min_count": role.min_count, "description": role.description}
                  for role in scheme.roles],
        "attributes": [scheme_store.attribute_record(attribute) for attribute in scheme.attributes],
    }


def _label_record(label: Label) -> dict[str, Any]:
    record: dict[str, Any] = {"name": label.name, "colour": label.colour, "key": label.key,
                              "kind": label.kind, "description": label.description}
    if label.attributes:  # absent rather than empty, so files without span attributes stay as they were
        record["attributes"] = [span_attributes.to_record(a) for a in label.attributes]
    return record


def _span_records(article: ArticleData) -> list[dict[str, Any]]:
    text = article.text
    values = article.span_attributes
    spans = article.spans
    # One comprehension, no call per span: this is the export's innermost loop. The rows are read
    # by position, so plain tuples in SpanRow's order do (storage.exporting hands those).
    records = [{"id": span_id, "start": start, "end": end, "label": label, "text": text[start:end],
                "annotator": annotator, "created": created, "origin": origin}
               for span_id, start, end, label, annotator, created, _, origin, _, _ in spans]
    if values or any(map(ne, map(_TEAM, spans), repeat((None, None)))):  # keys only some spans get
        for record, span in zip(records, spans):
            if record["id"] in values:
                record["attributes"] = values[record["id"]]
            taken_from, uid = _TEAM(span)
            if taken_from is not None:  # provenance of a gold span: only when there is some
                record["taken_from"] = taken_from
            if uid is not None:  # a team project's: what a later merge matches annotations by
                record["uid"] = uid
    return records


_TEAM = itemgetter(SpanRow._fields.index("taken_from"), SpanRow._fields.index("uid"))


def _event_record(event: Any) -> dict[str, Any]:
    record = {"id": event.id, "trigger": event.trigger_id, "type": event.type,
              "attributes": dict(sorted(event.attributes.items())),
              "arguments": [{"role": role, "span": span_id} for role, span_id in event.arguments],
              "annotator": event.annotator, "created": event.created}
    if event.taken_from is not None:
        record["taken_from"] = event.taken_from
    if event.uid is not None:
        record["uid"] = event.uid
    return record


def article_record(article: ArticleData) -> dict[str, Any]:
    """One article line (see the module docstring)."""
    return {**_head(article), "spans": _span_records(article), **_tail(article)}


def _head(article: ArticleData) -> dict[str, Any]:
    """The keys of an article line before "spans"."""
    return {"id": article.id, "text": article.text,
            "meta": {"title": article.title, "date": article.date, "source": article.source,
                     "status": article.status, "created": article.created, "updated": article.updated}}


def _tail(article: ArticleData) -> dict[str, Any]:
    """The keys of an article line after "spans"."""
    record: dict[str, Any] = {"events": [_event_record(event) for event in article.events]}
    if article.attributes:  # the article's own attributes (PLOVER contexts), only when set
        record["attributes"] = article.attributes
    if article.layer_status:  # each annotator layer's status here (storage/team), only when recorded
        record["layers"] = article.layer_status
    if article.curation:  # the curator's decisions on its disagreements, only when there are some
        record["curation"] = article.curation
    return record


def article_line(article: ArticleData, encoded: dict[Any, str]) -> str:
    """``json_line(article_record(article))``, the same characters, with the usual spans written
    straight to JSON (``_spans_json``) instead of a dict each for the encoder."""
    spans = _spans_json(article, encoded)
    if spans is None:
        return json_line(article_record(article))
    # A compact JSON object is "{" + its members joined by "," + "}": the spans go between the two.
    return as_line(f'{json_text(_head(article))[:-1]},"spans":{spans},{json_text(_tail(article))[1:]}')


# A usual span's record as the encoder writes it: ints as repr() writes them, strings already JSON.
_SPAN_JSON = '{{"id":{},"start":{},"end":{},"label":{},"text":{},"annotator":{},"created":{},"origin":{}}}'.format
_STRING_JSON = json.encoder.encode_basestring  # what the encoder writes for a str (ensure_ascii=False)
_ENCODED_KEPT = 10_000  # distinct labels, annotators and origins whose JSON an export keeps


class EncodedValues(dict):  # type: ignore[type-arg]
    """JSON of the values a corpus repeats (labels, annotators, origins, None), each encoded once."""

    def __missing__(self, key: Any) -> str:
        if len(self) >= _ENCODED_KEPT:  # unusual, but memory stays bounded
            self.clear()
        value = self[key] = json_text(key)
        return value


def _spans_json(article: ArticleData, encoded: dict[Any, str]) -> str | None:
    """The article's "spans" as JSON, made over whole columns (no dict, no encoder call per span);
    None when a span has what the usual one lacks (attributes, taken_from, a uid) or a value of
    another type than the schema's (a damaged file): ``_span_records`` then builds them."""
    spans, text = article.spans, article.text
    if not spans:
        return "[]"
    if article.span_attributes or type(text) is not str:
        return None
    ids, starts, ends, labels, annotators, created, _, origins, taken, uids = zip(*spans)
    count = len(spans)
    if not (taken.count(None) == count == uids.count(None)
            and set(map(type, ids)) == set(map(type, starts)) == set(map(type, ends)) == {int}
            and set(map(type, labels)) == set(map(type, created)) == set(map(type, origins)) == {str}
            and set(map(type, annotators)) <= {str, type(None)}):
        return None
    value = encoded.__getitem__
    return "[" + ",".join(map(_SPAN_JSON, ids, starts, ends, map(value, labels),
                              map(_STRING_JSON, map(text.__getitem__, map(slice, starts, ends))),
                              map(value, annotators), map(_STRING_JSON, created), map(value, origins))) + "]"


def write(articles: Iterable[ArticleData], out: TextIO, report: ExportReport,
          context: ExportContext) -> None:
    header: dict[str, Any] = {"scheme": scheme_record(context.scheme)}
    if context.layers:  # where each merged or imported layer came from (storage/team), when any did
        header["layers"] = context.layers
    if context.team:  # a master's identity, so its packets still merge into a restored copy
        header["team"] = context.team
    out.write(json_line(header))
    encoded = EncodedValues()
    for article in articles:
        out.write(article_line(article, encoded))
        report.records += 1
        report.spans += len(article.spans)
        report.events += len(article.events)
