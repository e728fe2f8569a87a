"""What every foreign importer shares: text normalised with its offsets carried along, spans
checked against the text they claim, repeats collapsed, and rows written through ``RecordWriter``.

A foreign importer parses its format into plain records (``text``, ``meta``, ``spans`` with local
ids, ``events`` referring to them) and hands each to ``ForeignWriter.add``; the writer normalises
the text the way a ``.txt`` import does (CRLF, lone CR, U+2028/U+2029 → ``\\n``, a leading BOM
dropped), moves every offset with it, collapses a span repeated in one layer, and passes the
record to the native writer, which validates against the scheme (growing it, roles widened) and
writes in ``executemany`` rounds. What cannot be represented is counted in ``dropped`` by reason.
"""
from __future__ import annotations

from collections import Counter
from operator import itemgetter
from typing import Any

from storage.assist.origin import import_origin
from storage.importing.batch import RowBatch
from storage.importing.native import RecordWriter
from storage.importing.report import Outcome
from storage.model import InputError
from storage.project import Project
from storage.scheme_growth import SchemeGrowth
from storage.text import normalise

_NEWLINES = frozenset("\r\u2028\u2029\ufeff")
_SPAN_KEY = itemgetter(1, 2, 3, 4)  # (start, end, label, annotator) of a span tuple: one per layer
_START, _END, _LABEL = itemgetter(0), itemgetter(1), itemgetter(2)  # of a [start, end, label]


def normalised_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The stored form of ``text`` and, if it differs, old offset → new offset (len(text)+1 entries)."""
    stored, report = normalise(text)  # raises ValueError on a lone surrogate or a NUL
    if not report.changed:
        return stored, None
    mapping: list[int] = []
    new = 0
    i = 0
    leading = True
    while i < len(text):
        ch = text[i]
        if leading and ch == "\ufeff":  # dropped: the offset stays where the next character lands
            mapping.append(new)
            i += 1
            continue
        leading = False
        if ch == "\r" and text.startswith("\r\n", i):
            mapping += [new, new]  # both halves become one "\n"
            new += 1
            i += 2
            continue
        mapping.append(new)
        new += 1
        i += 1
    mapping.append(new)
    if new != len(stored):  # normalise() changed something this map does not know about
        raise ValueError("the text changes on normalisation in a way offsets cannot follow")
    return stored, mapping


class ForeignWriter:
    """One foreign file's records into the project, inside the caller's transaction."""

    def __init__(self, project: Project, path: str, format_name: str, *, layer: str | None = None,
                 batch: RowBatch | None = None) -> None:
        """``batch``: the rows queue in a batch shared with other small files (see RecordWriter)."""
        self.path = path
        self.layer = layer  # import --annotator NAME: every span and event goes into that layer
        self.growth = SchemeGrowth(project, widen=True)
        self.writer = RecordWriter(project, path, self.growth, native=False, origin=import_origin(format_name),
                                   layer=layer, batch=batch)
        self.dropped: Counter[str] = Counter()
        self.remarks: list[str] = []
        self.corrected: Counter[str] = Counter()  # imported, after a known quirk of the format was undone
        self.notes: Counter[str] = Counter()  # what normalising the texts changed, summed

    def fail(self, message: str, line: int | None = None) -> InputError:
        return InputError(self.path, message, line=line)

    def add(self, text: str, spans: list[dict[str, Any]], *, line: int | None, name: str = "",
            events: list[dict[str, Any]] | None = None, meta: dict[str, Any] | None = None,
            check_text: bool = True, more: bool = False) -> None:
        """One document. Spans: ``id`` (local int), ``start``, ``end``, ``label``, optional
        ``text`` (checked against the document unless ``check_text`` is False), ``annotator``,
        ``attributes``. Events: ``trigger`` and ``arguments[].span`` are those local ids.
        ``more``: the text may be one this file gave before (not just before); if so its
        article takes these spans too, rather than the document being skipped as a duplicate."""
        where = f"{name}: " if name else ""
        try:
            stored, mapping = normalised_with_offsets(text)
        except ValueError as exc:
            raise self.fail(f"{where}the text has a {exc}", line) from None
        if not stored or stored.isspace():
            self.dropped["document without text"] += 1
            return
        length, layer = len(text), self.layer
        rows: list[tuple[Any, ...]] = []  # (local id, start, end, label, annotator, attributes)
        append = rows.append
        for span in spans:  # the hot loop: one combined test per span, the messages only on failure
            start, end = span["start"], span["end"]
            if type(start) is not int or type(end) is not int or not 0 <= start < end <= length:
                raise self._bad_offsets(span, where, line, length)
            if check_text and "text" in span:
                shown = span["text"]
                if shown is not None and shown != text[start:end]:
                    raise self.fail(f"{where}span {span.get('source_id') or span['id']} ({span['label']}): its "
                                    f"text is {shown!r} but the text at {start}..{end} is {text[start:end]!r}", line)
            # import --annotator NAME: one layer for all (spans of several users may now repeat)
            append((span["id"], start, end, span["label"], span.get("annotator") if layer is None else layer,
                    span.get("attributes")))
        if mapping is not None:
            rows = [(local, mapping[start], mapping[end], *rest) for local, start, end, *rest in rows]
            _, report = normalise(text)
            self.notes[report.describe()] += 1
        events = events or []
        try:
            repeats = len(set(map(_SPAN_KEY, rows))) != len(rows)
        except TypeError:  # a label (or annotator) that is a list or an object: said, not a traceback
            raise self._unhashable(rows, where, line) from None
        if repeats:
            rows = self._collapse(rows, events)
        if more and (article_id := self.writer.earlier_article(stored)) is not None:
            self.writer.extend_article(article_id, stored, meta or {}, rows, events, line, repeats=self.dropped)
            return
        self.writer.add_document(stored, meta or {}, rows, events, line)

    def add_plain(self, text: str, triples: list[Any], *, line: int | None, name: str = "",
                  meta: dict[str, Any] | None = None) -> None:
        """``add`` for the commonest shape, spans as ``[start, end, label]`` and nothing else
        (doccano's ``label``, spaCy's ``entities``): checked over whole columns at C speed
        (``RecordWriter.add_plain_spans``), ~1 µs a span less. A text that normalising changes,
        or anything unusual in the spans, goes through ``add``, which says what it is."""
        self.add_plain_columns(text, list(map(_START, triples)), list(map(_END, triples)), list(map(_LABEL, triples)),
                               line=line, name=name, meta=meta)

    def add_plain_columns(self, text: str, starts: list[Any], ends: list[Any], labels: list[Any], *,
                          line: int | None, name: str = "", meta: dict[str, Any] | None = None) -> None:
        """``add_plain`` of spans already in columns (a reader that can make them so, Prodigy's)."""
        try:
            stored, mapping = normalised_with_offsets(text)
        except ValueError:
            stored, mapping = "", None
        if (mapping is None and stored and not stored.isspace()
                and self.writer.add_plain_spans(stored, meta or {}, starts, ends, labels, line)):
            return
        self.add(text, [{"id": number, "start": start, "end": end, "label": label}
                        for number, (start, end, label) in enumerate(zip(starts, ends, labels), 1)],
                 line=line, name=name, meta=meta)

    def _unhashable(self, rows: list[tuple[Any, ...]], where: str, line: int | None) -> InputError:
        for local, _, _, label, annotator, _ in rows:
            for what, value in (("label", label), ("annotator", annotator)):
                try:
                    hash(value)
                except TypeError:
                    return self.fail(f"{where}span {local}: a {what} must be a string, not {value!r}", line)
        return self.fail(f"{where}a span's label or annotator is not a string", line)

    def _bad_offsets(self, span: dict[str, Any], where: str, line: int | None, length: int) -> InputError:
        start, end, name = span["start"], span["end"], span.get("source_id") or span["id"]
        if type(start) is not int or type(end) is not int:
            return self.fail(f"{where}span {name}: offsets {start!r}..{end!r} are not integers", line)
        if 0 <= start and end <= length:  # inside the text, but empty or backwards
            return self.fail(f"{where}span {name} ({span['label']}): offsets {start}..{end}: its end must come "
                             "after its start", line)
        return self.fail(f"{where}span {name} ({span['label']}): offsets {start}..{end} are outside the text "
                         f"(0..{length})", line)

    def _collapse(self, rows: list[tuple[Any, ...]], events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """One span per (start, end, label, annotator); events follow the span that stays."""
        kept: list[tuple[Any, ...]] = []
        seen: dict[tuple[Any, ...], Any] = {}
        alias: dict[Any, Any] = {}
        for row in rows:
            key = _SPAN_KEY(row)
            if key in seen:
                self.dropped["repeated span (collapsed)"] += 1
                alias[row[0]] = seen[key]
                continue
            seen[key] = row[0]
            kept.append(row)
        for event in events:
            event["trigger"] = alias.get(event["trigger"], event["trigger"])
            for argument in event.get("arguments", ()):
                argument["span"] = alias.get(argument["span"], argument["span"])
        return kept

    def relation_events(self, spans: list[dict[str, Any]], relations: list[tuple[Any, Any, Any]],
                        *, line: int | None, name: str = "") -> list[dict[str, Any]]:
        """Relations (head id, child id, type) as events: a relation from a span whose label may
        anchor events (a trigger label, e.g. EVENT) is an argument of that span's event, with the
        relation's type as the role; we have no model for the others, so they are counted."""
        labels = {span["id"]: span["label"] for span in spans}
        events: dict[Any, dict[str, Any]] = {}
        for head, child, kind in relations:
            if head not in labels or child not in labels:
                missing = head if head not in labels else child
                raise self.fail(f"{name + ': ' if name else ''}a relation refers to span {missing!r}, "
                                "which this record does not have", line)
            if self.growth.kinds.get(labels[head]) == "trigger" and isinstance(kind, str) and kind and head != child:
                event = events.setdefault(head, {"trigger": head, "arguments": []})
                if not any(a["span"] == child and a["role"] == kind for a in event["arguments"]):
                    event["arguments"].append({"role": kind, "span": child})
            else:
                self.dropped["relation (not from an event trigger)"] += 1
        return list(events.values())

    def finish(self) -> Outcome:
        self.writer.flush()
        additions = self.growth.additions
        # Every label met gets a source_id attribute: one entry for them all, not one per label.
        traced = [a for a in additions if a.startswith("span attribute ") and ".source_id " in a]
        if traced:
            labels = [a[len("span attribute "):a.index(".source_id ")] for a in traced]
            additions = [a for a in additions if a not in traced] + [
                f"span attribute source_id (text) on {', '.join(labels)}"]
        notes = [f"{what} ({n} documents)" if n > 1 else what for what, n in self.notes.items()]
        remarks = self.remarks + [f"corrected {n} {what}" for what, n in self.corrected.items()]
        return Outcome(self.writer.articles_added, self.writer.duplicates, additions,
                       dropped=self.dropped, notes=notes, remarks=remarks,
                       spans_added=self.writer.spans_added, events_added=self.writer.events_added,
                       layer=self.layer, articles_received=self.writer.articles_received,
                       spans_received=self.writer.spans_received)
