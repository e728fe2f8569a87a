"""Read a project's annotations per annotator layer, as agreement compares them.

Reads straight from SQLite in article batches, so 10,000 double-annotated articles stream
through without holding every text at once. Positions, not ids, identify annotations:
layers made in different files share no ids.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Iterator, Sequence

from storage.schema import has_layer_tables
from storage.team.agreement import ArticleLayers
from storage.team.coverage import FINISHED, UNNAMED
from storage.team.matching import FrameAnn, SpanAnn

DEFAULT_LAYER = UNNAMED  # annotations made before anyone gave a name
_BATCH = 500


def _layer(column: str) -> str:
    return f"coalesce({column}, '{DEFAULT_LAYER}')"


# A layer that marked an article done (or curated) annotated it even with nothing in it: the
# annotator read it and found nothing, which beside another's spans is disagreement. A layer
# whose article is still new, in progress or skipped has not annotated it, empty or not.
_FINISHED = f"status IN {FINISHED}"  # storage.team.coverage: the rule every command shares


def _finished(conn: sqlite3.Connection) -> str:
    """The (article_id, layer) pairs a finished layer status adds, as a UNION arm (none in an older file)."""
    return f" UNION SELECT article_id, layer FROM layer_status WHERE {_FINISHED}" if has_layer_tables(conn) else ""


def layer_names(conn: sqlite3.Connection) -> list[str]:
    """Every annotator layer that holds a span or an event, or finished an article, sorted."""
    rows = conn.execute(f"SELECT DISTINCT {_layer('annotator')} FROM spans UNION "
                        f"SELECT DISTINCT {_layer('annotator')} FROM events"
                        + (f" UNION SELECT layer FROM layer_status WHERE {_FINISHED}" if has_layer_tables(conn) else ""))
    return sorted(r[0] for r in rows)


def read_layers(conn: sqlite3.Connection, *, annotators: Sequence[str] | None = None,
                tokens: bool = True) -> Iterator[ArticleLayers]:
    """Each article with annotations by two or more of ``annotators`` (default: all layers).

    ``tokens`` False leaves the text out (no token-level figures, less to read).
    """
    wanted = list(annotators) if annotators else layer_names(conn)
    marks = ",".join("?" * len(wanted))
    ids = [r[0] for r in conn.execute(
        f"SELECT article_id FROM (SELECT article_id, {_layer('annotator')} AS layer FROM spans "
        f"UNION SELECT article_id, {_layer('annotator')} FROM events{_finished(conn)}) WHERE layer IN ({marks}) "
        "GROUP BY article_id HAVING count(DISTINCT layer) >= 2 ORDER BY article_id", wanted)]
    for first in range(0, len(ids), _BATCH):
        batch = ids[first:first + _BATCH]
        yield from _read_batch(conn, batch, wanted, tokens=tokens)


def _read_batch(conn: sqlite3.Connection, ids: list[int], wanted: list[str], *,
                tokens: bool) -> Iterator[ArticleLayers]:
    marks = ",".join("?" * len(ids))
    text_column = "text" if tokens else "NULL"
    articles = {aid: ArticleLayers(aid, title, text) for aid, title, text in conn.execute(
        f"SELECT id, title, {text_column} FROM articles WHERE id IN ({marks})", ids)}
    allowed = set(wanted)
    positions: dict[int, tuple[int, int]] = {}
    for span_id, aid, start, end, label, layer in conn.execute(
            f'SELECT id, article_id, start, "end", label, {_layer("annotator")} FROM spans '
            f'WHERE article_id IN ({marks}) ORDER BY article_id, start, "end", label', ids):
        positions[span_id] = (start, end)
        if layer in allowed:
            articles[aid].spans.setdefault(layer, []).append(SpanAnn(start, end, label))
    fillers: dict[int, dict[str, set[tuple[int, int]]]] = {}
    for event_id, role, span_id in conn.execute(
            "SELECT event_id, role, span_id FROM arguments JOIN events ON events.id = event_id "
            f"WHERE events.article_id IN ({marks})", ids):
        fillers.setdefault(event_id, {}).setdefault(role, set()).add(positions[span_id])
    for event_id, aid, trigger_id, kind, attributes, layer in conn.execute(
            f"SELECT id, article_id, trigger_id, type, attributes, {_layer('annotator')} FROM events "
            f"WHERE article_id IN ({marks}) ORDER BY article_id, id", ids):
        if layer not in allowed:
            continue
        roles = {role: frozenset(spans) for role, spans in fillers.get(event_id, {}).items()}
        articles[aid].frames.setdefault(layer, []).append(
            FrameAnn(positions[trigger_id], kind, roles, {} if attributes == "{}" else json.loads(attributes)))
    finished: dict[int, list[str]] = {}
    if has_layer_tables(conn):
        for aid, layer in conn.execute(
                f"SELECT article_id, layer FROM layer_status WHERE {_FINISHED} AND article_id IN ({marks})", ids):
            finished.setdefault(aid, []).append(layer)
    for aid in ids:
        article = articles[aid]
        for layer in (*article.frames, *(n for n in finished.get(aid, ()) if n in allowed)):
            article.spans.setdefault(layer, [])  # frames only, or done with nothing: still annotated it
        yield article
