"""Where a bulk import's time goes in SQLite alone: the same rows into plain tables and into ours.

    .venv/bin/python bench/bench_import_floor.py            10,000 articles, 500,000 spans
    .venv/bin/python bench/bench_import_floor.py --quick    1,000 articles, 50,000 spans

Not a target bench: it explains ``bench_import.py``'s figures. The rows are built first (no
parsing, no Python checks), then timed going in, in rounds of 500 articles and one transaction:

* plain: ``bench_import``'s baseline tables (what every importer is compared with);
* ours as the importer writes: ``RowBatch.flush`` into a project (row triggers and CHECKs set
  aside, foreign keys off, as ``import_paths`` does), through a rollback journal as a big file
  alone on the project is (``storage.importing.journal``), then COMMIT;
* the same through the WAL and its checkpoint, as when another connection has the project open;
* the same with a uid stored in every row (as imports wrote them before migration 0104; now the
  rows leave it NULL, derived from the import's range: ``storage/uids.py``), without the
  ``spans_unique_in_layer`` index, and with 16 KiB pages instead of SQLite's 4 KiB, to show what
  those cost or would save (the index keeps a layer from tagging the same words twice, and is never
  dropped; 16 KiB pages were tried for new files and reverted: they slowed the curation view's
  first open of a 1 MB article by ~100 ms for an import gain inside the bench's noise).

CPU seconds are printed beside wall seconds: on a busy machine CPU is the steadier figure, and on
an idle one the two agree.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import PLAIN  # noqa: E402
from bench_storage import make_articles  # noqa: E402

from storage.importing.batch import RowBatch  # noqa: E402
from storage.importing.journal import switch_journal  # noqa: E402
from storage.project import Project, now  # noqa: E402
from storage.text import content_hash  # noqa: E402

ROUND = 500  # articles per round, as RecordWriter flushes


def rows(count: int) -> tuple[list[tuple[Any, ...]], list[list[tuple[Any, ...]]]]:
    """Article rows and, per article, its span rows, in the importer's column order."""
    stamp, articles, spans, span_id = now(), [], [], 0
    for article in make_articles(count):
        text = article["text"]
        articles.append((article["id"], text, len(text), "title", None, "bench", "new", content_hash(text),
                         stamp, stamp))
        own = []
        for span in article["spans"]:
            span_id += 1
            own.append((span_id, article["id"], span["start"], span["end"], span["label"], None, stamp,
                        "import:doccano", None, None))  # taken_from, uid (None: derived, storage/uids.py)
        spans.append(own)
    return articles, spans


def timed(work: Callable[[], None]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def plain(path: Path, articles: list, spans: list) -> tuple[float, float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(PLAIN)

    def work() -> None:
        conn.execute("BEGIN")
        for at in range(0, len(articles), ROUND):
            conn.executemany("INSERT INTO articles VALUES (?, ?, ?)", [a[:2] + (a[5],) for a in articles[at:at + ROUND]])
            conn.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?)",
                             [s[:5] for own in spans[at:at + ROUND] for s in own])
        conn.execute("COMMIT")
    result = timed(work)
    conn.close()
    return result


def ours(path: Path, articles: list, spans: list, *, page_size: int = 0, layer_index: bool = True,
         stored_uids: bool = False, wal: bool = False) -> tuple[float, float]:
    if page_size:  # a file made with these pages instead of SQLite's default
        with sqlite3.connect(path) as conn:
            conn.execute(f"PRAGMA page_size = {page_size}")
            conn.execute("CREATE TABLE made (x)")
            conn.execute("DROP TABLE made")
    with Project.open(path) as project:
        conn = project.db.conn
        for label in ("ACTOR", "LOCATION", "EVENT"):
            conn.execute("INSERT OR IGNORE INTO labels (name, colour) VALUES (?, '#888888')", [label])
        if not layer_index:
            conn.execute("DROP INDEX spans_unique_in_layer")
        if stored_uids:  # what an import stored before: a 64-bit prefix and the id, in every row
            prefix = "0123456789abcdef"
            spans = [[(*s[:-1], f"{prefix}{s[0]:016x}") for s in own] for own in spans]

        def work() -> None:
            conn.execute("PRAGMA foreign_keys = OFF")
            switched = not wal and switch_journal(conn, "delete")
            conn.execute("BEGIN IMMEDIATE")
            batch = RowBatch(conn)
            for at in range(0, len(articles), ROUND):
                batch.rows["articles"].extend(articles[at:at + ROUND])
                batch.rows["spans"].extend(s for own in spans[at:at + ROUND] for s in own)
                batch.lines.extend(range(at, at + ROUND))
                batch.flush(str(path))
            conn.execute("COMMIT")
            conn.execute("PRAGMA foreign_keys = ON")
            if switched:
                switch_journal(conn, "wal")
        return timed(work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 articles: a smoke run")
    args = parser.parse_args(argv)
    count = 1_000 if args.quick else 10_000
    articles, spans = rows(count)
    print(f"{count:,} articles, {sum(map(len, spans)):,} spans, inserted in rounds of {ROUND} (CPU s / wall s)")
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        runs = [("plain tables (the baselines' SQL)", lambda p: plain(p, articles, spans)),
                ("our schema, as the importer writes", lambda p: ours(p, articles, spans)),
                ("  through the WAL", lambda p: ours(p, articles, spans, wal=True)),
                ("  storing a uid in every row", lambda p: ours(p, articles, spans, stored_uids=True)),
                ("  without spans_unique_in_layer", lambda p: ours(p, articles, spans, layer_index=False)),
                ("  with 16 KiB pages", lambda p: ours(p, articles, spans, page_size=16384))]
        first = None
        for number, (name, run) in enumerate(runs):
            cpu, wall = run(Path(tmp) / f"{number}.sqlite")
            first = first or cpu
            print(f"{name:<38} {cpu:6.2f} / {wall:6.2f}  = {cpu / first:4.2f}x the plain tables' CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
