"""Which articles each annotator layer covers: the one rule export, stats and agreement share.

A layer **covers** an article it annotated (a span or an event there) or finished (its status
there done or curated: its annotator read the article and found nothing, a true negative); the
gold layer also covers an article whose own status is ``curated`` (the curator decided, perhaps
that nothing is there). An article a layer was only handed (new, in progress or skipped there)
and left empty is not covered. A layer **exists** when it has annotations, a status on some
article (a hand-out merged back with nothing in it yet), or a row in ``layers``: so ``stats``,
``export --layer`` and ``agreement --annotators`` know the same names, and say the same thing of
a layer that covers nothing yet ("3 articles handed out, none annotated or marked done").

A **recorded** layer is one the ``layers`` table names: a packet merged back, a file imported
with ``--annotator``. Those are independent annotations of the same text. Everything else a
project holds (its own window edits under each user's name, plain imports, annotations nobody
signed) is one working copy edited in turn: corrected model predictions, a colleague's fixes.
So where an export or stats asks whether an article has *several versions* waiting for a
curator, the unrecorded annotators count together as one, the project's own
(:func:`version_pairs`); an ordinary project has no recorded layer and never has two versions.
"""
from __future__ import annotations

import sqlite3
from typing import NamedTuple

from storage.article_status import OWN_STATUS, has_status
from storage.importing.report import plural
from storage.schema import has_layer_tables

GOLD = "gold"
UNNAMED = "(unnamed)"  # the layer of annotations nobody signed (annotator NULL), as agreement names it
FINISHED = ("done", "curated")  # a layer status that covers an article even with nothing in it


def nothing_back(handed_out: int) -> str:
    """What a layer that covers no article has: "3 articles handed out, none annotated or marked done"."""
    return f"{plural(handed_out, 'article')} handed out, none annotated or marked done"


class Coverage(NamedTuple):
    """One layer across the project: articles it covers (see the module docstring), and articles
    it has a status on (handed out to it, or finished), whether it covers them or not."""

    articles: int
    handed_out: int


def layer_coverage(conn: sqlite3.Connection, *, status: str | None = None) -> dict[str, Coverage]:
    """Every layer the project knows (its annotations, its statuses, the ``layers`` table), by
    name (annotations nobody signed: :data:`UNNAMED`), with the articles it covers: those whose
    own status is ``status`` when given, as ``export --status`` filters."""
    team = has_layer_tables(conn)
    where = f"WHERE {has_status(OWN_STATUS, [status], articles='a')}" if status is not None else ""
    covered = dict(conn.execute(
        f"SELECT layer, count(*) FROM ({covered_pairs(team)}) c JOIN articles a ON a.id = c.article_id "
        f"{where} GROUP BY layer").fetchall())
    handed: dict[str, int] = {}
    if team:
        handed = dict(conn.execute("SELECT layer, count(*) FROM layer_status GROUP BY layer").fetchall())
        handed.update({name: handed.get(name, 0) for (name,) in conn.execute("SELECT name FROM layers")})
    if covered.get(GOLD) is None and conn.execute("SELECT 1 FROM spans WHERE annotator = ? LIMIT 1",
                                                  [GOLD]).fetchone():
        covered[GOLD] = 0  # gold exists, though not on an article of that status
    return {name: Coverage(covered.get(name, 0), handed.get(name, 0)) for name in sorted({*covered, *handed})}


def covers_any(conn: sqlite3.Connection, layer: str) -> bool:
    """Does ``layer`` cover at least one article? Stops at the first (no pass over every span)."""
    annotator = "annotator IS NULL" if layer == UNNAMED else "annotator = ?1"
    sql = f"SELECT 1 FROM spans WHERE {annotator} UNION ALL SELECT 1 FROM events WHERE {annotator}"
    if has_layer_tables(conn):
        sql += f" UNION ALL SELECT 1 FROM layer_status WHERE layer = ?1 AND status IN {FINISHED}"
    if layer == GOLD:
        sql += " UNION ALL SELECT 1 FROM article_status WHERE status = 'curated'"
    return conn.execute(f"{sql} LIMIT 1", [layer] if layer != UNNAMED else []).fetchone() is not None


def covered_pairs(team: bool) -> str:
    """SQL for the (article_id, layer) pairs where a layer covers an article (module docstring)."""
    # DISTINCT over the per-layer index's own expression reads the index in order, with no temporary
    # B-tree: a third of the time on 400,000 spans (the Export dialog counts on opening).
    spans = (f"SELECT article_id, CASE a WHEN '' THEN '{UNNAMED}' ELSE a END AS layer FROM "
             "(SELECT DISTINCT article_id, coalesce(annotator, '') AS a FROM spans)")
    finished = ", ".join(f"'{status}'" for status in FINISHED)
    return (f"{spans} UNION SELECT article_id, coalesce(annotator, '{UNNAMED}') FROM events "
            f"UNION SELECT article_id, '{GOLD}' FROM article_status WHERE status = 'curated'"
            + (f" UNION SELECT article_id, layer FROM layer_status WHERE status IN ({finished})" if team else ""))




OWN = ""  # the project's own annotations, every unrecorded annotator together (module docstring)


def recorded_layers(conn: sqlite3.Connection) -> frozenset[str]:
    """The layers named in the ``layers`` table (merged packets, ``import --annotator``)."""
    if not has_layer_tables(conn):
        return frozenset()
    return frozenset(name for (name,) in conn.execute("SELECT name FROM layers"))


def version_of(layer: str, recorded: frozenset[str]) -> str:
    """The version ``layer`` belongs to: itself when recorded or gold, else the project's own (:data:`OWN`)."""
    return layer if layer == GOLD or layer in recorded else OWN


def recorded_sql(team: bool) -> str:
    """SQL for the recorded layers' names (none in a file made before layers)."""
    return "SELECT name FROM layers" if team else "SELECT NULL WHERE 0"


def version_pairs(team: bool) -> str:
    """SQL for the distinct (article_id, version) pairs: :func:`covered_pairs` with every unrecorded
    layer as :data:`OWN`."""
    return (f"SELECT DISTINCT article_id, CASE WHEN layer = '{GOLD}' OR layer IN ({recorded_sql(team)}) "
            f"THEN layer ELSE '{OWN}' END AS layer FROM ({covered_pairs(team)})")
