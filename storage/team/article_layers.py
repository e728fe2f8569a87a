"""Which annotator layers an article has, and which one a window shows by default.

A master project holds several annotators' layers and the curator's gold over the same text; the
main window shows one at a time (``gui/layer_view.py``). This module answers its questions
without Qt: does the project have team layers at all, what each layer has on one article (spans,
events, the layer's status there), and the default: gold where the article has gold, else the only
layer it has, else the user's own.

A layer is named by its ``annotator``; :data:`UNNAMED` (``""``) is the default layer of
annotations nobody signed (``annotator`` NULL), as the file's per-layer UNIQUE index counts it
(``coalesce(annotator, '')``) and as ``Project.spans(layer="")`` reads it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from storage.project import Project
from storage.schema import has_layer_tables
from storage.team.packets import GOLD

UNNAMED = ""
UNNAMED_TITLE = "(unnamed)"  # how agreement and the window name it (storage.team.corpus.DEFAULT_LAYER)


def layer_title(name: str | None) -> str:
    """A layer's name as people read it: the default layer (annotator NULL) is "(unnamed)"."""
    return name or UNNAMED_TITLE


@dataclass(frozen=True)
class LayerSummary:
    """One layer on one article: what it holds there, and its status (None: never recorded)."""

    name: str
    spans: int = 0
    events: int = 0
    status: str | None = None

    @property
    def annotated(self) -> bool:
        """The layer has annotated the article: something in it, or marked it done (found nothing).
        A status of new or in progress alone (a packet's article not yet touched) is not that."""
        return bool(self.spans or self.events) or self.status in ("done", "curated")


def has_team_layers(project: Project) -> bool:
    """True when the project holds recorded layers: packets merged into it, ``import --annotator``.

    Cheap (the ``layers`` table is one row per layer), so the window can ask on every refresh.
    A project without them (an ordinary one, a packet) has one view of all it holds, as always.
    """
    conn = project.db.conn
    return has_layer_tables(conn) and conn.execute("SELECT 1 FROM layers LIMIT 1").fetchone() is not None


def recorded_layers(project: Project) -> list[str]:
    """The names in the ``layers`` table (each merged or imported layer), sorted."""
    conn = project.db.conn
    if not has_layer_tables(conn):
        return []
    return [name for (name,) in conn.execute("SELECT name FROM layers ORDER BY name")]


def article_layers(project: Project, article_id: int) -> dict[str, LayerSummary]:
    """Every layer with a span, an event or a status on the article, by name (:data:`UNNAMED` too).

    The counts read the per-layer index (``coalesce(annotator, '')`` leads it after the article),
    so an article with 10,000 spans costs a scan of its index entries, not of its rows.
    """
    conn = project.db.conn
    spans = dict(conn.execute("SELECT coalesce(annotator, ''), count(*) FROM spans WHERE article_id = ? "
                              "GROUP BY coalesce(annotator, '')", [article_id]).fetchall())
    events = dict(conn.execute("SELECT coalesce(annotator, ''), count(*) FROM events WHERE article_id = ? "
                               "GROUP BY coalesce(annotator, '')", [article_id]).fetchall())
    statuses = dict(conn.execute("SELECT layer, status FROM layer_status WHERE article_id = ?",
                                 [article_id]).fetchall()) if has_layer_tables(conn) else {}
    names = sorted({*spans, *events, *statuses})
    return {name: LayerSummary(name, spans.get(name, 0), events.get(name, 0), statuses.get(name))
            for name in names}


def default_layer(present: Iterable[str], *, own: str) -> str:
    """Gold where the article has it, else the only layer it has, else the user's own (``own``).

    ``present``: the layers that annotated the article (:attr:`LayerSummary.annotated`)."""
    names = set(present)
    if GOLD in names:
        return GOLD
    if len(names) == 1:
        return names.pop()
    return own
