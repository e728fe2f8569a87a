"""PLOVER event records (JSON Lines), one per event frame, with the PLOVER 2.0 manual's field names.

The fields follow the manual's chapter "Data Fields" (see ``resources/plover-2.0/SOURCE.md``)::

    {"id", "date", "actor": [entity], "recipient": [entity], "event": [TYPE], "mode": [...],
     "context": [...], "event_text": [trigger text], "event_loc": {"extracted_place", "start", "end"},
     "quad_code", "event_scale", "dead"?, "injured"?, "arrested"?, "text", "text_info",
     "cite_info": {"title", "citation", "codebook"}, "coder", "coded_date"}

    entity: {"entity_text", "code"?, "sector"?, "other_sector_codes"?, "identifier_id"?, "start", "end"}

Decisions where the manual leaves room (it invites extra named fields):

* ``text`` is the sentence holding the trigger; ``text_info`` gives its ``start``/``end`` over the
  article's stored text (code points, end-exclusive, as everywhere in our exports), its
  ``sequence`` (0-based index into ``text_story``), and ``text_story``: the article's text cut at
  sentence starts, so ``"".join(text_story)`` is the stored text exactly. Every offset in the
  record counts in that text; entities, ``event_loc`` and ``event_text_info`` carry their own
  ``start``/``end``, which is what lets ``storage.importing.plover`` read the record back exactly.
* ``context`` is the event's contexts, then the article's (document-level) ones, then the event's
  auxiliary modes (historical, future, hypothetical, negation): the manual's section "Auxiliary
  modes" puts them in the context.
* ``sector``: an actor's first sector code; the others in ``other_sector_codes`` (the manual's
  actor block example).
* ``quad_code``/``event_scale`` from ``resources/plover-2.0/tables.json``: the category's quad, and
  the score of the first mode that has one, else the category's; null for a type PLOVER lacks.
* ``coder`` is the event's annotator (its layer), ``coded_date`` the day it was created,
  ``cite_info.codebook`` the scheme's name and version ("PLOVER-2.0").
* ``id`` is ``ea-<article id>-<event id>``.

A project made before PLOVER 2.0 (roles source/target, 18 older categories) still exports: its
``source`` is written as ``actor``, ``target`` as ``recipient``, a category PLOVER 2.0 lacks as it is
(its ``quad_code``/``event_scale`` null); ``event-annotator scheme upgrade-plover`` converts it for good.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Any, Iterable, TextIO

import resources
from storage.exporting.batches import ArticleData, ExportContext, ExportReport, json_line
from storage.model import Scheme
from storage.sentences import sentences

AUXILIARY = "auxiliary"
# Record field -> the project roles that fill it, first present wins (older schemes: source/target).
ENTITY_ROLES = {"actor": ("actor", "source"), "recipient": ("recipient", "target")}


def record_id(article_id: int, event_id: int) -> str:
    return f"ea-{article_id}-{event_id}"


def codebook(scheme: Scheme) -> str:
    """The scheme's name and version as a codebook reference, e.g. "PLOVER-2.0"."""
    if scheme.name is None:
        return "unnamed scheme"
    return f"{scheme.name}-{scheme.version}" if scheme.version else scheme.name


def entity_roles(scheme: Scheme) -> dict[str, str]:
    """Record field ("actor", "recipient") -> the project's role that fills it."""
    names = {role.name for role in scheme.roles}
    return {field: next((r for r in roles if r in names), roles[0]) for field, roles in ENTITY_ROLES.items()}


def event_scale(tables: dict[str, Any], event_type: str | None, modes: list[str]) -> float | None:
    scores = tables["event_scale"]["scores"]
    for mode in modes:
        if f"{event_type}:{mode}" in scores:
            return scores[f"{event_type}:{mode}"]
    return scores.get(event_type)


def _story(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The text cut at sentence starts (joined, it is the text again), and the sentence bounds."""
    bounds = sentences(text)
    cuts = [0, *(start for start, _ in bounds[1:]), len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:])], bounds


def _entity(text: str, span: Any, values: dict[str, Any]) -> dict[str, Any]:
    entity: dict[str, Any] = {"entity_text": text[span.start:span.end]}
    if values.get("code"):
        entity["code"] = values["code"]
    sectors = values.get("sector") or []
    if sectors:
        entity["sector"] = sectors[0]
        if len(sectors) > 1:
            entity["other_sector_codes"] = list(sectors[1:])
    if values.get("identifier_id"):
        entity["identifier_id"] = values["identifier_id"]
    entity["start"], entity["end"] = span.start, span.end
    return entity


def article_records(article: ArticleData, scheme: Scheme, tables: dict[str, Any],
                    report: ExportReport) -> list[dict[str, Any]]:
    """The PLOVER records of one article's events, in trigger text order."""
    if not article.events:
        return []
    roles = entity_roles(scheme)
    text = article.text
    spans = {span.id: span for span in article.spans}
    story, bounds = _story(text)
    starts = [start for start, _ in bounds]
    article_contexts = list(article.attributes.get("context") or [])
    records = []
    for event in article.events:
        trigger = spans[event.trigger_id]
        filled: dict[str, list[Any]] = {}
        for argument in event.arguments:
            filled.setdefault(argument.role, []).append(spans[argument.span_id])
        attributes = event.attributes
        modes = list(attributes.get("mode") or [])
        contexts = list(dict.fromkeys([*(attributes.get("context") or []), *article_contexts,
                                       *(attributes.get(AUXILIARY) or [])]))
        record: dict[str, Any] = {
            "id": record_id(article.id, event.id),
            "date": attributes.get("date") or article.date,
        }
        for field, role in roles.items():
            record[field] = [_entity(text, span, article.span_attributes.get(span.id, {}))
                             for span in filled.get(role, [])]
        record["event"] = [event.type] if event.type is not None else []
        record["mode"] = modes
        record["context"] = contexts
        record["event_text"] = [text[trigger.start:trigger.end]]
        record["event_text_info"] = [{"start": trigger.start, "end": trigger.end}]
        places = filled.get("location", [])
        record["event_loc"] = ({"extracted_place": text[places[0].start:places[0].end],
                                "start": places[0].start, "end": places[0].end} if places else None)
        record["quad_code"] = tables["quad_code"]["by_type"].get(event.type)
        record["event_scale"] = event_scale(tables, event.type, modes)
        for name in ("dead", "injured", "arrested"):
            if attributes.get(name) is not None:
                record[name] = attributes[name]
        sequence = max(0, bisect_right(starts, trigger.start) - 1)
        start, end = bounds[sequence] if bounds else (0, len(text))
        record["text"] = text[start:end]
        record["text_info"] = {"sequence": sequence, "start": start, "end": end, "text_story": story}
        record["cite_info"] = {"title": article.title, "citation": article.source,
                               "codebook": codebook(scheme)}
        record["coder"] = event.annotator
        record["coded_date"] = event.created[:10] if event.created else None
        records.append(record)
        report.spans += 1 + sum(len(v) for v in filled.values())
    return records


def write(articles: Iterable[ArticleData], out: TextIO, report: ExportReport,
          context: ExportContext) -> None:
    tables = resources.plover_tables()
    for article in articles:
        for record in article_records(article, context.scheme, tables, report):
            out.write(json_line(record))
            report.records += 1
            report.events += 1
