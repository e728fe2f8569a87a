"""The command line: `export` in every format to a file or stdout, `stats`, and the exit codes."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import main
from storage.exporting import FORMATS
from storage.project import Project

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Insurgents entered Damascus on Sunday.\n\nMr. Al-Assad left Syria."


@pytest.fixture
def project_path(tmp_path):
    """A closed project file: two articles (one done), four spans, one event."""
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        article = project.add_article(text=TEXT, title="Insurgents", date="2024-12-08", status="done")
        ids = {}
        for words, label in [("Insurgents", "ACTOR"), ("entered", "EVENT"), ("Damascus", "LOCATION"),
                             ("Mr. Al-Assad", "ACTOR")]:
            start = TEXT.index(words)
            ids[words] = project.add_span(article.id, start, start + len(words), label, annotator="ann").id
        event = project.add_event(ids["entered"], type="FIGHT", annotator="ann")
        project.add_argument(event.id, "source", ids["Insurgents"])
        project.add_argument(event.id, "location", ids["Damascus"])
        project.add_article(text="Protesters gathered in Homs.", title="Homs")
    return path


def run(*argv: str) -> int:
    return main.main([str(a) for a in argv])


EXPECTED_LINES = {"native": 3, "spacy": 2, "doccano": 2, "hf-bio": 3, "events": 1, "plover": 1}


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_to_a_file_in_every_format(project_path, tmp_path, capsys, fmt):
    out = tmp_path / f"out.{fmt}.jsonl"
    assert run("--project", project_path, "export", "--format", fmt, "-o", out) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == EXPECTED_LINES[fmt]
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("wrote ") and f"to {out}" in captured.err


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_without_output_writes_records_to_stdout(project_path, tmp_path, capsys, fmt):
    assert run("--project", project_path, "export", "--format", fmt) == 0
    captured = capsys.readouterr()
    out = tmp_path / "same.jsonl"
    assert run("--project", project_path, "export", "--format", fmt, "-o", out) == 0
    assert captured.out == out.read_text(encoding="utf-8")
    assert "wrote" in captured.err


def test_status_filter_and_doccano_relations(project_path, capsys):
    assert run("--project", project_path, "export", "--format", "doccano", "--relations",
               "--status", "done") == 0
    [record] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["text"] == TEXT
    assert [r["type"] for r in record["relations"]] == ["source", "location"]
    assert record["events"][0]["type"] == "FIGHT"


def test_spacy_docbin_from_the_command_line(project_path, tmp_path, capsys):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    docbin = tmp_path / "train.spacy"
    assert run("--project", project_path, "export", "--format", "spacy", "-o", tmp_path / "o.jsonl",
               "--docbin", docbin) == 0
    docs = list(DocBin().from_disk(docbin).get_docs(spacy.blank("en").vocab))
    assert [len(doc.spans["sc"]) for doc in docs] == [4, 0]
    assert f"and 2 docs to {docbin}" in capsys.readouterr().err


def test_a_damaged_project_exits_1_with_the_article_and_span(project_path, tmp_path, capsys):
    conn = sqlite3.connect(project_path)
    conn.execute("UPDATE articles SET text = 'Short.', length = 6 WHERE id = 1")
    conn.commit()
    conn.close()
    out = tmp_path / "o.jsonl"
    assert run("--project", project_path, "export", "--format", "native", "-o", out) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: article 1, span ") and "outside the article text" in err
    assert not out.exists()


def test_options_that_do_not_fit_the_format_exit_1(project_path, capsys):
    assert run("--project", project_path, "export", "--format", "native", "--relations") == 1
    assert "relations apply to the doccano format only" in capsys.readouterr().err


def test_an_unknown_format_is_a_usage_error(project_path, capsys):
    with pytest.raises(SystemExit) as caught:
        run("--project", project_path, "export", "--format", "conll")
    assert caught.value.code == 2
    assert "invalid choice: 'conll'" in capsys.readouterr().err


def test_stats_prints_a_table(project_path, capsys):
    assert run("--project", project_path, "stats") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "articles: 2"
    assert "spans: 4" in out and "events: 1" in out
    assert any(line.split() == ["done", "1"] for line in out)
    assert any(line.split() == ["ACTOR", "2"] for line in out)
    assert any(line.split() == ["ann", "4", "spans,", "1", "event"] for line in out)  # singular when one


def test_stats_json_is_machine_readable(project_path, capsys):
    assert run("--project", project_path, "stats", "--json") == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 2 and stats["spans"] == 4 and stats["events"] == 1
    assert stats["articles_by_status"] == {"new": 1, "in_progress": 0, "done": 1, "skipped": 0, "curated": 0}
    assert stats["spans_by_label"] == {"ACTOR": 2, "EVENT": 1, "LOCATION": 1}
    assert stats["arguments_by_role"] == {"location": 1, "source": 1}
    assert stats["per_annotator"] == {"ann": {"spans": 4, "events": 1}}


@pytest.mark.parametrize("command", [["stats"], ["export", "--format", "native"]])
def test_reading_a_project_that_does_not_exist_exits_1_and_creates_nothing(tmp_path, capsys, command):
    typo = tmp_path / "typo.sqlite"
    assert run("--project", typo, *command) == 1
    assert capsys.readouterr().err == (f"error: there is no project at {typo}; import articles into it "
                                       f"first (event-annotator --project {typo} import PATH…)\n")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_project_exits_1_with_one_line(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    assert run("--project", notes, "stats") == 1
    assert capsys.readouterr().err == f"error: cannot open {notes} as a project: file is not a database\n"


def run_cli(*argv: object, **env: str) -> subprocess.Popen:
    """The installed command as a user runs it: a real process, real pipes."""
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), *map(str, argv)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **env})


def test_stdout_export_is_utf8_whatever_the_console_encoding(project_path):
    with Project.open(project_path) as project:
        project.add_article(text="Talks in دمشق and 大马士革 🙂", title="Talks")
    process = run_cli("--project", project_path, "export", "--format", "spacy", PYTHONIOENCODING="cp1252")
    out, err = process.communicate()
    assert process.returncode == 0, err
    assert json.loads(out.decode("utf-8").splitlines()[-1])["text"] == "Talks in دمشق and 大马士革 🙂"


def test_a_reader_that_stops_early_ends_the_export_quietly(project_path):
    with Project.open(project_path) as project:
        for n in range(400):  # 1.7 MB, far past a pipe buffer: the writer meets the closed end
            project.add_article(text=f"Report {n}: " + "Troops entered Homs. " * 200, title=f"Report {n}")
    process = run_cli("--project", project_path, "export", "--format", "native")
    first = process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    err = process.stderr.read().decode()
    assert process.wait() == 141 and err == ""  # no traceback, no summary of a cut-short export
    assert "scheme" in json.loads(first)


def test_stats_of_a_fresh_project_says_there_is_nothing_yet(tmp_path, capsys):
    Project.open(tmp_path / "new.sqlite").close()
    assert run("--project", tmp_path / "new.sqlite", "stats") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "articles: 0" and out[-1] == "annotators: none yet"


def test_an_export_that_finds_no_articles_says_why(project_path, capsys):
    assert run("--project", project_path, "export", "--format", "spacy", "--status", "skipped") == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == ["wrote 0 records (0 articles, 0 spans, 0 events) to standard output",
                                         "note: the project has no articles with status skipped"]


def test_hf_bio_summary_counts_tokens_split_inside_a_word(tmp_path, capsys):
    path = tmp_path / "split.sqlite"
    text = "Shelling hit Damascus and Damascus again."
    with Project.open(path) as project:
        article = project.add_article(text=text, title="t")
        start = text.index("Damascus")
        project.add_span(article.id, start, start + 4, "LOCATION", annotator="ann")  # "Dama"
        second = text.index("Damascus", start + 1)
        project.add_span(article.id, second, second + 8, "LOCATION", annotator="ann")  # whole word
    out = tmp_path / "bio.jsonl"
    assert run("--project", path, "export", "--format", "hf-bio", "-o", out) == 0
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["tokens"][2:4] == ["Dama", "scus"]
    summary = capsys.readouterr().err.splitlines()[0]
    assert summary.endswith("; 1 token split at a span edge inside a word, e.g. Dama|scus"), summary


def test_strict_refuses_an_incomplete_frame_and_names_it(project_path, tmp_path, capsys):
    with Project.open(project_path) as project:
        trigger = project.add_span(1, TEXT.index("left"), TEXT.index("left") + 4, "EVENT")
        event = project.add_event(trigger.id)  # no type, no source
    out = tmp_path / "train.jsonl"
    assert run("--project", project_path, "export", "--format", "events", "--strict", "-o", out) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: --strict: 1 event frame incomplete (article 1 event {event.id}: no event type, "
                          "missing source)") and not out.exists()
    assert run("--project", project_path, "export", "--format", "events", "-o", out) == 0
    assert f"article 1 event {event.id}: no event type, missing source" in capsys.readouterr().err
