"""Benchmark of the article view against a bare QPlainTextEdit, with targets; exits 1 if one is missed.

Builds its own data: a 1 MB article of ~1,600 paragraphs (with some emoji, so offsets need the
astral path) and 10,000 or 100,000 spans, a fifth of them nested inside another. Measures, on the
widget actually shown:

* open and paint: ``set_article`` + a forced ``viewport().repaint()``, against ``setPlainText`` +
  repaint of a bare QPlainTextEdit (median of N runs);
* tag one span: ``add_span`` on a visible paragraph + repaint (median and p95 of 200 adds);
* scrolling: one page down + repaint, from the top, with 100,000 spans against bare (median).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_view.py``
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from gui.article_view import ArticleView  # noqa: E402
from storage.model import Span  # noqa: E402

COLOURS = {"ACTOR": "#0072B2", "LOCATION": "#E69F00", "EVENT": "#CC79A7"}
LABELS = tuple(COLOURS)
TARGET_OPEN_MS = 150.0
TARGET_TAG_MEDIAN_MS = 16.0
TARGET_TAG_P95_MS = 50.0
TARGET_SCROLL_MS = 16.0
SIZE = (1000, 750)

WORDS = (
    "the government forces said on Sunday that rebels entered Damascus after a rapid advance "
    "across northern Syria while officials in Beirut and Ankara called for calm and the "
    "United Nations envoy warned of a humanitarian crisis 🙂 Al-Assad’s troops withdrew"
).split()


def make_article(rng: random.Random, paragraphs: int = 1600, size: int = 1_000_000) -> str:
    """About ``size`` code points in ``paragraphs`` paragraphs separated by blank-free newlines."""
    per_paragraph = size // paragraphs
    out: list[str] = []
    for _ in range(paragraphs):
        words: list[str] = []
        length = 0
        while length < per_paragraph:
            word = rng.choice(WORDS)
            words.append(word)
            length += len(word) + 1
        out.append(" ".join(words)[: per_paragraph - 1])
    return "\n".join(out)


def make_spans(rng: random.Random, text: str, count: int, first_id: int = 1) -> list[Span]:
    """``count`` spans inside paragraphs: 3-40 code points, every fifth nested in the one before."""
    spans: list[Span] = []
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    ends = [s - 1 for s in starts[1:]] + [len(text)]
    for i in range(count):
        if i % 5 == 4 and spans[-1].end - spans[-1].start > 2:
            outer = spans[-1]
            start = rng.randrange(outer.start, outer.end - 1)
            end = rng.randrange(start + 1, outer.end + 1)
        else:
            block = rng.randrange(len(starts))
            start = rng.randrange(starts[block], ends[block] - 3)
            end = min(ends[block], start + rng.randrange(3, 41))
        spans.append(Span(first_id + i, 1, start, end, rng.choice(LABELS)))
    return spans


def ms(f: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    f()
    return (time.perf_counter() - t0) * 1000


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def new_view(app: QApplication, cls: type[QPlainTextEdit]) -> QPlainTextEdit:
    view = cls()
    view.resize(*SIZE)
    view.show()
    app.processEvents()
    return view


def bench_open(app: QApplication, text: str, spans: list[Span] | None, runs: int) -> float:
    times = []
    for _ in range(runs):
        view = new_view(app, ArticleView if spans is not None else QPlainTextEdit)

        def open_and_paint() -> None:
            if isinstance(view, ArticleView):
                view.set_article(text, spans or [], COLOURS)
            else:
                view.setPlainText(text)
            view.viewport().repaint()

        times.append(ms(open_and_paint))
        if spans:  # the timed repaint really painted (and so formatted) the first screen
            assert view.document().firstBlock().layout().formats(), "repaint() did not paint"
        view.close()
        view.deleteLater()
        app.processEvents()
    return statistics.median(times)


def bench_tag(app: QApplication, text: str, spans: list[Span], adds: int, rng: random.Random) -> list[float]:
    view = new_view(app, ArticleView)
    assert isinstance(view, ArticleView)
    view.set_article(text, spans, COLOURS)
    view.viewport().repaint()
    app.processEvents()
    # New spans on the paragraphs on screen, so every add really reformats and repaints.
    visible_end = view.cursorForPosition(view.viewport().rect().bottomRight()).position()
    on_screen = text[:visible_end]
    new = make_spans(rng, on_screen, adds, first_id=len(spans) + 1)
    times = []
    for span in new:
        times.append(ms(lambda: (view.add_span(span), view.viewport().repaint())))
        app.processEvents()
    view.close()
    return times


def bench_scroll(app: QApplication, text: str, spans: list[Span] | None, pages: int) -> float:
    view = new_view(app, ArticleView if spans is not None else QPlainTextEdit)
    if isinstance(view, ArticleView):
        view.set_article(text, spans or [], COLOURS)
    else:
        view.setPlainText(text)
    view.viewport().repaint()
    app.processEvents()
    bar = view.verticalScrollBar()
    times = []
    for _ in range(pages):
        times.append(ms(lambda: (bar.setValue(bar.value() + bar.pageStep()), view.viewport().repaint())))
        if spans:
            assert view.firstVisibleBlock().layout().formats(), "repaint() did not paint"
        app.processEvents()
    view.close()
    return statistics.median(times)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    rng = random.Random(20241208)
    text = make_article(rng)
    paragraphs = text.count("\n") + 1
    print(f"article: {len(text):,} code points, {paragraphs:,} paragraphs, viewport {SIZE[0]}x{SIZE[1]}")
    missed: list[str] = []

    bare_open = bench_open(app, text, None, runs=9)
    print(f"open+paint bare QPlainTextEdit:       median {bare_open:7.1f} ms")
    for count in (10_000, 100_000):
        spans = make_spans(rng, text, count)
        opened = bench_open(app, text, spans, runs=9)
        print(f"open+paint ArticleView, {count:>7,} spans: median {opened:7.1f} ms (target <= {TARGET_OPEN_MS:.0f})")
        if opened > TARGET_OPEN_MS:
            missed.append(f"open {count}")
        tags = bench_tag(app, text, spans, adds=200, rng=rng)
        median, high = statistics.median(tags), p95(tags)
        print(
            f"add_span+repaint,       {count:>7,} spans: median {median:7.2f} ms, p95 {high:6.2f} ms "
            f"(targets <= {TARGET_TAG_MEDIAN_MS:.0f} / {TARGET_TAG_P95_MS:.0f})"
        )
        if median > TARGET_TAG_MEDIAN_MS or high > TARGET_TAG_P95_MS:
            missed.append(f"tag {count}")
        if count == 100_000:
            bare_scroll = bench_scroll(app, text, None, pages=40)
            scrolled = bench_scroll(app, text, spans, pages=40)
            print(f"scroll a page+repaint bare:             median {bare_scroll:7.2f} ms")
            print(
                f"scroll a page+repaint, {count:>7,} spans:  median {scrolled:7.2f} ms "
                f"(target <= {TARGET_SCROLL_MS:.0f})"
            )
            if scrolled > TARGET_SCROLL_MS:
                missed.append("scroll")
    if missed:
        print("MISSED:", ", ".join(missed))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
