"""Runs: one text attribute of a document's consecutive spans, stored as one row.

A brat folder's import gives every span its ``T`` id as ``source_id``; a row of ``span_attributes``
per span was a tenth of that import's time (500,000 rows and their index). An import writes them
instead as a run per document in ``span_attribute_runs``: the article, the attribute's name, the
first and last span id, and the values as one JSON array, ``values[k]`` being span ``first + k``'s
(JSON null: none; only strings otherwise).

To the rest of the program a run's values are span attributes like any other, because every
reader goes through this module or ``storage.span_attributes``:

* Python readers (``span_attributes.values_of`` / ``values_in_articles``, the exports' batches)
  add a run's values with :func:`add_values`;
* SQL readers (team merge and packets) select from :func:`values_sql`, the rows and the runs'
  values as one ``(span_id, name, value)`` relation;
* a write to a span's attributes, or to the declarations they hang on, first turns the runs
  involved into ordinary rows (:func:`explode_articles`, :func:`explode_name`), so the rows stay
  the only form anything edits and a span never has a value in both;
* deleting a span turns its article's runs into rows without that span's values (the trigger
  ``spans_leave_their_runs``, schema 0106), the spans deleted after it lose theirs by cascade:
  a later span given the same id (SQLite reuses the highest ids; a native import may ask for
  them) never inherits a value.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

RUNS_TABLE = "span_attribute_runs"
_CHUNK = 500  # ids per IN (...), under SQLite's default variable limit

# The trigger of schema 0106 (storage.schema; 0105's punched a null into the run per deleted span,
# rewriting the document's whole array each time: k deletions of an n-span run cost k x n). The
# first deletion touching a run turns every run of its article into ordinary rows, the deleted
# span's values left out, as explode_articles does; the spans deleted after it, in the same
# statement or later, lose their rows by ON DELETE CASCADE: O(n) once. A later span reusing the
# id inherits nothing (its values were never written as rows). Spans are deleted with foreign
# keys on (every path that turns them off only inserts: tests/storage/test_span_attribute_runs.py).
DELETE_TRIGGER = f"""
    CREATE TRIGGER spans_leave_their_runs AFTER DELETE ON spans
    WHEN EXISTS (SELECT 1 FROM {RUNS_TABLE} WHERE article_id = OLD.article_id
                 AND OLD.id BETWEEN first_id AND last_id)
    BEGIN
        INSERT INTO span_attributes (span_id, name, value)
        SELECT r.first_id + j.key, r.name, json_quote(j.value) FROM {RUNS_TABLE} r, json_each(r."values") j
        WHERE r.article_id = OLD.article_id AND j.type = 'text' AND r.first_id + j.key <> OLD.id;
        DELETE FROM {RUNS_TABLE} WHERE article_id = OLD.article_id;
    END;
    """

# A run's values as rows, as span_attributes holds them: json_quote writes a string as json.dumps
# does (a control character aside: \u000a for json.dumps' \n, the same value read back).
_EXPANDED = ("SELECT r.first_id + j.key AS span_id, r.name AS name, json_quote(j.value) AS value "
             'FROM {schema}.' + RUNS_TABLE + ' r, json_each(r."values") j WHERE j.type = \'text\'')


def has_runs_table(conn: Any, schema: str = "main") -> bool:
    """Whether the file at ``schema`` has the table (a packet attached from an older version may not)."""
    return conn.execute(f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?",
                        [RUNS_TABLE]).fetchone() is not None


def values_sql(conn: Any, schema: str = "main") -> str:
    """A subquery of every span attribute of ``schema`` as ``(span_id, name, value)`` rows: the table's
    rows and the runs' values. Put where ``{schema}.span_attributes`` would be (aliased by the caller)."""
    rows = f"SELECT span_id, name, value FROM {schema}.span_attributes"
    if not has_runs_table(conn, schema) or not conn.execute(
            f"SELECT 1 FROM {schema}.{RUNS_TABLE} LIMIT 1").fetchone():
        return f"({rows})"  # no runs: the query plans as it did before runs existed
    return f"({rows} UNION ALL {_EXPANDED.format(schema=schema)})"


def encode(values: list[str]) -> str:
    """A run's values as its JSON array, as ``json.dumps(values, ensure_ascii=False)`` compactly
    writes it. Ids (brat's ``T12``) need no escape: joined with quotes (1.1 µs for a file's 50,
    the encoder 3.6 µs); any value that might (a quote, a backslash, a control or unusual
    character) goes through the encoder."""
    joined = '","'.join(values)
    if joined.isprintable() and '\\' not in joined and joined.count('"') == 2 * (len(values) - 1):
        return '["' + joined + '"]'
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def add_values(target: dict[int, dict[str, Any]], runs: Iterable[tuple[str, int, str]], *,
               only: set[int] | None = None) -> None:
    """Each run's values (``(name, first span id, values JSON)``) into ``target`` (span id ->
    {name: value}), of the spans in ``only`` when given; a span that had values already has its
    names kept in order, as readers of the rows get them (``ORDER BY span_id, name``)."""
    for name, first, encoded in runs:
        for span_id, value in enumerate(json.loads(encoded), first):
            if value is not None and (only is None or span_id in only):
                values = target.get(span_id)
                if values is None:
                    target[span_id] = {name: value}
                else:
                    values[name] = value
                    if len(values) > 1:
                        target[span_id] = dict(sorted(values.items()))


def values_at(conn: Any, span_ids: list[int]) -> list[tuple[int, str, str]]:
    """``(span id, name, value)`` of the runs' values of these few spans, each read from its run by
    SQLite (``json_extract`` of one entry) instead of every value of the run parsed into Python:
    500 reads of single spans of a 16,000-span document were 0.43 s CPU that way, 0.011 s as rows.
    Each entry still costs SQLite a parse of its run's text: for a few ids only (``values_of``)."""
    marks = ",".join("?" * len(span_ids))
    # (nulls left out here, not by a WHERE on the value: SQLite would extract it, and read the
    # run's whole text, for every run of the article, the runs the span is not in too)
    found = conn.execute(
        f"SELECT s.id, r.name, json_extract(r.\"values\", '$[' || (s.id - r.first_id) || ']') "
        f"FROM spans s JOIN {RUNS_TABLE} r ON r.article_id = s.article_id "
        f"AND s.id BETWEEN r.first_id AND r.last_id WHERE s.id IN ({marks})", span_ids)
    return [row for row in found if row[2] is not None]


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read everything in one transaction: a window saving edits meanwhile cannot tear the read
    (an export; a span's rows and runs, which another connection may turn into rows between two
    statements read each in autocommit, so that neither shows them).

    In WAL mode a read transaction sees one consistent state of the file and blocks no writer.
    """
    if conn.in_transaction:
        yield  # the caller's transaction already pins one state
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")  # nothing was written: this only ends the read


def runs_in_articles(conn: Any, article_ids: list[int]) -> list[tuple[int, str, int, str]]:
    """``(article id, name, first span id, values JSON)`` of the runs of these articles."""
    found: list[tuple[int, str, int, str]] = []
    for start in range(0, len(article_ids), _CHUNK):
        chunk = article_ids[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        found += conn.execute(f'SELECT article_id, name, first_id, "values" FROM {RUNS_TABLE} '
                              f"WHERE article_id IN ({marks}) ORDER BY article_id, name, first_id", chunk)
    return found


def _explode(conn: Any, where: str, params: list[Any]) -> None:
    """The runs ``where`` selects (a condition on their columns) turned into rows."""
    conn.execute(f"INSERT INTO span_attributes (span_id, name, value) {_EXPANDED.format(schema='main')} "
                 f"AND r.{where}", params)
    conn.execute(f"DELETE FROM {RUNS_TABLE} WHERE {where}", params)


def explode_articles(conn: Any, article_ids: list[int]) -> None:
    """The runs of these articles as ordinary ``span_attributes`` rows: before one of their spans'
    attributes is written (inside that write's transaction)."""
    for start in range(0, len(article_ids), _CHUNK):
        chunk = article_ids[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        if conn.execute(f"SELECT 1 FROM {RUNS_TABLE} WHERE article_id IN ({marks}) LIMIT 1", chunk).fetchone():
            _explode(conn, f"article_id IN ({marks})", chunk)


def explode_name(conn: Any, name: str) -> None:
    """Every run of attribute ``name`` as ordinary rows: before a declaration of it is changed or
    removed, whose SQL works on the rows (a scheme edit, rare; ~1 s per 1,000,000 values)."""
    if conn.execute(f"SELECT 1 FROM {RUNS_TABLE} WHERE name = ? LIMIT 1", [name]).fetchone():
        _explode(conn, "name = ?", [name])
