"""PLOVER event records: what ``export --format plover`` writes, and PLOVER's gold-standard records.

Two shapes, told apart record by record:

* **PLOVER 2.0** (our export; ``storage/exporting/plover.py``): JSON Lines, one event per record.
  ``text_info.text_story`` joined is the article's text; records with the same text are one
  article. Actors, recipients, ``event_loc`` and ``event_text_info`` carry ``start``/``end`` over
  that text, checked against ``entity_text``. The record ``id`` is kept as the event's
  ``source_id`` (so a re-export writes the same id), ``coder`` is the annotator, ``coded_date`` the
  creation day, auxiliary modes found in ``context`` go back to ``auxiliary``: export → import →
  export gives the same records.
* **The gold-standard records** (``PLOVER_GSR_CAMEO.txt``, PLOVER 0.5: a JSON array or JSON Lines
  with ``source``/``target``, ``eventText``, ``text``, ``textInfo.markup``): the sentence is the
  article, ``source`` → ``actor``, ``target`` → ``recipient`` (a list, ``""`` or absent), the old
  categories mapped as ``scheme upgrade-plover`` maps them (DEMAND → REQUEST…), the trigger is the
  first ``(EVT: …)`` of the markup, actors are located by the markup's ``(SRC: …)``/``(TAR: …)``
  where the markup, stripped, is the sentence, else by a unique verbatim match.

An actor, place or event text not found verbatim in the text is **reported, never guessed**
(counted under "not represented", the record's other parts still imported); so are a code, sector,
mode or context the project's scheme does not allow. A record without a usable event text is
imported as its article with its actors and counted. Roles follow the project: ``actor``/
``recipient`` when it has them, else ``source``/``target``.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import resources
from storage.importing.foreign import ForeignWriter
from storage.importing.intake import numbered_lines, read_text
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Outcome
from storage.model import InputError, SchemeError
from storage.project import Project

AUXILIARY = ("historical", "future", "hypothetical", "negation")
EVENT_TEXT = "event text (so no event; its article and actors kept)"
NO_EVENT_TEXT = "record without an event text (its article and actors kept)"
_MARKER = re.compile(r"\((SRC|TAR|EVT|LOC|SRC/TAR|SRC/LOC|TAR/LOC):\s?")


def run(project: Project, job: Job, options: ImportOptions) -> Outcome:
    """Import one file of PLOVER records (the caller holds the transaction)."""
    content, _ = read_text(job.path, encoding=options.encoding)
    records = _records(job.path, content)
    reader = _Reader(project, job.path, layer=options.annotator)
    for line, record in records:
        reader.read(line, record)
    reader.write(job.source)
    return reader.writer.finish()


def _records(path: str, content: str) -> list[tuple[int | None, Any]]:
    """(line, record) pairs of a JSON array (pretty-printed, as the GSR file) or of JSON Lines."""
    stripped = content.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"malformed JSON: {exc.msg}", line=exc.lineno) from None
        return [(None, record) for record in data]
    result: list[tuple[int | None, Any]] = []
    for line, text in numbered_lines(content):
        if text.strip():
            try:
                result.append((line, json.loads(text)))
            except json.JSONDecodeError as exc:
                raise InputError(path, f"malformed JSON: {exc.msg} (column {exc.colno})", line=line) from None
    if not result:
        raise InputError(path, "the file holds no PLOVER records")
    return result


def strip_markup(markup: str) -> tuple[str, list[tuple[str, int, int]]]:
    """The GSR markup without its ``(TAG: …)`` markers, and (tag, start, end) of each marked text."""
    out: list[str] = []
    stack: list[tuple[str | None, int]] = []
    marks: list[tuple[str, int, int]] = []
    position, length = 0, 0
    while position < len(markup):
        marker = _MARKER.match(markup, position)
        if marker:
            stack.append((marker.group(1), length))
            position = marker.end()
            continue
        ch = markup[position]
        if ch == "(":
            stack.append((None, length))
        elif ch == ")" and stack:
            tag, start = stack.pop()
            if tag is not None:
                marks.append((tag, start, length))
                position += 1
                continue
        out.append(ch)
        length += 1
        position += 1
    return "".join(out), marks


class _Reader:
    """Collects records by article text, then writes each article once with all its events."""

    def __init__(self, project: Project, path: str, *, layer: str | None = None) -> None:
        self.path = path
        self.writer = ForeignWriter(project, path, "plover", layer=layer)
        scheme = project.scheme
        self.scheme = scheme
        self.all_modes = scheme.all_modes  # a mode of another type is kept (and flagged ⚠), an unknown one not
        roles = {role.name: role for role in scheme.roles}
        self.actor_role = "actor" if "actor" in roles else "source"
        self.recipient_role = "recipient" if "recipient" in roles else "target"
        role = roles.get(self.actor_role)
        self.entity_label = role.labels[0] if role and role.labels else "ACTOR"
        place = roles.get("location")
        self.place_label = place.labels[0] if place and place.labels else "LOCATION"
        self.trigger_label = scheme.trigger_labels[0] if scheme.trigger_labels else "EVENT"
        upgrade = resources.read_json("plover-2.0/upgrade.json")
        self.type_map: dict[str, str] = upgrade["event_types"]
        self.implied_modes: dict[str, str] = upgrade["implied_modes"]
        self.mapped: Counter[str] = Counter()  # "DEMAND → REQUEST" -> events
        self.articles: dict[str, dict[str, Any]] = {}  # text -> {"meta", "spans", "events", "line"}

    # -- records -------------------------------------------------------------------------------

    def read(self, line: int | None, record: Any) -> None:
        if not isinstance(record, dict):
            raise InputError(self.path, f"a PLOVER record must be a JSON object, not {type(record).__name__}",
                             line=line)
        if record.get("event") == "DOCUMENT":  # the GSR file's own documentation record
            self.writer.dropped["documentation record"] += 1
            return
        if "text_info" in record or "actor" in record:
            self._read_v2(line, record)
        elif "text" in record and ("source" in record or "eventText" in record):
            self._read_gsr(line, record)
        else:
            raise InputError(self.path, 'not a PLOVER record (no "actor"/"text_info" nor "source"/"text")',
                             line=line)

    def _article(self, text: str, line: int | None, meta: dict[str, Any]) -> dict[str, Any]:
        return self.articles.setdefault(text, {"meta": meta, "spans": {}, "events": [], "line": line})

    def _span(self, article: dict[str, Any], start: int, end: int, label: str,
              attributes: dict[str, Any] | None = None) -> int:
        spans = article["spans"]
        key = (start, end, label)
        if key not in spans:
            spans[key] = {"id": len(spans) + 1, "start": start, "end": end, "label": label}
        if attributes:
            spans[key].setdefault("attributes", {}).update(attributes)
        return spans[key]["id"]

    def _read_v2(self, line: int | None, record: dict[str, Any]) -> None:
        info = record.get("text_info")
        story = info.get("text_story") if isinstance(info, dict) else None
        if isinstance(story, list) and all(isinstance(s, str) for s in story) and story:
            text = "".join(story)
        elif isinstance(record.get("text"), str) and record["text"]:
            text = record["text"]
        else:
            raise InputError(self.path, 'a record needs "text_info.text_story" or "text"', line=line)
        cite = record.get("cite_info") if isinstance(record.get("cite_info"), dict) else {}
        article = self._article(text, line, {"title": cite.get("title"), "date": record.get("date"),
                                             "source": cite.get("citation")})
        arguments = []
        for field, role in (("actor", self.actor_role), ("recipient", self.recipient_role)):
            for entity in _list(record.get(field)):
                span_id = self._entity(article, text, entity)
                if span_id is not None:
                    arguments.append({"role": role, "span": span_id})
        place = record.get("event_loc")
        if isinstance(place, dict) and place.get("extracted_place"):
            where = self._locate(text, place["extracted_place"], place.get("start"), place.get("end"), "place")
            if where is not None:
                arguments.append({"role": "location", "span": self._span(article, *where, self.place_label)})
        texts, offsets = _list(record.get("event_text")), _list(record.get("event_text_info"))
        hint = offsets[0] if offsets and isinstance(offsets[0], dict) else {}
        if not texts or not isinstance(texts[0], str):
            self.writer.dropped[NO_EVENT_TEXT] += 1
            return
        trigger = self._locate(text, texts[0], hint.get("start"), hint.get("end"), EVENT_TEXT)
        if trigger is None:
            return
        attributes = self._attributes(record, article)
        types = _list(record.get("event"))
        article["events"].append({
            "trigger": self._span(article, *trigger, self.trigger_label),
            "type": self._type(types[0] if types else None, attributes), "attributes": attributes,
            "arguments": arguments, "annotator": record.get("coder"),
            "created": f"{record['coded_date']}T00:00:00+00:00" if _is_day(record.get("coded_date")) else None,
            "date": record.get("date")})

    def _read_gsr(self, line: int | None, record: dict[str, Any]) -> None:
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            self.writer.dropped["record without text"] += 1
            return
        info = record.get("textInfo")
        markup = info.get("markup") if isinstance(info, dict) else info if isinstance(info, str) else None
        marks: list[tuple[str, int, int]] = []
        if isinstance(markup, str):
            plain, found = strip_markup(markup)
            if plain == text:
                marks = found
            else:
                self.writer.dropped["markup that does not match its text (actors found verbatim instead)"] += 1
        article = self._article(text, line, {"title": text[:80], "date": record.get("date") if _is_day(
            record.get("date")) else None, "source": f"{record.get('id')}"})
        arguments = []
        for field, tags, role in (("source", ("SRC", "SRC/TAR", "SRC/LOC"), self.actor_role),
                                  ("target", ("TAR", "SRC/TAR", "TAR/LOC"), self.recipient_role)):
            for entity in _list(record.get(field)):
                if not isinstance(entity, dict) or not isinstance(entity.get("actorText"), str):
                    self.writer.dropped[f"{field} that is not an actor record"] += 1  # e.g. "target": "diplomatic"
                    continue
                where = self._marked(text, marks, tags, entity["actorText"])
                if where is not None:
                    values = self._entity_values({"code": entity.get("code"), "sector": entity.get("sector")})
                    arguments.append({"role": role, "span": self._span(article, *where, self.entity_label, values)})
        place = record.get("eventLoc")
        if isinstance(place, dict) and isinstance(place.get("name"), str):
            where = self._marked(text, marks, ("LOC", "SRC/LOC", "TAR/LOC"), place["name"], what="place")
            if where is not None:
                arguments.append({"role": "location", "span": self._span(article, *where, self.place_label)})
        events = [(start, end) for tag, start, end in marks if tag == "EVT" and end > start]
        if not events and not record.get("eventText"):
            self.writer.dropped[NO_EVENT_TEXT] += 1
            return
        trigger = events[0] if events else self._locate(text, record["eventText"], None, None, EVENT_TEXT)
        if trigger is None:
            return
        contexts = [c.strip() for c in str(record.get("context") or "").split(",") if c.strip()]
        modes = [record["mode"]] if isinstance(record.get("mode"), str) and record["mode"] else []
        attributes = self._attributes({"context": contexts, "mode": modes, "dead": record.get("dead"),
                                       "injured": record.get("injured")}, article)
        if record.get("size") not in (None, ""):
            self.writer.dropped["size (not a PLOVER 2.0 field)"] += 1
        attributes["source_id"] = record.get("id")
        article["events"].append({
            "trigger": self._span(article, *trigger, self.trigger_label),
            "type": self._type(record.get("event"), attributes), "attributes": attributes,
            "arguments": arguments, "annotator": record.get("coder"),
            "created": f"{record['dateCoded']}T00:00:00+00:00" if _is_day(record.get("dateCoded")) else None,
            "date": record.get("date")})

    # -- parts ---------------------------------------------------------------------------------

    def _locate(self, text: str, shown: Any, start: Any, end: Any, what: str) -> tuple[int, int] | None:
        """Where ``shown`` is: at the given offsets if it is there, else its one verbatim occurrence."""
        if not isinstance(shown, str) or not shown:
            return None
        if type(start) is int and type(end) is int and 0 <= start < end <= len(text) and text[start:end] == shown:
            return start, end
        first = text.find(shown)
        if first < 0:
            self.writer.dropped[f"{what} not verbatim in the text"] += 1
            return None
        if text.find(shown, first + 1) >= 0:
            self.writer.dropped[f"{what} found more than once in the text (not placed)"] += 1
            return None
        return first, first + len(shown)

    def _marked(self, text: str, marks: list[tuple[str, int, int]], tags: tuple[str, ...], shown: str,
                what: str = "actor") -> tuple[int, int] | None:
        for tag, start, end in marks:
            if tag in tags and text[start:end].strip() == shown:
                offset = text[start:end].index(shown)
                return start + offset, start + offset + len(shown)
        return self._locate(text, shown, None, None, what)

    def _entity(self, article: dict[str, Any], text: str, entity: Any) -> int | None:
        if not isinstance(entity, dict):
            return None
        where = self._locate(text, entity.get("entity_text"), entity.get("start"), entity.get("end"), "actor")
        if where is None:
            return None
        sectors = [entity["sector"], *_list(entity.get("other_sector_codes"))] if entity.get("sector") else []
        values = self._entity_values({"code": entity.get("code"), "sector": sectors,
                                      "identifier_id": entity.get("identifier_id")})
        return self._span(article, *where, self.entity_label, values)

    def _entity_values(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The span attributes an entity's fields give, each checked; what the label refuses is counted."""
        declared = {a.name: a for a in self._label_attributes(self.entity_label)}
        values: dict[str, Any] = {}
        for name, value in raw.items():
            if value in (None, "", []):
                continue
            if name == "sector" and isinstance(value, str):  # GSR: "GOV", or codes run together
                value = [value[i:i + 3] for i in range(0, len(value), 3)]
            attribute = declared.get(name)
            if attribute is None:
                continue  # the project's label does not declare it (a scheme before PLOVER 2.0)
            try:
                values[name] = attribute.check(value)
            except SchemeError:
                self.writer.dropped[f"actor {name} the scheme does not allow"] += 1
        return values

    def _label_attributes(self, label: str) -> tuple[Any, ...]:
        try:
            return self.scheme.label(label).attributes
        except SchemeError:
            return ()

    def _attributes(self, record: dict[str, Any], article: dict[str, Any]) -> dict[str, Any]:
        declared = {a.name: a for a in self.scheme.attributes}
        attributes: dict[str, Any] = {}
        contexts = [c for c in _list(record.get("context")) if isinstance(c, str)]
        auxiliary = [c for c in contexts if c in AUXILIARY]
        for name, values in (("context", [c for c in contexts if c not in AUXILIARY]), ("auxiliary", auxiliary),
                             ("mode", [m for m in _list(record.get("mode")) if isinstance(m, str)])):
            attribute = declared.get(name)
            allowed = self.all_modes if attribute is not None and attribute.kind == "mode" else (
                attribute.choices if attribute is not None else ())
            kept = [v for v in values if attribute is not None and (allowed is None or v in allowed)]
            if len(kept) != len(values):
                self.writer.dropped[f"{name} the scheme does not have"] += len(values) - len(kept)
            if kept:
                attributes[name] = list(dict.fromkeys(kept))
        for name in ("dead", "injured", "arrested"):
            value = record.get(name)
            if isinstance(value, str) and value.isdigit():
                value = int(value)
            if value is None or value == "":
                continue
            if name in declared and type(value) is int and value >= 0:
                attributes[name] = value
            else:
                self.writer.dropped[f"{name} that is not a whole number"] += 1
        if "id" in record:
            attributes["source_id"] = record["id"]
        return attributes

    def _type(self, event_type: Any, attributes: dict[str, Any]) -> str | None:
        """The event type in this project: kept if it has it, else mapped (DEMAND → REQUEST)."""
        if not isinstance(event_type, str) or not event_type:
            return None
        if self.scheme.event_type(event_type) is not None or event_type not in self.type_map:
            return event_type
        mapped = self.type_map[event_type]
        self.mapped[f"{event_type} → {mapped}"] += 1
        mode = self.implied_modes.get(event_type)
        if mode is not None and "mode" not in attributes and any(a.kind == "mode" for a in self.scheme.attributes):
            attributes["mode"] = [mode]
        return mapped

    # -- writing -------------------------------------------------------------------------------

    def write(self, source: str) -> None:
        if self.mapped:
            self.writer.remarks.append("older PLOVER categories mapped: " + ", ".join(
                f"{change} ({n})" for change, n in self.mapped.most_common()))
        for text, article in self.articles.items():
            events = article["events"]
            meta = {k: v for k, v in article["meta"].items() if v is not None}
            dates = [e.pop("date") for e in events]
            if "date" not in meta:
                first = next((d for d in dates if _is_day(d)), None)
                if first is not None:
                    meta["date"] = first
            for event, date in zip(events, dates):
                if _is_day(date) and date != meta.get("date"):
                    event["attributes"]["date"] = date
                if event["created"] is None:
                    del event["created"]
            meta.setdefault("source", source)
            self.writer.add(text, list(article["spans"].values()), line=article["line"], events=events,
                            meta=meta)


def _list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _is_day(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) is not None
