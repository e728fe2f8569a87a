"""Torture run (issue 7): the bounded tests' harnesses, many more times.

    PYTHONPATH=. python bench/bench_torture.py [--quick]

- kill -9 of a writer in the middle of a burst of edits, over and over on one project;
- two writer processes on one project, every interleaving the issue lists;
- kill -9 of ``import`` (a folder of .txt and native files) at every step, and of ``export``
  (brat folder and spaCy file) at every step of publishing;
- a property-based fuzz of the native and .txt importers.

Prints runs, acknowledged edits, lost, integrity failures, tracebacks and hangs per part and in
total, and exits 1 unless the last four are all 0. Builds its own data in a temporary folder.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from storage.exporting import export_to_path  # noqa: E402
from storage.project import Project  # noqa: E402
from tests.storage import torture, two_writers  # noqa: E402
from tests.storage.test_import_fuzz import _import_and_check, _native_lines, _txt  # noqa: E402
from tests.storage.torture import Tally  # noqa: E402


def store(folder: Path, runs: int) -> Tally:
    path = folder / "store.sqlite"
    article_id = torture.build_store_project(path)
    tally = Tally()
    rng = random.Random(1)
    for seed in range(runs):
        tally.add(torture.store_kill_run(path, article_id, seed, edits=rng.randint(5, 60)))
    return tally


def writers(folder: Path, iterations: int) -> Tally:
    tally = Tally()
    for scenario in two_writers.SCENARIOS:
        path = folder / f"{scenario}.sqlite"
        ids = two_writers.build(path)
        results = two_writers.run_pair(scenario, path, ids, iterations, timeout=600)
        tally.runs += 1
        tally.acknowledged += sum(r["acknowledged"] for r in results)
        tally.lost += sum(len(r["lost"]) for r in results)
        tally.tracebacks += sum(len(r["unexpected"]) for r in results)
        broken = [v for r in results for v in r["violations"]] + torture.consistency_problems(path)
        tally.integrity_failures += bool(broken)
        tally.bad += [f"{scenario}: {item}" for r in results for item in r["lost"] + r["unexpected"]] + broken
    return tally


def imports(folder: Path, files: int, every: int) -> Tally:
    news = folder / "news"
    expected = torture.import_folder(news, files)
    project = folder / "import.sqlite"
    total = torture.count_steps("--project", project, "import", news)
    tally = Tally()
    for step in range(1, total + 1, every):
        for leftover in folder.glob("import.sqlite*"):
            leftover.unlink()
        tally.add(torture.import_kill_run(project, news, expected, step))
    return tally


def exports(folder: Path) -> Tally:
    tally = Tally()
    project = folder / "export.sqlite"
    with Project.open(project) as opened:
        for n in range(3):
            opened.add_article(text=f"Rebels entered town {n} on Friday.", title=f"Town {n}")
    for fmt, name in (("brat", "out"), ("spacy", "train.jsonl")):
        old, new, work = (folder / f"{fmt}-{kind}" for kind in ("old", "new", "work"))
        for made in (old, new, work):
            made.mkdir()
        with Project.open(project) as opened:
            export_to_path(opened, fmt, old / name)
            article = opened.add_article(text=f"The ministry condemned the {fmt} attack.", title="Ministry")
            opened.add_span(article.id, 4, 12, "ACTOR")
            export_to_path(opened, fmt, new / name)
        tally.add(torture.export_kill_runs(project, fmt, work, old / name, new / name))
    return tally


def fuzz(examples: int) -> Tally:
    tally = Tally()
    for name, strategy, encode in (("a.jsonl", _native_lines, lambda lines: "\n".join(lines).encode(
            "utf-8", "surrogatepass")), ("a.txt", _txt, lambda data: data)):
        count = [0]

        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(strategy)
        def check(value: object) -> None:
            count[0] += 1
            _import_and_check(name, encode(value))

        try:
            check()
        except AssertionError as exc:
            tally.integrity_failures += 1
            tally.bad.append(f"{name}: {exc}")
        except Exception as exc:  # noqa: BLE001 - anything else escaping an import is the failure
            tally.tracebacks += 1
            tally.bad.append(f"{name}: {type(exc).__name__}: {exc}")
        tally.runs += count[0]
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a first look")
    quick = parser.parse_args().quick
    parts = [("store: writer killed mid-burst", lambda d: store(d, 15 if quick else 60)),
             ("two writers, 5 interleavings", lambda d: writers(d, 100 if quick else 400)),
             ("import killed at each step", lambda d: imports(d, 4 if quick else 8, 6 if quick else 2)),
             ("export killed at each step", exports),
             ("importer fuzz (native, .txt)", lambda d: fuzz(100 if quick else 500))]
    total = Tally()
    columns = ("runs", "acknowledged", "lost", "integrity_failures", "tracebacks", "hangs")
    print(f"{'part':34} {'runs':>6} {'acked':>7} {'lost':>5} {'integ':>6} {'trace':>6} {'hangs':>6} {'secs':>6}")
    for title, run in parts:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            tally = run(Path(folder))
            seconds = time.perf_counter() - started
        total.add(tally)
        print(f"{title:34} " + " ".join(f"{getattr(tally, c):>{w}}" for c, w in zip(columns, (6, 7, 5, 6, 6, 6)))
              + f" {seconds:6.0f}", flush=True)
        for line in tally.bad[:5]:
            print(f"    {line[:300]}")
    print(f"runs {total.runs}, acknowledged edits {total.acknowledged}, lost {total.lost} (target 0), "
          f"integrity failures {total.integrity_failures} (0), tracebacks {total.tracebacks} (0), "
          f"hangs {total.hangs} (0)")
    return 0 if total.ok else 1


if __name__ == "__main__":
    sys.exit(main())
