"""Benchmark: the main window on a master project, one layer shown of three, against the same window
on an ordinary one-layer project and a bare QPlainTextEdit; exits 1 if the window's targets are missed.

Builds its own data: a 1 MB article (``bench_view.make_article``) with 10,000 spans in each of the
layers ana, ben and gold (30,000 rows, recorded in ``layers`` as a merge records them), and an
ordinary project holding the same article with one layer of the same 10,000 spans. Measured
through the real window (``bench_window``'s helpers, same targets):

* open and paint: the master opens on gold (automatic: the article has gold), which adds a count of
  the article's layers and reads one layer's rows out of three; against the ordinary project's open
  of the same 10,000 spans and a bare ``setPlainText`` + repaint;
* switch layer: the chooser's ``choose`` (the open article read again in the other layer) + repaint;
* tag one span by key into the shown layer (median, p95), beside the ordinary project's.

Suggestions are off in both projects: ``bench_window`` measures the window with them on; here only
what layers add is compared. Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_layer_view.py``
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from PySide6.QtWidgets import QApplication  # noqa: E402

from bench_view import make_article, make_spans, ms, p95  # noqa: E402
from bench_window import (  # noqa: E402
    TARGET_OPEN_MS,
    TARGET_TAG_MEDIAN_MS,
    TARGET_TAG_P95_MS,
    bench_open,
    bench_open_bare,
    bench_tag,
    new_window,
)
from storage.assist.settings import save_settings  # noqa: E402
from storage.project import Project, now  # noqa: E402

LAYERS = ("ana", "ben", "gold")
SPANS = 10_000


def fill(path: Path, text: str, layers: tuple[str, ...], rng_seed: int) -> tuple[int, int]:
    """A small article and the 1 MB one with ``SPANS`` spans per layer; returns their ids."""
    with Project.open(path) as project:
        save_settings(project, suggestions=False)
        small = project.add_article(text="A short article to switch from.", title="small").id
        big = project.add_article(text=text, title="1 MB").id
        stamp = now()
        with project.transaction() as db:  # data set-up only; the window never writes SQL
            for layer in layers:
                spans = make_spans(random.Random(rng_seed), text, SPANS)  # the same words in every layer
                db.conn.executemany('INSERT OR IGNORE INTO spans (article_id, start, "end", label, annotator, '
                                    "created) VALUES (?, ?, ?, ?, ?, ?)",
                                    [(big, s.start, s.end, s.label, layer, stamp) for s in spans])
                if len(layers) > 1 and layer != "gold":  # as team merge records a packet's layer
                    db.conn.execute("INSERT INTO layers (name, kind, merged) VALUES (?, 'annotator', ?)", [layer, stamp])
    return small, big


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    missed: list[str] = []

    def report(name: str, value: float, others: str, target: float | None = None) -> None:
        print(f"{name:<40} {value:8.2f} ms   {others}" + (f"   target <= {target:.0f}" if target else ""))
        if target is not None and value > target:
            missed.append(name)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        text = make_article(random.Random(20241208))
        master_small, master_big = fill(folder / "master.sqlite", text, LAYERS, 7)
        plain_small, plain_big = fill(folder / "plain.sqlite", text, ("bench",), 7)
        print(f"data: 1 MB article, {len(LAYERS)} layers x {SPANS:,} spans in the master, 1 x {SPANS:,} in the "
              f"ordinary project; built in {time.perf_counter() - t0:.1f} s; load {os.getloadavg()[0]:.1f}")

        plain = new_window(app, folder / "plain.sqlite", folder)
        plain_open = bench_open(app, plain, plain_small, plain_big, runs=9)
        plain_tags = bench_tag(app, plain, plain_big, text, random.Random(3), adds=100)
        plain.close()
        app.processEvents()

        master = new_window(app, folder / "master.sqlite", folder)
        master_open = bench_open(app, master, master_small, master_big, runs=9)
        assert master.document.layer == "gold" and len(master.document.spans) >= SPANS * 0.95
        switches = []
        for layer in ("ana", "ben", "gold") * 3:
            switches.append(ms(lambda layer=layer: (master.layer_view.choose(layer), master.view.viewport().repaint())))
            app.processEvents()
        master_tags = bench_tag(app, master, master_big, text, random.Random(3), adds=100)
        bare_open = bench_open_bare(app, text, runs=9)
        master.close()

        ordinary = f"one-layer project {plain_open:7.2f} ms   bare QPlainTextEdit {bare_open:7.2f} ms"
        report("open article + paint (gold of 3 layers)", master_open, ordinary, TARGET_OPEN_MS)
        report("switch layer + paint", statistics.median(switches), f"open in the one-layer project {plain_open:7.2f} ms",
               TARGET_OPEN_MS)
        report("tag one span by key, median", statistics.median(master_tags),
               f"one-layer project {statistics.median(plain_tags):7.2f} ms", TARGET_TAG_MEDIAN_MS)
        report("tag one span by key, p95", p95(master_tags), f"one-layer project {p95(plain_tags):7.2f} ms",
               TARGET_TAG_P95_MS)
    if missed:
        print("MISSED:", ", ".join(missed))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
