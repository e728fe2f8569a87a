"""Event records, one per event frame, in the spirit of PLOVER/POLECAT but with offsets::

    {"article_id", "article_title", "article_date", "event_id", "type",
     "trigger": {"text", "start", "end"},
     "source": [{"text", "start", "end"}], "target": [...], "location": {...} or null,
     "polarity", "modality", "date",
     "sentence": {"text", "start", "end"}}

Offsets are code points over the article text, so ``article_text[start:end] == text`` for every
mention. Role keys are the project's roles in scheme order: a role that takes at most one span
(``max_count`` 1) is an object or null, any other role a list. Attribute keys follow, in scheme
order, with the stored value, or else the article's date for a date attribute (an empty event date
means "the article's date") and the scheme default for the others. "sentence" is the sentence that
holds the trigger (``storage.sentences``). Articles without events write nothing.
"""
from __future__ import annotations

from typing import Any, Iterable, TextIO

from storage.exporting.batches import (
    ArticleData,
    ExportContext,
    ExportError,
    ExportReport,
    SpanRow,
    json_line,
)
from storage.model import Scheme
from storage.sentences import sentence_at, sentences

FIXED_KEYS = ("article_id", "article_title", "article_date", "event_id", "type", "trigger", "sentence")


def check_keys(scheme: Scheme) -> None:
    """Role and attribute names become record keys: refuse a scheme where two would collide."""
    seen = set(FIXED_KEYS)
    for name in [role.name for role in scheme.roles] + [a.name for a in scheme.attributes]:
        if name in seen:
            raise ExportError(f"the events format cannot be written: the role or attribute name "
                              f"{name!r} clashes with another field of the event record")
        seen.add(name)


def _mention(text: str, span: SpanRow) -> dict[str, Any]:
    return {"text": text[span.start:span.end], "start": span.start, "end": span.end}


def article_records(article: ArticleData, scheme: Scheme, report: ExportReport) -> list[dict[str, Any]]:
    """The event records of one article, in trigger text order."""
    if not article.events:
        return []
    text = article.text
    spans = {span.id: span for span in article.spans}
    bounds = sentences(text)
    records = []
    for event in article.events:
        trigger = spans[event.trigger_id]
        record: dict[str, Any] = {
            "article_id": article.id, "article_title": article.title, "article_date": article.date,
            "event_id": event.id, "type": event.type, "trigger": _mention(text, trigger),
        }
        mentions = 1
        for role in scheme.roles:
            fillers = [_mention(text, spans[a.span_id]) for a in event.arguments if a.role == role.name]
            if role.max_count == 1:
                # The store refuses a second filler; one can only come from outside the app.
                report.drop("surplus-argument", max(len(fillers) - 1, 0))
                record[role.name] = fillers[0] if fillers else None
                mentions += 1 if fillers else 0
            else:
                record[role.name] = fillers
                mentions += len(fillers)
        for attribute in scheme.attributes:
            value = event.attributes.get(attribute.name)
            if value is None:
                value = article.date if attribute.kind == "date" else attribute.default
            record[attribute.name] = value
        start, end = sentence_at(bounds, trigger.start)
        record["sentence"] = {"text": text[start:end], "start": start, "end": end}
        records.append(record)
        report.spans += mentions
    return records


def write(articles: Iterable[ArticleData], out: TextIO, report: ExportReport,
          context: ExportContext) -> None:
    check_keys(context.scheme)
    for article in articles:
        for record in article_records(article, context.scheme, report):
            out.write(json_line(record))
            report.records += 1
            report.events += 1
