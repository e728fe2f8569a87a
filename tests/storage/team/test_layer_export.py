"""Exports choose a layer: gold where an article has it, else what it has; --layer picks; native keeps all."""
from __future__ import annotations

import json

import pytest

import main
from storage.exporting import export_to_path
from storage.exporting.batches import ExportError
from storage.project import Project

TEXT = "Rebels entered Velmora after fighting the army."


def words(project, article_id, text, label, layer):
    start = TEXT.index(text)
    return project.add_span(article_id, start, start + len(text), label, annotator=layer).id


@pytest.fixture
def path(tmp_path):
    """Article 1: ana and ben disagree, the curator made gold. Article 2: ana's layer only."""
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        first = project.add_article(text=TEXT, title="Velmora").id
        words(project, first, "Rebels", "ACTOR", "ana")
        words(project, first, "Velmora", "LOCATION", "ana")
        words(project, first, "Velmora", "ACTOR", "ben")
        rebels = words(project, first, "Rebels", "ACTOR", "gold")
        trigger = words(project, first, "entered", "EVENT", "gold")
        words(project, first, "Velmora", "LOCATION", "gold")
        event = project.add_event(trigger, type="FIGHT", annotator="gold")
        project.add_argument(event.id, "source", rebels)
        second = project.add_article(text=TEXT.replace("Rebels", "Troops"), title="Troops").id
        project.add_span(second, 0, 6, "ACTOR", annotator="ana")
    return path


def spans_of(out):
    return [[(s["start"], s["end"], s["label"]) for s in json.loads(line)["spans"]]
            for line in out.read_text(encoding="utf-8").splitlines()]


def test_default_export_writes_gold_where_present_else_the_only_layer(path, tmp_path):
    out = tmp_path / "train.jsonl"
    with Project.open(path) as project:
        report = export_to_path(project, "spacy", out)
    assert spans_of(out) == [[(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "LOCATION")], [(0, 6, "ACTOR")]]
    assert report.spans == 4


def test_layer_option_picks_one_layer_or_all(path, tmp_path):
    out = tmp_path / "ben.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "spacy", "--layer", "ben", "-o", str(out)]) == 0
    assert spans_of(out) == [[(15, 22, "ACTOR")], []]
    assert main.main(["--project", str(path), "export", "--format", "doccano", "--layer", "all", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8").splitlines()[0])["label"]) == 6
    events = tmp_path / "events.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "events", "--layer", "gold",
                      "-o", str(events)]) == 0
    (record,) = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert record["type"] == "FIGHT" and record["source"] == [{"text": "Rebels", "start": 0, "end": 6}]


def test_native_carries_every_layer_and_round_trips(path, tmp_path):
    out = tmp_path / "all.jsonl"
    with Project.open(path) as project:
        export_to_path(project, "native", out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert sorted({s["annotator"] for s in records[0]["spans"]}) == ["ana", "ben", "gold"]
    copy = tmp_path / "copy.sqlite"
    assert main.main(["--project", str(copy), "import", str(out)]) == 0
    again = tmp_path / "again.jsonl"
    with Project.open(copy) as project:
        assert dict(project.db.execute("SELECT annotator, count(*) FROM spans GROUP BY 1").fetchall()) == {
            "ana": 3, "ben": 1, "gold": 3}
        export_to_path(project, "native", again)
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_an_unknown_layer_is_refused_and_nothing_written(path, tmp_path):
    out = tmp_path / "x.jsonl"
    with Project.open(path) as project, pytest.raises(ExportError, match="no layer named 'zed'"):
        export_to_path(project, "spacy", out, layer="zed")
    assert not out.exists()
