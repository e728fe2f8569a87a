"""Big imports set the row triggers, CHECKs and foreign keys aside while they write (the same rules
are checked in Python first, inside the file's transaction): afterwards, and after a file that
fails half-way, every one of them guards the project again, and what only SQL caught before
(a NUL in a text) is refused in words."""
from __future__ import annotations

import json
import sqlite3

import pytest

from storage.importing import ImportOptions, import_paths
from storage.importing.batch import SUSPEND_FROM
from storage.project import Project

WORDS = "Aid reached Hama as Red Crescent teams met local officials."  # ACTOR at 20..32, LOCATION at 12..16


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def doccano_lines(count: int) -> list[str]:
    return [json.dumps({"id": n, "text": f"{WORDS} Report {n}.",
                        "label": [[12, 16, "LOCATION"], [20, 32, "ACTOR"], [0, 3, "ACTOR"],
                                  [33, 38, "ACTOR"], [48, 53, "ACTOR"]]}) for n in range(1, count + 1)]


def triggers(project: Project) -> list[str]:
    return [row[0] for row in project.db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]


def assert_guarded(project: Project, before: list[str]) -> None:
    conn = project.db.conn
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 0
    assert triggers(project) == before
    article = project.add_article(text="Aid reached Hama, again.", title="Aid")
    for sql, values in (  # a dangling article, a negative start, an end past the text
            ('INSERT INTO spans (article_id, start, "end", label, created) VALUES (?, 0, 3, ?, ?)',
             (article.id + 99, "ACTOR", "2026-01-01")),
            ('INSERT INTO spans (article_id, start, "end", label, created) VALUES (?, -1, 3, ?, ?)',
             (article.id, "ACTOR", "2026-01-01")),
            ('INSERT INTO spans (article_id, start, "end", label, created) VALUES (?, 0, 99, ?, ?)',
             (article.id, "ACTOR", "2026-01-01"))):
        conn.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(sql, values)
        finally:
            conn.execute("ROLLBACK")


def test_a_big_import_writes_every_span_and_leaves_every_guard_on(project, tmp_path):
    before = triggers(project)
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(doccano_lines(600)) + "\n", encoding="utf-8")
    assert 500 * 5 >= SUSPEND_FROM  # the first round is big enough to set the rules aside
    report = import_paths(project, [path], options=ImportOptions(format="doccano"))
    assert report.ok, report.summary_lines()
    assert project.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 3000
    assert project.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 600
    assert_guarded(project, before)


def test_a_big_file_failing_after_its_first_round_changes_nothing_and_leaves_every_guard_on(project, tmp_path):
    before = triggers(project)
    lines = doccano_lines(600)
    lines[560] = json.dumps({"text": "Aid reached Homs.", "label": [[12, 99, "LOCATION"]]})
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(project, [path], options=ImportOptions(format="doccano"))
    assert str(report.errors[0]) == f"{path}:561: span 1 (LOCATION): offsets 12..99 are outside the text (0..17)"
    assert project.article_count() == 0
    assert_guarded(project, before)


@pytest.mark.parametrize("fmt, record", [
    ("native", {"text": "Aid\u0000 reached Hama.", "spans": [{"id": 1, "start": 13, "end": 17, "label": "LOCATION"}]}),
    ("doccano", {"text": "Aid\u0000 reached Hama.", "label": [[13, 17, "LOCATION"]]}),
])
def test_a_nul_in_a_text_is_refused_in_words(project, tmp_path, fmt, record):
    path = tmp_path / "nul.jsonl"
    path.write_text(json.dumps({"text": "Fine."}) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    report = import_paths(project, [path], options=ImportOptions(format=fmt))
    assert str(report.errors[0]) == (f"{path}:2: the text holds a NUL character (\\u0000) at offset 3, "
                                     "which a stored text cannot hold")
    assert project.article_count() == 0


def test_a_brat_folder_in_a_batched_round_writes_every_span_and_leaves_every_guard_on(project, tmp_path):
    """Small files share a round (foreign keys off while it writes, as for a big file): a bad one
    among them is refused alone, and afterwards every guard is on again."""
    before = triggers(project)
    folder = tmp_path / "brat"
    folder.mkdir()
    spans = ("T1\tLOCATION 12 16\tHama\nT2\tACTOR 20 32\tRed Crescent\nT3\tEVENT 4 11\treached\nT4\tACTOR 0 3\tAid\n"
             "T5\tACTOR 33 38\tteams\nE1\tAID:T3 source:T2 location:T1\n")
    for n in range(1, 451):
        (folder / f"{n:03}.txt").write_text(f"{WORDS} Report {n}.", encoding="utf-8")
        (folder / f"{n:03}.ann").write_text(spans if n != 300 else spans + "T6\tACTOR 0 99\tx\n", encoding="utf-8")
    report = import_paths(project, [folder], options=ImportOptions(format="brat"))
    assert [str(e) for e in report.errors] == [f"{folder / '300.ann'}:7: T6: offsets 0..99 are outside the text "
                                              f"(0..{len(WORDS) + 12})"]
    assert report.spans_added == 449 * 5 >= SUSPEND_FROM and report.events_added == 449
    assert project.db.execute("SELECT count(*) FROM arguments").fetchone()[0] == 449 * 2
    assert_guarded(project, before)
