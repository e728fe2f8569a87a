"""An article's own status, kept in a small table of its own (``article_status``), off its row.

The article's row holds its text: 1 MB for a long article, on overflow pages. SQLite writes a
whole row again on any UPDATE of it, so a status change on the row copied the text each time,
and the first edit of a new article (``new`` → ``in_progress`` in the edit's own transaction,
``storage.team.layer_status.start``) did so inside the key press: 5-13 ms of CPU and ~250 pages
through the WAL (migration 0107). Here a status change writes one row of three short values.

No row is ``new``: an import writes a row only for an article whose status is something else,
so a corpus of new articles costs no second row each. ``updated`` is when the status was last
set; without a row it is the article's own (``articles.updated``, when it was stored).

Whatever reads the own status goes through :data:`OWN_STATUS` (an SQL expression over
``articles``' row), :func:`status_in` (a filter that uses the status index, not a look-up per
article) or :data:`JOIN` with :data:`STATUS` and :data:`UPDATED` (many articles' in one pass).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable

NEW = "new"

# SQL over ``articles``' row: its own status, its status's time.
OWN_STATUS = "coalesce((SELECT status FROM article_status WHERE article_id = articles.id), 'new')"
OWN_UPDATED = "coalesce((SELECT updated FROM article_status WHERE article_id = articles.id), articles.updated)"
# The same read by a join, for queries that read many articles' (an export's batches).
JOIN = "LEFT JOIN article_status AS own ON own.article_id = articles.id"
STATUS = "coalesce(own.status, 'new')"
UPDATED = "coalesce(own.updated, articles.updated)"


def _literals(statuses: Iterable[str]) -> str:
    return ", ".join("'" + status.replace("'", "''") + "'" for status in statuses)


def has_status(status_sql: str, statuses: Iterable[str], *, articles: str = "articles") -> str:
    """SQL: true where the status ``status_sql`` reads (an expression over ``articles``) is one of
    ``statuses``. The own status is asked of ``article_status`` by its index (a count of done
    articles among 100,000 reads the done ones, not every article's row)."""
    wanted = list(statuses)
    if status_sql != OWN_STATUS:
        return f"{status_sql} IN ({_literals(wanted)})"
    if NEW in wanted:  # no row is new: every article but those whose row says otherwise
        return (f"{articles}.id NOT IN (SELECT article_id FROM article_status "
                f"WHERE status NOT IN ({_literals(wanted)}))")
    return f"{articles}.id IN (SELECT article_id FROM article_status WHERE status IN ({_literals(wanted)}))"


def status_of(conn: sqlite3.Connection, article_id: int) -> str:
    """The article's own status (``new`` where it has no row, or there is no such article)."""
    row = conn.execute("SELECT status FROM article_status WHERE article_id = ?", [article_id]).fetchone()
    return row[0] if row else NEW


def set_status(conn: sqlite3.Connection, article_id: int, status: str, *, stamp: str,
               unless_already: bool = False) -> None:
    """Write the article's own status (the caller holds the transaction and checked the article);
    ``unless_already``: an article with that status already keeps its time too."""
    conn.execute("INSERT INTO article_status (article_id, status, updated) VALUES (?, ?, ?) "
                 "ON CONFLICT (article_id) DO UPDATE SET status = excluded.status, updated = excluded.updated"
                 + (" WHERE article_status.status != excluded.status" if unless_already else ""),
                 [article_id, status, stamp])


def start(conn: sqlite3.Connection, article_id: int, *, stamp: str) -> bool:
    """The first edit's change of the own status, ``new`` → ``in_progress``; True if it was ``new``.
    Checked in the write itself, so a status another window set meanwhile (done, say) stays."""
    return conn.execute(
        "INSERT INTO article_status (article_id, status, updated) VALUES (?, 'in_progress', ?) "
        "ON CONFLICT (article_id) DO UPDATE SET status = excluded.status, updated = excluded.updated "
        "WHERE article_status.status = 'new'", [article_id, stamp]).rowcount > 0


def write_new(conn: sqlite3.Connection, rows: list[tuple[int, str, str]]) -> None:
    """``(article_id, status, updated)`` of articles just stored, one statement for all (an import
    queues only those that are not ``new``: no row is new)."""
    conn.executemany("INSERT INTO article_status (article_id, status, updated) VALUES (?, ?, ?)", rows)
