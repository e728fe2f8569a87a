"""Annotator layers (``storage/team``) on import: what a native file says about them, and what
``import --annotator NAME`` records, so an imported layer is a layer like a merged packet's.

A native export carries, only where a project has them, the ``layers`` table beside the scheme
(where each layer came from) and each article's ``"layers"`` (every layer's status there); reading
them back, with each article's ``"curation"`` decisions, makes a master project round-trip. Both are written inside the file's transaction.
"""
from __future__ import annotations

import os
import sqlite3
from typing import Any, Callable, NoReturn

from storage.model import STATUSES
from storage.schema import has_layer_tables

__all__ = ["has_layer_tables", "check_status", "status_rows", "write_provenance", "write_statuses",
           "decision_rows", "write_decisions", "write_identity", "record_import"]

Fail = Callable[[str], NoReturn]

_KINDS = ("annotator", "gold")


def check_status(value: Any, fail: Fail, what: str = "status") -> str:
    if value not in STATUSES:
        fail(f"unknown {what} {value!r} (expected one of {', '.join(STATUSES)})")
    return value


def status_rows(article_id: int, value: Any, fail: Fail, stamp: str) -> list[tuple[Any, ...]]:
    """An article's ``"layers"`` ({layer: {"status", "updated"}}) as ``layer_status`` rows."""
    if not isinstance(value, dict):
        fail('"layers" must be an object: {layer: {"status", "updated"}}')
    rows = []
    for layer, entry in value.items():
        if not layer or not isinstance(entry, dict):
            fail(f'"layers": {layer!r} must name a layer and give an object {{"status", "updated"}}')
        updated = entry.get("updated")
        if updated is not None and not isinstance(updated, str):
            fail(f'"layers": {layer!r} updated must be a string')
        rows.append((article_id, layer, check_status(entry.get("status"), fail, f"status of layer {layer!r}"),
                     updated or stamp))
    return rows


def decision_rows(article_id: int, value: Any, fail: Fail) -> list[tuple[Any, ...]]:
    """An article's ``"curation"`` ([{"start", "end", "decision", "created", "frame"?}]) as decision rows,
    the last field True for an event-frame decision (``curation_frame_decisions``); the tables' CHECK
    refuses a decision that is none of ``rejected``, ``agreed``, ``took:<layer>``."""
    if not isinstance(value, list):
        fail('"curation" must be a list of {"start", "end", "decision", "created"}')
    rows = []
    for entry in value:
        if not isinstance(entry, dict) or type(entry.get("start")) is not int or type(entry.get("end")) is not int \
                or not isinstance(entry.get("decision"), str) or not isinstance(entry.get("created"), str):
            fail(f'"curation": {entry!r} needs integer "start" and "end", and strings "decision" and "created"')
        if not isinstance(entry.get("frame", False), bool):
            fail(f'"curation": {entry!r}: "frame" must be true or false')
        rows.append((article_id, entry["start"], entry["end"], entry["decision"], entry["created"],
                     entry.get("frame", False)))
    return rows


def write_provenance(conn: sqlite3.Connection, value: Any, fail: Fail) -> None:
    """The header's ``"layers"`` into the ``layers`` table; a layer the project records already
    keeps its own provenance."""
    if not isinstance(value, list):
        fail('"layers" beside the scheme must be a list of {"name", "kind", "packet", "packet_digest", "merged"}')
    rows = []
    for entry in value:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            fail(f'"layers": each entry needs a "name", not {entry!r}')
        kind = entry.get("kind", "annotator")
        if kind not in _KINDS:
            fail(f'"layers": layer {name!r} has kind {kind!r} (expected one of {", ".join(_KINDS)})')
        others = [entry.get(key) for key in ("packet", "packet_digest", "merged")]
        if any(v is not None and not isinstance(v, str) for v in others):
            fail(f'"layers": layer {name!r}: packet, packet_digest and merged must be strings')
        rows.append((name, kind, *others))
    conn.executemany("INSERT INTO layers (name, kind, packet, packet_digest, merged) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (name) DO NOTHING", rows)


def write_identity(conn: sqlite3.Connection, value: Any, fail: Fail) -> None:
    """The header's ``"team"`` (a master's ``team.project`` and ``team.fingerprint``) as settings of a
    project that has none yet: its packets then merge into this copy; a project keeps its own."""
    if not isinstance(value, dict) or not all(
            key in ("team.project", "team.fingerprint") and isinstance(v, str) for key, v in value.items()):
        fail('"team" beside the scheme must be {"team.project": …, "team.fingerprint": …} (strings)')
    conn.executemany("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", list(value.items()))


def write_statuses(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    conn.executemany(
        "INSERT INTO layer_status (article_id, layer, status, updated) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (article_id, layer) DO UPDATE SET status = excluded.status, updated = excluded.updated", rows)


def write_decisions(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    for table, frame in (("curation_decisions", False), ("curation_frame_decisions", True)):
        conn.executemany(f'INSERT INTO {table} (article_id, start, "end", decision, created) '
                         "VALUES (?, ?, ?, ?, ?)", [row[:5] for row in rows if row[5] is frame])


def record_import(conn: sqlite3.Connection, layer: str, path: str, stamp: str) -> None:
    """``import --annotator NAME``'s provenance: the file it came from (a packet's name for a
    merge), when, and its kind (``gold`` is the curator's)."""
    conn.execute(
        "INSERT INTO layers (name, kind, packet, merged) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) "
        "DO UPDATE SET packet = excluded.packet, packet_digest = NULL, merged = excluded.merged",
        [layer, "gold" if layer == "gold" else "annotator", os.path.basename(path), stamp])
