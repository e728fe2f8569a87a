"""Writing the gold layer with provenance: the pieces span and frame curation share.

Gold annotations are ordinary spans and events whose layer (``annotator``) is ``gold``;
``taken_from`` says which annotator layer one came from (``agreed`` when every annotator had
it, NULL when the curator made it). Every helper here runs inside the caller's transaction
(they are savepoints of it), and removals return everything needed to put the annotation back
with the **same ids** (``Project.remove_span``/``remove_event`` keep uid and ``taken_from`` for
their restore): a later undo command may name those ids, so an undo/redo never renumbers.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from storage import span_attributes, uids
from storage.model import AnnotatorError, Event
from storage.project import Project
from storage.team.matching import SpanAnn
from storage.team.packets import GOLD


@dataclass(frozen=True)
class GoldSpan:
    """A gold span as curation saw it when it made or removed it."""

    id: int
    span: SpanAnn
    taken_from: str | None
    attributes: Mapping[str, Any]


@dataclass(frozen=True)
class GoldEvent:
    """A gold event (with its arguments) and where it came from."""

    event: Event
    taken_from: str | None


def gold_spans_in(project: Project, article_id: int, start: int, end: int) -> list[tuple[int, SpanAnn, str | None]]:
    """Gold spans overlapping ``[start, end)``: id, position and label, provenance."""
    # coalesce(annotator, '') as the layer index has it: a range of the index, not the article's
    # every span (~10 ms on 38,000, paid by each curation decision)
    return [(row[0], SpanAnn(row[1], row[2], row[3]), row[4]) for row in project.db.execute(
        'SELECT id, start, "end", label, taken_from FROM spans WHERE article_id = ? AND coalesce(annotator, \'\') = ? '
        'AND start < ? AND "end" > ? ORDER BY start, "end", label', [article_id, GOLD, end, start])]


def find_gold_span(project: Project, article_id: int, span: SpanAnn) -> int | None:
    row = project.db.execute(
        'SELECT id FROM spans WHERE article_id = ? AND coalesce(annotator, \'\') = ? AND start = ? AND "end" = ? '
        "AND label = ?",
        [article_id, GOLD, span.start, span.end, span.label]).fetchone()
    return row[0] if row else None


def insert_gold_span(project: Project, article_id: int, span: SpanAnn, taken_from: str | None, *,
                     span_id: int | None = None, attributes: Mapping[str, Any] | None = None) -> GoldSpan:
    """A new gold span through the store's checks (label, bounds, duplicates), with provenance."""
    made = project.add_span(article_id, span.start, span.end, span.label, annotator=GOLD, span_id=span_id,
                            attributes=attributes or None)
    project.db.execute("UPDATE spans SET taken_from = ? WHERE id = ?", [taken_from, made.id])
    return GoldSpan(made.id, span, taken_from, dict(attributes or {}))


def insert_gold_spans(project: Project, article_id: int, spans: Sequence[SpanAnn], taken_from: str, *,
                      created: str) -> None:
    """``spans`` into the article's gold layer in bulk, with provenance ``taken_from``: the
    auto-merge's ~8,000 agreed spans of a big article as one INSERT … SELECT per label.

    Inside the caller's transaction. Their uids are derived (NULL, and a range in ``uid_ranges``,
    as a bulk import leaves them: ``storage.uids``), so the uid index is not touched. The row
    triggers an insert into ``spans`` runs cost a sub-program per row (~10,000 instructions, more
    than the insert itself), so they are set aside for this statement and their rules checked here
    once for all the rows, inside the same transaction: every offset within the article's text
    (``spans_within_text_insert``), the range of the derived uids recorded (``spans_uid_derivable``),
    and what the foreign keys would check per row, for :func:`unchecked_references`: the article
    and every label exist. The UNIQUE index and the CHECKs stay on.
    """
    if not spans:
        return
    conn = project.db.conn
    row = conn.execute("SELECT length FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None or max(span.end for span in spans) > row[0]:
        raise AnnotatorError(f"a gold span of article {article_id} would end past the end of its text")
    extents: dict[str, list[int]] = {}  # label -> each span as one integer (start << 32 | end)
    for start, end, label in spans:
        extents.setdefault(label, []).append(start << 32 | end)
    known = {name for (name,) in conn.execute(  # the labels' foreign key, checked once (unchecked_references)
        f"SELECT name FROM labels WHERE name IN ({', '.join('?' * len(extents))})", list(extents))}
    if len(known) < len(extents):
        raise AnnotatorError(f"the scheme has no label {', '.join(sorted(set(extents) - known))}")
    (top,) = conn.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()
    latest = uids.latest_range(conn, "spans")
    first = max(top, latest[0] if latest else 0) + 1  # above every id and range (as RowBatch does)
    uids.record_range(conn, "spans", first, secrets.token_hex(8))
    with _set_aside(conn, _INSERT_TRIGGERS):
        for label, values in extents.items():  # json_each gives a number, not an array parsed per row
            conn.execute('INSERT INTO spans (id, article_id, start, "end", label, annotator, created, taken_from, uid) '
                         "SELECT ?1 + key, ?2, value >> 32, value & 4294967295, ?3, ?4, ?5, ?6, NULL "
                         "FROM json_each(?7)", [first, article_id, label, GOLD, created, taken_from, json.dumps(values)])
            first += len(values)


@contextmanager
def unchecked_references(project: Project) -> Iterator[None]:
    """Foreign keys off around a transaction whose writes check their references themselves, once
    (``insert_gold_spans``): per row they were ~15 % of the auto-merge's SQL. SQLite only switches
    them between transactions, so inside one already open this changes nothing (they stay on)."""
    conn = project.db.conn
    own = not conn.in_transaction
    if own:
        conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        if own:
            conn.execute("PRAGMA foreign_keys = ON")


# The row triggers of an INSERT INTO spans whose rules insert_gold_spans checks itself.
_INSERT_TRIGGERS = ("spans_within_text_insert", "spans_uid_derivable")


@contextmanager
def _set_aside(conn: sqlite3.Connection, names: Sequence[str]) -> Iterator[None]:
    """Drop the triggers ``names`` for the block and create them again after it, inside the
    caller's transaction: other connections never see them missing, and a rollback keeps them.
    Outside a transaction the DROP would commit at once, and a crash before the CREATE would
    leave the project without them for good: refused."""
    if not conn.in_transaction:
        raise RuntimeError("triggers are set aside only inside a transaction")
    saved = [sql for name in names for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name])]
    for name in names:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    try:
        yield
    finally:
        # SQLite may have rolled the whole transaction back itself (a full disk, an I/O error):
        # the DROP is undone with it, and CREATE would hide that error behind "already exists".
        if conn.in_transaction:
            for sql in saved:
                conn.execute(sql)


def span_attributes_of(project: Project, span_id: int) -> dict[str, Any]:
    return dict(span_attributes.values_of(project.db, [span_id]).get(span_id, {}))


def restore_gold_event(project: Project, gold: GoldEvent) -> None:
    """Put back an event this module made, with its id, arguments and provenance."""
    project.restore_event(gold.event)
    project.db.execute("UPDATE events SET taken_from = ? WHERE id = ?", [gold.taken_from, gold.event.id])


def set_span_provenance(project: Project, span_id: int, taken_from: str | None) -> None:
    project.db.execute("UPDATE spans SET taken_from = ? WHERE id = ?", [taken_from, span_id])
