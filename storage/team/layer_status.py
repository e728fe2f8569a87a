"""Where an article's status lives for each layer: every article status belongs to a layer (issue 10).

A **recorded** layer (a packet merged back, ``import --annotator``: a row in ``layers``) keeps its
own status per article in ``layer_status`` (``new`` where it has none yet: handed to it, or
annotated by nobody there). Everything else reads and writes the article's own ``status``
column: gold (the curator's progress, up to ``curated``), the project's own working copy (its
annotations nobody signed and whatever users edit in the master's window under their names, one
version as ``storage.team.coverage`` counts it), and every article of a project without team
layers, exactly as before layers existed: the article's own status (``storage.article_status``).

The main window (``gui/layer_view.py``) and ``export`` ask the same questions here: whose status is
it (:func:`status_home`), and, for a list of articles, which expression reads it
(:func:`status_sql`: one layer's, or per article the layer the window shows automatically).
"""
from __future__ import annotations

import sqlite3

from storage import article_status
from storage.article_status import OWN_STATUS
from storage.schema import has_layer_tables
from storage.team.coverage import FINISHED, GOLD


def _literal(text: str) -> str:
    """``text`` as an SQL string literal (quotes doubled): a layer's name inside an expression."""
    return "'" + text.replace("'", "''") + "'"


def recorded(conn: sqlite3.Connection, layer: str) -> bool:
    """Is ``layer`` a recorded layer (a row in ``layers``), whose statuses are its own?"""
    return has_layer_tables(conn) and conn.execute(
        "SELECT 1 FROM layers WHERE name = ?", [layer]).fetchone() is not None


def status_home(conn: sqlite3.Connection, layer: str | None) -> str | None:
    """The layer whose ``layer_status`` holds ``layer``'s status, or None: the article's own
    (no layer, gold, or a layer not recorded: the project's own)."""
    if layer is None or layer == GOLD or not recorded(conn, layer):
        return None
    return layer


def _status_of(layer_sql: str) -> str:
    """SQL: the status of the layer ``layer_sql`` names (an expression), on ``articles``' row."""
    return (f"CASE WHEN {layer_sql} IS NULL OR {layer_sql} = '{GOLD}' OR {layer_sql} NOT IN (SELECT name FROM layers) "
            f"THEN {OWN_STATUS} ELSE coalesce((SELECT s.status FROM layer_status s WHERE "
            f"s.article_id = articles.id AND s.layer = {layer_sql}), 'new') END")


def _chosen_layer_sql(*, otherwise: str, unnamed: str, curated_gold: bool) -> str:
    """SQL: the one layer shown or written for ``articles``' row: gold where gold is there, else the
    only layer that is (a span, an event, or its status done or curated), else ``otherwise`` (SQL)."""
    finished = ", ".join(f"'{status}'" for status in FINISHED)
    # Not every layer of the article, which would read each of its spans' index entries (30,000 on
    # a big article, on every list page and done count): its lowest and highest layer name, two
    # seeks each in the per-layer index (one layer iff they are the same), and gold by one more.
    ends = " UNION ".join(
        f"SELECT {end}(coalesce(annotator, '')) AS layer FROM {table} WHERE article_id = articles.id"
        for table in ("spans", "events") for end in ("min", "max"))
    gold = " OR ".join(f"EXISTS (SELECT 1 FROM {table} WHERE article_id = articles.id "
                       f"AND coalesce(annotator, '') = '{GOLD}')" for table in ("spans", "events"))
    present = (f"SELECT CASE WHEN layer = '' THEN {_literal(unnamed)} ELSE layer END AS layer FROM ({ends}) "
               f"WHERE layer IS NOT NULL UNION SELECT layer FROM layer_status WHERE article_id = articles.id "
               f"AND status IN ({finished}) UNION SELECT '{GOLD}' WHERE {gold}"
               + (f" OR {article_status.has_status(OWN_STATUS, ['curated'])}" if curated_gold else ""))
    return (f"(SELECT CASE WHEN sum(layer = '{GOLD}') > 0 THEN '{GOLD}' WHEN count(*) = 1 THEN max(layer) "
            f"ELSE {otherwise} END FROM ({present}))")


def automatic_layer_sql(own: str) -> str:
    """SQL: the layer the window shows automatically on ``articles``' row (as
    ``article_layers.default_layer`` decides it): gold where gold annotated the article, else the
    only layer that did (a span, an event, or its status there done or curated), else ``own``."""
    return _chosen_layer_sql(otherwise=_literal(own), unnamed="", curated_gold=False)


def _per_row(layer_sql: str) -> str:
    """SQL: the status of the layer ``layer_sql`` (a subquery) picks per row, computed once per row."""
    return f"(SELECT {_status_of('x.layer')} FROM (SELECT {layer_sql} AS layer) x)"


def export_status_sql(conn: sqlite3.Connection, layer: str | None) -> str:
    """SQL over ``articles`` for ``export --status``: the status of the layer an export of ``layer``
    writes (``storage.exporting.layers``). None: gold where it covers the article, else the only
    layer covering it, else (none, or several: left out) the article's own; a name: that layer's;
    ``all`` and a project without team layers: the article's own status, as before layers."""
    if layer is not None:
        return OWN_STATUS if layer == "all" else status_sql(conn, layer)
    if not _team(conn):
        return OWN_STATUS
    # Unnamed spans are '(unnamed)' in an export (never a recorded layer): the article's own status.
    return _per_row(_chosen_layer_sql(otherwise="NULL", unnamed="(unnamed)", curated_gold=True))


def _team(conn: sqlite3.Connection) -> bool:
    return has_layer_tables(conn) and conn.execute("SELECT 1 FROM layers LIMIT 1").fetchone() is not None


def status_sql(conn: sqlite3.Connection, layer: str | None, *, own: str | None = None) -> str:
    """SQL over ``articles`` reading each article's status as the window shows it: ``layer``'s
    (:func:`status_home`), or with ``own`` given and ``layer`` None the automatically shown layer's
    (:func:`automatic_layer_sql`). A project without team layers reads the article's own status."""
    if not _team(conn):
        return OWN_STATUS
    if layer is None:
        return OWN_STATUS if own is None else _per_row(automatic_layer_sql(own))
    home = status_home(conn, layer)
    return OWN_STATUS if home is None else _status_of(_literal(home))


def status_in(article_status: str, layer_status: dict[str, dict[str, str]], layer: str | None,
              recorded: frozenset[str]) -> str:
    """In Python, for an export's article: the status of ``layer`` there (None: the article's own)."""
    if layer is None or layer == GOLD or layer not in recorded:
        return article_status
    return layer_status.get(layer, {}).get("status", "new")


def start(conn: sqlite3.Connection, article_id: int, *, layer: str | None, stamp: str) -> bool:
    """The first edit's status change: ``layer``'s status on the article (None: its own, as
    ``status_home`` says) from ``new`` to ``in_progress``; True if it was ``new``. Checked in the
    write itself, so a status another window set meanwhile (done, say) stays."""
    if layer is None:  # a small row of its own: the article's row (its text) is left alone
        return article_status.start(conn, article_id, stamp=stamp)
    return conn.execute(
        "INSERT INTO layer_status (article_id, layer, status, updated) VALUES (?, ?, 'in_progress', ?) "
        "ON CONFLICT (article_id, layer) DO UPDATE SET status = excluded.status, updated = excluded.updated "
        "WHERE layer_status.status = 'new'", [article_id, layer, stamp]).rowcount > 0


def layer_statuses(conn: sqlite3.Connection, article_id: int) -> dict[str, str]:
    """Every recorded layer's status on the article, and gold's (the article's own), by name:
    what a window showing all layers at once says."""
    statuses = {GOLD: article_status.status_of(conn, article_id)}
    if has_layer_tables(conn):
        statuses.update(conn.execute(
            "SELECT s.layer, s.status FROM layer_status s JOIN layers l ON l.name = s.layer "
            "WHERE s.article_id = ? ORDER BY s.layer", [article_id]).fetchall())
    return statuses
