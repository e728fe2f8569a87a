"""Which layers an article has and which one the window shows first, on a real SQLite file."""
from __future__ import annotations

from storage.project import Project
from storage.team.article_layers import (
    LayerSummary,
    article_layers,
    default_layer,
    has_team_layers,
    recorded_layers,
)
from storage.team.merge import merge_packets
from storage.team.packets import split

TEXT = "Rebels entered Velmora after fighting the army.\n"


def test_counts_per_layer_including_the_unnamed_one_and_reading_one_layer(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        article = project.add_article(text=TEXT, title="t").id
        project.add_span(article, 0, 6, "ACTOR")  # nobody's: the unnamed layer
        trigger = project.add_span(article, 7, 14, "EVENT", annotator="ana")
        project.add_event(trigger.id, annotator="ana")
        project.add_span(article, 15, 22, "LOCATION", annotator="ana")
        project.add_span(article, 15, 22, "LOCATION", annotator="gold")  # the same words, another layer
        assert not has_team_layers(project)  # names on spans alone: no merged or imported layer
        assert article_layers(project, article) == {
            "": LayerSummary("", spans=1), "ana": LayerSummary("ana", spans=2, events=1),
            "gold": LayerSummary("gold", spans=1)}
        assert [s.label for s in project.spans(article, layer="")] == ["ACTOR"]
        assert [s.start for s in project.spans(article, layer="ana")] == [7, 15]
        assert [e.annotator for e in project.events(article, layer="ana")] == ["ana"]
        assert project.events(article, layer="") == []
        assert len(project.spans(article)) == 4  # None: every layer


def test_the_default_is_gold_else_the_only_layer_else_your_own():
    assert default_layer(["ana", "ben", "gold"], own="cara") == "gold"
    assert default_layer(["ben"], own="cara") == "ben"
    assert default_layer([""], own="cara") == ""  # the unnamed layer alone
    assert default_layer(["ana", "ben"], own="cara") == "cara"
    assert default_layer([], own="cara") == "cara"


def test_a_merged_packet_makes_a_team_project_and_its_untouched_articles_are_not_annotated(tmp_path):
    path = tmp_path / "news.sqlite"
    with Project.open(path) as master:
        first = master.add_article(text=TEXT, title="a").id
        second = master.add_article(text=TEXT.replace("Rebels", "Troops"), title="b").id
        split(master, tmp_path / "packets", annotators=["ana"], per_article=1)
    packet = tmp_path / "packets" / "news.ana.sqlite"
    with Project.open(packet) as ana:
        ana_first = next(i for i in ana.article_ids() if ana.article(i).title == "a")
        ana.add_span(ana_first, 0, 6, "ACTOR", annotator="ana")
        ana.set_status(ana_first, "done")
    with Project.open(path) as master:
        assert merge_packets(master, [packet])[0].state == "merged"
        assert has_team_layers(master) and recorded_layers(master) == ["ana"]
        done = article_layers(master, first)["ana"]
        assert (done.spans, done.status, done.annotated) == (1, "done", True)
        untouched = article_layers(master, second)["ana"]  # handed out, brought back untouched
        assert untouched == LayerSummary("ana", status="new") and not untouched.annotated
