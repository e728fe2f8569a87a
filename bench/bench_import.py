"""Import benchmark: every importer beside a bare baseline on the same file, and native export.

    .venv/bin/python bench/bench_import.py            10,000 documents, 500,000 spans per format
    .venv/bin/python bench/bench_import.py --quick    1,000 documents, 50,000 spans: a smoke run
    .venv/bin/python bench/bench_import.py --only brat,conll

The corpus is built here (``bench_storage.make_articles``: ~4 KB news-like articles, 50 spans and
5 event frames each) and written in each format (brat and WebAnno TSV: a folder of one file per
article, as those tools keep a corpus). For each format, in child processes so start-up
and memory are each run's own:

* ours: ``import_paths`` into a new project (the clock runs around that call only, so lazily
  imported parsers count), and the growth of the process's peak RSS while it runs;
* baseline: parsing the same file the plainest way (``json.loads`` per line, ``json.load``,
  splitting lines, reading ``.ann`` files, splitting WebAnno TSV rows, ``DocBin.get_docs``) and
  ``executemany`` of the same
  articles and spans (and events, where the format has them) into plain tables, one transaction.

Targets: every importer ≤ 2× its baseline, peak memory growth ≤ 200 MB. Native export is timed
beside a bare ``sqlite3`` + ``json`` loop writing the same records (target ≤ 1.5×). Best of two,
alternating. Exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

IMPORT_TARGET = 2.0
EXPORT_TARGET = 1.5
MEMORY_LIMIT_MB = 200.0
FORMATS = ("native", "doccano", "prodigy", "spacy-v2", "label-studio", "hf", "conll", "brat", "webanno", "docbin")


# -- the corpus in every format ---------------------------------------------------------------------

def articles(count: int) -> Iterator[dict[str, Any]]:
    from bench_storage import make_articles
    return make_articles(count)


def tokens_and_tags(article: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Whitespace tokens and IOB2 tags; the bench's spans start and end at token edges."""
    text = article["text"]
    starts = {s["start"]: s for s in article["spans"]}
    ends = {s["end"] for s in article["spans"]}
    tokens, tags, label = [], [], None
    at = 0
    for token in text.split():
        at = text.index(token, at)
        if at in starts:
            label = starts[at]["label"]
            tags.append(f"B-{label}")
        else:
            tags.append(f"I-{label}" if label else "O")
        tokens.append(token)
        at += len(token)
        if at in ends:
            label = None
    return tokens, tags


WEBANNO_HEADER = ("#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n"
                  "\n\n")


def webanno_document(article: dict[str, Any]) -> str:
    """One article as INCEpTION writes it: a #Text= line per sentence, a row per token (UTF-16
    offsets: the bench's text is ASCII), NamedEntity values, ``[n]`` on a span of several tokens."""
    text = article["text"]
    starts = {s["start"]: s for s in article["spans"]}
    out, sentence, number = [WEBANNO_HEADER], [], 0
    open_span, value, multi = None, "_", 0

    def end_sentence() -> None:
        nonlocal sentence, number
        number += 1
        out.append(f"#Text={text[sentence[0][0]:sentence[-1][1]]}\n")
        out.extend(f"{number}-{i}\t{s}-{e}\t{t}\t{v}\t\n" for i, (s, e, t, v) in enumerate(sentence, 1))
        out.append("\n")
        sentence = []

    for match in re.finditer(r"\S+", text):
        start, end, token = match.start(), match.end(), match.group()
        if start in starts:
            open_span = starts[start]
            multi += open_span["end"] > end
            value = open_span["label"] + (f"[{multi}]" if open_span["end"] > end else "")
        sentence.append((start, end, token, value if open_span is not None else "_"))
        if open_span is not None and end >= open_span["end"]:
            open_span = None
        if token.endswith(".") and open_span is None:
            end_sentence()
    if sentence:
        end_sentence()
    return "".join(out)


def write_format(name: str, count: int, folder: Path) -> Path:
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    if name == "native":
        from bench_storage import write_corpus
        path = folder / "corpus.jsonl"
        write_corpus(path, count)
        return path
    if name == "brat":
        path = folder / "brat"
        path.mkdir()
        for a in articles(count):
            (path / f"{a['id']}.txt").write_text(a["text"], encoding="utf-8", newline="")
            t_of = {s["id"]: f"T{n}" for n, s in enumerate(a["spans"], 1)}
            lines = [f"{t_of[s['id']]}\t{s['label']} {s['start']} {s['end']}\t{s['text']}" for s in a["spans"]]
            lines += [f"E{n}\t{e['type']}:{t_of[e['trigger']]} " + " ".join(
                f"{g['role']}:{t_of[g['span']]}" for g in e["arguments"]) for n, e in enumerate(a["events"], 1)]
            (path / f"{a['id']}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    if name == "webanno":
        path = folder / "webanno"
        path.mkdir()
        for a in articles(count):
            (path / f"{a['id']}.tsv").write_text(webanno_document(a), encoding="utf-8")
        return path
    if name == "docbin":
        from spacy.tokens import Doc, DocBin
        from spacy.vocab import Vocab
        vocab, docbin = Vocab(), DocBin()
        for a in articles(count):
            tokens, tags = tokens_and_tags(a)
            docbin.add(Doc(vocab, words=tokens, ents=tags))
        path = folder / "corpus.spacy"
        path.write_bytes(docbin.to_bytes())
        return path
    suffix = ".json" if name in ("spacy-v2", "label-studio") else ".jsonl"
    path = folder / f"corpus{suffix}"
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        if name == "conll":
            for a in articles(count):
                out.write("-DOCSTART- -X- -X- O\n\n")
                out.write("".join(f"{t} {g}\n" for t, g in zip(*tokens_and_tags(a))) + "\n")
            return path
        out.write("[\n" if suffix == ".json" else "")
        for n, a in enumerate(articles(count)):
            spans = a["spans"]
            if name == "doccano":
                record: Any = {"id": a["id"], "text": a["text"], "label": [[s["start"], s["end"], s["label"]] for s in spans]}
            elif name == "prodigy":
                record = {"text": a["text"], "spans": [{"start": s["start"], "end": s["end"], "label": s["label"]}
                                                       for s in spans], "answer": "accept", "_input_hash": a["id"]}
            elif name == "spacy-v2":
                record = [a["text"], {"entities": [[s["start"], s["end"], s["label"]] for s in spans]}]
            elif name == "label-studio":
                record = {"id": a["id"], "data": {"text": a["text"]}, "annotations": [{"id": a["id"], "result": [
                    {"id": f"r{s['id']}", "type": "labels", "from_name": "label", "to_name": "text",
                     "value": {"start": s["start"], "end": s["end"], "text": s["text"], "labels": [s["label"]]}}
                    for s in spans]}]}
            else:  # hf
                tokens, tags = tokens_and_tags(a)
                record = {"id": a["id"], "tokens": tokens, "ner_tags": tags}
            out.write(("," if n and suffix == ".json" else "") + encode(record) + "\n")
        out.write("]\n" if suffix == ".json" else "")
    return path


# -- the baselines: the plainest parse, then executemany into plain tables ----------------------------

PLAIN = """
CREATE TABLE articles (id INTEGER PRIMARY KEY, text TEXT, source TEXT);
CREATE TABLE spans (id INTEGER PRIMARY KEY, article_id INTEGER, start INTEGER, "end" INTEGER, label TEXT);
CREATE TABLE events (id INTEGER PRIMARY KEY, article_id INTEGER, trigger_id INTEGER, type TEXT);
CREATE TABLE arguments (event_id INTEGER, role TEXT, span_id INTEGER);
"""


def _docs(name: str, path: Path) -> Iterator[tuple[str, list[tuple[int, int, str]], list[Any]]]:
    """(text, spans, events) per document, parsed the plainest way the format allows."""
    if name in ("native", "doccano", "prodigy"):
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                r = json.loads(line)
                if "scheme" in r:
                    continue
                if name == "doccano":
                    yield r["text"], [tuple(s) for s in r["label"]], []
                else:
                    yield r["text"], [(s["start"], s["end"], s["label"]) for s in r["spans"]], r.get("events", [])
    elif name in ("spacy-v2", "label-studio"):
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
        for r in data:
            if name == "spacy-v2":
                yield r[0], [tuple(s) for s in r[1]["entities"]], []
            else:
                yield r["data"]["text"], [(x["value"]["start"], x["value"]["end"], x["value"]["labels"][0])
                                          for x in r["annotations"][0]["result"]], []
    elif name in ("hf", "conll"):
        rows = (json.loads(line) for line in open(path, encoding="utf-8")) if name == "hf" else _conll(path)
        for r in rows:
            text, spans, at, start, label = " ".join(r["tokens"]), [], 0, None, None
            for token, tag in zip(r["tokens"], r["ner_tags"]):
                if tag[0] != "I" and label is not None:
                    spans.append((start, at - 1, label))
                    label = None
                if tag[0] == "B":
                    start, label = at, tag[2:]
                at += len(token) + 1
            if label is not None:
                spans.append((start, at - 1, label))
            yield text, spans, []
    elif name == "brat":
        for ann in sorted(path.glob("*.ann")):
            text = ann.with_suffix(".txt").read_text(encoding="utf-8")
            spans, ids, events = [], {}, []
            for line in ann.read_text(encoding="utf-8").splitlines():
                ident, head, *_ = line.split("\t")
                if ident[0] == "T":
                    label, start, end = head.split(" ")
                    ids[ident] = len(spans)
                    spans.append((int(start), int(end), label))
                elif ident[0] == "E":  # after every T line, as brat and the bench write them
                    typed, *arguments = head.split(" ")
                    kind, trigger = typed.split(":")
                    events.append({"trigger": ids[trigger], "type": kind,
                                   "arguments": [argument.split(":") for argument in arguments]})
            yield text, spans, events
    elif name == "webanno":
        for tsv in sorted(path.glob("*.tsv")):
            sentences, spans, multi = [], [], {}
            for line in tsv.read_text(encoding="utf-8").splitlines():
                if line.startswith("#Text="):
                    sentences.append(line[6:])
                elif line and line[0] != "#":
                    _, offsets, _, value, _ = line.split("\t")
                    if value != "_":
                        start, end = map(int, offsets.split("-"))
                        label, _, ident = value.partition("[")
                        if ident and ident in multi:
                            multi[ident][1] = end
                        else:
                            spans.append([start, end, label])
                            if ident:
                                multi[ident] = spans[-1]
            yield "\n".join(sentences), [tuple(s) for s in spans], []
    else:  # docbin
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab
        for doc in DocBin().from_bytes(path.read_bytes()).get_docs(Vocab()):
            yield doc.text, [(e.start_char, e.end_char, e.label_) for e in doc.ents], []


def _conll(path: Path) -> Iterator[dict[str, list[str]]]:
    tokens: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("-DOCSTART-") or not line.strip():
                if tokens:
                    yield {"tokens": tokens, "ner_tags": tags}
                tokens, tags = [], []
                continue
            token, tag = line.split()
            tokens.append(token)
            tags.append(tag)
    if tokens:
        yield {"tokens": tokens, "ner_tags": tags}


def baseline(name: str, path: Path, db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.executescript(PLAIN)
    articles_rows, span_rows, event_rows = [], [], []
    span_id = 0
    for number, (text, spans, events) in enumerate(_docs(name, path), 1):
        articles_rows.append((number, text, f"{path.name}#{number}"))
        first = span_id + 1
        for start, end, label in spans:
            span_id += 1
            span_rows.append((span_id, number, start, end, label))
        event_rows += [(number, first + e["trigger"] % 50, e["type"]) for e in events]
        if len(span_rows) > 50_000:  # bounded like ours: rows go in as they come
            _flush(conn, articles_rows, span_rows, event_rows)
    _flush(conn, articles_rows, span_rows, event_rows)
    conn.close()


def _flush(conn: sqlite3.Connection, articles_rows: list, span_rows: list, event_rows: list) -> None:
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO articles VALUES (?, ?, ?)", articles_rows)
    conn.executemany('INSERT INTO spans VALUES (?, ?, ?, ?, ?)', span_rows)
    conn.executemany("INSERT INTO events (article_id, trigger_id, type) VALUES (?, ?, ?)", event_rows)
    conn.execute("COMMIT")
    for rows in (articles_rows, span_rows, event_rows):
        rows.clear()


def bare_export(db_path: Path, out_path: Path) -> None:
    """Baseline of native export: one ordered cursor per table, merged in Python, records written."""
    conn = sqlite3.connect(db_path)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    spans = conn.execute('SELECT article_id, id, start, "end", label, annotator, created, origin FROM spans '
                         'ORDER BY article_id, start, "end" DESC, id')
    events = conn.execute("SELECT events.article_id, events.id, trigger_id, type, attributes, events.annotator, "
                          "events.created FROM events JOIN spans ON spans.id = trigger_id "
                          "ORDER BY events.article_id, spans.start, events.id")
    arguments: dict[int, list[dict[str, Any]]] = {}
    for event_id, role, span_id in conn.execute("SELECT event_id, role, span_id FROM arguments ORDER BY event_id"):
        arguments.setdefault(event_id, []).append({"role": role, "span": span_id})
    next_span, next_event = next(spans, None), next(events, None)
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for article_id, text, title, date, source, status, created, updated in conn.execute(
                "SELECT id, text, title, date, source, coalesce(s.status, 'new'), created, "
                "coalesce(s.updated, articles.updated) FROM articles LEFT JOIN article_status s "
                "ON s.article_id = articles.id ORDER BY id"):
            span_records = []
            while next_span is not None and next_span[0] == article_id:
                _, sid, start, end, label, annotator, screated, origin = next_span
                span_records.append({"id": sid, "start": start, "end": end, "label": label, "text": text[start:end],
                                     "annotator": annotator, "created": screated, "origin": origin})
                next_span = next(spans, None)
            event_records = []
            while next_event is not None and next_event[0] == article_id:
                _, eid, trigger, kind, attributes, annotator, ecreated = next_event
                event_records.append({"id": eid, "trigger": trigger, "type": kind,
                                      "attributes": json.loads(attributes), "arguments": arguments.get(eid, []),
                                      "annotator": annotator, "created": ecreated})
                next_event = next(events, None)
            out.write(encode({"id": article_id, "text": text, "meta": {
                "title": title, "date": date, "source": source, "status": status, "created": created,
                "updated": updated}, "spans": span_records, "events": event_records}) + "\n")
    conn.close()


# -- children: each measurement in a process of its own -----------------------------------------

def peak_kib() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def child(mode: str, name: str, path: str, db: str) -> None:
    """Run one measurement and print "seconds peak_growth_mib extra" on one line."""
    from storage.project import Project
    if mode == "ours":
        from storage.importing import ImportOptions, import_paths
        with Project.open(Path(db)) as project:
            before = peak_kib()
            start = time.perf_counter()
            report = import_paths(project, [path], options=ImportOptions(format=name))
            seconds = time.perf_counter() - start
            spans = project.db.execute("SELECT count(*) FROM spans").fetchone()[0]
        assert report.ok, report.summary_lines()
        print(seconds, (peak_kib() - before) / 1024, spans)
    elif mode == "baseline":
        before = peak_kib()
        start = time.perf_counter()
        baseline(name, Path(path), Path(db))
        print(time.perf_counter() - start, (peak_kib() - before) / 1024, 0)
    elif mode == "export":
        from storage.exporting import export_to_path
        with Project.open(Path(db)) as project:
            before = peak_kib()
            start = time.perf_counter()
            export_to_path(project, "native", Path(path))
        print(time.perf_counter() - start, (peak_kib() - before) / 1024, 0)
    else:  # bare export
        start = time.perf_counter()
        bare_export(Path(db), Path(path))
        print(time.perf_counter() - start, 0, 0)


def measure(mode: str, name: str, path: Path, db: Path) -> tuple[float, float, int]:
    if db.exists() and mode in ("ours", "baseline"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    result = subprocess.run([sys.executable, __file__, "--child", mode, name, str(path), str(db)],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if result.returncode != 0:
        raise RuntimeError(f"{mode} {name} failed:\n{result.stderr[-2000:]}")
    seconds, memory, spans = result.stdout.split()
    return float(seconds), float(memory), int(spans)


def best(fn: Callable[[], tuple[float, float, int]], runs: int = 2) -> tuple[float, float, int]:
    results = [fn() for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 documents: a smoke run")
    parser.add_argument("--only", default=",".join(FORMATS), help="comma-separated formats")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    count = 1_000 if args.quick else 10_000
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        print(f"{count:,} documents, {count * 50:,} spans per format; target <= {IMPORT_TARGET}x its baseline, "
              f"<= {MEMORY_LIMIT_MB:.0f} MB")
        for name in args.only.split(","):
            started = time.perf_counter()
            path = write_format(name, count, folder)
            built = time.perf_counter() - started
            runs = [(measure("baseline", name, path, folder / f"{name}-base.sqlite"),
                     measure("ours", name, path, folder / f"{name}-ours.sqlite")) for _ in range(2)]
            base = min(b[0] for b, _ in runs)
            ours = min(o[0] for _, o in runs)
            memory = max(o[1] for _, o in runs)
            spans = runs[-1][1][2]
            ratio = ours / base
            ok = ratio <= IMPORT_TARGET and memory <= MEMORY_LIMIT_MB and spans == count * 50
            failures += not ok
            print(f"import {name:<12} {ours:6.2f} s vs baseline {base:6.2f} s = {ratio:4.2f}x, peak +{memory:4.0f} MB, "
                  f"{spans:,} spans stored {'ok' if ok else 'MISSED'}  (files built in {built:.0f} s)")
            if name == "native":
                db = folder / "native-ours.sqlite"
                times = [(measure("bare-export", name, folder / "bare.jsonl", db)[0],
                          measure("export", name, folder / "ours.jsonl", db)[0]) for _ in range(2)]
                base_export, ours_export = min(t[0] for t in times), min(t[1] for t in times)
                ratio = ours_export / base_export
                failures += ratio > EXPORT_TARGET
                print(f"export native        {ours_export:6.2f} s vs bare sqlite3+json {base_export:6.2f} s = "
                      f"{ratio:4.2f}x (target <= {EXPORT_TARGET}x) {'ok' if ratio <= EXPORT_TARGET else 'MISSED'}")
            if path.is_dir():
                import shutil
                shutil.rmtree(path)
            else:
                path.unlink()
    if failures:
        print(f"{failures} target(s) missed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
