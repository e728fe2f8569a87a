"""Reading a project for export: articles in id order, in batches, each checked before any format sees it.

Exports must work on projects far larger than memory allows to hold at once, so articles are read
``BATCH_SIZE`` at a time (keyset pagination on the id) and the spans, events and event arguments of
a batch come from one query each. Rows stay plain named tuples: building a frozen ``storage.model``
dataclass per span would cost more than the JSON encoding of the export itself.

Every article is checked against its own text before it is handed on (``check_article``): a span
outside the text, a text that no longer matches its content hash, or an event pointing at a span of
another article stops the export with an ``ExportError`` naming the article and the span or event,
because silently writing shifted offsets would poison training data.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from itertools import chain, groupby, repeat
from operator import ge, itemgetter
from typing import Any, Callable, Iterable, NamedTuple, Iterator, TextIO

from storage import span_attribute_runs as runs
from storage import article_status as own
from storage.article_status import OWN_STATUS, has_status
from storage.model import AnnotatorError, Scheme
from storage.schema import has_layer_tables
from storage.uids import has_ranges, uid_sql
from storage.text import content_hash

BATCH_SIZE = 200

Progress = Callable[[int, int, str], None]


class ExportError(AnnotatorError):
    """An export refused to write: bad data in the project, bad options, or an unwritable file."""

    def __init__(self, message: str, *, article_id: int | None = None, span_id: int | None = None,
                 event_id: int | None = None) -> None:
        self.article_id = article_id
        self.span_id = span_id
        self.event_id = event_id
        super().__init__(message)


class SpanRow(NamedTuple):
    id: int
    start: int
    end: int
    label: str
    annotator: str | None
    created: str
    article_id: int
    origin: str  # manual, suggestion:<recommender>, import:<format>, merge:<annotator>
    taken_from: str | None = None  # a gold span's source layer (storage/team); None: made in its own
    uid: str | None = None  # its id across files, read only for a project with team layers


# Fields of the rows read here, taken in C (see _fill)
_ID, _START, _END, _ARTICLE_ID = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(6)  # of a SpanRow
_EVENT_ID, _ROLE_AND_SPAN = itemgetter(0), itemgetter(1, 2)  # of an argument row


class ArgumentRow(NamedTuple):
    role: str
    span_id: int


class EventRow(NamedTuple):
    id: int
    trigger_id: int
    type: str | None
    attributes: dict[str, Any]  # shared by the batch's events with the same attributes: read only
    annotator: str | None
    created: str
    arguments: list[ArgumentRow]
    taken_from: str | None = None  # as SpanRow's
    uid: str | None = None


_TRIGGER_ID = itemgetter(EventRow._fields.index("trigger_id"))  # of an EventRow
_ARGUMENTS = itemgetter(EventRow._fields.index("arguments"))
_SPAN_OF = itemgetter(ArgumentRow._fields.index("span_id"))  # of an ArgumentRow


@dataclass(slots=True)
class ArticleData:
    """One article with its spans (text order) and events (trigger text order), as read for export."""

    id: int
    text: str
    title: str
    date: str | None
    source: str | None
    status: str
    created: str
    updated: str
    content_hash: str
    spans: list[SpanRow] = field(default_factory=list)  # plain tuples in that order until name_spans
    events: list[EventRow] = field(default_factory=list)
    span_attributes: dict[int, dict[str, Any]] = field(default_factory=dict)  # only spans that have any
    attributes: dict[str, Any] = field(default_factory=dict)  # the article's own (its PLOVER contexts)
    layer_status: dict[str, dict[str, str]] = field(default_factory=dict)  # layer -> {status, updated}
    curation: list[dict[str, Any]] = field(default_factory=list)  # the curator's decisions, text order


@dataclass
class ExportReport:
    """What an export wrote and what it had to leave out, by reason."""

    format: str
    path: str
    articles: int = 0
    records: int = 0
    spans: int = 0
    events: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    docbin: str | None = None
    docs: int = 0
    dropped_where: dict[str, str] = field(default_factory=dict)  # reason -> "from the DocBin"…
    # What a format kept but had to change, e.g. {("token", "split at a span edge inside a word"): 2}.
    changed: dict[tuple[str, str], int] = field(default_factory=dict)
    changed_example: dict[tuple[str, str], str] = field(default_factory=dict)  # the first one, to show
    flagged: dict[str, int] = field(default_factory=dict)  # frame problem kind -> events (storage.frames)
    flagged_events: int = 0
    flagged_names: list[str] = field(default_factory=list)  # the first few, "article 3 event 7 (no type)"
    notes: list[str] = field(default_factory=list)  # what the export repaired or cleared on its way in
    left_out: list[str] = field(default_factory=list)  # articles the chosen layer does not cover, and why

    def drop(self, reason: str, count: int = 1, *, where: str | None = None) -> None:
        """Count spans (or arguments) a format could not hold; ``reason`` is an adjective ("overlapping").

        ``where`` says what lost them when it is not the whole output, e.g. "from the DocBin":
        a user told only "dropped" would think the JSON Lines lack them too.
        """
        if count:
            self.dropped[reason] = self.dropped.get(reason, 0) + count
            if where is not None:
                self.dropped_where[reason] = where

    def change(self, noun: str, what: str, count: int = 1, *, example: str | None = None) -> None:
        """Count things a format kept but changed (``noun`` "token", ``what`` "split at …"), so the
        summary says so; ``example`` (the first one seen) shows the user what is meant."""
        if count:
            key = (noun, what)
            self.changed[key] = self.changed.get(key, 0) + count
            if example is not None:
                self.changed_example.setdefault(key, example)

    def summary(self) -> str:
        """One line, e.g. "wrote 12 records (12 articles, 340 spans, 25 events) to out.jsonl; dropped 3
        overlapping spans (hf-bio)"."""
        line = (f"wrote {_count(self.records, 'record')} ({_count(self.articles, 'article')}, "
                f"{_count(self.spans, 'span')}, {_count(self.events, 'event')}) to {self.path}")
        if self.docbin is not None:
            line += f" and {_count(self.docs, 'doc')} to {self.docbin}"
        for reason in self.left_out:
            line += f"; {reason}"
        if self.dropped:
            parts = [f"{n} {reason} {'span' if n == 1 else 'spans'}"
                     + (f" {self.dropped_where[reason]}" if reason in self.dropped_where else "")
                     for reason, n in sorted(self.dropped.items())]
            line += f"; dropped {', '.join(parts)} ({self.format})"
        for (noun, what), n in sorted(self.changed.items()):
            example = self.changed_example.get((noun, what))
            line += f"; {_count(n, noun)} {what}" + (f", e.g. {example}" if example else "")
        if self.flagged_events:
            kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.flagged.items()))
            named = "; ".join(self.flagged_names) + ("; …" if self.flagged_events > len(self.flagged_names) else "")
            line += (f"; {_count(self.flagged_events, 'event frame')} flagged ⚠ ({kinds}), "
                     f"written as they are: {named} (--strict refuses them)")
        for note in self.notes:
            line += f"; note: {note}"
        return line


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass(frozen=True)
class ExportContext:
    """What a format writer needs besides the articles: the scheme and the format's options."""

    scheme: Scheme
    relations: bool = False
    docbin: Path | None = None  # where the spaCy writer saves its DocBin (a temporary file)
    layers: list[dict[str, Any]] = field(default_factory=list)  # the ``layers`` table: provenance
    team: dict[str, str] = field(default_factory=dict)  # a master's identity (storage.exporting.layers)


Writer = Callable[[Iterable[ArticleData], TextIO, ExportReport, ExportContext], None]


# One encoder for every record: json.dumps with keyword arguments builds a new encoder per call.
# Records are trees the writers build afresh, never circular: not checking saves ~7% of encoding.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
# Valid inside JSON strings, but str.splitlines() and JavaScript treat them as line breaks, which
# would cut a JSON Lines record in two for some readers; escaping keeps one record per line.
_LINE_BREAKS = re.compile("[\u0085\u2028\u2029]")


def json_line(record: Any) -> str:
    """``record`` as one compact JSON Lines line (UTF-8 text, key order as built, "\\n" ended)."""
    return as_line(json_text(record))


def json_text(record: Any) -> str:
    """``record`` as compact JSON (key order as built); bytes in it say the file is damaged."""
    try:
        return _encode(record)
    except TypeError as exc:
        if "bytes" not in str(exc):
            raise
        # We never store a BLOB: bytes here are flipped bits in a record's type byte, a damage
        # SQLite itself does not notice. Said as SQLite says damage, so every caller words it the same.
        raise sqlite3.DatabaseError("database disk image is malformed (a stored text reads back as bytes)") from exc


def as_line(text: str) -> str:
    """Compact JSON ``text`` as one JSON Lines line: the line breaks JSON lets stand inside strings
    escaped, "\\n" added."""
    # Three substring tests are several times faster than one regex search over a long text.
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + "\n"


def count_articles(conn: sqlite3.Connection, status: str | None, *, status_sql: str = OWN_STATUS) -> int:
    if status is None:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return conn.execute(f"SELECT count(*) FROM articles WHERE {has_status(status_sql, [status])}").fetchone()[0]


def iter_batches(conn: sqlite3.Connection, *, status: str | None = None, batch_size: int = BATCH_SIZE,
                 named: bool = True, status_sql: str = OWN_STATUS) -> Iterator[list[ArticleData]]:
    """Lists of checked articles in id order, ``batch_size`` at a time, each with its spans and events.

    ``named`` False leaves each article's spans plain tuples in ``SpanRow``'s field order until
    the caller passes the article to :func:`name_spans`, just before a writer sees it. A batch's
    rows live while the whole batch is worked through, and the garbage collector keeps scanning
    tuple subclasses such as ``SpanRow`` for as long as they live (plain tuples of strings and
    numbers it stops tracking): named one article at a time, they die young, which saves about a
    tenth of a large export.

    ``status_sql`` reads each article's status for ``status`` (the exported layer's in a master:
    ``storage.team.layer_status.export_status_sql``).
    """
    status_clause = f" AND {has_status(status_sql, [status])}" if status is not None else ""
    team = has_layer_tables(conn)
    # uids ride along only where layers were merged or imported: there they are what a later
    # merge matches by; an ordinary project's export stays as it was.
    uids = team and conn.execute("SELECT 1 FROM layers LIMIT 1").fetchone() is not None
    # Tables most projects leave empty are not asked again for every batch (asked here, inside
    # the caller's read snapshot, their answer holds for the whole export).
    # (span_attribute_runs: not in a file of an older version, opened read-only unmigrated.)
    filled = frozenset(table for table in _SOMETIMES_EMPTY[:3 + 3 * team]
                       if (table != runs.RUNS_TABLE or runs.has_runs_table(conn))
                       and conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0])
    last_id = -1
    while True:
        batch = [
            ArticleData(*row)
            for row in conn.execute(
                f"SELECT id, text, title, date, source, {own.STATUS}, created, {own.UPDATED}, content_hash "
                f"FROM articles {own.JOIN} WHERE id > ?{status_clause} ORDER BY id LIMIT ?", [last_id, batch_size])
        ]
        if not batch:
            return
        try:
            _fill(conn, {article.id: article for article in batch}, team=team, uids=uids, filled=filled)
        except KeyError as exc:  # a row's article id is none its index found it by: only damage does that
            raise ExportError(f"a row of article {batch[0].id}-{batch[-1].id} names article {exc.args[0]!r}; "
                              "the project file is damaged (restore it from a backup)") from None
        for article in batch:
            check_article(article)
            if named:
                name_spans(article)
        last_id = batch[-1].id  # before the caller empties the batch (storage.exporting does)
        yield batch


_SOMETIMES_EMPTY = ("span_attributes", "span_attribute_runs", "article_attributes", "layer_status",
                    "curation_decisions", "curation_frame_decisions")  # the last three: a project with team layers


def _fill(conn: sqlite3.Connection, by_id: dict[int, ArticleData], *, team: bool = True,
          uids: bool = False, filled: frozenset[str] = frozenset(_SOMETIMES_EMPTY)) -> None:
    """Attach spans, events and arguments to the batch's articles: one query per table (of the
    ``filled`` ones among those that are often empty)."""
    ids = list(by_id)
    marks = ",".join("?" * len(ids))
    taken_from = "taken_from" if team else "NULL"
    ranges = uids and has_ranges(conn)
    uid = uid_sql("spans", "spans", ranges=ranges) if uids else "NULL"
    # Per-span Python work is most of an export's cost, so spans are grouped in C: groupby hands
    # each article its run of rows (they come ordered by article), still plain tuples (iter_batches).
    for article_id, spans in groupby(conn.execute(
            f'SELECT id, start, "end", label, annotator, created, article_id, origin, {taken_from}, {uid} FROM spans '
            f'WHERE article_id IN ({marks}) ORDER BY article_id, start, "end" DESC, id', ids), _ARTICLE_ID):
        by_id[article_id].spans = list(spans)
    for article_id, span_id, name, value in () if "span_attributes" not in filled else conn.execute(
            "SELECT spans.article_id, span_id, name, value FROM span_attributes "
            f"JOIN spans ON spans.id = span_id WHERE spans.article_id IN ({marks}) "
            "ORDER BY span_id, name", ids):
        by_id[article_id].span_attributes.setdefault(span_id, {})[name] = json.loads(value)
    for article_id, name, first, encoded in () if "span_attribute_runs" not in filled else \
            runs.runs_in_articles(conn, ids):  # an import's foreign ids (storage.span_attribute_runs)
        runs.add_values(by_id[article_id].span_attributes, [(name, first, encoded)])
    for article_id, name, value in () if "article_attributes" not in filled else conn.execute(
            f"SELECT article_id, name, value FROM article_attributes WHERE article_id IN ({marks}) "
            "ORDER BY article_id, name", ids):
        by_id[article_id].attributes[name] = json.loads(value)
    if team:
        for article_id, layer, status, updated in () if "layer_status" not in filled else conn.execute(
                f"SELECT article_id, layer, status, updated FROM layer_status WHERE article_id IN ({marks}) "
                "ORDER BY article_id, layer", ids):
            by_id[article_id].layer_status[layer] = {"status": status, "updated": updated}
        for article_id, start, end, decision, created in () if "curation_decisions" not in filled else conn.execute(
                'SELECT article_id, start, "end", decision, created FROM curation_decisions '
                f'WHERE article_id IN ({marks}) ORDER BY article_id, start, "end"', ids):
            by_id[article_id].curation.append({"start": start, "end": end, "decision": decision, "created": created})
        for article_id, start, end, decision, created in () if "curation_frame_decisions" not in filled else \
                conn.execute(  # event-frame decisions, marked so
                'SELECT article_id, start, "end", decision, created FROM curation_frame_decisions '
                f'WHERE article_id IN ({marks}) ORDER BY article_id, start, "end"', ids):
            by_id[article_id].curation.append({"start": start, "end": end, "decision": decision, "created": created,
                                               "frame": True})
    events: dict[int, EventRow] = {}
    parsed: dict[str, Any] = {}  # a corpus repeats a few attribute sets: each is parsed once a batch
    for article_id, event_id, trigger_id, kind, attributes, annotator, created, event_from, event_uid in conn.execute(
            "SELECT events.article_id, events.id, trigger_id, type, attributes, events.annotator, "
            f"events.created, {'events.taken_from' if team else 'NULL'}, "
            f"{uid_sql('events', 'events', ranges=ranges) if uids else 'NULL'} "
            "FROM events JOIN spans ON spans.id = trigger_id "
            f"WHERE events.article_id IN ({marks}) ORDER BY events.article_id, spans.start, events.id",
            ids):
        values = parsed.get(attributes)
        if values is None:
            try:
                values = parsed[attributes] = json.loads(attributes)
            except (TypeError, ValueError):  # the file's json_valid CHECK makes this damage, not input
                raise ExportError(f"article {article_id}, event {event_id}: its attributes are not JSON; the "
                                  "project file is damaged (restore it from a backup)") from None
        event = EventRow(event_id, trigger_id, kind, values, annotator, created, [], event_from, event_uid)
        events[event_id] = event
        by_id[article_id].events.append(event)
    if not events:
        return
    for event_id, rows in groupby(conn.execute(
            # The store's argument order: scheme order of roles, then text order.
            "SELECT event_id, role, span_id FROM arguments JOIN events ON events.id = event_id "
            "JOIN roles ON roles.name = role JOIN spans ON spans.id = span_id "
            f"WHERE events.article_id IN ({marks}) "
            'ORDER BY event_id, roles.position, spans.start, spans."end", span_id', ids), _EVENT_ID):
        event = events.get(event_id)
        if event is None:  # an index and its table disagree: only a damaged file does that
            raise ExportError(f"event {event_id}: its arguments have no event; the project file is "
                              "damaged (restore it from a backup)", event_id=event_id)
        event.arguments.extend(map(tuple.__new__, repeat(ArgumentRow), map(_ROLE_AND_SPAN, rows)))


def name_spans(article: ArticleData) -> None:
    """Make the article's spans ``SpanRow`` s (see ``iter_batches``); tuple.__new__ does it in C,
    where ``SpanRow._make`` would be a Python call per span."""
    article.spans = list(map(tuple.__new__, repeat(SpanRow), article.spans))


def check_article(article: ArticleData) -> None:
    """Refuse an article whose spans or events do not fit its text (see the module docstring).

    Spans are stored as offsets only, so their text is always ``text[start:end]``; what can go
    wrong is the text itself being changed behind the store's back (raw SQL, a broken tool): the
    content hash catches an edit of the same length, the bounds check one that shortened it.
    """
    text = article.text
    length = len(text)
    spans = article.spans
    # The common case (every span fits) tested in C; the span to name is looked for only on failure.
    if spans and (min(map(_START, spans)) < 0 or max(map(_END, spans)) > length
                  or any(map(ge, map(_START, spans), map(_END, spans)))):
        _refuse_outside(article, length)
    if content_hash(text) != article.content_hash:
        first = _ID(spans[0]) if spans else None
        raise ExportError(
            f"article {article.id}" + (f", span {first}" if first is not None else "")
            + ": the article text no longer matches its content hash (changed outside the app?), so "
            "span offsets cannot be trusted; export stopped",
            article_id=article.id, span_id=first)
    events = article.events
    if events:
        span_ids = set(map(_ID, spans))
        # The common case (every trigger and argument a span of the article) tested in C.
        if span_ids.issuperset(map(_TRIGGER_ID, events)) and span_ids.issuperset(
                map(_SPAN_OF, chain.from_iterable(map(_ARGUMENTS, events)))):
            return
        for event in events:
            for span_id in (event.trigger_id, *(a.span_id for a in event.arguments)):
                if span_id not in span_ids:
                    raise ExportError(
                        f"article {article.id}, event {event.id}: span {span_id} is not a span of "
                        "this article; the project file looks damaged (restore it from a backup); "
                        "export stopped",
                        article_id=article.id, span_id=span_id, event_id=event.id)


def _refuse_outside(article: ArticleData, length: int) -> None:
    """Name the first span of ``article`` outside its text (``check_article`` found there is one)."""
    for span in map(SpanRow._make, article.spans):  # plain tuples until name_spans
        if not 0 <= span.start < span.end <= length:
            raise ExportError(
                f"article {article.id}, span {span.id}: offsets {span.start}..{span.end} are outside "
                f"the article text (0..{length}); the project file looks damaged (restore it from a "
                "backup); export stopped",
                article_id=article.id, span_id=span.id)
