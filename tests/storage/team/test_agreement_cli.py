"""`event-annotator agreement` on a real project file: layers read from SQLite, JSON, HTML, filters."""
from __future__ import annotations

import json

import pytest

import main
from storage.project import Project
from storage.team.corpus import read_layers

TEXT = "Rebels entered Velmora after fighting the army."


def tag(project, article_id, words, label, who, *, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(words, start + 1)
    return project.add_span(article_id, start, start + len(words), label, annotator=who).id


@pytest.fixture
def project_path(tmp_path):
    """Two annotators on one article (as in test_agreement's hand case), one article only ana did."""
    path = tmp_path / "team.sqlite"
    with Project.open(path) as project:
        article = project.add_article(text=TEXT, title="Velmora")
        for who, spans in {"ana": [("Rebels", "ACTOR"), ("entered", "EVENT"), ("Velmora", "LOCATION"),
                                   ("the army", "ACTOR")],
                           "ben": [("Rebels", "ACTOR"), ("entered", "EVENT"), ("Velmora", "ACTOR"),
                                   ("army", "ACTOR")]}.items():
            ids = {words: tag(project, article.id, words, label, who) for words, label in spans}
            event = project.add_event(ids["entered"], type="FIGHT" if who == "ana" else "ASSAULT", annotator=who)
            project.add_argument(event.id, "source", ids["Rebels"])
        other = project.add_article(text="Protesters gathered in Homs.", title="Homs")
        project.add_span(other.id, 0, 10, "ACTOR", annotator="ana")
    return path


def test_layers_are_read_by_position_from_the_file(project_path):
    with Project.open(project_path) as project:
        articles = list(read_layers(project.db.conn))
    assert [a.title for a in articles] == ["Velmora"]  # Homs has one layer only
    frames = articles[0].frames
    assert frames["ana"][0].trigger == (7, 14) and frames["ben"][0].roles == {"source": frozenset({(0, 6)})}


def test_agreement_json_matches_the_hand_computed_case(project_path, capsys):
    assert main.main(["--project", str(project_path), "agreement", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["annotators"] == ["ana", "ben"] and report["articles_compared"] == 1
    pair = report["pairs"][0]
    assert pair["spans_exact"]["overall"]["f1"] == 0.5 and pair["spans_overlap"]["overall"]["f1"] == 0.75
    assert pair["kappa_exact"]["value"] == 0.5
    assert pair["events"]["roles"]["source"]["f1"] == 1.0 and pair["events"]["type_agreed"] == 0


def test_agreement_table_and_html(project_path, tmp_path, capsys):
    page = tmp_path / "agreement.html"
    assert main.main(["--project", str(project_path), "agreement", "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "articles compared: 1" in out and "ana / ben" in out and "0.500" in out
    html = page.read_text(encoding="utf-8")
    assert "<h2>Spans per label</h2>" in html and "class='bar'" in html and "#1 Velmora" in html


def test_agreement_filters_and_refuses_unknown_names(project_path, capsys):
    assert main.main(["--project", str(project_path), "agreement", "--json", "--labels", "EVENT"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["exact"]["f1"] == 1.0
    assert main.main(["--project", str(project_path), "agreement", "--annotators", "ana,zed"]) == 1
    assert "no annotator layer named zed (layers: ana, ben)" in capsys.readouterr().err
    assert main.main(["--project", str(project_path), "agreement", "--labels", "PERSON"]) == 1
    assert "unknown label PERSON" in capsys.readouterr().err


def test_a_layer_done_with_nothing_in_it_is_compared_as_empty(tmp_path, capsys):
    """Ben read an article, found nothing and marked it done; ana tagged two spans. That is
    disagreement (F1 0 on the article), not an article left out; an article ben has not finished
    yet is left out."""
    from storage.team.merge import merge_packets
    from storage.team.packets import split

    path = tmp_path / "master.sqlite"
    with Project.open(path) as master:
        done = master.add_article(text=TEXT, title="Velmora").id
        master.add_article(text="Protesters gathered in Homs.", title="Homs")
        packets = split(master, tmp_path / "packets", annotators=["ana", "ben"], overlap=1.0).packets
        with Project.open(packets["ana"]) as packet:
            for article_id in packet.article_ids():
                packet.add_span(article_id, 0, 6, "ACTOR")
                packet.add_span(article_id, 7, 14, "EVENT")
        with Project.open(packets["ben"]) as packet:
            packet.set_status(done, "done")  # the other one he has not opened
        assert [o.state for o in merge_packets(master, list(packets.values()))] == ["merged", "merged"]
    assert main.main(["--project", str(path), "agreement", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["annotators"] == ["ana", "ben"] and report["articles_compared"] == 1
    overall = report["pairs"][0]["spans_exact"]["overall"]
    assert (overall["matched"], overall["a"], overall["b"], overall["f1"]) == (0, 2, 0, 0.0)
    assert [entry["title"] for entry in report["lowest_articles"]] == ["Velmora"]
