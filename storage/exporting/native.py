"""The native format: lossless JSON Lines that our importer reads back into an identical project.

The first line is ``{"scheme": {...}}`` in the shape of ``resources/scheme.json`` (labels, event
types, roles, attributes), so a re-import reproduces the scheme before any span needs it. Then one
line per article::

    {"id", "text", "meta": {"title", "date", "source", "status", "created", "updated"},
     "spans": [{"id", "start", "end", "label", "text", "annotator", "created", "origin"}],
     "events": [{"id", "trigger": <span id>, "type", "attributes": {...},
                 "arguments": [{"role", "span": <span id>}], "annotator", "created"}]}

Keys come in this fixed order and attributes sorted by name, so the same project always gives the
same bytes (diffable, hashable). A span's "text" is ``text[start:end]``: redundant, but it lets a
reader check every offset without our code. An empty project still gets its scheme line.
"""
from __future__ import annotations

from typing import Any, Iterable, TextIO

from storage.exporting.batches import ArticleData, ExportContext, ExportReport, json_line
from storage.model import Scheme


def scheme_record(scheme: Scheme) -> dict[str, Any]:
    """The scheme as ``resources/scheme.json`` spells it (what ``storage.scheme.seed`` reads)."""
    return {
        "labels": [{"name": label.name, "colour": label.colour, "key": label.key, "kind": label.kind,
                    "description": label.description} for label in scheme.labels],
        "event_types": [{"name": kind.name, "description": kind.description}
                        for kind in scheme.event_types],
        "roles": [{"name": role.name, "labels": list(role.labels), "max_count": role.max_count,
                   "min_count": role.min_count, "description": role.description}
                  for role in scheme.roles],
        "attributes": [{"name": attribute.name, "kind": attribute.kind,
                        "choices": list(attribute.choices) if attribute.choices is not None else None,
                        "default": attribute.default, "description": attribute.description}
                       for attribute in scheme.attributes],
    }


def article_record(article: ArticleData) -> dict[str, Any]:
    """One article line (see the module docstring)."""
    text = article.text
    return {
        "id": article.id,
        "text": text,
        "meta": {"title": article.title, "date": article.date, "source": article.source,
                 "status": article.status, "created": article.created, "updated": article.updated},
        "spans": [{"id": span.id, "start": span.start, "end": span.end, "label": span.label,
                   "text": text[span.start:span.end], "annotator": span.annotator,
                   "created": span.created, "origin": span.origin}
                  for span in article.spans],
        "events": [{"id": event.id, "trigger": event.trigger_id, "type": event.type,
                    "attributes": dict(sorted(event.attributes.items())),
                    "arguments": [{"role": role, "span": span_id} for role, span_id in event.arguments],
                    "annotator": event.annotator, "created": event.created}
                   for event in article.events],
    }


def write(articles: Iterable[ArticleData], out: TextIO, report: ExportReport,
          context: ExportContext) -> None:
    out.write(json_line({"scheme": scheme_record(context.scheme)}))
    for article in articles:
        out.write(json_line(article_record(article)))
        report.records += 1
        report.spans += len(article.spans)
        report.events += len(article.events)
