"""Exports choose a layer: gold where an article has it, else what it has; --layer picks; native keeps all."""
from __future__ import annotations

import json

import pytest

import main
from storage.exporting import export_to_path
from storage.importing import import_paths
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


def test_a_master_project_round_trips_through_native_with_its_layers_and_provenance(tmp_path):
    """Hand out, annotate, merge, curate (gold taken from ana), then native export → import into a
    new project: the same layers, each span's and event's layer and taken_from, each layer's status
    per article, where each layer came from, the curator's decisions and every uid; and the second export is byte for byte the first."""
    from storage.team import curation
    from storage.team.merge import merge_packets
    from storage.team.packets import split

    master_path = tmp_path / "master.sqlite"
    with Project.open(master_path) as master:
        for n in range(4):
            master.add_article(text=TEXT.replace("Rebels", f"Rebels{n}"), title=f"Velmora {n}")
        report = split(master, tmp_path / "packets", annotators=["ana", "ben"], overlap=0.5, per_article=2)
        for name, label in (("ana", "LOCATION"), ("ben", "ACTOR")):
            with Project.open(report.packets[name]) as packet:
                for article_id in packet.article_ids():
                    trigger = words(packet, article_id, "entered", "EVENT", None)
                    words(packet, article_id, "Velmora", label, None)
                    packet.add_event(trigger, type="FIGHT")
                    packet.set_status(article_id, "done")
        assert [o.state for o in merge_packets(master, list(report.packets.values()))] == ["merged", "merged"]
        shared = report.overlap[0]
        curation.auto_merge(master, shared)
        (open_unit,) = [u for u in curation.read_units(master, shared) if not u.resolved]
        curation.take(master, shared, open_unit, "ana")
        curation.mark_curated(master, shared)
        other = report.overlap[1]  # on the other shared article the curator rejects both readings
        curation.auto_merge(master, other)
        (open_unit,) = [u for u in curation.read_units(master, other) if not u.resolved]
        curation.reject(master, other, open_unit)
        out = tmp_path / "master.jsonl"
        export_to_path(master, "native", out)

    def state(path):
        with Project.open(path) as project:
            db = project.db
            return {
                "spans": db.execute('SELECT a.content_hash, s.start, s."end", s.label, s.annotator, s.taken_from, s.uid '
                                    "FROM spans s JOIN articles a ON a.id = s.article_id ORDER BY 1, 2, 3, 4, 5"
                                    ).fetchall(),
                "events": db.execute("SELECT a.content_hash, e.type, e.annotator, e.taken_from, e.uid FROM events e "
                                     "JOIN articles a ON a.id = e.article_id ORDER BY 1, 2, 3").fetchall(),
                "status": db.execute("SELECT a.content_hash, l.layer, l.status, l.updated FROM layer_status l "
                                     "JOIN articles a ON a.id = l.article_id ORDER BY 1, 2").fetchall(),
                "articles": db.execute("SELECT content_hash, status FROM articles ORDER BY 1").fetchall(),
                "layers": db.execute("SELECT * FROM layers ORDER BY name").fetchall(),
                "decisions": db.execute('SELECT a.content_hash, d.start, d."end", d.decision, d.created '
                                        "FROM curation_decisions d JOIN articles a ON a.id = d.article_id "
                                        "ORDER BY 1, 2").fetchall(),
            }

    before = state(master_path)
    assert {row[5] for row in before["spans"]} == {None, "agreed", "ana"}  # gold: agreed, and taken from ana
    assert sorted(row[3] for row in before["decisions"]) == ["agreed", "agreed", "rejected", "took:ana"]
    assert len(before["status"]) == 6 and [r[:3] for r in before["layers"]] == [
        ("ana", "annotator", "master.ana.sqlite"), ("ben", "annotator", "master.ben.sqlite")]
    copy = tmp_path / "copy.sqlite"
    assert main.main(["--project", str(copy), "import", str(out)]) == 0
    assert state(copy) == before
    again = tmp_path / "again.jsonl"
    with Project.open(copy) as project:
        export_to_path(project, "native", again)
    assert again.read_bytes() == out.read_bytes()
    # the uids came along: the same packets merged into the copy change nothing
    with Project.open(copy) as project:
        outcomes = merge_packets(project, list(report.packets.values()))
        assert [o.state for o in outcomes] == ["unchanged", "unchanged"], [o.line() for o in outcomes]
    # a file whose uids the project has already (an article's copy with a sentence more) gets fresh ones
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[1])
    record["text"] += " More."
    del record["id"]
    (tmp_path / "more.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Project.open(copy) as project:
        uids = set(project.db.execute("SELECT uid FROM spans").fetchall())
        assert import_paths(project, [tmp_path / "more.jsonl"]).ok
        new = project.article_ids()[-1]
        fresh = set(project.db.execute("SELECT uid FROM spans WHERE article_id = ?", [new]).fetchall())
    assert len(fresh) == len(record["spans"]) and not fresh & uids
