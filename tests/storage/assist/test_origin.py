"""Every span records where it came from; the migration marks old spans manual; native carries it."""
import json

import pytest
from sqlite_utils import Database

from storage import schema
from storage.assist.origin import import_origin, merge_origin, suggestion_origin
from storage.exporting import export_to_path
from storage.importing import import_paths
from storage.model import SchemeError
from storage.project import Project

TEXT = "Rebels entered Velmora.\n"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        yield project


def test_a_span_typed_by_hand_is_manual_and_others_say_their_source(project):
    article = project.add_article(text=TEXT, title="t").id
    assert project.add_span(article, 0, 6, "ACTOR").origin == "manual"
    span = project.add_span(article, 15, 22, "LOCATION", origin=suggestion_origin("dictionary"))
    assert project.span(span.id).origin == "suggestion:dictionary"
    other = project.add_span(article, 7, 14, "EVENT", origin=import_origin("conll"))
    assert project.db.execute("SELECT origin FROM spans WHERE id = ?", [other.id]).fetchone()[0] == "import:conll"


@pytest.mark.parametrize("origin", ["", "typed", "suggestion:", "import: x", "merge"])
def test_a_malformed_origin_is_refused_in_python_and_in_sql(project, origin):
    article = project.add_article(text=TEXT, title="t").id
    with pytest.raises(SchemeError):
        project.add_span(article, 0, 6, "ACTOR", origin=origin)
    if origin not in ("import: x",):  # SQL's GLOB is looser than Python's check; the rest it refuses too
        with pytest.raises(Exception, match="CHECK"):
            project.db.execute("INSERT INTO spans (article_id, start, \"end\", label, created, origin) "
                               "VALUES (?, 0, 6, 'ACTOR', 'now', ?)", [article, origin])
    assert project.spans(article) == []


def test_undoing_a_delete_restores_the_origin(project):
    article = project.add_article(text=TEXT, title="t").id
    span = project.add_span(article, 0, 6, "ACTOR", origin=merge_origin("alice"))
    restored = project.restore_span(project.remove_span(span.id))
    assert restored.origin == "merge:alice"


def test_spans_of_a_project_made_before_origins_become_manual(tmp_path):
    path = tmp_path / "old.sqlite"
    db = Database(path)
    schema.migrations.apply(db, stop_before="0002_assist")
    db.execute("INSERT INTO labels (name, colour) VALUES ('ACTOR', '#112233')")
    db.execute("INSERT INTO articles (id, length, title, status, content_hash, created, updated, text) "
               "VALUES (1, ?, 't', 'new', 'h', 'now', 'now', ?)", [len(TEXT), TEXT])
    db.execute("INSERT INTO spans (article_id, start, \"end\", label, created) VALUES (1, 0, 6, 'ACTOR', 'now')")
    db.conn.commit()
    db.close()
    with Project.open(path) as project:
        (span,) = project.spans(1)
        assert span.origin == "manual"


def test_native_export_carries_origins_and_import_keeps_them(project, tmp_path):
    article = project.add_article(text=TEXT, title="t").id
    project.add_span(article, 0, 6, "ACTOR")
    project.add_span(article, 15, 22, "LOCATION", origin="suggestion:model")
    out = tmp_path / "out.jsonl"
    export_to_path(project, "native", out)
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[1])
    assert [s["origin"] for s in record["spans"]] == ["manual", "suggestion:model"]
    with Project.open(tmp_path / "copy.sqlite") as copy:
        assert import_paths(copy, [out]).ok
        assert [s.origin for s in copy.spans(1)] == ["manual", "suggestion:model"]
        again = tmp_path / "again.jsonl"
        export_to_path(copy, "native", again)
        assert again.read_bytes() == out.read_bytes()


def test_a_native_span_without_origin_came_in_by_import_and_a_bad_one_names_the_line(project, tmp_path):
    good = tmp_path / "old.jsonl"
    good.write_text(json.dumps({"text": TEXT, "spans": [{"start": 0, "end": 6, "label": "ACTOR"}]}) + "\n",
                    encoding="utf-8")
    assert import_paths(project, [good]).ok
    (span,) = project.spans(project.article_ids()[0])
    assert span.origin == "import:native"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "Other text here.\n",
                               "spans": [{"start": 0, "end": 5, "label": "ACTOR", "origin": "magic"}]}) + "\n",
                   encoding="utf-8")
    (error,) = import_paths(project, [bad]).errors
    assert "bad.jsonl:1" in str(error) and "origin" in str(error)
    assert project.article_count() == 1
