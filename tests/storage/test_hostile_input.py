"""Hostile input to the importers: one clear line naming the file (and line), the project unchanged,
the rest of a folder imported, never a traceback or a hang."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from storage.importing import import_paths
from storage.project import Project

ROOT = Path(__file__).resolve().parents[2]
BIG = 2**63


def dump(project: Project) -> list[str]:
    return list(project.db.conn.iterdump())


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        p.add_article(text="Already here.", title="Already here.")
        yield p


def native(*records) -> str:
    return "\n".join(json.dumps(record) for record in records) + "\n"


CASES = {
    "deep_list.jsonl": ("[" * 100_000, 1, "nested too deeply"),
    "deep_meta.jsonl": ('{"text": "Rebels entered.", "meta": ' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "}",
                        1, "nested too deeply"),
    "article_id_2_63.jsonl": (native({"id": BIG, "text": "Article one."}), 1, "from 1 to 9223372036854775807"),
    "event_id_2_64.jsonl": (native({"id": 5, "text": "Rebels entered.",
                                    "spans": [{"id": 1, "start": 7, "end": 14, "label": "EVENT"}],
                                    "events": [{"id": 2**64, "trigger": 1}]}), 1, "event id"),
    "span_id_2_63.jsonl": (native({"text": "Rebels entered.",
                                   "spans": [{"id": BIG, "start": 7, "end": 14, "label": "EVENT"}]}),
                           1, "span id"),
    # Past 64 bits: still read as the integer it is (not a float), and named as written.
    "span_id_10_25.jsonl": (native({"text": "Rebels entered.",
                                    "spans": [{"id": 10**25, "start": 7, "end": 14, "label": "EVENT"}]}),
                            1, "span id 10000000000000000000000000 must be a whole number"),
    "ids_run_out.jsonl": (native({"id": BIG - 1, "text": "Article two."}, {"text": "Article three."}),
                          2, "no article id is free"),
    "max_count_text.jsonl": (native({"scheme": {"roles": [{"name": "victim", "labels": ["ACTOR"],
                                                           "max_count": "2"}]}}, {"text": "One."}),
                             1, "max_count must be a whole number"),
    "max_count_list.jsonl": (native({"scheme": {"roles": [{"name": "victim", "labels": ["ACTOR"],
                                                           "max_count": [1]}]}}, {"text": "One."}),
                             1, "max_count must be a whole number"),
    "max_count_huge.jsonl": (native({"scheme": {"roles": [{"name": "victim", "labels": ["ACTOR"],
                                                           "max_count": BIG}]}}, {"text": "One."}),
                             1, "max_count must be a whole number"),
    "scheme_without_name.jsonl": (native({"scheme": {"labels": [{"colour": "#112233"}]}}, {"text": "One."}),
                                  1, 'lacks "name"'),
    "null_record.jsonl": ("null\n", 1, "not null"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_hostile_file_is_one_plain_line_and_changes_nothing(project, tmp_path, name):
    content, line, words = CASES[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = dump(project)
    report = import_paths(project, [path])
    [error] = report.errors
    assert error.path == str(path) and error.line == line and words in error.reason, error
    for internal in ("Error", "NoneType", "Python", "KeyError", "Traceback", "sqlite3"):
        assert internal not in error.reason
    assert dump(project) == before


def test_a_folder_goes_on_after_each_bad_file_and_says_what_it_skipped(project, tmp_path):
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Good article A.", encoding="utf-8")
    (folder / "sub" / "c.txt").write_text("Good article C.", encoding="utf-8")
    for name, (content, _, _) in CASES.items():
        (folder / name).write_text(content, encoding="utf-8")
    os.mkfifo(folder / "sub" / "pipe.txt")
    report = import_paths(project, [folder])
    assert report.articles_added == 2
    failed = {Path(error.path).name: error.reason for error in report.errors}
    assert set(failed) == set(CASES) | {"pipe.txt"}
    assert failed["pipe.txt"] == "a named pipe, not a regular file: skipped"
    assert report.summary_lines()[-1] == f"imported 2 articles from {len(CASES) + 3} files; " \
                                         f"{len(CASES) + 1} files failed"


@pytest.mark.parametrize("name", ["pipe.txt", "pipe.jsonl"])
def test_a_named_pipe_given_directly_is_skipped_without_ever_blocking(project, tmp_path, name):
    pipe = tmp_path / name
    os.mkfifo(pipe)
    outcome: dict[str, object] = {}
    worker = threading.Thread(target=lambda: outcome.update(report=import_paths(project, [pipe])), daemon=True)
    worker.start()
    worker.join(timeout=30)  # an open() of the pipe would block here for good
    assert not worker.is_alive(), "the import blocked on a named pipe"
    [error] = outcome["report"].errors  # type: ignore[attr-defined]
    assert error.reason == "a named pipe, not a regular file: skipped"


def _without_root_powers() -> list[str]:
    """A command prefix under which permissions bind: root reads every folder unless it drops
    the capabilities that let it (util-linux's setpriv); anyone else needs nothing."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def test_an_unreadable_subfolder_is_reported_and_the_rest_imported(tmp_path):
    folder = tmp_path / "news"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text("Good article A.", encoding="utf-8")
    (folder / "locked" / "b.txt").write_text("Locked article B.", encoding="utf-8")
    (folder / "locked").chmod(0)
    try:
        result = subprocess.run([*_without_root_powers(), sys.executable, str(ROOT / "main.py"), "--project",
                                 str(tmp_path / "p.sqlite"), "import", str(folder)],
                                capture_output=True, text=True, timeout=120, cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        (folder / "locked").chmod(0o755)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"{folder / 'locked'}: cannot read this folder (Permission denied): " \
                       "its files were skipped", result.stderr
    assert lines[-1] == "imported 1 article from 2 files; 1 file failed"


_RESAVER = """
import os, sys
path, rounds = sys.argv[1], int(sys.argv[2])
a = b"Version A of the article. " * 4000
b = b"Version B, a longer one, of the article. " * 4000
print("ready", flush=True)
for n in range(rounds):
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)  # an editor saving in place: truncate, write, close
    os.write(fd, a if n % 2 else b)
    os.close(fd)
"""


def test_a_file_resaved_while_it_is_imported_is_never_stored_torn(tmp_path):
    path = tmp_path / "live.txt"
    path.write_bytes(b"Version A of the article. " * 4000)
    saver = subprocess.Popen([sys.executable, "-c", _RESAVER, str(path), "400"], stdout=subprocess.PIPE, text=True)
    assert saver.stdout.readline().strip() == "ready"
    whole = {"Version A of the article. " * 4000, "Version B, a longer one, of the article. " * 4000}
    with Project.open(tmp_path / "p.sqlite") as project:
        while saver.poll() is None:
            report = import_paths(project, [path])
            for error in report.errors:  # refused (torn, or caught empty mid-save): named and plain
                assert error.path == str(path) and ("being written while it was read" in error.reason
                                                    or "empty" in error.reason), error
        saver.wait()
        stored = {project.article(i).text for i in project.article_ids()}
    assert stored <= {text.rstrip() for text in whole} | whole, "an article was stored torn"


def test_a_refusal_in_the_middle_of_a_many_row_insert_leaves_the_project_unchanged(project, tmp_path):
    """Spans go in a hundred to a statement, INSERT OR FAIL (no statement journal): rows before
    the refused one stay written until the file's transaction rolls back, which it does."""
    project.db.execute('CREATE UNIQUE INDEX guard ON spans(start, "end", label)')  # a guard a user added
    text = "Rebels took Aleppo. " * 30
    # Article n's spans are n + 1 characters long, so no two articles share one, but for a twin:
    records = [{"id": n, "text": f"Report {n}. {text}",
                "spans": [{"id": n * 100 + k, "start": k, "end": k + 1 + n, "label": "ACTOR"} for k in range(30)]}
               for n in range(1, 101)]
    records[70]["spans"][7].update(start=7, end=7 + 1 + 61)  # article 61's: refused 2,108 rows in
    path = tmp_path / "guarded.jsonl"
    path.write_text(native(*records), encoding="utf-8")
    before = dump(project)
    report = import_paths(project, [path])
    [error] = report.errors
    assert error.line is not None and "the project refused the records" in error.reason
    assert dump(project) == before
