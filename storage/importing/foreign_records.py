"""The foreign side of ``storage.importing.native.RecordWriter``: documents of other formats.

Foreign importers (brat, doccano, Prodigy, CoNLL, WebAnno, …) hand their documents here rather
than building native records: the text is already in stored form and offsets and repeats were
checked by ``ForeignWriter``, so what is left is what the project knows (labels, attributes,
events). The commonest documents (spans given by start, end and label, maybe one foreign id each,
plain events) are checked over whole columns and queued as columns; anything unusual returns
False and goes through ``add_document``, whose slow paths word the refusal or grow the scheme.

A mixin: ``RecordWriter`` holds the state (scheme, batch, layer, stamp, counts) and the shared
checks these methods call (``_claim``, ``_existing``, ``_receive``, ``_check_span``, …).
"""
from __future__ import annotations

import json
from collections import Counter
from itertools import chain, repeat
from operator import contains, eq, itemgetter, methodcaller
from typing import Any, Sequence

from storage import article_status
from storage.importing.columns import attributes_json, plain_ok
from storage.importing.intake import MAX_ID
from storage.model import SchemeError, SpanAttribute
from storage.text import content_hash

_SPAN_LABEL = itemgetter(4)
_FIRST = itemgetter(0)
_json_string = json.encoder.encode_basestring  # a str as JSON, non-ASCII kept: json.dumps(s, ensure_ascii=False)
# A document's events for ``add_plain_document``, as columns: per event its trigger's span index,
# type (None: untyped), attributes as stored JSON and number of arguments; per argument, event
# after event, its role and span index.
PlainEvents = tuple[list[int], "list[str | None]", list[str], list[int], list[str], list[int]]


def _plain_text(attribute: SpanAttribute | None) -> bool:
    """A span attribute any non-blank string passes unchanged (free text, one value)."""
    return attribute is not None and attribute.kind == "text" and not attribute.multi


class ForeignRecords:
    """``RecordWriter``'s methods for foreign documents (see the module's docstring)."""

    # Set by RecordWriter.__init__ (and its rounds); listed for readers and type checkers.
    _scheme: Any
    _rows: dict[str, list[Any]]
    _layer: str | None
    _stamp: str
    _no_origin: str
    _line: int | None
    _receiving: set[int]
    _hashes: dict[str, int]
    _owns_batch: bool
    _conn: Any
    _attribute_sets: Any
    spans_added: int
    spans_received: int
    events_added: int

    def add_document(self, text: str, meta: dict[str, Any], spans: list[tuple[Any, ...]],
                     events: list[dict[str, Any]], line: int | None) -> None:
        """One foreign document, its text already in stored form and its spans checked against
        it by ``ForeignWriter`` (offsets, repeats): ``(local id, start, end, label, annotator,
        attributes or None)`` each. What is checked here is what the project knows (labels,
        attributes, events); no native record is built, a saving on every span."""
        self._line = line
        try:
            article_id = self._foreign_article(text, meta)
            if article_id is None:
                return
            span_ids, span_labels = self._foreign_spans(article_id, len(text), spans, events)
            self._read_events(article_id, events, span_ids, span_labels)
        except SchemeError as exc:  # from the slow paths that extend the scheme
            self._fail(str(exc))
        self._queued(line)

    def add_plain_spans(self, text: str, meta: dict[str, Any], starts: list[Any], ends: list[Any],
                        labels: list[Any], line: int | None) -> bool:
        """``add_document`` for the commonest foreign document: spans given only by start, end and
        label, each checked at C speed over whole columns (the text's own, normalised already).
        False, with nothing queued, when anything is unusual (a new label, a repeat, a bad
        offset…): the caller then goes through ``add_document``, which says what it is."""
        if not plain_ok(len(text), self._scheme.kinds.keys(), starts, ends, labels):
            return False
        self._line = line
        article_id = self._foreign_article(text, meta)
        if article_id is not None:
            stored = self._claim("spans", [None] * len(starts))
            if stored:  # the rows of _foreign_spans, as columns: RowBatch makes them as it writes them
                self._rows["span_blocks"].append((stored, article_id, starts, ends, labels, self._layer, self._stamp,
                                                  self._no_origin))
            self.spans_added += len(stored)
            if article_id in self._receiving:
                self.spans_received += len(stored)
            self._queued(line)
        return True

    def add_plain_document(self, text: str, meta: dict[str, Any], starts: list[int], ends: list[int],
                           labels: list[Any], line: int | None, *, traced: tuple[str, Sequence[str]],
                           events: PlainEvents | None) -> bool:
        """``add_plain_spans`` for a document whose spans each carry one text attribute (a foreign
        id: ``traced`` is its name and a value per span) and whose events are plain, as columns
        (``PlainEvents``). The caller read the offsets as digits and the values as non-blank
        strings (brat's expressions), so they are whole numbers from 0 and strings; everything
        else is checked as ``add_document`` would check it, over whole columns: False, with
        nothing queued, when anything is unusual (a label, role, event type or attribute the
        scheme lacks or would widen, a repeat, an argument twice…)."""
        name, values = traced
        scheme = self._scheme
        if not (plain_ok(len(text), scheme.kinds.keys(), starts, ends, labels, whole=True)
                and len(values) == len(starts)
                and all(map(_plain_text, map(methodcaller("get", name), map(scheme.span_attributes.__getitem__,
                                                                             set(labels)))))
                and (events is None or self._plain_events_ok(labels, events))):
            return False
        self._line = line
        article_id = self._foreign_article(text, meta)
        if article_id is not None:
            stored = self._claim("spans", [None] * len(starts))
            if stored:  # as columns, like add_plain_spans: RowBatch makes the rows as it writes them
                self._rows["span_blocks"].append((stored, article_id, starts, ends, labels, self._layer, self._stamp,
                                                  self._no_origin))
            if stored and stored[-1] - stored[0] == len(stored) - 1:  # fresh ids, consecutive: one run
                self._rows["span_attribute_runs"].append((stored[0], name, values, article_id))
            else:
                self._rows["span_attributes"].extend(zip(stored, repeat(name), map(_json_string, values)))
            self.spans_added += len(stored)
            if article_id in self._receiving:
                self.spans_received += len(stored)
            if events is not None:
                triggers, kinds, attributes, counts, roles, spans = events
                fresh = self._claim("events", [None] * len(triggers))
                span_id = stored.__getitem__
                self._rows["events"].extend(zip(fresh, repeat(article_id), map(span_id, triggers), kinds, attributes,
                                                repeat(self._layer), repeat(self._stamp), repeat(None), repeat(None)))
                self._rows["arguments"].extend(zip(chain.from_iterable(map(repeat, fresh, counts)), roles,
                                                   map(span_id, spans)))
                self.events_added += len(triggers)
            self._queued(line)
        return True

    def _plain_events_ok(self, labels: list[str], events: PlainEvents) -> bool:
        """The events as ``_read_events`` would take them without adding to the scheme or failing:
        triggers of trigger labels, known types, roles that take their spans' labels, within
        their maximum, no argument the trigger or twice in its event (attributes were checked by
        ``plain_event_attributes`` as they were made). Over whole columns: the labels are known
        (``plain_ok`` saw them)."""
        scheme = self._scheme
        triggers, kinds, _, counts, roles, spans = events
        role_labels = scheme.role_labels
        owners = list(chain.from_iterable(map(repeat, triggers, counts)))  # each argument's trigger
        if ({scheme.kinds[label] for label in set(map(labels.__getitem__, triggers))} != {"trigger"}
                or not set(kinds) - {None} <= scheme.types or not set(roles) <= role_labels.keys()
                or not all(map(contains, map(role_labels.__getitem__, roles), map(labels.__getitem__, spans)))
                or any(map(eq, spans, owners))):
            return False
        # No trigger with a role twice: no event with a role twice, nor an argument twice, and
        # any maximum (at least 1) is kept. Otherwise each event is told apart by its number.
        if len(set(zip(owners, roles))) == len(roles):
            return True
        numbers = list(chain.from_iterable(map(repeat, range(len(counts)), counts)))
        if len(set(zip(numbers, roles, spans))) != len(roles):
            return False
        role_max = scheme.role_max
        return all(role_max[role] is None or count <= role_max[role]
                   for (_, role), count in Counter(zip(numbers, roles)).items())

    def plain_event_attributes(self, attributes: dict[str, Any]) -> str | None:
        """An event's attributes as ``_read_events`` stores them, or None when one is an attribute
        the scheme lacks (``add_document`` adds it) or a value it refuses (and says why)."""
        if not attributes.keys() <= self._scheme.attributes.keys():
            return None
        try:
            return attributes_json(self._scheme, self._attribute_sets, attributes)
        except SchemeError:
            return None

    def earlier_article(self, text: str) -> int | None:
        """The article this file already wrote (or received) with this stored text, else None.
        Only a writer that writes its own rows knows: a shared batch holds other files' articles."""
        return self._hashes.get(content_hash(text)) if self._owns_batch else None

    def extend_article(self, article_id: int, text: str, meta: dict[str, Any], spans: list[tuple[Any, ...]],
                       events: list[dict[str, Any]], line: int | None, *, repeats: Any) -> None:
        """More of one document for an article this file wrote earlier (Prodigy asks about one text
        in several tasks, not always one after another): its spans that the article lacks are
        added, those it has stand for themselves (counted in ``repeats``), and an accepted task
        makes the article done. Rows written so far are flushed, so the article's spans are read
        back from the file's own transaction: a rare path, never a per-span cost."""
        self._line = line
        self.flush()  # type: ignore[attr-defined]
        have = {(start, end, label, annotator): span_id for span_id, start, end, label, annotator in
                self._conn.execute('SELECT id, start, "end", label, annotator FROM spans WHERE article_id = ?',
                                   [article_id])}
        fresh, known = [], {}
        for row in spans:
            span_id = have.get((row[1], row[2], row[3], row[4] if self._layer is None else self._layer))
            if span_id is None:
                fresh.append(row)
            else:
                known[row[0]] = span_id
                repeats["repeated span (collapsed)"] += 1
        try:
            span_ids, span_labels = self._foreign_spans(article_id, len(text), fresh, events)
            if events:
                span_ids.update(known)
                span_labels.update({local: label for local, _, _, label, _, _ in spans if local in known})
                self._read_events(article_id, events, span_ids, span_labels)  # type: ignore[attr-defined]
        except SchemeError as exc:
            self._fail(str(exc))  # type: ignore[attr-defined]
        if meta.get("status") == "done" and self._layer is None:
            article_status.set_status(self._conn, article_id, "done", stamp=self._stamp, unless_already=True)
        self._queued(line)  # type: ignore[attr-defined]

    def _foreign_article(self, text: str, meta: dict[str, Any]) -> int | None:
        """The article a foreign document's spans go to: new, or received by this file's layer;
        None for a duplicate (counted)."""
        digest = content_hash(text)
        existing, received = self._existing(digest)
        if existing is not None and not received:
            return None
        article_id = self._receive(existing, digest) if received else self._new_article(text, digest, meta, None)
        self._layer_status(article_id, meta)
        return article_id

    def _foreign_spans(self, article_id: int, length: int, spans: list[tuple[Any, ...]],
                       events: list[Any]) -> tuple[dict[Any, int], dict[Any, str]]:
        """``_read_spans`` for ``add_document``'s span tuples: fresh ids, this import's origin.

        Offsets and repeats were checked by ``ForeignWriter``; labels, annotators and attributes
        are checked here, the messages (the slow path) shared with native spans."""
        kinds, stamp, origin, layer = self._scheme.kinds, self._stamp, self._no_origin, self._layer
        stored = self._claim("spans", [None] * len(spans))
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        attributes: list[tuple[int, list[tuple[str, str]]]] = []
        for index, (span_id, (local, start, end, label, annotator, values)) in enumerate(zip(stored, spans)):
            if (type(local) is not int or not 0 < local <= MAX_ID or type(label) is not str or label not in kinds
                    or (annotator is not None and type(annotator) is not str)):
                self._check_span(index, {"id": local, "start": start, "end": end, "label": label,
                                         "annotator": annotator}, length, events)
            append((span_id, article_id, start, end, label, annotator if layer is None else layer, stamp, origin,
                    None, None))  # no taken_from, a fresh uid
            if values is not None:
                attributes.append((index, self._span_attributes(local, index, label, values)))
        local_ids = list(map(_FIRST, spans))
        if len(set(local_ids)) != len(local_ids):
            self._find_repeat(local_ids, rows)
        self._queue_spans(article_id, rows, stored, attributes)
        if not events:  # the maps only serve events, which most foreign documents lack
            return {}, {}
        return dict(zip(local_ids, stored)), dict(zip(local_ids, map(_SPAN_LABEL, rows)))
