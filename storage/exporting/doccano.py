"""doccano JSON Lines, in doccano's two sequence-labelling shapes.

Default, one article per line: ``{"id", "text", "label": [[start, end, "LABEL"], ...]}``.

With ``relations=True`` (doccano's relation-extraction projects)::

    {"id", "text",
     "entities": [{"id": <span id>, "start_offset", "end_offset", "label"}],
     "relations": [{"id", "from_id": <trigger span id>, "to_id": <argument span id>, "type": <role>}],
     "events": [{"id": <event id>, "type": <event type or null>, "trigger": <span id>,
                 "relations": [<relation ids of this event>]}]}

Decision on event types: a doccano relation carries one ``type`` string, which has to be the role
(source, target, location) for the relation to mean anything, and entity labels stay our labels
(ACTOR, EVENT…) so they match the doccano project's label set. The event type therefore goes in an
extra top-level ``events`` key: doccano keeps unknown top-level keys as the example's metadata, so
the types survive a round trip through doccano, and the per-event relation ids keep two events on
the same trigger apart. Offsets are code points, doccano's default.
"""
from __future__ import annotations

from typing import Any, Iterable, TextIO

from storage.exporting.batches import ArticleData, ExportContext, ExportReport, json_line


def labels_record(article: ArticleData) -> dict[str, Any]:
    return {"id": article.id, "text": article.text,
            "label": [[span.start, span.end, span.label] for span in article.spans]}


def relations_record(article: ArticleData) -> dict[str, Any]:
    relations: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for event in article.events:
        ids: list[int] = []
        for argument in event.arguments:
            ids.append(len(relations))
            relations.append({"id": len(relations), "from_id": event.trigger_id,
                              "to_id": argument.span_id, "type": argument.role})
        events.append({"id": event.id, "type": event.type, "trigger": event.trigger_id, "relations": ids})
    return {
        "id": article.id,
        "text": article.text,
        "entities": [{"id": span.id, "start_offset": span.start, "end_offset": span.end,
                      "label": span.label} for span in article.spans],
        "relations": relations,
        "events": events,
    }


def write(articles: Iterable[ArticleData], out: TextIO, report: ExportReport,
          context: ExportContext) -> None:
    for article in articles:
        if context.relations:
            out.write(json_line(relations_record(article)))
            report.events += len(article.events)
        else:
            out.write(json_line(labels_record(article)))
        report.records += 1
        report.spans += len(article.spans)
