"""The import command with foreign formats: detection, --format and the format options."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import main
from storage.project import Project
from tests.storage.importing.helpers import INTEROP


def run(tmp_path, *args) -> int:
    return main.main(["--project", str(tmp_path / "p.sqlite"), "import", *map(str, args)])


def test_detected_formats_in_one_command(tmp_path, capsys):
    code = run(tmp_path, INTEROP / "brat-news" / "040-text_span_annotation.ann",
               INTEROP / "doccano" / "data_export__pipeline__examples__sequence_labeling__example.jsonl",
               INTEROP / "spacy-train-data" / "pipelines__ner_demo__dev.json")
    err = capsys.readouterr().err.splitlines()
    assert code == 0, err
    assert err[-1] == "imported 6 articles (10 spans, 0 events) from 3 files"
    with Project.open(tmp_path / "p.sqlite") as project:
        origins = {s.origin for i in project.article_ids() for s in project.spans(i)}
    assert origins == {"import:brat", "import:doccano", "import:spacy"}


def test_format_forces_the_reader_and_options_reach_it(tmp_path, capsys):
    conll = tmp_path / "fashion.columns"  # an extension no tool claims: --format says how to read it
    conll.write_bytes((INTEROP / "conll" / "tests__resources__tasks__fashion__eng.train").read_bytes())
    assert run(tmp_path, conll) == 1
    assert "cannot import .columns" in capsys.readouterr().err
    assert run(tmp_path, conll, "--format", "conll") == 0
    hf = tmp_path / "hf.jsonl"
    hf.write_text(json.dumps({"tokens": ["Troops", "left", "Homs"], "ner_tags": [1, 0, 2]}) + "\n")
    assert run(tmp_path, hf) == 1
    assert "give their names with --labels" in capsys.readouterr().err
    assert run(tmp_path, hf, "--labels", "O,B-ACTOR,B-LOCATION") == 0
    headlines = INTEROP / "prodigy" / "example-datasets__annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"
    assert run(tmp_path, headlines, "--answers", "all") == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith("imported 373 articles")
    brat = INTEROP / "brat-extra" / "tests__data__brat__1_example.ann"
    assert run(tmp_path, brat, "--discontinuous", "refuse") == 1
    assert "T6 is discontinuous" in capsys.readouterr().err
    custom = tmp_path / "custom.jsonl"
    custom.write_text('{"body": "Aid reached Hama.", "label": [[12, 16, "LOCATION"]]}\n')
    assert run(tmp_path, custom, "--text-key", "body") == 0


def test_annotator_puts_a_second_import_into_that_layer_on_the_same_articles(tmp_path):
    """Through a real process, as a user runs it: the summary says what went where."""
    root = Path(__file__).resolve().parents[1]
    doccano = INTEROP / "doccano" / "data_export__pipeline__examples__sequence_labeling__example.jsonl"
    project = tmp_path / "p.sqlite"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(root / "main.py"), "--project", str(project), "import", *args],
                              cwd=root, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(root)})

    assert cli(str(doccano)).returncode == 0
    second = cli(str(doccano), "--annotator", "ben")
    assert second.returncode == 0, second.stderr
    assert second.stderr.splitlines()[-1] == ("imported 0 articles (4 spans, 0 events) from 1 file into layer ben; "
                                              "4 spans into layer ben on 3 existing articles")
    third = cli(str(doccano), "--annotator", "ben")
    assert third.returncode == 1 and "already has annotations in layer 'ben'" in third.stderr
    with sqlite3.connect(project) as conn:
        assert dict(conn.execute("SELECT coalesce(annotator, '-'), count(*) FROM spans GROUP BY 1")) == \
            {"-": 4, "ben": 4}
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3


def test_spacys_labels_file_beside_a_corpus_is_said_not_to_be_a_task(tmp_path, capsys):
    """`spacy init labels` output (a .json of counts) is detected as Label Studio, the loosest .json
    reader: it must say the file holds no task, with file and line, not what a task's "data" must be."""
    labels = INTEROP / "spacy-docbin" / "corpus__labels__ner.json"
    assert run(tmp_path, labels) == 1
    err = capsys.readouterr().err
    assert (f'{labels}:1: not a Label Studio task: no "data" nor "annotations" (its keys: 0, 1, 2, 3, 4, …); '
            "if the file is in another format, choose it with --format") in err
    assert "Traceback" not in err


def test_a_packet_given_to_import_points_at_team_merge(tmp_path, capsys):
    """A newcomer's first guess for taking a packet back is `import`: the project stays empty and
    the line says where packets go."""
    packet = tmp_path / "news.ana.sqlite"
    with Project.open(packet) as project:
        project.add_article(text="Rebels entered Velmora.", title="Velmora")
    assert run(tmp_path, packet) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"{packet}: a project file, not articles: bring a packet back with `team merge` "
                      "(Project ▸ Team ▸ Bring back…); from another project, export --format native and import that")
    with Project.open(tmp_path / "p.sqlite") as project:
        assert project.article_ids() == []


def test_brat_forced_onto_a_file_that_is_not_an_ann_says_what_brat_wants(tmp_path, capsys):
    """`--format brat x.jsonl` once said "no x.txt beside this .ann" of a file that is no .ann."""
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text('{"text": "Troops left Homs."}\n', encoding="utf-8")
    assert run(tmp_path, "--format", "brat", jsonl) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"{jsonl}: not a brat .ann file: brat standoff comes in pairs, NAME.ann with NAME.txt "
                      "beside it; give the .ann files or a folder of pairs (or leave --format out to detect "
                      "this file's format)")
    assert ".txt beside this .ann" not in "\n".join(err)
    with Project.open(tmp_path / "p.sqlite") as project:
        assert project.article_ids() == []
    assert run(tmp_path, jsonl) == 0  # detected, it imports


def test_brats_txt_given_alone_is_read_with_its_ann_once(tmp_path, capsys):
    """`import corpus/*.txt` or `corpus/*` from a brat user: each text with the .ann beside it, once;
    --format text still reads a text alone."""
    news = INTEROP / "brat-news"
    assert run(tmp_path, news / "040-text_span_annotation.txt") == 0
    assert capsys.readouterr().err.splitlines()[-1] == "imported 1 article (4 spans, 0 events) from 1 file"
    (tmp_path / "p.sqlite").unlink()
    assert run(tmp_path, *sorted(news.glob("0[45]0-*"))) == 0  # .ann and .txt of two documents
    assert capsys.readouterr().err.splitlines()[-1] == "imported 2 articles (10 spans, 0 events) from 2 files"
    (tmp_path / "p.sqlite").unlink()
    assert run(tmp_path, "--format", "text", news / "040-text_span_annotation.txt") == 0
    assert capsys.readouterr().err.splitlines()[-1] == "imported 1 article from 1 file"
