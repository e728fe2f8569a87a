"""The import command with foreign formats: detection, --format and the format options."""
from __future__ import annotations

import json

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
    conll = INTEROP / "conll" / "tests__resources__tasks__fashion__eng.train"
    assert run(tmp_path, conll) == 1
    assert "cannot import .train" in capsys.readouterr().err
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
