"""Exports choose a layer: gold where an article has it, else what it has; --layer picks; native keeps all."""
from __future__ import annotations

import json

import pytest

import main
from storage.article_status import OWN_STATUS
from storage.exporting import export_to_path
from storage.importing import import_paths
from storage.exporting.batches import ExportError
from storage.project import Project
from storage.uids import uid_sql

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
    """--layer ben writes only the article ben annotated (article 2 is ana's alone: left out, not
    written as "no entities"); --layer all writes every layer of every article."""
    out = tmp_path / "ben.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "spacy", "--layer", "ben", "-o", str(out)]) == 0
    assert spans_of(out) == [[(15, 22, "ACTOR")]]
    assert main.main(["--project", str(path), "export", "--format", "doccano", "--layer", "all", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8").splitlines()[0])["label"]) == 6
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
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
    """A name no annotation, status or merge knows."""
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
                "spans": db.execute('SELECT a.content_hash, s.start, s."end", s.label, s.annotator, s.taken_from, '
                                    f'{uid_sql("spans", "s")} '
                                    "FROM spans s JOIN articles a ON a.id = s.article_id ORDER BY 1, 2, 3, 4, 5"
                                    ).fetchall(),
                "events": db.execute(f"SELECT a.content_hash, e.type, e.annotator, e.taken_from, {uid_sql('events', 'e')} "
                                     "FROM events e "
                                     "JOIN articles a ON a.id = e.article_id ORDER BY 1, 2, 3").fetchall(),
                "status": db.execute("SELECT a.content_hash, l.layer, l.status, l.updated FROM layer_status l "
                                     "JOIN articles a ON a.id = l.article_id ORDER BY 1, 2").fetchall(),
                "articles": db.execute(f"SELECT content_hash, {OWN_STATUS} FROM articles ORDER BY 1").fetchall(),
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
        uids = set(project.db.execute(f"SELECT {uid_sql('spans', 's')} FROM spans s").fetchall())
        assert import_paths(project, [tmp_path / "more.jsonl"]).ok
        new = project.article_ids()[-1]
        fresh = set(project.db.execute(f"SELECT {uid_sql('spans', 's')} FROM spans s WHERE article_id = ?",
                                       [new]).fetchall())
    assert len(fresh) == len(record["spans"]) and not fresh & uids


# A master after a round, built through the command line: ana, ben and chen imported as layers
# (import --annotator records them, with each article's status in their file). Article 1: ana and
# ben disagree, the curator made gold and curated it. 2: ana only, in progress. 3: ana and ben,
# both done, not curated yet. 4: ben read it and found nothing (done, no spans). 5: handed to chen,
# nothing back (new). 6: ana and ben, curated with nothing kept (no gold span). 7: never handed out.
def numbered(n):
    return f"{TEXT} ({n})"  # the same words at the same offsets, a different text per article


def record(n, spans=(), status="done"):
    return {"text": numbered(n), "spans": [{"start": TEXT.index(w), "end": TEXT.index(w) + len(w), "label": label}
                                           for w, label in spans], "meta": {"title": f"article {n}", "status": status}}


@pytest.fixture
def master(tmp_path):
    path = tmp_path / "master.sqlite"
    files = {
        "articles": [{"text": numbered(n), "meta": {"title": f"article {n}"}} for n in range(1, 8)],
        "ana": [record(1, [("Rebels", "ACTOR")]), record(2, [("Rebels", "ACTOR")], "in_progress"),
                record(3, [("Rebels", "ACTOR")]), record(6, [("army", "ACTOR")])],
        "ben": [record(1, [("Velmora", "ACTOR")]), record(3, [("Velmora", "LOCATION")]), record(4),
                record(6, [("Velmora", "ACTOR")])],
        "chen": [record(5, status="new")],
    }
    for name, records in files.items():
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        extra = [] if name == "articles" else ["--annotator", name]
        assert main.main(["--project", str(path), "import", *extra, str(tmp_path / f"{name}.jsonl")]) == 0
    with Project.open(path) as project:
        ids = dict(project.db.execute("SELECT title, id FROM articles").fetchall())
        assert [ids[f"article {n}"] for n in range(1, 8)] == list(range(1, 8))
        rebels = words(project, 1, "Rebels", "ACTOR", "gold")
        trigger = words(project, 1, "entered", "EVENT", "gold")
        words(project, 1, "Velmora", "LOCATION", "gold")
        project.add_argument(project.add_event(trigger, type="FIGHT", annotator="gold").id, "source", rebels)
        project.set_status(1, "curated")
        project.set_status(6, "curated")
    return path


def export(path, tmp_path, capsys, fmt, *layer):
    """Run `export` as a user would; (exit code, summary line, {article id: [(start, end, label)]})."""
    out = tmp_path / (f"out-{fmt}" + ("" if fmt == "brat" else ".jsonl"))
    code = main.main(["--project", str(path), "export", "--format", fmt, *(["--layer", *layer] if layer else []),
                      "-o", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    if code:
        return code, err[-1], None
    if fmt == "brat":
        written = {int(p.stem): sorted(line.split("\t")[1] for line in p.read_text(encoding="utf-8").splitlines()
                                       if line.startswith("T")) for p in out.glob("*.ann")}
        return code, err[-1], written
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    if fmt == "native":
        records = records[1:]
    if fmt in ("spacy", "native"):
        return code, err[-1], {r.get("id", r.get("meta", {}).get("id")): [(s["start"], s["end"], s["label"])
                                                                          for s in r["spans"]] for r in records}
    if fmt == "doccano":
        return code, err[-1], {r["id"]: [tuple(s) for s in r["label"]] for r in records}
    if fmt == "hf-bio":
        return code, err[-1], {int(r["id"].split("-")[0]): r["ner_tags"] for r in records}
    return code, err[-1], {r["article_id"]: r["type"] for r in records}  # events: one record per frame


@pytest.mark.parametrize("fmt", ["spacy", "doccano", "hf-bio", "events", "brat", "native"])
def test_layer_gold_writes_only_the_curated_articles_in_every_format(master, tmp_path, capsys, fmt):
    """Article 6 was curated with nothing kept: a true negative, written empty. The five without
    gold are left out, not written as "no entities here", and the summary says so."""
    code, summary, written = export(master, tmp_path, capsys, fmt, "gold")
    assert code == 0
    assert summary.endswith("; 5 articles have no gold layer (not curated, no gold annotation): left out")
    if fmt == "events":
        assert written == {1: "FIGHT"}
    elif fmt == "brat":
        assert written == {1: ["ACTOR 0 6", "FIGHT 7 14", "LOCATION 15 22"], 6: []}  # brat: the type on the trigger
    elif fmt == "hf-bio":
        assert set(written) == {1, 6} and written[6] == ["O"] * len(written[6])
    else:
        assert written == {1: [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "LOCATION")], 6: []}


@pytest.mark.parametrize("fmt", ["spacy", "doccano", "brat", "native"])
def test_a_named_layer_writes_what_it_annotated_or_marked_done(master, tmp_path, capsys, fmt):
    """ben annotated 1, 3 and 6 and read 4 and found nothing (done): 4 stays, empty, a true
    negative; the three ben never had are left out."""
    code, summary, written = export(master, tmp_path, capsys, fmt, "ben")
    assert code == 0 and summary.endswith("; 3 articles have nothing from ben (not annotated, not marked done): left out")
    if fmt == "brat":
        assert written == {1: ["ACTOR 15 22"], 3: ["LOCATION 15 22"], 4: [], 6: ["ACTOR 15 22"]}
    else:
        assert written == {1: [(15, 22, "ACTOR")], 3: [(15, 22, "LOCATION")], 4: [], 6: [(15, 22, "ACTOR")]}


def test_the_default_writes_gold_else_the_only_layer_and_names_what_waits(master, tmp_path, capsys):
    """Gold on 1 and 6; ana's alone on 2, ben's (empty, done) on 4, 7 as it stands (never handed
    out); 3 (ana and ben, not curated) and 5 (chen: nothing back) are left out and said."""
    code, summary, written = export(master, tmp_path, capsys, "spacy")
    assert code == 0
    assert written == {1: [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "LOCATION")], 2: [(0, 6, "ACTOR")],
                       4: [], 6: [], 7: []}
    assert summary == (f"wrote 5 records (5 articles, 4 spans, 0 events) to {tmp_path / 'out-spacy.jsonl'}; "
                       "1 article has been handed out and nothing came back yet (not annotated, not marked done): "
                       "left out; 1 article has two or more layers and no gold (article 3: ana, ben): left out; "
                       "curate it, or choose one layer (--layer NAME) or all of them stacked (--layer all)")
    code, summary, written = export(master, tmp_path, capsys, "spacy", "all")
    assert code == 0 and set(written) == set(range(1, 8)) and "left out" not in summary
    code, summary, written = export(master, tmp_path, capsys, "native")  # lossless: every layer of every article
    assert set(written) == set(range(1, 8)) and len(written[1]) == 5 and "left out" not in summary


def test_the_counts_the_dialog_shows_are_what_the_export_writes(master, tmp_path, capsys):
    from storage.exporting.layers import export_counts

    for layer, status in ((None, None), ("gold", None), ("ben", None), ("ana", None), ("all", None),
                          (None, "curated"), ("ana", "curated")):
        with Project.open(master) as project:
            counts = export_counts(project.db.conn, layer, status=status)
        args = [*(["--layer", layer] if layer else []), *(["--status", status] if status else [])]
        out = tmp_path / "count.jsonl"
        assert main.main(["--project", str(master), "export", "--format", "spacy", *args, "-o", str(out)]) == 0
        lines = out.read_text(encoding="utf-8").splitlines()
        summary = capsys.readouterr().err.strip().splitlines()[-1]
        assert counts.written == len(lines), (layer, status, counts)
        assert [reason in summary for reason in counts.left_out] == [True] * len(counts.left_out), summary
        assert counts.total - counts.written == sum(int(reason.split()[0]) for reason in counts.left_out)


def test_a_layer_handed_out_with_nothing_back_is_said_alike_by_stats_export_and_agreement(tmp_path, capsys):
    """A hand-out to ana and chen, both packets merged back, chen's untouched: stats, export and
    agreement all know chen and say the same thing of chen's layer; nothing is written."""
    from storage.team.merge import merge_packets
    from storage.team.packets import split

    path = tmp_path / "master.sqlite"
    with Project.open(path) as master:
        for n in range(1, 5):
            master.add_article(text=numbered(n), title=f"article {n}")
        report = split(master, tmp_path / "packets", annotators=["ana", "chen"])
    with Project.open(report.packets["ana"]) as packet:
        for article_id in packet.article_ids():
            words(packet, article_id, "Rebels", "ACTOR", None)
            packet.set_status(article_id, "done")
    assert main.main(["--project", str(path), "team", "merge", *map(str, report.packets.values())]) == 0
    capsys.readouterr()
    assert main.main(["--project", str(path), "stats"]) == 0
    said = "2 articles handed out, none annotated or marked done"
    assert f"  chen         nothing back yet: {said}" in capsys.readouterr().out.splitlines()
    out = tmp_path / "chen.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "spacy", "--layer", "chen", "-o", str(out)]) == 1
    assert capsys.readouterr().err.strip() == f"error: chen's layer has nothing to export yet: {said}; nothing written"
    assert not out.exists()
    assert main.main(["--project", str(path), "agreement", "--annotators", "ana,chen"]) == 0
    captured = capsys.readouterr()
    assert f"note: chen's layer has nothing to compare yet: {said}" in captured.err
    assert main.main(["--project", str(path), "export", "--format", "spacy", "-o", str(out)]) == 0
    assert "2 articles have been handed out and nothing came back yet" in capsys.readouterr().err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2  # ana's two; chen's two left out


def test_an_ordinary_project_corrected_by_hand_is_written_whole_and_said(tmp_path, capsys):
    """Spans imported without a layer (a model's, nobody's) and then corrected in the window under
    ana's name are one working copy, not two versions: the default writes them together, as it
    always did, and says so; only recorded layers (merged, import --annotator) wait for a curator."""
    path = tmp_path / "p.sqlite"
    source = tmp_path / "model.jsonl"
    source.write_text(json.dumps(record(1, [("Rebels", "ACTOR")])) + "\n", encoding="utf-8")
    assert main.main(["--project", str(path), "import", str(source)]) == 0
    with Project.open(path) as project:
        words(project, 1, "Velmora", "LOCATION", "ana")
    out = tmp_path / "train.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "spacy", "-o", str(out)]) == 0
    assert spans_of(out) == [[(0, 6, "ACTOR"), (15, 22, "LOCATION")]]
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert "left out" not in summary
    assert summary.endswith("; note: 1 article has annotations by two or more annotators outside team layers (e.g. "
                            "article 1: (unnamed), ana): written together, as one project's annotations; "
                            "--layer NAME writes one annotator's")
    assert main.main(["--project", str(path), "stats"]) == 0
    assert "awaiting curation" not in capsys.readouterr().out
