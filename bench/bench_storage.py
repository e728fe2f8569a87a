"""Storage benchmark: import and native export against bare sqlite3 + json baselines, and export memory.

    .venv/bin/python bench/bench_storage.py            10,000 articles, 500,000 spans, 50,000 events
    .venv/bin/python bench/bench_storage.py --quick    a small corpus, for a smoke run

Each figure is printed beside a baseline measured in the same run on the same rows, so the ratio
means something on any machine:

1. import, twice, each beside its own baseline (target ≤ 2×):
   a. native JSONL: ``storage.importing.import_paths`` on one file vs. reading it, ``json.loads``
      and ``executemany`` of the same rows into the same schema in one transaction;
   b. plain text: the same 10,000 texts as a folder of ``.txt`` files (in subfolders) vs.
      walking it, reading and decoding each file and one ``executemany`` of the article rows;
2. native export: ``export_to_path`` vs. a bare sqlite3 loop over the same rows writing the same
   JSON Lines bytes (target ≤ 1.5×; the outputs are compared);
3. peak memory of the export, as the growth of a child process's maximum RSS beyond what it had
   after imports and opening the project, at two corpus sizes (target: flat and ≤ 150 MB).

Exits 1 when a target is missed or a part could not run (e.g. the importer is missing).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.project import Project  # noqa: E402

IMPORT_TARGET = 2.0
EXPORT_TARGET = 1.5
MEMORY_LIMIT_MB = 150.0
# "Flat": the bigger corpus may not need much more than the smaller one (allocator noise aside).
MEMORY_GROWTH_MB = 30.0

STAMP = "2024-12-08T10:00:00+00:00"
ACTORS = ["Insurgents", "The government", "Rebel forces", "Mr. Al-Assad", "The United Nations",
          "Protesters", "The army", "Turkish troops", "Hayat Tahrir al-Sham", "Local officials"]
TRIGGERS = ["entered", "attacked", "met", "condemned", "seized", "withdrew from", "visited",
            "shelled", "praised", "rejected"]
PLACES = ["Damascus", "Aleppo", "Homs", "Idlib", "Beirut", "Deir al-Zour", "Hama", "Latakia"]
FILLER = ("on Sunday after a long advance across the country while residents watched from "
          "their windows and officials said little about what would follow next").split()
TYPES = ["FIGHT", "CONSULT", "DISAPPROVE", "COERCE", "RETREAT"]


# -- corpus ---------------------------------------------------------------------------------------

def make_articles(count: int, *, seed: int = 1) -> Iterator[dict[str, Any]]:
    """Native article records of ~4 KB with 50 word-aligned spans and 5 events (source + location)."""
    rng = random.Random(seed)
    span_id = event_id = 0
    for number in range(1, count + 1):
        parts: list[str] = []
        spans: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        offset = 0

        def add(words: str, label: str | None = None) -> int | None:
            nonlocal offset, span_id
            start = offset
            parts.append(words)
            offset += len(words)
            if label is None:
                return None
            span_id += 1
            spans.append({"id": span_id, "start": start, "end": offset, "label": label,
                          "text": words, "annotator": "bench", "created": STAMP})
            return span_id

        add(f"Report {number} from the field.\n\n")
        for sentence in range(40):
            if sentence % 8 == 0:  # five event sentences: ACTOR EVENT … in LOCATION
                source = add(rng.choice(ACTORS), "ACTOR")
                add(" ")
                trigger = add(rng.choice(TRIGGERS), "EVENT")
                add(" " + " ".join(rng.sample(FILLER, 6)) + " in ")
                place = add(rng.choice(PLACES), "LOCATION")
                add(" " + " ".join(rng.sample(FILLER, 4)) + ". ")
                event_id += 1
                events.append({"id": event_id, "trigger": trigger, "type": rng.choice(TYPES),
                               "attributes": {"modality": "asserted", "polarity": "positive"},
                               "arguments": [{"role": "source", "span": source},
                                             {"role": "location", "span": place}],
                               "annotator": "bench", "created": STAMP})
            else:  # thirty-five sentences with one span each
                add(" ".join(rng.sample(FILLER, 8)).capitalize() + " ")
                add(rng.choice(ACTORS + PLACES), "ACTOR" if sentence % 2 else "LOCATION")
                add(" " + " ".join(rng.sample(FILLER, 6)) + ". ")
        text = "".join(parts).rstrip()
        yield {"id": number, "text": text,
               "meta": {"title": f"Report {number}", "date": "2024-12-08", "source": f"bench/{number}",
                        "status": "done" if number % 3 else "new", "created": STAMP, "updated": STAMP},
               "spans": spans, "events": events}


def write_corpus(path: Path, count: int) -> None:
    """The corpus as native JSONL: the project's scheme line, then one article per line."""
    from storage.exporting.native import scheme_record

    with Project.open(path.with_suffix(".scheme.sqlite")) as project:
        scheme = scheme_record(project.scheme)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(encode({"scheme": scheme}) + "\n")
        for article in make_articles(count):
            out.write(encode(article) + "\n")


def bare_import(jsonl: Path, db_path: Path) -> None:
    """Baseline: read, json.loads and executemany the same rows into the schema, one transaction.

    ``db_path`` is a fresh project (see ``fresh``), so only the work an import does is timed.
    """
    conn = sqlite3.connect(db_path, isolation_level=None)
    articles, statuses, spans, events, arguments = [], [], [], [], []
    with open(jsonl, encoding="utf-8") as lines:
        next(lines)  # the scheme line: the fresh project already holds the same scheme
        for line in lines:
            record = json.loads(line)
            meta, text = record["meta"], record["text"]
            articles.append((record["id"], text, len(text), meta["title"], meta["date"], meta["source"],
                             hashlib.sha256(text.encode("utf-8")).hexdigest(), meta["created"], meta["updated"]))
            if meta["status"] != "new":  # the schema's: no row is new (storage.article_status)
                statuses.append((record["id"], meta["status"], meta["updated"]))
            spans += [(s["id"], record["id"], s["start"], s["end"], s["label"], s["annotator"],
                       s["created"]) for s in record["spans"]]
            for e in record["events"]:
                events.append((e["id"], record["id"], e["trigger"], e["type"],
                               json.dumps(e["attributes"], sort_keys=True), e["annotator"], e["created"]))
                arguments += [(e["id"], a["role"], a["span"]) for a in e["arguments"]]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO articles (id, text, length, title, date, source, "
                     "content_hash, created, updated) VALUES (?,?,?,?,?,?,?,?,?)", articles)
    conn.executemany("INSERT INTO article_status (article_id, status, updated) VALUES (?,?,?)", statuses)
    conn.executemany('INSERT INTO spans (id, article_id, start, "end", label, annotator, created) '
                     "VALUES (?,?,?,?,?,?,?)", spans)
    conn.executemany("INSERT INTO events (id, article_id, trigger_id, type, attributes, annotator, "
                     "created) VALUES (?,?,?,?,?,?,?)", events)
    conn.executemany("INSERT INTO arguments (event_id, role, span_id) VALUES (?,?,?)", arguments)
    conn.execute("COMMIT")
    conn.close()


def write_text_folder(folder: Path, count: int) -> None:
    """The corpus's texts as .txt files, a thousand per subfolder, as an archive of articles might be."""
    for article in make_articles(count):
        sub = folder / f"{article['id'] // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{article['id']:05d}.txt").write_bytes(article["text"].encode("utf-8"))


def bare_text_import(folder: Path, db_path: Path) -> None:
    """Baseline: walk, read and decode every file, then one executemany of the article rows."""
    rows = []
    for directory, _, files in sorted(os.walk(folder)):
        for name in sorted(files):
            with open(os.path.join(directory, name), "rb") as file:
                text = file.read().decode("utf-8")
            rows.append((text, len(text), text.partition("\n")[0], None, name,
                         hashlib.sha256(text.encode("utf-8")).hexdigest(), STAMP, STAMP))
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO articles (text, length, title, date, source, content_hash, "
                     "created, updated) VALUES (?,?,?,?,?,?,?,?)", rows)  # new: no article_status row
    conn.execute("COMMIT")
    conn.close()


def bare_export(db_path: Path, out_path: Path) -> None:
    """Baseline: one ordered cursor per table, merged in Python, the same records and bytes."""
    from storage.exporting.native import scheme_record

    with Project.open(db_path) as project:
        scheme = scheme_record(project.scheme)
    conn = sqlite3.connect(db_path)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    span_rows = conn.execute('SELECT article_id, id, start, "end", label, annotator, created, origin '
                             'FROM spans ORDER BY article_id, start, "end" DESC, id')
    event_rows = conn.execute(
        "SELECT events.article_id, events.id, trigger_id, type, attributes, events.annotator, "
        "events.created FROM events JOIN spans ON spans.id = trigger_id "
        "ORDER BY events.article_id, spans.start, events.id")
    argument_rows = {}
    for event_id, role, span_id in conn.execute(
            "SELECT event_id, role, span_id FROM arguments JOIN roles ON roles.name = role "
            'JOIN spans ON spans.id = span_id ORDER BY event_id, roles.position, spans.start, spans."end", '
            "span_id"):
        argument_rows.setdefault(event_id, []).append({"role": role, "span": span_id})
    next_span, next_event = next(span_rows, None), next(event_rows, None)
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        out.write(encode({"scheme": scheme}) + "\n")
        for article_id, text, title, date, source, status, created, updated in conn.execute(
                "SELECT id, text, title, date, source, coalesce(s.status, 'new'), created, "
                "coalesce(s.updated, articles.updated) FROM articles LEFT JOIN article_status s "
                "ON s.article_id = articles.id ORDER BY id"):
            spans = []
            while next_span is not None and next_span[0] == article_id:
                _, span_id, start, end, label, annotator, span_created, origin = next_span
                spans.append({"id": span_id, "start": start, "end": end, "label": label,
                              "text": text[start:end], "annotator": annotator, "created": span_created,
                              "origin": origin})
                next_span = next(span_rows, None)
            events = []
            while next_event is not None and next_event[0] == article_id:
                _, event_id, trigger, kind, attributes, annotator, event_created = next_event
                events.append({"id": event_id, "trigger": trigger, "type": kind,
                               "attributes": json.loads(attributes),
                               "arguments": argument_rows.get(event_id, []),
                               "annotator": annotator, "created": event_created})
                next_event = next(event_rows, None)
            out.write(encode({"id": article_id, "text": text,
                              "meta": {"title": title, "date": date, "source": source, "status": status,
                                       "created": created, "updated": updated},
                              "spans": spans, "events": events}) + "\n")
    conn.close()


# -- measurements -------------------------------------------------------------------------------

def fresh(path: Path) -> Path:
    """A new project file with the schema and default scheme, made before any clock starts."""
    Project.open(path).close()
    return path


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


_CHILD = """
import resource, sys
sys.path.insert(0, {root!r})
from storage.exporting import export_to_path
from storage.project import Project


def peak_kib():
    # VmHWM belongs to this process's own address space; ru_maxrss survives exec on Linux and
    # would start at the (large) parent's RSS, hiding the export's own growth.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB elsewhere


project = Project.open({db!r})
before = peak_kib()
export_to_path(project, "native", {out!r})
print(before, peak_kib())
"""


def export_memory_mb(db_path: Path, out_path: Path) -> float:
    """Growth of peak RSS (MiB) of a fresh process while it runs only the native export."""
    code = _CHILD.format(root=str(ROOT), db=str(db_path), out=str(out_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = (int(x) for x in result.stdout.split())
    return (after - before) / 1024


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small corpus for a smoke run")
    args = parser.parse_args(argv)
    # The corpus's frames use the legacy scheme's roles (source/location); the bare baseline writes
    # them straight into a fresh project, whose scheme must accept them. The shipped default is
    # PLOVER 2.0, whose roles differ, so the bench's projects are made with the legacy scheme.
    import resources
    resources.DEFAULT_SCHEME = "legacy"
    sizes = (500, 2_000) if args.quick else (10_000, 50_000)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        folder = Path(tmp)
        small, big = sizes
        corpus = folder / "corpus.jsonl"
        seconds, _ = timed(lambda: write_corpus(corpus, small))
        print(f"corpus: {small:,} articles, {small * 50:,} spans, {small * 5:,} events, "
              f"{corpus.stat().st_size / 1e6:.0f} MB native JSONL (built in {seconds:.1f} s)")

        baseline_db = folder / "baseline.sqlite"
        base_dbs = [fresh(folder / f"baseline{n}.sqlite") for n in range(2)]
        base_import = min(timed(lambda db=db: bare_import(corpus, db))[0] for db in base_dbs)
        (folder / "baseline1.sqlite").unlink()
        (folder / "baseline0.sqlite").rename(baseline_db)
        failures += run_import(folder, corpus, base_import)

        texts = folder / "texts"
        write_text_folder(texts, small)
        failures += run_text_import(folder, texts, small)

        # Best of three, alternating, so a busy neighbour on the machine hits both sides alike.
        base_times, our_times = [], []
        for _ in range(3):
            base_times.append(timed(lambda: bare_export(baseline_db, folder / "baseline.jsonl"))[0])
            seconds, report = timed(lambda: export_native(baseline_db, folder / "ours.jsonl"))
            our_times.append(seconds)
        base_export, ours_export = min(base_times), min(our_times)
        same = (folder / "ours.jsonl").read_bytes() == (folder / "baseline.jsonl").read_bytes()
        ratio = ours_export / base_export
        print(f"export: {ours_export:.2f} s vs bare sqlite3+json {base_export:.2f} s = {ratio:.2f}x "
              f"(target <= {EXPORT_TARGET}x) {verdict(ratio <= EXPORT_TARGET)}; identical bytes: {same}")
        print(f"        {report.summary()}")
        failures += (ratio > EXPORT_TARGET) + (not same)

        big_corpus, big_db = folder / "big.jsonl", folder / "big.sqlite"
        write_corpus(big_corpus, big)
        bare_import(big_corpus, fresh(big_db))
        big_corpus.unlink()
        memory = [export_memory_mb(db, folder / "memory.jsonl") for db in (baseline_db, big_db)]
        flat = memory[1] - memory[0] <= MEMORY_GROWTH_MB
        ok = flat and max(memory) <= MEMORY_LIMIT_MB
        print(f"export memory: +{memory[0]:.0f} MB at {small:,} articles, +{memory[1]:.0f} MB at "
              f"{big:,} articles (target flat and <= {MEMORY_LIMIT_MB:.0f} MB) {verdict(ok)}")
        failures += not ok
    if failures:
        print(f"{failures} target(s) missed")
    return 1 if failures else 0


def export_native(db_path: Path, out_path: Path) -> Any:
    from storage.exporting import export_to_path

    with Project.open(db_path) as project:
        return export_to_path(project, "native", out_path)


def run_import(folder: Path, corpus: Path, baseline_seconds: float) -> int:
    """Time ``import_paths`` on the corpus; return the number of missed targets (0 or 1)."""
    try:
        from storage.importing import import_paths
    except ImportError as exc:
        print(f"import: storage.importing is not available ({exc}); baseline {baseline_seconds:.2f} s")
        return 1
    times = []
    for n in range(2):  # best of two, like the baseline
        with Project.open(folder / f"imported{n}.sqlite") as project:
            seconds, report = timed(lambda: import_paths(project, [corpus]))
            counts = [project.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("articles", "spans", "events")]
        times.append(seconds)
    seconds = min(times)
    ratio = seconds / baseline_seconds
    ok = ratio <= IMPORT_TARGET and bool(report.ok)
    print(f"import native: {seconds:.2f} s vs bare sqlite3 executemany {baseline_seconds:.2f} s = {ratio:.2f}x "
          f"(target <= {IMPORT_TARGET}x) {verdict(ok)}; stored {counts[0]:,} articles, "
          f"{counts[1]:,} spans, {counts[2]:,} events; report ok: {report.ok}")
    return 0 if ok else 1


def run_text_import(folder: Path, texts: Path, count: int) -> int:
    """Time importing the .txt folder beside its baseline, alternating, best of two each."""
    from storage.importing import import_paths

    base_times, our_times = [], []
    for n in range(2):
        db = fresh(folder / f"text_baseline{n}.sqlite")
        base_times.append(timed(lambda: bare_text_import(texts, db))[0])
        with Project.open(folder / f"text_imported{n}.sqlite") as project:
            seconds, report = timed(lambda: import_paths(project, [texts]))
            stored = project.article_count()
        our_times.append(seconds)
    ours, base = min(our_times), min(base_times)
    ratio = ours / base
    ok = ratio <= IMPORT_TARGET and report.ok and stored == count
    print(f"import .txt: {ours:.2f} s vs reading the files + bare sqlite3 executemany {base:.2f} s = "
          f"{ratio:.2f}x (target <= {IMPORT_TARGET}x) {verdict(ok)}; stored {stored:,} articles "
          f"from {count:,} files; report ok: {report.ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
