"""Annotator layers in the file: an older project migrates with its ids, one span per layer, `curated`."""
from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from storage import schema
from storage.model import DuplicateSpanError
from storage.project import Project

TEXT = "Rebels entered Velmora after fighting the army."


def old_project(path):
    """A file as the release before layers wrote it: spans signed by two people, a span attribute."""
    db = Database(path)
    schema.migrations.apply(db, stop_before="0100_annotator_layers")
    db.execute("INSERT INTO labels (name, colour, key, kind) VALUES ('ACTOR', '#aa0000', '1', 'entity'), "
               "('EVENT', '#00aa00', '3', 'trigger')")
    db.execute("INSERT INTO roles (name) VALUES ('source')")
    db.execute("INSERT INTO role_labels VALUES ('source', 'ACTOR')")
    db.execute("INSERT INTO event_types (name) VALUES ('FIGHT')")
    db.execute("INSERT INTO articles (id, length, title, status, content_hash, created, updated, text) "
               "VALUES (7, ?, 'Velmora', 'done', 'h', 't', 't', ?)", [len(TEXT), TEXT])
    db.execute('INSERT INTO spans (id, article_id, start, "end", label, annotator, created) VALUES '
               "(11, 7, 0, 6, 'ACTOR', 'ana', 't'), (12, 7, 7, 14, 'EVENT', NULL, 't')")
    db.execute("INSERT INTO events (id, article_id, trigger_id, type, annotator, created) "
               "VALUES (21, 7, 12, 'FIGHT', 'ana', 't')")
    db.execute("INSERT INTO arguments VALUES (21, 'source', 11)")
    db.execute("INSERT INTO span_attributes VALUES (11, 'code', '\"REB\"')")
    db.conn.commit()
    db.close()


def test_an_older_project_keeps_its_ids_frames_and_annotators(tmp_path):
    path = tmp_path / "old.sqlite"
    old_project(path)
    with Project.open(path) as project:
        assert [(s.id, s.annotator) for s in project.spans(7)] == [(11, "ana"), (12, None)]
        # a column another migration added (assist's origin) came through the rebuild
        assert project.db.execute("SELECT DISTINCT origin FROM spans").fetchall() == [("manual",)]
        # rows of other tables that hang on spans (span attributes) survived the rebuild
        assert project.db.execute("SELECT * FROM span_attributes").fetchall() == [(11, "code", '"REB"')]
        event = project.event(21)
        assert event.trigger_id == 12 and event.fillers("source") == (11,)
        assert project.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert project.db.execute("PRAGMA foreign_key_check").fetchall() == []
        uids = [u for (u,) in project.db.execute("SELECT uid FROM spans UNION ALL SELECT uid FROM events")]
        assert len(set(uids)) == 3 and all(len(u) == 32 for u in uids)
        # the span-bounds triggers came back with the rebuilt table
        with pytest.raises(sqlite3.IntegrityError, match="past the end"):
            project.db.execute('INSERT INTO spans (article_id, start, "end", label, created) '
                               "VALUES (7, 0, 999, 'ACTOR', 't')")


def test_each_layer_may_tag_the_same_words_once(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        article = project.add_article(text=TEXT, title="Velmora")
        project.add_span(article.id, 0, 6, "ACTOR", annotator="ana")
        project.add_span(article.id, 0, 6, "ACTOR", annotator="ben")
        project.add_span(article.id, 0, 6, "ACTOR")  # the default layer
        for who in ("ana", None):
            with pytest.raises(DuplicateSpanError):
                project.add_span(article.id, 0, 6, "ACTOR", annotator=who)
        assert len(project.spans(article.id)) == 3


def test_any_layer_refuses_a_span_another_layer_has(tmp_path):
    """What a window showing every layer calls a duplicate, refused inside the write's transaction."""
    with Project.open(tmp_path / "p.sqlite") as project:
        article = project.add_article(text=TEXT, title="Velmora")
        other = project.add_article(text=TEXT + " Again.", title="Again")
        project.add_span(article.id, 0, 6, "ACTOR", annotator="ana")
        project.add_span(article.id, 7, 14, "EVENT")  # the default layer, first of the layers in order
        project.add_span(article.id, 15, 22, "LOCATION", annotator="ben")  # the last layer
        project.add_span(other.id, 23, 28, "EVENT", annotator="cy")  # another article's layer
        for start, end, label in ((0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "LOCATION")):
            with pytest.raises(DuplicateSpanError, match=f"{start}..{end} is already tagged {label}"):
                project.add_span(article.id, start, end, label, annotator="dee", any_layer=True)
        project.add_span(article.id, 23, 28, "EVENT", annotator="dee", any_layer=True)
        project.add_span(article.id, 0, 6, "LOCATION", any_layer=True)  # another label on the same words
        assert len(project.spans(article.id)) == 5


def test_curated_is_a_status(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        article = project.add_article(text=TEXT, title="Velmora")
        project.set_status(article.id, "curated")
        assert project.article(article.id).status == "curated"
        with pytest.raises(sqlite3.IntegrityError):
            project.db.execute("UPDATE article_status SET status = 'adjudicated'")
