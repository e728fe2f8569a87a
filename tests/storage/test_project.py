"""The project store on real SQLite files: scheme, articles, spans, events, durability rules."""
from __future__ import annotations

import sqlite3

import pytest

from storage.model import (
    DuplicateArticleError,
    DuplicateSpanError,
    Label,
    LabelInUseError,
    ProjectFileError,
    SchemeError,
)
from storage.project import Project

TEXT = "Insurgents entered Damascus on Sunday.\n\nMr. Al-Assad left Syria."


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


@pytest.fixture
def article(project):
    return project.add_article(text=TEXT, title="Insurgents", date="2024-12-08", source="a.txt")


def span_of(project, article, word, label):
    start = TEXT.index(word)
    return project.add_span(article.id, start, start + len(word), label, annotator="ann")


def test_new_project_is_seeded_with_the_default_scheme(project):
    scheme = project.scheme
    assert [(l.name, l.key) for l in scheme.labels] == [("ACTOR", "1"), ("LOCATION", "2"), ("EVENT", "3")]
    assert len(scheme.event_types) == 18 and scheme.event_types[0].name == "AGREE"
    assert scheme.role("location").max_count == 1 and scheme.role("location").labels == ("LOCATION",)
    assert scheme.role("source").labels == ("ACTOR",) and scheme.role("source").max_count is None
    assert {a.name for a in scheme.attributes} == {"polarity", "modality", "date"}


def test_pragmas_make_every_commit_durable(project):
    db = project.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_span_is_committed_before_add_span_returns(tmp_path, project, article):
    span = span_of(project, article, "Damascus", "LOCATION")
    other = sqlite3.connect(tmp_path / "p.sqlite")  # a second connection sees only committed data
    row = other.execute('SELECT start, "end", label, annotator FROM spans WHERE id = ?', [span.id]).fetchone()
    assert row == (span.start, span.end, "LOCATION", "ann")
    assert TEXT[row[0]:row[1]] == "Damascus"


def test_spans_may_nest_and_overlap_but_not_repeat(project, article):
    outer = project.add_span(article.id, 0, 27, "EVENT")
    inner = span_of(project, article, "Damascus", "LOCATION")
    overlapping = project.add_span(article.id, 11, 30, "ACTOR")
    assert [s.id for s in project.spans(article.id)] == [outer.id, overlapping.id, inner.id]
    with pytest.raises(DuplicateSpanError):
        span_of(project, article, "Damascus", "LOCATION")
    span_of(project, article, "Damascus", "ACTOR")  # same range, other label is fine


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (6, 2), (0, len(TEXT) + 1)])
def test_offsets_out_of_range_are_refused_in_python(project, article, start, end):
    with pytest.raises((SchemeError, ValueError)):
        project.add_span(article.id, start, end, "ACTOR")
    assert project.spans(article.id) == []


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (0, len(TEXT) + 1)])
def test_offsets_out_of_range_are_refused_by_sql_too(project, article, start, end):
    with pytest.raises(sqlite3.IntegrityError):
        project.db.execute(
            'INSERT INTO spans (article_id, start, "end", label, created) VALUES (?, ?, ?, ?, ?)',
            [article.id, start, end, "ACTOR", "now"])


def test_unknown_label_is_refused(project, article):
    with pytest.raises(SchemeError, match="unknown label"):
        project.add_span(article.id, 0, 5, "PERSON")


def test_duplicate_article_text_is_refused(project, article):
    with pytest.raises(DuplicateArticleError) as info:
        project.add_article(text=TEXT, title="again")
    assert info.value.existing_id == article.id
    assert project.article_count() == 1


def test_rename_label_carries_spans_and_roles(project, article):
    span = span_of(project, article, "Al-Assad", "ACTOR")
    project.rename_label("ACTOR", "PARTICIPANT")
    assert project.span(span.id).label == "PARTICIPANT"
    assert project.scheme.role("source").labels == ("PARTICIPANT",)
    assert [l.name for l in project.scheme.labels][0] == "PARTICIPANT"


def test_recolour_and_rekey_labels(project):
    project.update_label("ACTOR", colour="#112233", key="a")
    assert project.scheme.label("ACTOR") == Label("ACTOR", "#112233", "a",
                                                  project.scheme.label("ACTOR").description, "entity")
    with pytest.raises(SchemeError, match="already used"):
        project.update_label("LOCATION", key="a")


def test_deleting_a_label_in_use_needs_a_counted_cascade(project, article):
    span_of(project, article, "Al-Assad", "ACTOR")
    span_of(project, article, "Insurgents", "ACTOR")
    with pytest.raises(LabelInUseError) as info:
        project.delete_label("ACTOR")
    assert info.value.span_count == 2
    assert len(project.spans(article.id)) == 2
    assert project.delete_label("ACTOR", cascade=True) == 2
    assert project.spans(article.id) == []
    assert "ACTOR" not in [l.name for l in project.scheme.labels]


def test_add_label_appears_in_scheme(project):
    project.add_label(Label("WEAPON", "#009E73", "4"))
    assert project.scheme.label("WEAPON").key == "4"


def frame(project, article):
    trigger = span_of(project, article, "entered", "EVENT")
    actor = span_of(project, article, "Insurgents", "ACTOR")
    place = span_of(project, article, "Damascus", "LOCATION")
    event = project.add_event(trigger.id, type="FIGHT", annotator="ann")
    event = project.add_argument(event.id, "source", actor.id)
    event = project.add_argument(event.id, "location", place.id)
    return event, trigger, actor, place


def test_event_frame_with_default_attributes(project, article):
    event, trigger, actor, place = frame(project, article)
    assert event.type == "FIGHT" and event.trigger_id == trigger.id
    assert event.attributes == {"polarity": "positive", "modality": "asserted", "date": "2024-12-08"}
    assert event.fillers("source") == (actor.id,) and event.fillers("location") == (place.id,)
    assert project.events(article.id) == [event]


def test_roles_only_accept_their_labels_and_cardinality(project, article):
    event, trigger, actor, place = frame(project, article)
    with pytest.raises(SchemeError, match="takes ACTOR"):
        project.add_argument(event.id, "source", place.id)
    other_place = span_of(project, article, "Syria", "LOCATION")
    with pytest.raises(SchemeError, match="at most 1"):
        project.add_argument(event.id, "location", other_place.id)
    with pytest.raises(SchemeError, match="trigger"):
        project.add_argument(event.id, "target", trigger.id)
    with pytest.raises(SchemeError, match="trigger span"):
        project.add_event(actor.id)


def test_event_attributes_are_checked(project, article):
    event, *_ = frame(project, article)
    assert project.set_event_attribute(event.id, "polarity", "negative").attributes["polarity"] == "negative"
    with pytest.raises(SchemeError):
        project.set_event_attribute(event.id, "polarity", "maybe")
    with pytest.raises(SchemeError):
        project.set_event_attribute(event.id, "date", "8 Dec")
    with pytest.raises(SchemeError):
        project.set_event_type(event.id, "PICNIC")


def test_removing_a_span_removes_arguments_and_restore_puts_them_back(project, article):
    event, trigger, actor, place = frame(project, article)
    removed = project.remove_span(actor.id)
    assert project.event(event.id).fillers("source") == ()
    dangling = project.db.execute(
        "SELECT count(*) FROM arguments WHERE span_id NOT IN (SELECT id FROM spans)").fetchone()[0]
    assert dangling == 0
    project.restore_span(removed)
    assert project.event(event.id) == event


def test_removing_a_trigger_removes_its_event_and_restore_puts_it_back(project, article):
    event, trigger, actor, place = frame(project, article)
    removed = project.remove_span(trigger.id)
    assert project.events(article.id) == []
    assert project.db.execute("SELECT count(*) FROM arguments").fetchone()[0] == 0
    project.restore_span(removed)
    assert project.events(article.id) == [event]


def test_relabelling_a_trigger_or_argument_is_refused(project, article):
    event, trigger, actor, place = frame(project, article)
    with pytest.raises(SchemeError, match="trigger"):
        project.change_span_label(trigger.id, "ACTOR")
    with pytest.raises(SchemeError, match="source"):
        project.change_span_label(actor.id, "LOCATION")
    loose = span_of(project, article, "Sunday", "ACTOR")
    assert project.change_span_label(loose.id, "LOCATION").label == "LOCATION"


def test_status_and_next_unfinished(project, article):
    second = project.add_article(text="Another text.", title="Another")
    project.set_status(article.id, "done")
    assert project.next_unfinished(article.id) == second.id
    assert project.next_unfinished(second.id) is None
    with pytest.raises(ValueError):
        project.set_status(article.id, "finished")
    assert [s.status for s in project.article_summaries()] == ["done", "new"]
    assert project.article_count(status="done") == 1
    assert project.article_summaries(search="another")[0].id == second.id


def test_a_second_connection_sees_changes_and_is_told(tmp_path, project, article):
    with Project.open(tmp_path / "p.sqlite") as other:
        assert project.changed_elsewhere() is False
        other.add_span(article.id, 0, 10, "ACTOR")
        assert project.changed_elsewhere() is True
        assert [s.start for s in project.spans(article.id)] == [0]


def test_a_folder_or_a_path_under_a_file_is_refused_by_name(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ProjectFileError, match=f"^{tmp_path} is a folder, not a project file$"):
        Project.open(tmp_path)
    with pytest.raises(ProjectFileError, match=f"{tmp_path / 'notes.txt'} is a file, not a folder$"):
        Project.open(tmp_path / "notes.txt" / "sub" / "p.sqlite")


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("Rebels entered Homs.")
    with pytest.raises(ProjectFileError, match="cannot open .*article.txt as a project: file is not a database"):
        Project.open(path)
    assert path.read_text() == "Rebels entered Homs."


def test_another_programs_database_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectFileError, match=r"another program's SQLite database \(tables notes\)"):
        Project.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no WAL switched on either


def test_a_project_from_a_newer_version_is_refused(tmp_path):
    Project.open(tmp_path / "p.sqlite").close()
    conn = sqlite3.connect(tmp_path / "p.sqlite")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('event_annotator', '0099_future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectFileError, match="newer Event Annotator .*0099_future.*update"):
        Project.open(tmp_path / "p.sqlite")


def test_storage_never_imports_qt():
    import subprocess
    import sys
    code = ("import sys, storage.project, storage.model, storage.scheme, storage.stats, "
            "storage.frames, resources\n"
            "import pkgutil, importlib, storage\n"
            "for m in pkgutil.walk_packages(storage.__path__, 'storage.'): importlib.import_module(m.name)\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'gui'))]\n"
            "assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["20241208", "2024-02-30", "8 Dec 2024", 20241208])
def test_event_date_must_be_a_real_yyyy_mm_dd(project, article, value):
    event, *_ = frame(project, article)
    with pytest.raises(SchemeError, match="date"):
        project.set_event_attribute(event.id, "date", value)
    assert project.event(event.id).attributes["date"] == "2024-12-08"
