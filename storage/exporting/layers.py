"""Which annotator layer an export writes: gold where an article has it, else what it has.

A span's or event's layer is its ``annotator`` (``storage/team``). ``layer`` None is the default:
an article with gold annotations gives only those; any other article gives all it has (one
layer in an ordinary project, so nothing changes there). ``"all"`` writes every layer (stacked),
a name writes only that layer. ``native`` writes every layer by default: it must round-trip.
"""
from __future__ import annotations

import sqlite3
from operator import itemgetter

from typing import Any

from storage.exporting.batches import ArticleData, ExportError, SpanRow
from storage.schema import has_layer_tables

GOLD = "gold"
ALL = "all"
_ANNOTATOR_AT = SpanRow._fields.index("annotator")
_ANNOTATOR, _ID = itemgetter(_ANNOTATOR_AT), itemgetter(SpanRow._fields.index("id"))


def check_layer(conn: sqlite3.Connection, layer: str | None) -> None:
    """Refuse a layer the project does not have, before any file is touched."""
    if layer is None or layer in (ALL, GOLD):
        return
    if not conn.execute("SELECT 1 FROM spans WHERE annotator = ? UNION SELECT 1 FROM events "
                        "WHERE annotator = ? LIMIT 1", [layer, layer]).fetchone():
        names = [n for (n,) in conn.execute(
            "SELECT DISTINCT annotator FROM spans WHERE annotator IS NOT NULL ORDER BY 1")]
        raise ExportError(f"no layer named {layer!r} (layers: {', '.join(names) or 'none'}; "
                          f"or {GOLD}, {ALL})")


def layer_provenance(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The ``layers`` table (where each merged or imported layer came from), for ``native``."""
    if not has_layer_tables(conn):
        return []
    return [{"name": name, "kind": kind, "packet": packet, "packet_digest": digest, "merged": merged}
            for name, kind, packet, digest, merged in conn.execute(
                "SELECT name, kind, packet, packet_digest, merged FROM layers ORDER BY name")]


# A master's identity: packets handed out from it name it, so a copy restored from native still
# takes them back. A packet's own keys (its annotator, title) are not a project's to carry.
TEAM_IDENTITY = ("team.project", "team.fingerprint")


def team_identity(conn: sqlite3.Connection) -> dict[str, str]:
    """The master's team settings, for ``native`` (none for a packet, or a project never split)."""
    settings = dict(conn.execute("SELECT key, value FROM settings WHERE key LIKE 'team.%'").fetchall())
    if "team.annotator" in settings:
        return {}
    return {key: settings[key] for key in TEAM_IDENTITY if settings.get(key)}


def choose_layer(article: ArticleData, layer: str | None) -> None:
    """Keep only the chosen layer's spans, the events they trigger and the arguments among them."""
    if layer == ALL:
        return
    # The rows may still be plain tuples (batches.iter_batches): read by position, SpanRow's order.
    if layer is None:
        if GOLD not in map(_ANNOTATOR, article.spans):
            return
        layer = GOLD
    article.spans = [span for span in article.spans if span[_ANNOTATOR_AT] == layer]
    kept = set(map(_ID, article.spans))
    article.events = [event for event in article.events if event.trigger_id in kept]
    for event in article.events:
        event.arguments[:] = [argument for argument in event.arguments if argument.span_id in kept]
    article.span_attributes = {k: v for k, v in article.span_attributes.items() if k in kept}
    article.layer_status = {k: v for k, v in article.layer_status.items() if k == layer}
