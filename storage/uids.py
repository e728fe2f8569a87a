"""A span's or event's ``uid``: its id across files, stored, or derived from the import that wrote it.

A uid is 128 bits written as 32 hex digits, and two annotations never share one, in a file or
across files (hand-out, merge and native export match annotations by it). Most are stored in the
row: SQLite's default makes a random one for every span or event the window, a curation decision or
a merge writes. A bulk import would store one per row too, and for 500,000 spans that was ~40 MB of
table and UNIQUE index and a third of the import's SQL time, so it leaves ``uid`` NULL instead
and records one **range** (``uid_ranges``): a fresh random 64-bit prefix and the first id it
covers. The curation view's auto-merge does the same for the agreed spans it writes into gold
(``storage.team.gold.insert_gold_spans``, ~8,000 on a big article). A row whose ``uid`` is NULL
has the uid ``prefix || printf('%016x', id)``, with the prefix of the range holding the greatest
first id at or below its own id.

Why that is as unique as a stored random uid (migration 0104, ``RowBatch.flush`` and
``insert_gold_spans`` keep it so):

* a range starts above every id its table held when it was recorded, and only rows of that
  import, above that start, are written with a NULL uid; any later range starts above them all,
  so each such row belongs to exactly one range for good;
* a row is never renumbered, and ``Project.remove_span``/``remove_event`` keep the derived uid as
  a value, so an undo puts it back stored, whatever id the row then gets;
* prefixes are random per import, so copies of a file that each import something diverge, and a
  file's derived uids never repeat one of another file's;
* a uid given by a native file is kept only when no row has it, stored or derived (``taken``).

Every reader goes through :func:`uid_sql` (SQL) or :func:`uid_of` (one row): nothing else reads
the ``uid`` column of spans or events.
"""
from __future__ import annotations

import re
import sqlite3
from typing import Iterable

TABLES = ("spans", "events")
_DERIVED = re.compile(r"[0-9a-f]{32}")
_MAX_ROWID = 2 ** 63 - 1


def has_ranges(conn: sqlite3.Connection, schema: str = "main") -> bool:
    """Whether the file has ``uid_ranges`` (migration 0104): an older read-only file has not."""
    return conn.execute(f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = 'uid_ranges'"
                        ).fetchone() is not None


def uid_sql(table: str, alias: str, *, schema: str = "main", ranges: bool = True) -> str:
    """The SQL expression of the uid of ``alias``, a row of ``schema.table``: stored, else derived.

    ``ranges`` False (a file without ``uid_ranges``): the stored value, all there is.
    """
    assert table in TABLES
    if not ranges:
        return f"{alias}.uid"
    return (f"coalesce({alias}.uid, (SELECT r.prefix || printf('%016x', {alias}.id) FROM {schema}.uid_ranges r "
            f"WHERE r.tbl = '{table}' AND r.first_id <= {alias}.id ORDER BY r.first_id DESC LIMIT 1))")


def uid_of(conn: sqlite3.Connection, table: str, row_id: int) -> str | None:
    """The uid of one span or event (None: no such row)."""
    row = conn.execute(f"SELECT {uid_sql(table, 't', ranges=has_ranges(conn))} FROM {table} t WHERE t.id = ?",
                       [row_id]).fetchone()
    return row[0] if row else None


def record_range(conn: sqlite3.Connection, table: str, first_id: int, prefix: str) -> None:
    """Rows of ``table`` from ``first_id`` up, written with a NULL uid, take ``prefix``."""
    conn.execute("INSERT INTO uid_ranges (tbl, first_id, prefix) VALUES (?, ?, ?)", [table, first_id, prefix])


def latest_range(conn: sqlite3.Connection, table: str) -> tuple[int, str] | None:
    """The first id and prefix of the newest range of ``table`` (None: none yet)."""
    row = conn.execute("SELECT first_id, prefix FROM uid_ranges WHERE tbl = ? ORDER BY first_id DESC LIMIT 1",
                       [table]).fetchone()
    return (row[0], row[1]) if row else None


_CHUNK = 400  # pairs per query, under SQLite's default variable limit


def taken(conn: sqlite3.Connection, table: str, uids: Iterable[str]) -> set[str]:
    """Those of ``uids`` that a row of ``table`` has, stored or derived."""
    wanted = sorted(set(uids))
    found: set[str] = set()
    for at in range(0, len(wanted), _CHUNK):
        chunk = wanted[at:at + _CHUNK]
        found.update(r[0] for r in conn.execute(
            f"SELECT uid FROM {table} WHERE uid IN ({','.join('?' * len(chunk))})", chunk))
    return found | derived_taken(conn, table, [uid for uid in wanted if uid not in found])


def derived_taken(conn: sqlite3.Connection, table: str, uids: Iterable[str]) -> set[str]:
    """Those of ``uids`` that a row of ``table`` has as its derived uid (its own ``uid`` NULL)."""
    if not has_ranges(conn):
        return set()
    prefixes = {prefix for (prefix,) in conn.execute("SELECT prefix FROM uid_ranges WHERE tbl = ?", [table])}
    # A derived uid is a range's prefix and a row id in 16 hex digits: only those can be one. Ids
    # are asked, then each row's uid compared with the whole question: ranges of ids reused (the
    # top rows deleted, another import after) make one id the tail of several asked uids.
    wanted = {uid for uid in uids if uid[:16] in prefixes and _DERIVED.fullmatch(uid)}
    ids = sorted({row_id for uid in wanted if (row_id := int(uid[16:], 16)) <= _MAX_ROWID})  # SQLite's are 64-bit signed
    derived, found = uid_sql(table, "t"), set()
    for at in range(0, len(ids), _CHUNK):
        chunk = ids[at:at + _CHUNK]
        found.update(uid for (uid,) in conn.execute(
            f"SELECT {derived} FROM {table} t WHERE t.id IN ({','.join('?' * len(chunk))}) AND t.uid IS NULL", chunk)
            if uid in wanted)
    return found
