"""Kill -9 harnesses over the store and the command line, shared by the bounded tests and
``bench/bench_torture.py`` (which runs them many more times).

Every harness runs the real thing in a child process, kills it with SIGKILL (no cleanup, as a
crash would), then opens the project again and checks it: ``PRAGMA integrity_check``, foreign
keys, the scheme's frame rules, every span inside its text, and that nothing the child
acknowledged is missing. ``Tally`` adds up what issue 7 asks to see.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.project import Project
from tests.storage.two_writers import violations

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120  # seconds a child may take before it counts as a hang
TEXT = ("Insurgents entered Damascus on Sunday while the army held Homs and Aleppo. "
        "Protesters gathered in Liberty Square as the ministry condemned the attack in Dorvan.\n") * 4


@dataclass
class Tally:
    """What the torture runs add up to; ``bad`` says what went wrong, for a failing test's message."""

    runs: int = 0
    acknowledged: int = 0
    lost: int = 0
    integrity_failures: int = 0
    tracebacks: int = 0
    hangs: int = 0
    bad: list[str] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        for name in ("runs", "acknowledged", "lost", "integrity_failures", "tracebacks", "hangs"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.bad += other.bad

    @property
    def ok(self) -> bool:
        return not (self.lost or self.integrity_failures or self.tracebacks or self.hangs)


def consistency_problems(path: Path) -> list[str]:
    """What is wrong with the project file, in words; empty when it is sound."""
    with Project.open(path) as project:
        db = project.db
        problems = [] if db.execute("PRAGMA integrity_check").fetchone()[0] == "ok" else ["integrity_check"]
        problems += [f"foreign key: {row}" for row in db.execute("PRAGMA foreign_key_check")]
        problems += violations(project)
        problems += [f"article {row[0]}: stored length is not its text's" for row in db.execute(
            "SELECT id FROM articles WHERE length != length(text)")]
        problems += [f"span {row[0]} outside its text" for row in db.execute(
            'SELECT spans.id FROM spans JOIN articles ON articles.id = article_id '
            'WHERE start < 0 OR "end" <= start OR "end" > articles.length')]
    return problems


def traceback_in(stderr: str) -> bool:
    return "Traceback (most recent call last)" in stderr


def finish(child: subprocess.Popen, tally: Tally) -> str:
    """Kill ``child`` (if still running); return what it printed that was not read yet. Its
    stderr is checked for a traceback; a child that will not die is a hang."""
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    try:
        child.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        tally.hangs += 1
        return ""
    # Through the pipes' own buffers: communicate() would skip what readline() had read ahead.
    stdout = child.stdout.read() if child.stdout is not None else ""
    stderr = child.stderr.read() if child.stderr is not None else ""
    if traceback_in(stderr or ""):
        tally.tracebacks += 1
        tally.bad.append(stderr[-1500:])
    return stdout or ""


# -- the store: a writer making edits, killed after a given number of them ---------------------

_WRITER = r"""
import json, random, re, sys
sys.path.insert(0, sys.argv[1])
from storage.model import AnnotatorError
from storage.project import Project
path, seed, article_id, text = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rng = random.Random(seed)
words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]

def say(*parts):
    print(*parts, flush=True)

with Project.open(path) as project:
    spans = {s.id: s for s in project.spans(article_id)}
    while True:
        roll = rng.random()
        if roll < 0.5 or not spans:
            start, end = rng.choice(words)
            label = rng.choice(["ACTOR", "LOCATION", "EVENT"])
            say("try", json.dumps(["add"]))
            try:
                span = project.add_span(article_id, start, end, label)
            except AnnotatorError:  # already tagged so: a refusal, not an edit
                continue
            spans[span.id] = span
            say("ack", json.dumps(["add", span.id]))
        elif roll < 0.7:
            span_id = rng.choice(sorted(spans))
            say("try", json.dumps(["remove", span_id]))
            project.remove_span(span_id)
            del spans[span_id]
            say("ack", json.dumps(["remove", span_id]))
        else:
            triggers = sorted(s.id for s in spans.values() if s.label == "EVENT")
            if not triggers:
                continue
            trigger = rng.choice(triggers)
            mine = [e for e in project.events(article_id) if e.trigger_id == trigger]
            if not mine:
                say("try", json.dumps(["event"]))
                event = project.add_event(trigger, type="FIGHT")
                say("ack", json.dumps(["event", event.id, trigger]))
            else:
                value = rng.choice(["positive", "negative"])
                say("try", json.dumps(["polarity", mine[0].id]))
                project.set_event_attribute(mine[0].id, "polarity", value)
                say("ack", json.dumps(["polarity", mine[0].id, value]))
"""


def build_store_project(path: Path) -> int:
    """A project with one article for the writer to tag; returns the article's id."""
    with Project.open(path, new_scheme="legacy") as project:  # its FIGHT type, whatever the default
        return project.add_article(text=TEXT, title="Torture").id


def store_kill_run(path: Path, article_id: int, seed: int, *, edits: int) -> Tally:
    """A writer killed right after its ``edits``-th acknowledged edit; all of those must be on disk."""
    tally = Tally(runs=1)
    with Project.open(path) as before:
        spans = {s.id for s in before.spans(article_id)}
        events = {e.id: e.trigger_id for e in before.events(article_id)}
        polarity = {e.id: e.attributes.get("polarity") for e in before.events(article_id)}
    child = subprocess.Popen([sys.executable, "-c", _WRITER, str(ROOT), str(path), str(seed), str(article_id),
                              TEXT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    in_flight: list[Any] = []
    acks = 0
    lines: list[str] = []
    while acks < edits:
        line = child.stdout.readline()
        if not line:
            break  # the child ended by itself: its stderr says why
        lines.append(line)
        acks += line.startswith("ack ")
    # The child ran on while we read: what it printed before the kill was acknowledged too.
    lines += finish(child, tally).splitlines(keepends=True)
    acks = 0
    for line in lines:
        word, _, payload = line.strip().partition(" ")
        if not payload:
            continue  # a line cut by the kill
        change = json.loads(payload)
        if word == "try":
            in_flight = change
            continue
        acks += 1
        in_flight = []
        if change[0] == "add":
            spans.add(change[1])
        elif change[0] == "remove":  # its events go with it (and SQLite may reuse both ids)
            spans.discard(change[1])
            for gone in [event for event, trigger in events.items() if trigger == change[1]]:
                del events[gone]
        elif change[0] == "event":
            events[change[1]] = change[2]
            polarity[change[1]] = "positive"
        else:
            polarity[change[1]] = change[2]
    tally.acknowledged += acks
    problems = consistency_problems(path)
    if problems:
        tally.integrity_failures += 1
        tally.bad.append(f"seed {seed}: {problems[:3]}")
    with Project.open(path) as after:
        stored = {s.id for s in after.spans(article_id)}
        stored_events = {e.id: e for e in after.events(article_id)}
    # The edit in flight when the kill came may or may not have committed: only it may differ.
    maybe_removed = in_flight[1] if in_flight and in_flight[0] == "remove" else None
    for span_id in spans - stored - {maybe_removed}:
        tally.lost += 1
        tally.bad.append(f"seed {seed}: acknowledged span {span_id} is missing")
    for event_id, trigger in events.items():
        event = stored_events.get(event_id)
        if event is None:  # it goes with its trigger span, and only then
            if trigger in spans and trigger != maybe_removed:
                tally.lost += 1
                tally.bad.append(f"seed {seed}: acknowledged event {event_id} is missing")
            continue
        if in_flight[1:2] == [event_id] and in_flight[0] == "polarity":
            continue
        if event.attributes.get("polarity") != polarity[event_id]:
            tally.lost += 1
            tally.bad.append(f"seed {seed}: event {event_id} polarity {event.attributes.get('polarity')!r}, "
                             f"acknowledged {polarity[event_id]!r}")
    return tally


# -- the command line: import and export, killed at a chosen step -------------------------------

# Runs the command line and kills itself (SIGKILL) just before the Nth call of a C function that
# changes the disk: a rename or a delete, and with "sql" an SQLite statement too. Prints the
# number of such calls when it runs to the end, so a caller learns how many steps there are.
KILLED_AT_STEP = r"""
import os, signal, sqlite3, sys
sys.path.insert(0, sys.argv[1])
import main
import storage.exporting, storage.importing
stop_at, sql, steps = int(sys.argv[2]), sys.argv[3] == "sql", 0
files = {os.rename, os.replace, os.unlink, os.rmdir, os.mkdir}

def profile(frame, event, arg):
    global steps
    if event == "c_call" and (arg in files or (sql and getattr(arg, "__name__", "") in ("execute", "executemany")
                                               and isinstance(getattr(arg, "__self__", None), sqlite3.Connection))):
        steps += 1
        if steps == stop_at:
            os.kill(os.getpid(), signal.SIGKILL)

sys.setprofile(profile)
code = main.main(sys.argv[4:])
sys.setprofile(None)
print(steps)
sys.exit(code)
"""


def run_killed_at(step: int, *argv: object, sql: bool = True) -> subprocess.CompletedProcess:
    """The command line run in a child that SIGKILLs itself at disk-changing call number ``step``
    (counting SQL statements too unless ``sql`` is False: an export's statements only read)."""
    return subprocess.run([sys.executable, "-c", KILLED_AT_STEP, str(ROOT), str(step), "sql" if sql else "files",
                           *map(str, argv)], capture_output=True, text=True, timeout=TIMEOUT)


def import_folder(folder: Path, count: int) -> dict[str, str]:
    """A folder of ``count`` articles (.txt, and one native .jsonl of two); returns source → stored text."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for n in range(count):
        text = f"Article {n}: rebels entered town {n} on day {n}.\n"
        (folder / f"{n:03}.txt").write_text(text, encoding="utf-8")
        expected[f"{n:03}.txt"] = text
    records = [{"text": f"Native {n}: the army held Homs.", "meta": {"title": f"Native {n}"},
                "spans": [{"id": 1, "start": 0, "end": 6, "label": "ACTOR"}]} for n in range(2)]
    (folder / "native.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n", encoding="utf-8")
    for record in records:
        expected[f"native:{record['text']}"] = record["text"]
    (folder / "brat").mkdir(exist_ok=True)
    for n in range(2):  # brat files share a transaction and their rows a batch: each must still be whole
        text = f"Brat {n}: rebels took Aleppo."
        (folder / "brat" / f"b{n}.txt").write_text(text, encoding="utf-8")
        (folder / "brat" / f"b{n}.ann").write_text(
            "T1\tACTOR 8 14\trebels\nT2\tEVENT 15 19\ttook\nT3\tLOCATION 20 26\tAleppo\n"
            "E1\tEVENT:T2 source:T1 location:T3\n", encoding="utf-8")
        expected[f"brat:{n}"] = text
        WHOLE_FILES[text] = (3, 1)
    return expected


WHOLE_FILES: dict[str, tuple[int, int]] = {}  # text of a file with annotations -> (spans, events) it brings


def import_kill_run(project: Path, folder: Path, expected: dict[str, str], step: int) -> Tally:
    """``import`` killed at ``step``: each file in whole or not at all; the next import completes it."""
    tally = Tally(runs=1)
    try:
        result = run_killed_at(step, "--project", project, "import", folder)
    except subprocess.TimeoutExpired:
        tally.hangs += 1
        return tally
    if traceback_in(result.stderr):
        tally.tracebacks += 1
        tally.bad.append(result.stderr[-1500:])
    whole = set(expected.values())
    if project.exists():
        problems = consistency_problems(project)
        with Project.open(project) as opened:
            texts = [opened.article(i).text for i in opened.article_ids()]
            problems += [f"a file half in: {opened.article(i).text!r}" for i in opened.article_ids()
                         if opened.article(i).text in WHOLE_FILES and WHOLE_FILES[opened.article(i).text]
                         != (len(opened.spans(i)), len(opened.events(i)))]
        problems += [f"a torn article {text[:40]!r}" for text in texts if text not in whole]
        if problems:
            tally.integrity_failures += 1
            tally.bad.append(f"import step {step}: {problems[:3]}")
    again = subprocess.run([sys.executable, str(ROOT / "main.py"), "--project", str(project), "import",
                            str(folder)], capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    if traceback_in(again.stderr) or again.returncode != 0:
        tally.tracebacks += traceback_in(again.stderr)
        tally.bad.append(f"import after step {step}: {again.stderr[-500:]}")
    with Project.open(project) as opened:
        texts = sorted(opened.article(i).text for i in opened.article_ids())
    if texts != sorted(whole):
        tally.lost += 1
        tally.bad.append(f"import after step {step}: {len(texts)} articles, expected {len(whole)}")
    return tally


def count_steps(*argv: object, sql: bool = True) -> int:
    """How many disk-changing calls the command makes when it runs to the end."""
    result = run_killed_at(10**9, *argv, sql=sql)
    assert result.returncode in (0, 1), result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def _folder_or_file(path: Path) -> Any:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.iterdir()}
    return path.read_bytes()


def _hidden_siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}."))


def export_kill_runs(project: Path, fmt: str, workdir: Path, old_export: Path, new_export: Path, *,
                     steps: list[int] | None = None) -> Tally:
    """``export`` over a copy of ``old_export``, killed at each step (or ``steps``); at every instant
    the destination must be ``old_export`` or ``new_export`` whole, or missing with a leftover the
    next export puts in place, and that next export must end with ``new_export``, no leftover, and
    a note when it cleared something."""
    from storage.exporting import export_to_path

    tally = Tally()
    old, new = _folder_or_file(old_export), _folder_or_file(new_export)
    argv = ["--project", project, "export", "--format", fmt, "-o"]
    target = workdir / old_export.name
    total = None
    for step in steps or iter(int, 1):  # every step until one runs to the end
        step = step if steps else tally.runs + 1
        if total is not None and step > total:
            break
        tally.runs += 1
        for leftover in [target, *(workdir / name for name in _hidden_siblings(target))]:
            if leftover.is_dir():
                __import__("shutil").rmtree(leftover)
            elif leftover.exists():
                leftover.unlink()
        (__import__("shutil").copytree if old_export.is_dir() else __import__("shutil").copyfile)(old_export, target)
        try:
            result = run_killed_at(step, *argv, target, sql=False)  # an export's statements only read
        except subprocess.TimeoutExpired:
            tally.hangs += 1
            continue
        if traceback_in(result.stderr):
            tally.tracebacks += 1
            tally.bad.append(result.stderr[-1500:])
        if result.returncode == 0:
            total = int(result.stdout.strip().splitlines()[-1])
        if target.exists() and _folder_or_file(target) not in (old, new):
            tally.integrity_failures += 1
            tally.bad.append(f"{fmt} step {step}: a partial export at the destination")
        elif not target.exists() and not _hidden_siblings(target):
            tally.lost += 1
            tally.bad.append(f"{fmt} step {step}: the export vanished with nothing to repair it from")
        left = _hidden_siblings(target)
        with Project.open(project) as opened:  # the next export, not killed
            summary = export_to_path(opened, fmt, target).summary()
        if _folder_or_file(target) != new or _hidden_siblings(target):
            tally.integrity_failures += 1
            tally.bad.append(f"{fmt} step {step}: the next export did not repair and clear ({left})")
        elif left and "note: " not in summary:
            tally.bad.append(f"{fmt} step {step}: cleared {left} without a word")
            tally.integrity_failures += 1
        if steps is None and result.returncode == 0:
            break
    return tally
