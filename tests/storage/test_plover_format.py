"""PLOVER records out and in: the seed article annotated, exported, imported, exported again; the gold
standard records of ../shared/interop/plover read with every actor at its verbatim place."""
from __future__ import annotations

import json
from pathlib import Path

from storage.exporting import export_to_path
from storage.importing import import_paths
from storage.project import Project
from tests.storage.importing.helpers import INTEROP

GSR = INTEROP / "plover" / "PLOVER_GSR_CAMEO.txt"
SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample_article.txt"


def annotate_seed(path: Path) -> Project:
    """The seed article in a PLOVER 2.0 project with two frames, as a user would build them."""
    project = Project.open(path, new_scheme="plover-2.0")
    import_paths(project, [SAMPLE])
    (article_id,) = project.article_ids()
    text = project.article(article_id).text

    def tag(word: str, label: str) -> int:
        start = text.index(word)
        return project.add_span(article_id, start, start + len(word), label, annotator="ann").id

    police, crowd = tag("Police", "ACTOR"), tag("the crowd", "ACTOR")
    square, dispersed, arrested = tag("Liberty Square", "LOCATION"), tag("dispersed", "EVENT"), tag("arrested", "EVENT")
    project.set_span_attribute(police, "sector", ["COP", "GOV"])
    project.set_span_attribute(crowd, "sector", ["CVL"])
    project.set_span_attribute(crowd, "identifier_id", "Q42")
    assault = project.add_event(dispersed, type="ASSAULT", annotator="ann")
    for role, span in (("actor", police), ("recipient", crowd), ("location", square)):
        project.add_argument(assault.id, role, span)
    project.set_event_attribute(assault.id, "mode", ["crowd-control"])
    project.set_event_attribute(assault.id, "context", ["repression"])
    project.set_event_attribute(assault.id, "auxiliary", ["historical"])
    coerce = project.add_event(arrested, type="SANCTION", annotator="ann",
                               attributes={"mode": ["arrest"], "arrested": 12, "date": "2025-03-15"})
    project.add_argument(coerce.id, "actor", police)
    project.set_article_attribute(article_id, "context", ["rights_freedoms"])
    return project


def test_the_seed_article_exports_as_plover_records_with_the_manuals_fields(tmp_path: Path) -> None:
    with annotate_seed(tmp_path / "p.sqlite") as project:
        report = export_to_path(project, "plover", tmp_path / "out.jsonl")
        text = project.article(1).text
    first, second = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert list(first) == ["id", "date", "actor", "recipient", "event", "mode", "context", "event_text",
                           "event_text_info", "event_loc", "quad_code", "event_scale", "text", "text_info",
                           "cite_info", "coder", "coded_date"]
    assert first["actor"] == [{"entity_text": "Police", "sector": "COP", "other_sector_codes": ["GOV"],
                               "start": text.index("Police"), "end": text.index("Police") + 6}]
    assert first["recipient"][0]["identifier_id"] == "Q42"
    assert (first["event"], first["mode"], first["quad_code"], first["event_scale"]) == (
        ["ASSAULT"], ["crowd-control"], 4, -7.5)
    assert first["context"] == ["repression", "rights_freedoms", "historical"]
    assert first["event_loc"]["extracted_place"] == "Liberty Square"
    info = first["text_info"]
    assert "".join(info["text_story"]) == text and text[info["start"]:info["end"]] == first["text"]
    assert first["text"].startswith("Police dispersed the crowd")
    assert (first["date"], first["coder"], first["cite_info"]["codebook"]) == ("2025-03-14", "ann", "PLOVER-2.0")
    # SANCTION needs a recipient and "arrest" is not a SANCTION mode: written, and counted.
    assert (second["date"], second["arrested"], second["event_scale"]) == ("2025-03-15", 12, -6.0)
    assert report.flagged == {"missing recipient": 1, "mode not of its type": 1}


def test_export_import_export_gives_the_same_records(tmp_path: Path) -> None:
    with annotate_seed(tmp_path / "p.sqlite") as project:
        export_to_path(project, "plover", tmp_path / "first.jsonl")
    with Project.open(tmp_path / "copy.sqlite", new_scheme="plover-2.0") as copy:
        report = import_paths(copy, [tmp_path / "first.jsonl"])
        assert report.ok and report.files[0].format == "plover" and not report.dropped
        assert (report.articles_added, report.events_added) == (1, 2)
        export_to_path(copy, "plover", tmp_path / "second.jsonl")
    assert (tmp_path / "second.jsonl").read_text(encoding="utf-8") == (
        tmp_path / "first.jsonl").read_text(encoding="utf-8")


def test_actors_not_verbatim_in_the_text_are_reported_never_guessed(tmp_path: Path) -> None:
    with annotate_seed(tmp_path / "p.sqlite") as project:
        export_to_path(project, "plover", tmp_path / "out.jsonl")
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record["actor"] = [{"entity_text": "Syrian police"}, {"entity_text": "Police", "start": 3, "end": 9}]
    (tmp_path / "edited.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "copy.sqlite", new_scheme="plover-2.0") as copy:
        report = import_paths(copy, [tmp_path / "edited.jsonl"])
        actors = copy.db.execute("SELECT start, \"end\" FROM spans WHERE label = 'ACTOR' ORDER BY start").fetchall()
        text = copy.article(1).text
    assert report.dropped["actor not verbatim in the text"] == 1
    # Wrong offsets but a unique verbatim match: placed where the text really says "Police".
    assert [text[s:e] for s, e in actors] == ["Police", "the crowd"]


def test_a_truncated_file_names_its_line_and_changes_nothing(tmp_path: Path) -> None:
    with annotate_seed(tmp_path / "p.sqlite") as project:
        export_to_path(project, "plover", tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "bad.jsonl").write_text(lines[0] + "\n" + lines[1][:200] + "\n", encoding="utf-8")
    with Project.open(tmp_path / "copy.sqlite", new_scheme="plover-2.0") as copy:
        report = import_paths(copy, [tmp_path / "bad.jsonl"], format="plover")
        assert copy.article_count() == 0
    assert str(report.errors[0]).startswith(f"{tmp_path / 'bad.jsonl'}:2: malformed JSON")


def test_the_gold_standard_records_import_with_every_actor_at_its_verbatim_place(tmp_path: Path) -> None:
    records = [r for r in json.loads(GSR.read_text(encoding="utf-8")) if r["event"] != "DOCUMENT"]
    with Project.open(tmp_path / "p.sqlite", new_scheme="plover-2.0") as project:
        report = import_paths(project, [GSR], format="plover")
        assert report.ok
        texts = {a.text: a.id for a in (project.article(i) for i in project.article_ids())}
        assert len(texts) == len({r["text"] for r in records if r.get("text")})
        placed = 0
        for record in records:
            article_id = texts[record["text"]]
            spans = project.spans(article_id)
            for field in ("source", "target"):
                for actor in record.get(field) or []:
                    if not isinstance(actor, dict):
                        continue
                    matches = [s for s in spans if s.label == "ACTOR"
                               and record["text"][s.start:s.end] == actor["actorText"]]
                    if actor["actorText"] in record["text"]:
                        placed += bool(matches)
                    else:
                        assert not matches  # never guessed
        events = project.db.execute("SELECT type, attributes FROM events").fetchall()
    assert placed > 550
    assert {kind for kind, _ in events} <= {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID",
                                            "RETREAT", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST",
                                            "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
    assert report.dropped["actor not verbatim in the text"] == 21
    assert report.dropped["documentation record"] == 1
    assert "DEMAND → REQUEST (33)" in report.files[0].remarks[0]
    # The first record: "Senior Hungarian and Romanian officials agreed…" (markup places "Romanian").
    with Project.open(tmp_path / "p.sqlite") as project:
        article_id = texts[records[0]["text"]]
        (agree,) = project.events(article_id)
        project_spans = {s.id: s for s in project.spans(article_id)}
        text = project.article(article_id).text
    assert (agree.type, agree.attributes["source_id"]) == ("AGREE", "PLOVER-GSR01-AGREE-0001")
    actors = [(text[project_spans[a.span_id].start:project_spans[a.span_id].end], project_spans[a.span_id].start)
              for a in agree.arguments if a.role == "actor"]
    assert actors == [("Hungarian", 7), ("Romanian", 21)]
    assert project_spans[agree.arguments[0].span_id].attributes == {"code": "HUN", "sector": ["GOV"]}


def test_brat_writes_contexts_as_a_lines_and_modes_as_a_note(tmp_path: Path) -> None:
    with annotate_seed(tmp_path / "p.sqlite") as project:
        export_to_path(project, "brat", tmp_path / "brat")
    ann = (tmp_path / "brat" / "1.ann").read_text(encoding="utf-8").splitlines()
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    first_event = next(line.split("\t")[0] for line in ann if line.startswith("E"))
    assert any(line.endswith(f"\tcontext {first_event} repression") for line in ann)
    assert any(line.endswith(f"\tauxiliary {first_event} historical") for line in ann)
    note = next(line for line in ann if line.split("\t")[1] == f"AnnotatorNotes {first_event}")
    assert "mode=crowd-control" in note.split("\t")[2]
    assert "# context may hold several values: one A line per value" in conf
    police = next(line.split("\t")[0] for line in ann if line.endswith("\tPolice"))
    assert [line.split("\t")[1] for line in ann if f" {police} " in line and line.startswith("A")] == [
        f"sector {police} COP", f"sector {police} GOV"]
