"""Handing out work: one packet (an ordinary project file) per annotator, balanced, with overlap.

A packet holds its annotator's articles, the master's scheme, and settings saying whose it is,
which master it came from and the scheme's fingerprint, so ``team merge`` can take it back and
refuse what does not belong. Each packet is written to a temporary file and renamed into place,
and an existing packet is never overwritten (it may hold someone's work).
"""
from __future__ import annotations

import os
import secrets
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence
from urllib.request import pathname2url

from storage import span_attribute_runs as runs
from storage.importing.report import plural
from storage.model import AnnotatorError
from storage.project import Project, now
from storage.team import fingerprint

GOLD = "gold"  # the curator's layer: spans and events whose annotator is "gold"
# Settings a packet carries (and a master: its identity and the frozen scheme of the round).
PROJECT_KEY = "team.project"
ANNOTATOR_KEY = "team.annotator"
FINGERPRINT_KEY = "team.fingerprint"
TITLE_KEY = "team.title"
MASTER_KEY = "team.master"
_SCHEME_TABLES = ("labels", "event_types", "roles", "role_labels", "attributes", "label_attributes")


class TeamError(AnnotatorError):
    """A hand-out or merge that cannot be done as asked; the message says why."""


@dataclass
class SplitReport:
    folder: Path
    packets: dict[str, Path] = field(default_factory=dict)
    articles: dict[str, list[int]] = field(default_factory=dict)
    overlap: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was decided for the user (a --per-article capped)

    def summary_lines(self) -> list[str]:
        lines = [f"{name}: {plural(len(self.articles[name]), 'article')} -> {path}"
                 for name, path in self.packets.items()]
        shared = len(self.overlap)
        lines.append(f"{plural(shared, 'article')} {'goes' if shared == 1 else 'go'} to more than one annotator "
                     "(for agreement)")
        return [*lines, *self.notes]


def check_annotator_name(name: str) -> str:
    """A layer name that is also safe in a file name."""
    cleaned = name.strip()
    if not cleaned:
        raise TeamError("an annotator name is empty")
    if cleaned == GOLD:
        raise TeamError(f"{GOLD!r} is the curator's layer, not an annotator's name")
    if any(c in cleaned for c in '/\\:*?"<>|') or cleaned.startswith("."):
        raise TeamError(f"annotator name {cleaned!r} cannot be part of a file name; use letters, digits, - or _")
    return cleaned


def assign(article_ids: Sequence[int], annotators: Sequence[str], *, overlap: float,
           per_article: int) -> tuple[dict[str, list[int]], list[int]]:
    """Which articles each annotator gets: ``overlap`` of them to ``per_article`` people, the rest to one.

    Overlap articles are spread evenly through the list (not the first ones, which are often one
    source or one day); each article goes to the least-loaded annotators, ties by their order,
    so loads differ by at most one article within each kind.
    """
    if not 0 <= overlap <= 1:
        raise TeamError(f"--overlap must be between 0 and 1, not {overlap}")
    if not 1 <= per_article <= len(annotators):
        raise TeamError(f"--per-article must be between 1 and the number of annotators ({len(annotators)}), "
                        f"not {per_article}")
    if overlap > 0 and per_article < 2:
        raise TeamError("overlap articles need --per-article 2 or more to be compared")
    total = len(article_ids)
    shared = round(overlap * total)
    chosen = {k for k in range(total) if (k + 1) * shared // total > k * shared // total} if total else set()
    load = {name: 0 for name in annotators}
    result: dict[str, list[int]] = {name: [] for name in annotators}
    turn = 0
    for kind_shared in (True, False):
        for k, article_id in enumerate(article_ids):
            if (k in chosen) != kind_shared:
                continue
            order = sorted(annotators, key=lambda n: (load[n], (annotators.index(n) - turn) % len(annotators)))
            for name in order[:per_article if kind_shared else 1]:
                result[name].append(article_id)
                load[name] += 1
            turn += 1
    return {name: sorted(ids) for name, ids in result.items()}, [article_ids[k] for k in sorted(chosen)]


def split(project: Project, folder: str | Path, *, annotators: Sequence[str], overlap: float = 0.0,
          per_article: int = 2, status: str | None = None, with_gold: bool = False) -> SplitReport:
    """Write one packet per annotator into ``folder`` (see the module docstring)."""
    names = [check_annotator_name(n) for n in annotators]
    if len(set(names)) != len(names):
        raise TeamError(f"an annotator is named twice: {', '.join(names)}")
    if project.path is None:
        raise TeamError("only a project file can hand out packets")
    ids = project.article_ids(status=status)
    if not ids:
        raise TeamError(f"the project has no articles{f' with status {status}' if status else ''} to hand out")
    assignment, shared = assign(ids, names, overlap=overlap if len(names) > 1 else 0.0,
                                per_article=min(per_article, len(names)))
    idle = [name for name in names if not assignment[name]]
    if idle:  # team merge refuses an empty packet, so writing one would only hand out a dead end
        raise TeamError(f"{plural(len(ids), 'article')} for {len(names)} annotators: {', '.join(idle)} "
                        f"would get none; hand out to fewer annotators or add articles")
    folder = Path(folder)
    targets = {name: folder / f"{project.path.stem}.{name}.sqlite" for name in names}
    existing = [str(p) for p in targets.values() if p.exists()]
    if existing:
        raise TeamError(f"{', '.join(existing)} already {'exists' if len(existing) == 1 else 'exist'}; "
                        "a packet may hold someone's work, so choose another folder or move it away")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TeamError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    team_id = project.setting(PROJECT_KEY) or uuid.uuid4().hex
    print_ = fingerprint.fingerprint(project.db)
    with project.transaction():
        project.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?), (?, ?)",
                           [PROJECT_KEY, team_id, FINGERPRINT_KEY, print_])
    report = SplitReport(folder, overlap=shared)
    if shared and per_article > len(names):
        report.notes.append(f"--per-article {per_article} is more than the {len(names)} annotators: "
                            f"each shared article goes to all {len(names)}")
    for name in names:
        _write_packet(project, targets[name], name, assignment[name], team_id=team_id,
                      scheme_print=print_, with_gold=with_gold)
        report.packets[name] = targets[name]
        report.articles[name] = assignment[name]
    return report


def _write_packet(project: Project, target: Path, name: str, article_ids: list[int], *, team_id: str,
                  scheme_print: str, with_gold: bool) -> None:
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with Project.open(temp) as packet:
            db = packet.db
            db.execute("ATTACH DATABASE ? AS master", [readonly_uri(project.path)])  # type: ignore[arg-type]
            try:
                with packet.transaction():
                    _copy_into(db, project.path.stem, name, article_ids, team_id=team_id,  # type: ignore[union-attr]
                               scheme_print=scheme_print, with_gold=with_gold)
            finally:
                db.execute("DETACH DATABASE master")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(temp, target)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{temp}{suffix}").unlink(missing_ok=True)
        raise


def _columns(db: sqlite3.Connection | object, table: str) -> str:
    return ", ".join(f'"{row[1]}"' for row in db.execute(f"PRAGMA main.table_info({table})"))  # type: ignore[attr-defined]


def _copy_into(db, master_name: str, name: str, article_ids: list[int], *, team_id: str,
               scheme_print: str, with_gold: bool) -> None:
    for table in reversed(_SCHEME_TABLES):
        db.execute(f"DELETE FROM main.{table}")
    for table in _SCHEME_TABLES:
        columns = _columns(db, table)
        db.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM master.{table}")
    db.execute("CREATE TEMP TABLE handed (id INTEGER PRIMARY KEY)")
    db.conn.executemany("INSERT INTO temp.handed VALUES (?)", [(i,) for i in article_ids])
    stamp = now()
    # Same ids as in the master (merge matches by text all the same); every article starts new
    # (no row in article_status).
    db.execute("INSERT INTO main.articles (id, length, title, date, source, content_hash, created, "
               "updated, text) SELECT id, length, title, date, source, content_hash, created, ?, text "
               "FROM master.articles WHERE id IN (SELECT id FROM temp.handed)", [stamp])
    if with_gold:
        _copy_gold(db, name)
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?)",
               [PROJECT_KEY, team_id, ANNOTATOR_KEY, name, FINGERPRINT_KEY, scheme_print,
                MASTER_KEY, master_name, TITLE_KEY, f"{name}'s packet of {master_name}"])


def _copy_gold(db, name: str) -> None:
    """The gold layer as the annotator's starting point: their own layer, marked as taken from gold.

    New uids (SQLite's default): the same uid in two layers of the master would collide on merge.
    """
    db.execute("CREATE TEMP TABLE span_map (old INTEGER PRIMARY KEY, new INTEGER)")
    for old_id, article_id, start, end, label in db.execute(
            'SELECT id, article_id, start, "end", label FROM master.spans '
            "WHERE annotator = ? AND article_id IN (SELECT id FROM temp.handed)", [GOLD]).fetchall():
        cursor = db.execute('INSERT INTO main.spans (article_id, start, "end", label, annotator, created, '
                            "taken_from) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [article_id, start, end, label, name, now(), GOLD])
        db.execute("INSERT INTO temp.span_map VALUES (?, ?)", [old_id, cursor.lastrowid])
    for old_id, article_id, trigger, kind, attributes in db.execute(
            "SELECT e.id, e.article_id, m.new, e.type, e.attributes FROM master.events e "
            "JOIN temp.span_map m ON m.old = e.trigger_id WHERE e.annotator = ?", [GOLD]).fetchall():
        cursor = db.execute("INSERT INTO main.events (article_id, trigger_id, type, attributes, annotator, "
                            "created, taken_from) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [article_id, trigger, kind, attributes, name, now(), GOLD])
        db.execute("INSERT INTO main.arguments (event_id, role, span_id) SELECT ?, a.role, m.new "
                   "FROM master.arguments a JOIN temp.span_map m ON m.old = a.span_id WHERE a.event_id = ?",
                   [cursor.lastrowid, old_id])
    db.execute("INSERT INTO main.span_attributes (span_id, name, value) SELECT m.new, a.name, a.value "
               f"FROM {runs.values_sql(db, 'master')} a JOIN temp.span_map m ON m.old = a.span_id")
    db.execute("DROP TABLE temp.span_map")


def packet_owner(project: Project) -> tuple[str, str] | None:
    """``(annotator, title)`` when ``project`` is a packet: the window edits that layer, so the
    work comes back as the annotator's whatever name the window was started with."""
    name = project.setting(ANNOTATOR_KEY)
    return (name, project.setting(TITLE_KEY) or f"{name}'s packet") if name else None


def readonly_uri(path: str | Path, *, immutable: bool = False) -> str:
    """An SQLite URI that opens ``path`` for reading only.

    ``immutable`` takes no locks and leaves no -wal/-shm beside a closed file, but ignores a
    -wal file, so it is only for files known to be closed (:func:`open_elsewhere`): packets.
    The master is open in this very process, its newest rows perhaps still in its WAL.
    """
    return "file:" + pathname2url(str(Path(path).resolve())) + "?mode=ro" + ("&immutable=1" if immutable else "")


def open_elsewhere(path: str | Path) -> bool:
    """True when a -wal or -shm file lies beside ``path``: a window (or a crash) still holds it."""
    return any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
