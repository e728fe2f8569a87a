"""Bringing packets back: each packet's annotations become its annotator's layer in the master.

Per packet, all or nothing, in one transaction of the master; packets are only read (attached
``mode=ro&immutable=1``, after making sure no window holds them). Idempotent: a packet whose
layer the master already holds unchanged writes nothing. A newer packet from the same annotator
replaces that layer's annotations on the packet's articles and says what changed; other layers
are never touched. Annotations are matched by ``uid``, which survives hand-out and merge.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from sqlite_utils import Database

from storage import schema
from storage import span_attribute_runs as runs
from storage.importing.report import plural
from storage.uids import derived_taken, uid_sql
from storage.project import Project, now
from storage.team import fingerprint
from storage.team.packets import (
    ANNOTATOR_KEY,
    FINGERPRINT_KEY,
    GOLD,
    PROJECT_KEY,
    TeamError,
    open_elsewhere,
    readonly_uri,
)

# Each packet article's status (the annotator's, their layer's in the master) with its master id,
# and the packet's article_status row (s) for its time: no row is ``new`` (storage.article_status).
_PACKET_ARTICLES = ("FROM pk.articles p JOIN temp.pk_map m ON m.pid = p.id "
                    "LEFT JOIN pk.article_status s ON s.article_id = p.id")
_PACKET_STATUS = f"coalesce(s.status, 'new') {_PACKET_ARTICLES}"

@dataclass
class MergeOutcome:
    """What merging one packet did: ``merged``, ``unchanged`` or ``refused`` (with the reason)."""

    path: Path
    annotator: str | None = None
    state: str = "refused"
    reason: str = ""
    articles: int = 0
    changes: Counter = field(default_factory=Counter)

    def line(self) -> str:
        who = f"{self.annotator}: " if self.annotator else ""
        if self.state == "refused":
            return f"{self.path}: refused: {self.reason}"
        articles = plural(self.articles, "article")
        if self.state == "unchanged":
            as_is = "it is" if self.articles == 1 else "they are"
            return f"{self.path}: {who}unchanged ({articles} already merged as {as_is})"
        statuses = self.changes["statuses changed"]
        said = ", ".join(part for part in (
            _signed("spans", self.changes, "spans"), _signed("events", self.changes, "events"),
            _changed(self.changes, "arguments", "argument"),
            _changed(self.changes, "span attributes", "span attribute"),
            f"{statuses} status{'' if statuses == 1 else 'es'}" if statuses else "") if part)
        return f"{self.path}: {who}merged {articles} ({said})"


def _changed(changes: Counter, key: str, noun: str) -> str:
    """``2 arguments added`` (a first merge) or ``1 argument changed``, or nothing when none moved."""
    return ", ".join(f"{plural(changes[f'{key} {how}'], noun)} {how}" for how in ("added", "changed")
                     if changes[f"{key} {how}"])


def _signed(noun: str, changes: Counter, key: str) -> str:
    """``spans +12 −1 ~2`` (added, removed, changed), or nothing when none moved."""
    parts = [f"{sign}{changes[f'{key} {what}']}" for sign, what in (("+", "added"), ("−", "removed"), ("~", "changed"))
             if changes[f"{key} {what}"]]
    return f"{noun} {' '.join(parts)}" if parts else ""


def merge_packets(project: Project, paths: Sequence[str | Path]) -> list[MergeOutcome]:
    """Merge each packet into ``project``; a refused packet leaves the master as it was."""
    outcomes = [MergeOutcome(Path(p)) for p in paths]
    owners: dict[str, list[MergeOutcome]] = {}
    for outcome in outcomes:
        try:
            owners.setdefault(_check_packet(project, outcome), []).append(outcome)
        except TeamError as exc:
            outcome.reason = str(exc)
    for name, same in owners.items():
        if len(same) > 1:  # which one is the newer is the user's call, not ours
            for outcome in same:
                outcome.reason = (f"{name}'s packet is given {len(same)} times "
                                  f"({', '.join(str(o.path) for o in same)}); merge one of them")
    for outcome in outcomes:
        if outcome.annotator and not outcome.reason:
            try:
                _merge_one(project, outcome)
            except TeamError as exc:
                outcome.state, outcome.reason = "refused", str(exc)
    return outcomes


def _check_packet(project: Project, outcome: MergeOutcome) -> str:
    """The packet's annotator, or TeamError saying why it cannot be merged. The annotator is noted
    on ``outcome`` as soon as the packet names it, refused or not: a window whose curator works blind
    words that name too ("Annotator n", ``storage.team.curation.blind_text``)."""
    path = outcome.path
    if not path.is_file():
        if path.is_dir():  # `team merge packets/` for `team merge packets/*.sqlite`
            raise TeamError(f"a folder, not a packet: give the packets in it ({path / '*.sqlite'})")
        raise TeamError("no such file" if not path.exists() else "not a file")
    if project.path is not None and path.resolve() == Path(project.path).resolve():
        raise TeamError("this is the master project itself")
    if open_elsewhere(path):
        raise TeamError("the packet is still open in a window (or was not closed cleanly): "
                        "close it, or open and close it once in Event Annotator, then merge again")
    if path.stat().st_size == 0:
        raise TeamError("the file is empty: not a packet")
    try:
        conn = sqlite3.connect(readonly_uri(path, immutable=True), uri=True)
    except sqlite3.Error as exc:
        raise TeamError(f"cannot open it: {exc}") from exc
    try:
        packet = Database(conn)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = set(packet.table_names())
        except sqlite3.DatabaseError as exc:
            raise TeamError(f"not an Event Annotator packet, or damaged ({exc})") from exc
        if ok != "ok":
            raise TeamError(f"the file is damaged ({ok})")
        if "settings" not in tables or "_sqlite_migrations" not in tables:
            raise TeamError("not an Event Annotator project")
        ours = {m.name for m in schema.migrations.applied(project.db)}
        theirs = {m.name for m in schema.migrations.applied(packet)}
        if ours != theirs:
            raise TeamError("made by another version of Event Annotator; open it once in this version, "
                            "close it, and merge again")
        settings = dict(conn.execute("SELECT key, value FROM settings WHERE key LIKE 'team.%'").fetchall())
        name = settings.get(ANNOTATOR_KEY)
        if not name:
            raise TeamError("not a packet: it names no annotator (packets come from `team split`)")
        if name == GOLD:
            raise TeamError(f"a packet cannot fill the {GOLD!r} layer")
        outcome.annotator = name
        if settings.get(PROJECT_KEY) != project.setting(PROJECT_KEY):
            raise TeamError(f"{name}'s packet belongs to another project (handed out from "
                            f"{settings.get('team.master') or 'elsewhere'})")
        master_summary, packet_summary = fingerprint.summary(project.db), fingerprint.summary(packet)
        if master_summary != packet_summary:
            raise TeamError(f"{name}'s packet has another scheme: "
                            + "; ".join(fingerprint.differences(master_summary, packet_summary)))
        if not conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
            raise TeamError(f"{name}'s packet is empty: it holds no articles")
        return name
    finally:
        conn.close()


def _uid(table: str, alias: str, schema: str) -> str:
    """The uid of ``alias`` in the master (``main``) or the packet (``pk``): stored or derived (storage.uids)."""
    return uid_sql(table, alias, schema=schema)


def _span_signature(schema: str) -> str:
    return f'{_uid("spans", "s", schema)}, m.mid, s.start, s."end", s.label, s.origin, s.taken_from'


def _event_signature(schema: str) -> str:
    return f"{_uid('events', 'e', schema)}, m.mid, {_uid('spans', 't', schema)}, e.type, e.attributes, e.taken_from"


def _merge_one(project: Project, outcome: MergeOutcome) -> None:
    db = project.db
    name = outcome.annotator
    db.execute("ATTACH DATABASE ? AS pk", [readonly_uri(outcome.path, immutable=True)])
    try:
        with project.transaction():
            db.execute("DROP TABLE IF EXISTS temp.pk_map")
            db.execute("CREATE TEMP TABLE pk_map (pid INTEGER PRIMARY KEY, mid INTEGER NOT NULL)")
            db.execute("INSERT INTO temp.pk_map SELECT p.id, a.id FROM pk.articles p "
                       "JOIN main.articles a ON a.content_hash = p.content_hash")
            (mapped,) = db.execute("SELECT count(*) FROM temp.pk_map").fetchone()
            (total,) = db.execute("SELECT count(*) FROM pk.articles").fetchone()
            if mapped != total:
                (title,) = db.execute("SELECT title FROM pk.articles WHERE id NOT IN "
                                      "(SELECT pid FROM temp.pk_map) ORDER BY id LIMIT 1").fetchone()
                raise TeamError(f"{name}'s packet holds {total - mapped} article(s) the master does not "
                                f"have (first: {title!r})")
            outcome.articles = total
            outcome.changes = _differences(db, name)
            if not any(outcome.changes.values()):
                outcome.state = "unchanged"
                return  # nothing written: the same packet twice changes nothing
            _replace_layer(db, name)
            db.execute("INSERT OR REPLACE INTO layers (name, kind, packet, merged) VALUES (?, 'annotator', ?, ?)",
                       [name, outcome.path.name, now()])
            outcome.state = "merged"
    except sqlite3.IntegrityError as exc:
        raise TeamError(f"{name}'s packet clashes with annotations already in the master "
                        f"(a copy of another packet?): {exc}") from exc
    finally:
        db.execute("DROP TABLE IF EXISTS temp.pk_map")
        db.execute("DETACH DATABASE pk")


def _count(db: Database, sql: str, params: list) -> int:
    return db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def _differences(db: Database, name: str) -> Counter:
    """What merging would change in the layer, by uid: added, removed, changed spans/events/statuses."""
    if not db.execute("SELECT 1 FROM main.spans WHERE annotator = ? AND article_id IN "
                      "(SELECT mid FROM temp.pk_map) UNION ALL SELECT 1 FROM main.events WHERE annotator = ? "
                      "AND article_id IN (SELECT mid FROM temp.pk_map) LIMIT 1", [name, name]).fetchone():
        return _first_time(db, name)  # nothing of the layer there yet: everything is new, no diff to run
    ours_spans = (f"SELECT {_span_signature('main')} FROM main.spans s JOIN temp.pk_map m ON m.mid = s.article_id "
                  "WHERE s.annotator = ?")
    theirs_spans = f"SELECT {_span_signature('pk')} FROM pk.spans s JOIN temp.pk_map m ON m.pid = s.article_id"
    ours_events = (f"SELECT {_event_signature('main')} FROM main.events e JOIN main.spans t ON t.id = e.trigger_id "
                   "JOIN temp.pk_map m ON m.mid = e.article_id WHERE e.annotator = ?")
    theirs_events = (f"SELECT {_event_signature('pk')} FROM pk.events e JOIN pk.spans t ON t.id = e.trigger_id "
                     "JOIN temp.pk_map m ON m.pid = e.article_id")
    ours_args = (f"SELECT {_uid('events', 'e', 'main')}, a.role, {_uid('spans', 's', 'main')} FROM main.arguments a "
                 "JOIN main.events e ON e.id = a.event_id JOIN main.spans s ON s.id = a.span_id "
                 "JOIN temp.pk_map m ON m.mid = e.article_id WHERE e.annotator = ?")
    theirs_args = (f"SELECT {_uid('events', 'e', 'pk')}, a.role, {_uid('spans', 's', 'pk')} FROM pk.arguments a "
                   "JOIN pk.events e ON e.id = a.event_id JOIN pk.spans s ON s.id = a.span_id "
                   "JOIN temp.pk_map m ON m.pid = e.article_id")
    ours_attrs = (f"SELECT {_uid('spans', 's', 'main')}, v.name, v.value FROM {runs.values_sql(db, 'main')} v "
                  "JOIN main.spans s ON s.id = v.span_id JOIN temp.pk_map m ON m.mid = s.article_id WHERE s.annotator = ?")
    theirs_attrs = (f"SELECT {_uid('spans', 's', 'pk')}, v.name, v.value FROM {runs.values_sql(db, 'pk')} v "
                    "JOIN pk.spans s ON s.id = v.span_id JOIN temp.pk_map m ON m.pid = s.article_id")
    ours_status = "SELECT article_id, status FROM main.layer_status JOIN temp.pk_map m ON m.mid = article_id WHERE layer = ?"
    theirs_status = f"SELECT m.mid, {_PACKET_STATUS}"
    changes: Counter = Counter()
    for what, ours, theirs in (("spans", ours_spans, theirs_spans), ("events", ours_events, theirs_events)):
        table = "spans" if what == "spans" else "events"
        alias = "s" if what == "spans" else "e"
        new_rows = _count(db, f"{theirs} EXCEPT {ours}", [name])
        ours_uids = (f"SELECT {_uid(table, alias, 'main')} FROM main.{table} {alias} JOIN temp.pk_map m "
                     f"ON m.mid = {alias}.article_id WHERE {alias}.annotator = ?")
        theirs_uids = (f"SELECT {_uid(table, alias, 'pk')} FROM pk.{table} {alias} JOIN temp.pk_map m "
                       f"ON m.pid = {alias}.article_id")
        added = _count(db, f"{theirs_uids} EXCEPT {ours_uids}", [name])
        removed = _count(db, f"{ours_uids} EXCEPT {theirs_uids}", [name])
        changes[f"{what} added"] = added
        changes[f"{what} removed"] = removed
        changes[f"{what} changed"] = new_rows - added  # same uid, other position, label or content
    changes["arguments changed"] = (_count(db, f"{theirs_args} EXCEPT {ours_args}", [name])
                                    + _count(db, f"{ours_args} EXCEPT {theirs_args}", [name]))
    changes["span attributes changed"] = (_count(db, f"{theirs_attrs} EXCEPT {ours_attrs}", [name])
                                          + _count(db, f"{ours_attrs} EXCEPT {theirs_attrs}", [name]))
    changes["statuses changed"] = _count(db, f"{theirs_status} EXCEPT {ours_status}", [name])
    return changes


def _first_time(db: Database, name: str) -> Counter:
    count = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    changes: Counter = Counter()
    changes["spans added"] = count("SELECT count(*) FROM pk.spans")
    changes["events added"] = count("SELECT count(*) FROM pk.events")
    changes["arguments added"] = count("SELECT count(*) FROM pk.arguments")  # nothing there to change yet
    changes["span attributes added"] = count(f"SELECT count(*) FROM {runs.values_sql(db, 'pk')}")
    changes["statuses changed"] = _count(
        db, f"SELECT m.mid, {_PACKET_STATUS} EXCEPT "
            "SELECT article_id, status FROM main.layer_status WHERE layer = ?", [name])
    return changes


def _replace_layer(db: Database, name: str) -> None:
    """The layer's annotations on the packet's articles, replaced by the packet's (new local ids)."""
    # Deleting the spans cascades to their events, arguments and span attributes.
    db.execute("DELETE FROM main.events WHERE annotator = ? AND article_id IN (SELECT mid FROM temp.pk_map)", [name])
    db.execute("DELETE FROM main.spans WHERE annotator = ? AND article_id IN (SELECT mid FROM temp.pk_map)", [name])
    # The packet's uids are stored in the master (a packet's derived ones too: its ranges stay there).
    span_uid, trigger_uid, event_uid = _uid("spans", "s", "pk"), _uid("spans", "t", "pk"), _uid("events", "e", "pk")
    db.execute('INSERT INTO main.spans (article_id, start, "end", label, annotator, created, origin, uid, taken_from) '
               f'SELECT m.mid, s.start, s."end", s.label, ?, s.created, s.origin, {span_uid}, s.taken_from '
               "FROM pk.spans s JOIN temp.pk_map m ON m.pid = s.article_id", [name])
    db.execute("INSERT INTO main.events (article_id, trigger_id, type, attributes, annotator, created, uid, taken_from) "
               f"SELECT m.mid, (SELECT id FROM main.spans WHERE uid = {trigger_uid}), e.type, e.attributes, ?, "
               f"e.created, {event_uid}, e.taken_from FROM pk.events e JOIN pk.spans t ON t.id = e.trigger_id "
               "JOIN temp.pk_map m ON m.pid = e.article_id", [name])
    db.execute("INSERT INTO main.arguments (event_id, role, span_id) "
               f"SELECT (SELECT id FROM main.events WHERE uid = {event_uid}), a.role, "
               f"(SELECT id FROM main.spans WHERE uid = {span_uid}) "
               "FROM pk.arguments a JOIN pk.events e ON e.id = a.event_id JOIN pk.spans s ON s.id = a.span_id")
    db.execute("INSERT INTO main.span_attributes (span_id, name, value) "
               f"SELECT (SELECT id FROM main.spans WHERE uid = {span_uid}), v.name, v.value "
               f"FROM {runs.values_sql(db, 'pk')} v JOIN pk.spans s ON s.id = v.span_id")
    for table in ("spans", "events"):  # the UNIQUE index sees stored uids only: a derived one, here
        stored = [uid for (uid,) in db.execute(
            f"SELECT uid FROM main.{table} WHERE annotator = ? AND article_id IN (SELECT mid FROM temp.pk_map) "
            f"AND substr(uid, 1, 16) IN (SELECT prefix FROM main.uid_ranges WHERE tbl = '{table}')", [name])]
        clash = derived_taken(db.conn, table, stored)
        if clash:
            raise TeamError(f"{name}'s packet clashes with annotations already in the master (a copy of "
                            f"another packet?): {len(clash)} {table} with a uid the master has (first: {min(clash)})")
    db.execute("INSERT OR REPLACE INTO main.layer_status (article_id, layer, status, updated) "
               f"SELECT m.mid, ?, coalesce(s.status, 'new'), coalesce(s.updated, p.updated) {_PACKET_ARTICLES}",
               [name])
