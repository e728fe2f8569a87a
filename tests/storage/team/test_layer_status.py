"""Every article status belongs to a layer (issue 10): ``export --status`` filters by, and an export's
``meta.status`` says, the status of the layer written there; the Export dialog counts the same.

A real master: three articles handed out to ana and ben, each packet annotated and given statuses
through the store, brought back with ``team merge``; gold made on article 1, which the curator
marked curated. Exports run through ``main.main`` as on the command line and are read back.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

import main
from storage.article_status import OWN_STATUS
from storage.exporting.layers import export_counts
from storage.model import SchemeError
from storage.project import Project
from storage.team.layer_status import status_sql
from storage.team.merge import merge_packets
from storage.team.packets import split

TEXT = "Rebels entered Velmora after fighting the army."


def tag(project: Project, article_id: int, words: str, label: str, annotator: str | None = None) -> None:
    start = project.article(article_id).text.index(words)
    project.add_span(article_id, start, start + len(words), label, annotator=annotator)


@pytest.fixture
def master(tmp_path: Path) -> Path:
    """Article 1: ana's (done) and gold (curated). 2: ana's (in progress). 3: ben's (done)."""
    path = tmp_path / "news.sqlite"
    with Project.open(path) as project:
        for n in range(3):
            project.add_article(text=TEXT.replace("Rebels", f"Rebels{n}"), title=f"Velmora {n}")
        split(project, tmp_path / "packets", annotators=["ana", "ben"], overlap=1.0, per_article=2)
    ana, ben = tmp_path / "packets" / "news.ana.sqlite", tmp_path / "packets" / "news.ben.sqlite"
    with Project.open(ana) as packet:
        ids = packet.article_ids()
        tag(packet, ids[0], "Velmora", "LOCATION")
        tag(packet, ids[1], "army", "ACTOR")
        packet.set_status(ids[0], "done")
        packet.set_status(ids[1], "in_progress")
    with Project.open(ben) as packet:
        ids = packet.article_ids()
        tag(packet, ids[2], "army", "ACTOR")
        packet.set_status(ids[2], "done")
    with Project.open(path) as project:
        assert [o.state for o in merge_packets(project, [ana, ben])] == ["merged", "merged"]
        tag(project, 1, "Velmora", "LOCATION", annotator="gold")
        project.set_status(1, "curated")
    return path


def exported(path: Path, tmp_path: Path, *options: str) -> list[tuple[str, str]]:
    """(title, meta.status) of every article ``export --format spacy`` writes with ``options``."""
    out = tmp_path / "out.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "spacy", *options, "-o", str(out)]) == 0
    return [(record["meta"]["title"], record["meta"]["status"])
            for record in map(json.loads, out.read_text(encoding="utf-8").splitlines())]


def test_the_default_export_filters_and_says_the_written_layers_status(master, tmp_path):
    # Nothing of the master's own status (new on 2 and 3) reaches the file: each article's layer's does.
    assert exported(master, tmp_path) == [("Velmora 0", "curated"), ("Velmora 1", "in_progress"),
                                          ("Velmora 2", "done")]
    assert exported(master, tmp_path, "--status", "done") == [("Velmora 2", "done")]
    assert exported(master, tmp_path, "--status", "curated") == [("Velmora 0", "curated")]
    assert exported(master, tmp_path, "--status", "new") == []


def test_a_named_layer_is_filtered_by_its_own_status(master, tmp_path):
    assert exported(master, tmp_path, "--layer", "ana", "--status", "done") == [("Velmora 0", "done")]
    assert exported(master, tmp_path, "--layer", "ana", "--status", "in_progress") == [("Velmora 1", "in_progress")]
    assert exported(master, tmp_path, "--layer", "ben") == [("Velmora 2", "done")]
    assert exported(master, tmp_path, "--layer", "gold", "--status", "curated") == [("Velmora 0", "curated")]
    # Every layer at once: the article's own status, as before layers (a round trip keeps both).
    assert exported(master, tmp_path, "--layer", "all", "--status", "new") == [("Velmora 1", "new"),
                                                                                ("Velmora 2", "new")]


def test_the_dialogs_counts_filter_by_the_same_status(master):
    with closing(sqlite3.connect(master)) as conn:
        assert export_counts(conn, None, status="done").written == 1
        assert export_counts(conn, None, status="in_progress").written == 1
        assert export_counts(conn, "ana", status="done").written == 1
        assert export_counts(conn, "ben", status="done").written == 1
        assert export_counts(conn, "ben", status="new").written == 0


def test_the_window_reads_a_recorded_layers_status_and_the_own_column_otherwise(master):
    with Project.open(master) as project:
        conn = project.db.conn

        def listed(layer, own=None):
            return [s.status for s in project.article_summaries(status_sql=status_sql(conn, layer, own=own))]
        assert listed("ana") == ["done", "in_progress", "new"]
        assert listed("ben") == ["new", "new", "done"]
        assert listed("gold") == listed("cara") == ["curated", "new", "new"]  # gold, and a layer not recorded
        assert listed(None, own="cara") == ["curated", "in_progress", "done"]  # automatic: gold, ana's, ben's
        project.set_status(2, "skipped", layer="ana")
        assert project.article(2, status_layer="ana").status == "skipped" and project.article(2).status == "new"


def test_a_project_without_layers_reads_and_filters_its_own_status(tmp_path):
    path = tmp_path / "plain.sqlite"
    with Project.open(path) as project:
        first = project.add_article(text=TEXT, title="one").id
        project.add_article(text=TEXT + " Again.", title="two")
        tag(project, first, "army", "ACTOR", annotator="someone")
        project.set_status(first, "done")
        assert status_sql(project.db.conn, "someone") == status_sql(project.db.conn, None, own="x") == OWN_STATUS
    assert exported(path, tmp_path, "--status", "done") == [("one", "done")]


@pytest.mark.parametrize("layers", [(), ("ana",), ("ana", "ben"), ("ana", "gold", "zed"), ("gold",), ("",),
                                    ("", "ana"), ("zed",)])
def test_the_lists_automatic_layer_is_the_windows(tmp_path, layers):
    """Per row in SQL (two index seeks per table, not every span) the layer the window shows by
    itself (``article_layers.default_layer``): gold among others too, the unnamed layer, none."""
    from storage.team.article_layers import article_layers, default_layer
    from storage.team.layer_status import automatic_layer_sql

    with Project.open(tmp_path / "p.sqlite") as project:
        article = project.add_article(text=TEXT, title="t").id
        for n, layer in enumerate(layers):
            project.add_span(article, n, n + 1, "ACTOR", annotator=layer or None)
        present = [name for name, summary in article_layers(project, article).items() if summary.annotated]
        (shown,) = project.db.execute(f"SELECT {automatic_layer_sql('cara')} FROM articles WHERE id = ?",
                                      [article]).fetchone()
        assert shown == default_layer(present, own="cara")


def test_the_first_edit_starts_the_layer_it_was_made_in_by_the_same_commit(master):
    """``Project.starting``: the next write's transaction also moves the status from new to
    in_progress where that layer's status lives (ben's row; the own column for gold), once, and
    leaves a status that is no longer new alone; a refused write takes its status with it."""
    with Project.open(master) as project:
        with project.starting(1, layer="ben") as started:
            tag(project, 1, "army", "ACTOR", annotator="ben")
        assert started.committed and started.result == {"status": "in_progress"}
        assert project.article(1, status_layer="ben").status == "in_progress"
        assert project.article(1).status == "curated"  # the master's own: untouched
        with project.starting(1, layer="ana") as started:  # ana's is done: it stays done
            tag(project, 1, "fighting", "EVENT", annotator="ana")
        assert started.committed and started.result is None
        assert project.article(1, status_layer="ana").status == "done"
        with project.starting(3) as started, pytest.raises(SchemeError):
            tag(project, 3, "army", "NO_SUCH_LABEL")
        assert not started.committed and project.article(3).status == "new"
        with project.starting(3) as started:
            project.article(3)  # a read is no write: nothing rides along
        assert not started.committed and project.article(3).status == "new"
        with project.starting(3) as started:
            tag(project, 3, "army", "ACTOR", annotator="gold")
        assert started.result["status"] == "in_progress" and project.article(3).updated == started.result["updated"]
        tag(project, 3, "Velmora", "LOCATION", annotator="gold")  # outside the block: nothing rides along
    with closing(sqlite3.connect(master)) as db:
        assert db.execute(f"SELECT {OWN_STATUS} FROM articles WHERE id = 3").fetchone() == ("in_progress",)
        assert db.execute("SELECT status FROM layer_status WHERE article_id = 1 AND layer = 'ben'").fetchone() \
            == ("in_progress",)
