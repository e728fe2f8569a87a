"""Which annotator layer an export writes, and which articles it leaves out (and says why).

A span's or event's layer is its ``annotator`` (``storage/team``). Which articles a layer
**covers** (annotated, or marked done: a true negative) is ``storage.team.coverage``'s rule; an
article a layer was only handed and left empty is not covered: written with no spans it would
tell a training run "nothing here", a false negative.

``layer`` None is the default: gold where it covers the article; else the one version that
covers it, as it stands (``storage.team.coverage.version_of``: each recorded layer — a merged
packet, an ``import --annotator`` — is a version, the project's own annotations under whatever
names are one; an ordinary project has only its own, so nothing changes there); an article two or
more versions cover and gold does not is left out, counted and named: writing one would pick
silently, writing both would stack disagreeing annotations. An article nothing covers is
written as it stands (an ordinary project's unannotated article: ``--status`` chooses), unless it
was handed out (a layer has a status there): then it is left out and counted, nothing came back.
A name writes only the articles that layer covers, with its annotations only; ``"all"`` writes
every article with every layer (stacked). ``native`` writes every layer by default: it must
round-trip.

Every article status belongs to a layer (``storage.team.layer_status``): ``--status`` and the
status an export writes are those of the layer written there (gold's and the project's own: the
article's own status); with every layer written, the article's own.
"""
from __future__ import annotations

import sqlite3
from operator import attrgetter, itemgetter

from typing import Any, Callable, NamedTuple

from storage.article_status import has_status
from storage.exporting.batches import ArticleData, ExportError, ExportReport, SpanRow
from storage.importing.report import plural
from storage.schema import has_layer_tables
from storage.team.layer_status import export_status_sql, status_in
from storage.team.coverage import (
    FINISHED,
    GOLD,
    UNNAMED,
    covered_pairs,
    layer_coverage,
    nothing_back,
    covers_any,
    recorded_sql,
    version_of,
)

ALL = "all"
_ANNOTATOR_AT = SpanRow._fields.index("annotator")
_ANNOTATOR, _ID = itemgetter(_ANNOTATOR_AT), itemgetter(SpanRow._fields.index("id"))
_EVENT_ANNOTATOR = attrgetter("annotator")
NAMED_EXAMPLES = 3  # articles a summary names when it leaves out articles several layers cover


def check_layer(conn: sqlite3.Connection, layer: str | None, *, name: Callable[[str], str] = str) -> None:
    """Refuse a layer the project does not have, or one that covers no article, before any file is touched.
    ``name``: how a layer is named in the words (the window's "Annotator n" for a blind curator)."""
    if layer is None or layer == ALL or covers_any(conn, layer):
        return
    covered = layer_coverage(conn)
    if layer == GOLD:
        raise ExportError("no article has a gold layer yet (none is curated or has a gold annotation): "
                          "nothing to export; curate articles first (Project ▸ Team ▸ Curate this "
                          "article…), or choose an annotator's layer or all")
    if layer in covered:
        raise ExportError(f"{name(layer)}'s layer has nothing to export yet: "
                          f"{nothing_back(covered[layer].handed_out)}; "
                          f"nothing written")
    names = [name(other) for other in covered if other != GOLD]
    raise ExportError(f"no layer named {layer!r} (layers: {', '.join(names) or 'none'}; "
                      f"or {GOLD}, {ALL})")


class ExportCounts(NamedTuple):
    """What an export of a layer would write, counted before it runs (the Export dialog shows it)."""

    written: int
    total: int  # articles of the chosen status
    left_out: list[str]  # why the others are left out, "2 articles have no gold layer (…)"
    mixed: int = 0  # of those written by the default, articles several unrecorded annotators share


def chosen_layer(fmt: str, layer: str | None) -> str | None:
    """The layer an export of ``fmt`` writes when asked for ``layer``: ``native`` keeps every layer
    unless told otherwise, so a master project round-trips."""
    return ALL if layer is None and fmt == "native" else layer


def export_counts(conn: sqlite3.Connection, layer: str | None, *, status: str | None = None,
                  name: Callable[[str], str] = str) -> ExportCounts:
    """The articles an export of ``layer`` (see :func:`chosen_layer`) writes and leaves out, as
    :class:`LayerChoice` decides, counted in SQL (no article is read whole); a layer the export
    would refuse is refused the same way (``ExportError``). ``name``: how a layer is named in the words."""
    check_layer(conn, layer, name=name)
    team = has_layer_tables(conn)
    where = f" WHERE {has_status(export_status_sql(conn, layer), [status])}" if status is not None else ""
    params: list[str] = []
    (total,) = conn.execute(f"SELECT count(*) FROM articles{where}", params).fetchone()
    if layer == ALL:
        return ExportCounts(total, total, [])
    articles = f"SELECT id FROM articles{where}"
    if layer is None:  # left out: two or more versions cover it and gold does not; or handed out, none back
        # Per article: layers covering it, gold among them, versions (storage.team.coverage.version_of).
        version = f"CASE WHEN layer = '{GOLD}' OR layer IN ({recorded_sql(team)}) THEN layer ELSE '' END"
        several, mixed = conn.execute(
            "SELECT coalesce(sum(versions >= 2), 0), coalesce(sum(versions = 1 AND layers >= 2), 0) FROM "
            f"(SELECT count(*) AS layers, count(DISTINCT {version}) AS versions FROM ({covered_pairs(team)}) "
            f"WHERE article_id IN ({articles}) GROUP BY article_id HAVING sum(layer = '{GOLD}') = 0)",
            params).fetchone()
        not_back = conn.execute(  # a status there, and nothing covers it: looked up per article, by index
            f"SELECT count(DISTINCT article_id) FROM layer_status s WHERE article_id IN ({articles}) AND NOT EXISTS "
            "(SELECT 1 FROM spans WHERE spans.article_id = s.article_id) AND NOT EXISTS (SELECT 1 FROM events "
            "WHERE events.article_id = s.article_id) AND NOT EXISTS (SELECT 1 FROM layer_status f WHERE "
            f"f.article_id = s.article_id AND f.status IN {FINISHED}) AND NOT EXISTS (SELECT 1 FROM "
            "article_status c WHERE c.article_id = s.article_id AND c.status = 'curated')",
            params).fetchone()[0] if team else 0
        reasons = [_not_back(not_back)] * bool(not_back) + [_several(several)] * bool(several)
        return ExportCounts(total - several - not_back, total, reasons, mixed)
    (written,) = conn.execute(f"SELECT count(*) FROM ({covered_pairs(team)}) WHERE layer = ? AND article_id IN "
                              f"({articles})", [layer, *params]).fetchone()
    return ExportCounts(written, total, [_not_covered(total - written, layer, name)] * bool(total - written))


def _have(n: int) -> str:
    return f"{plural(n, 'article')} {'has' if n == 1 else 'have'}"


def _several(n: int) -> str:
    return f"{_have(n)} two or more layers and no gold"


def _not_back(n: int) -> str:
    return f"{_have(n)} been handed out and nothing came back yet (not annotated, not marked done)"


def _not_covered(n: int, layer: str, name: Callable[[str], str] = str) -> str:
    if layer == GOLD:
        return f"{_have(n)} no gold layer (not curated, no gold annotation)"
    return f"{_have(n)} nothing from {name(layer)} (not annotated, not marked done)"


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


def covering(article: ArticleData) -> set[str]:
    """The layers that cover ``article`` (module docstring); its annotations nobody signed: :data:`UNNAMED`."""
    names = set(map(_ANNOTATOR, article.spans))  # the rows may still be plain tuples (batches.iter_batches)
    if article.events:
        names.update(map(_EVENT_ANNOTATOR, article.events))
    if None in names:
        names.discard(None)
        names.add(UNNAMED)
    names.update(name for name, state in article.layer_status.items() if state["status"] in FINISHED)
    if article.status == "curated":
        names.add(GOLD)
    return names


class LayerChoice:
    """Keeps the chosen layer of each article an export writes, and counts the articles it leaves out."""

    def __init__(self, layer: str | None, *, recorded: frozenset[str] = frozenset(),
                 name: Callable[[str], str] = str) -> None:
        self.layer = layer
        self.name = name  # how the report names a layer (a blind curator's "Annotator n")
        self.recorded = recorded  # storage.team.coverage.recorded_layers: each one a version of its own
        self.left_out = 0  # by the default: two or more layers cover them; else: the layer does not
        self.not_back = 0  # by the default: handed out to layers, none of which annotated or finished them
        self.examples: list[str] = []  # the first few articles several layers cover, "article 2: ana, ben"
        self.mixed = 0  # by the default: written, though several annotators outside team layers cover them
        self.mixed_example = ""

    def keep(self, article: ArticleData) -> bool:
        """Cut ``article`` down to the chosen layer; False when the export leaves it out."""
        layer = self.layer
        if layer == ALL:
            return True
        layers = covering(article)
        # meta.status: the written layer's (gold's and the project's own are the article's own)
        written = layer if layer is not None else GOLD if GOLD in layers else next(iter(layers)) if len(layers) == 1 \
            else None
        article.status = status_in(article.status, article.layer_status, written, self.recorded)
        if layer is None:
            if GOLD in layers:
                layer = GOLD
            elif len(layers) >= 2 and len({version_of(name, self.recorded) for name in layers}) >= 2:
                self.left_out += 1
                if len(self.examples) < NAMED_EXAMPLES:
                    self.examples.append(f"article {article.id}: {', '.join(sorted(map(self.name, layers)))}")
                return False
            elif not layers and article.layer_status:  # handed out (a status there), nothing back yet
                self.not_back += 1
                return False
            elif len(layers) >= 2:  # one version, several names: the project's own, written together
                self.mixed += 1
                self.mixed_example = (self.mixed_example
                                      or f"article {article.id}: {', '.join(sorted(map(self.name, layers)))}")
                return True
            else:
                return True  # one layer, or none ever handed out: the article as it stands
        elif layer not in layers:
            self.left_out += 1
            return False
        _only(article, layer)
        return True

    def report(self, report: ExportReport) -> None:
        """Say in ``report`` how many articles were left out and why (as ``export_counts`` words it)."""
        if self.mixed:
            report.notes.append(
                f"{_have(self.mixed)} annotations by two or more annotators outside team layers (e.g. "
                f"{self.mixed_example}): written together, as one project's annotations; --layer NAME "
                "writes one annotator's")
        if self.not_back:
            report.left_out.append(f"{_not_back(self.not_back)}: left out")
        n = self.left_out
        if not n:
            return
        if self.layer is None:
            more = "; …" if n > len(self.examples) else ""
            report.left_out.append(
                f"{_several(n)} ({'; '.join(self.examples)}{more}): left out; curate {'it' if n == 1 else 'them'}, "
                "or choose one layer (--layer NAME) or all of them stacked (--layer all)")
        else:
            report.left_out.append(f"{_not_covered(n, self.layer, self.name)}: left out")


def _only(article: ArticleData, layer: str) -> None:
    """Keep only ``layer``'s spans, the events they trigger and the arguments among them."""
    annotator = None if layer == UNNAMED else layer
    article.spans = [span for span in article.spans if span[_ANNOTATOR_AT] == annotator]
    kept = set(map(_ID, article.spans))
    article.events = [event for event in article.events if event.trigger_id in kept]
    for event in article.events:
        event.arguments[:] = [argument for argument in event.arguments if argument.span_id in kept]
    article.span_attributes = {k: v for k, v in article.span_attributes.items() if k in kept}
    article.layer_status = {k: v for k, v in article.layer_status.items() if k == layer}
