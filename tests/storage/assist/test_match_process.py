"""The match process (a real one, over pipes) answers what ``article_suggestions`` computes, in the
columns of a ``SuggestionTable``; and the table behaves as the list of suggestions it stands for."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storage.assist.suggestion_table import SuggestionTable
from storage.assist.suggestions import Suggestion, reject, store_suggestions
from storage.project import Project
from tests.storage.assist.test_suggestions import DONE, suggest, tagged

ROOT = Path(__file__).resolve().parents[3]


def read_answers(stdout: bytes) -> list[tuple[dict, SuggestionTable | None]]:
    """Each answer's header and, for suggestions, the table its bytes make."""
    answers, rest = [], stdout
    while rest:
        line, rest = rest.split(b"\n", 1)
        header = json.loads(line)
        if header["stage"] != "suggested":
            answers.append((header, None))
            continue
        size = header["bytes"]
        answers.append((header, SuggestionTable.from_bytes(header, rest[:size])))
        rest = rest[size:]
    return answers


def test_the_process_answers_each_request_with_what_the_window_would_compute(tmp_path):
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        done, new = tagged(project)
        store_suggestions(project, [Suggestion(new, 0, 2, "LOCATION", "model", 0.9)])  # the model's, stored
        reject(project, [Suggestion(new, 3, 10, "LOCATION", "dictionary", 1.0)])  # "Velmora": settled
        want, want_done = suggest(project, new), suggest(project, done)
    assert {s.recommender for s in want} == {"dictionary", "model"} and all(s.start != 3 for s in want)
    requests = b"".join(json.dumps(r).encode() + b"\n" for r in (
        {"article": new, "revision": 7, "layer": None},
        {"article": 999, "revision": 8, "layer": None},  # no such article: said, and the process goes on
        "not a request",
        {"article": done, "revision": 9, "layer": None}))
    result = subprocess.run([sys.executable, "-m", "storage.assist.match_process", "--project", str(path)],
                            input=requests, capture_output=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    (first, table), (error, none), (last, done_table) = read_answers(result.stdout)
    assert (first["stage"], first["article"], first["revision"]) == ("suggested", new, 7)
    assert list(table) == want and table.article_id == new
    assert (error["stage"], error["article"], error["revision"], none) == ("error", 999, 8, None)
    assert "no article 999" in error["message"]
    assert (last["article"], last["revision"], list(done_table)) == (done, 9, want_done)
    assert [DONE[s.start:s.end] for s in want_done] == ["Rebels"]  # the one left untagged


def test_a_table_reads_back_from_its_bytes_and_acts_as_its_list():
    rows = [Suggestion(4, 0, 6, "ACTOR", "dictionary", 1.0), Suggestion(4, 0, 6, "LOCATION", "model", 0.75),
            Suggestion(4, 10, 14, "ACTOR", "dictionary", 0.5), Suggestion(4, 20, 31, "EVENT", "model", 0.6)]
    table = SuggestionTable.from_bytes(SuggestionTable.of(rows).header(), SuggestionTable.of(rows).to_bytes())
    assert table == rows and list(table) == rows and table[1] == rows[1] and table[-1] == rows[-1]
    assert table[1:3] == rows[1:3] and len(table) == 4 and table.longest == 11
    assert table.index(rows[2]) == 2 and rows[1] in table
    assert Suggestion(4, 0, 6, "EVENT", "model", 0.75) not in table
    with pytest.raises(IndexError):
        table[4]
    table.keep(0, 3, [1])  # the first three rows, of which only the second stays
    assert table == [rows[1], rows[3]] and table.starts.tolist() == [0, 20]
    assert SuggestionTable() == [] and SuggestionTable.of([], article_id=3).article_id == 3
    with pytest.raises(ValueError):
        SuggestionTable.from_bytes({**table.header(), "count": 3}, table.to_bytes())
