"""Two real processes editing one project at once: the interleavings issue 7 lists.

Run by ``tests/storage/test_two_writers.py`` (a few hundred edits) and ``bench/bench_torture.py``
(many more). Each side is a separate ``python -m tests.storage.two_writers`` process with its
own connection; both open the project, say "ready", and start together when the parent says "go".
Each prints one JSON line: edits acknowledged, refusals (our error types), anything else raised
(a traceback would be a bug), acknowledged values it later found lost, and rule violations seen.
"""
from __future__ import annotations

import json
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

from storage.model import AnnotatorError
from storage.project import Project

TEXT = "Insurgents entered Damascus on Sunday while the army held Homs and Aleppo.\n"
SCENARIOS = ("attributes", "max_one_role", "relabel_vs_argument", "relabel_vs_event", "argument_vs_remove")

# Every rule of the default scheme as one query: each row is a broken rule, in words.
_VIOLATIONS = """
SELECT 'role ' || a.role || ' of event ' || a.event_id || ' holds a ' || s.label
  FROM arguments a JOIN spans s ON s.id = a.span_id
 WHERE NOT EXISTS (SELECT 1 FROM role_labels r WHERE r.role = a.role AND r.label = s.label)
UNION ALL
SELECT 'event ' || e.id || ' is triggered by a ' || s.label
  FROM events e JOIN spans s ON s.id = e.trigger_id JOIN labels l ON l.name = s.label
 WHERE l.kind != 'trigger'
UNION ALL
SELECT 'event ' || a.event_id || ' has ' || count(*) || ' ' || a.role
  FROM arguments a JOIN roles r ON r.name = a.role
 GROUP BY a.event_id, a.role HAVING r.max_count IS NOT NULL AND count(*) > r.max_count
UNION ALL
SELECT 'argument of event ' || a.event_id || ' points at a missing span ' || a.span_id
  FROM arguments a WHERE a.span_id NOT IN (SELECT id FROM spans)
"""


def violations(project: Project) -> list[str]:
    """Broken scheme rules in the file as it is now (one read snapshot)."""
    return [row[0] for row in project.db.execute(_VIOLATIONS).fetchall()]


def build(path: Path) -> dict[str, int]:
    """A project with one article, an event on "entered", and spans for every scenario."""
    with Project.open(path, new_scheme="legacy") as project:  # its roles and FIGHT, whatever the default
        article = project.add_article(text=TEXT, title="Insurgents", date="2024-12-08")

        def tag(word: str, label: str) -> int:
            start = TEXT.index(word)
            return project.add_span(article.id, start, start + len(word), label).id

        ids = {"article": article.id, "trigger": tag("entered", "EVENT"), "actor": tag("Insurgents", "ACTOR"),
               "place_a": tag("Homs", "LOCATION"), "place_b": tag("Aleppo", "LOCATION"),
               "relabelled": tag("Damascus", "LOCATION"), "loose_trigger": tag("held", "EVENT"),
               "army": tag("army", "ACTOR")}
        ids["event"] = project.add_event(ids["trigger"], type="FIGHT").id
        return ids


class _Tally:
    def __init__(self) -> None:
        self.acknowledged = 0
        self.refused = 0
        self.lost: list[str] = []
        self.unexpected: list[str] = []
        self.violations: list[str] = []

    def attempt(self, edit: Callable[[], Any]) -> Any:
        """Run one store call; our refusals are counted, anything else is recorded as a bug."""
        try:
            result = edit()
        except AnnotatorError:
            self.refused += 1
            return None
        except Exception:  # noqa: BLE001 - the point is to catch what should never escape
            self.unexpected.append(traceback.format_exc(limit=4))
            return None
        self.acknowledged += 1
        return result


def _attributes(project: Project, side: str, ids: dict[str, int], tally: _Tally, i: int) -> None:
    # Each side owns one attribute: whatever the other does, ours must read back as we left it.
    name, choices = ("polarity", ("positive", "negative")) if side == "a" else \
        ("modality", ("asserted", "reported", "hypothetical"))
    event = ids["event"]
    before = project.event(event).attributes.get(name)
    expected = tally.__dict__.setdefault("mine", before)
    if before != expected:
        tally.lost.append(f"{name} was {expected!r}, now {before!r}")
    value = choices[i % len(choices)]
    if tally.attempt(lambda: project.set_event_attribute(event, name, value)) is not None:
        tally.__dict__["mine"] = value


def _max_one_role(project: Project, side: str, ids: dict[str, int], tally: _Tally, i: int) -> None:
    place = ids["place_a" if side == "a" else "place_b"]
    event = ids["event"]
    if tally.attempt(lambda: project.add_argument(event, "location", place)) is not None:
        tally.attempt(lambda: project.remove_argument(event, "location", place))


def _relabel_vs_argument(project: Project, side: str, ids: dict[str, int], tally: _Tally, i: int) -> None:
    span, event = ids["relabelled"], ids["event"]
    if side == "a":
        tally.attempt(lambda: project.change_span_label(span, "EVENT" if i % 2 == 0 else "LOCATION"))
    elif tally.attempt(lambda: project.add_argument(event, "location", span)) is not None:
        tally.attempt(lambda: project.remove_argument(event, "location", span))


def _relabel_vs_event(project: Project, side: str, ids: dict[str, int], tally: _Tally, i: int) -> None:
    span = ids["loose_trigger"]
    if side == "a":
        tally.attempt(lambda: project.change_span_label(span, "ACTOR" if i % 2 == 0 else "EVENT"))
    else:
        made = tally.attempt(lambda: project.add_event(span))
        if made is not None:
            tally.attempt(lambda: project.remove_event(made.id))


def _argument_vs_remove(project: Project, side: str, ids: dict[str, int], tally: _Tally, i: int) -> None:
    span, event = ids["army"], ids["event"]
    if side == "a":
        removed = tally.attempt(lambda: project.remove_span(span))
        if removed is not None:
            tally.attempt(lambda: project.restore_span(removed))
    elif tally.attempt(lambda: project.add_argument(event, "target", span)) is not None:
        tally.attempt(lambda: project.remove_argument(event, "target", span))


_STEPS = {"attributes": _attributes, "max_one_role": _max_one_role, "relabel_vs_argument": _relabel_vs_argument,
          "relabel_vs_event": _relabel_vs_event, "argument_vs_remove": _argument_vs_remove}


def _side(scenario: str, side: str, path: str, ids: dict[str, int], iterations: int) -> dict[str, Any]:
    tally = _Tally()
    with Project.open(path) as project:
        print("ready", flush=True)
        sys.stdin.readline()  # "go": both sides start together
        for i in range(iterations):
            _STEPS[scenario](project, side, ids, tally, i)
            tally.violations.extend(violations(project))
        if scenario == "attributes":  # the last acknowledged value is still there at the end
            _attributes(project, side, ids, tally, iterations)
    return {"side": side, "acknowledged": tally.acknowledged, "refused": tally.refused, "lost": tally.lost,
            "unexpected": tally.unexpected, "violations": sorted(set(tally.violations))}


def run_pair(scenario: str, path: Path, ids: dict[str, int], iterations: int,
             *, timeout: float = 120) -> list[dict[str, Any]]:
    """Start both sides, release them together, and return their two reports."""
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.storage.two_writers", scenario, side, str(path), json.dumps(ids),
         str(iterations)], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for side in ("a", "b")]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for proc in procs:
            proc.stdin.write("go\n")  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=timeout)
            if proc.returncode != 0:
                raise AssertionError(f"writer {proc.args[3]} failed:\n{err}")
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("PRAGMA foreign_keys = ON")
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute(sys.argv[2])
conn.execute("COMMIT")
"""


class LockHolder:
    """Another process that takes the write lock, waits, then commits ``sql`` when told to.

    With it a test fixes one interleaving exactly: our edit starts while the other process holds
    the lock, and the other's change lands before ours may write.
    """

    def __init__(self, path: Path, sql: str) -> None:
        self._proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path), sql], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self._proc.stdout.readline()  # type: ignore[union-attr]
        assert line.strip() == "locked", self._proc.stderr.read()  # type: ignore[union-attr]

    def commit(self) -> None:
        out, err = self._proc.communicate("write\n", timeout=60)
        assert self._proc.returncode == 0, err


if __name__ == "__main__":
    _scenario, _which, _path, _ids, _iterations = sys.argv[1:6]
    print(json.dumps(_side(_scenario, _which, _path, json.loads(_ids), int(_iterations))), flush=True)
