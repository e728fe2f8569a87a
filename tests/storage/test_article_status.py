"""An article's own status lives in ``article_status``, off the article's row (migration 0107):
an older project keeps its statuses, they show, filter, count and export as before, and a status
change (the first edit's above all) never writes the article's row, its text, again."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlite_utils import Database

import main
from storage import schema
from storage.model import STATUSES
from storage.project import Project
from storage.stats import project_stats
from storage.text import content_hash

TEXT = "Rebels entered Velmora after fighting the army."
# (id, status, created, updated) of an older project's articles: every status, and a ``new`` set
# again after it was something else (its updated later than created).
OLD_ROWS = [(1, "new", "2024-01-01", "2024-01-01"), (2, "in_progress", "2024-01-01", "2024-02-02"),
            (3, "done", "2024-01-01", "2024-03-03"), (4, "skipped", "2024-01-01", "2024-04-04"),
            (5, "curated", "2024-01-01", "2024-05-05"), (6, "new", "2024-01-01", "2024-06-06")]


def old_project(path: Path) -> None:
    """A file as the release before migration 0107 wrote it: the status on the article's row."""
    db = Database(path)
    schema.migrations.apply(db, stop_before="0107_article_status")
    for article_id, status, created, updated in OLD_ROWS:
        text = f"{TEXT} ({article_id})"
        db.execute("INSERT INTO articles (id, length, title, status, content_hash, created, updated, text) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [article_id, len(text), f"a{article_id}", status, content_hash(text), created, updated, text])
    db.conn.commit()
    db.close()


def test_an_older_project_opens_with_its_statuses_and_their_times(tmp_path):
    path = tmp_path / "old.sqlite"
    old_project(path)
    with Project.open(path) as project:
        db = project.db
        assert [(a.id, a.status, a.created, a.updated) for a in map(project.article, range(1, 7))] == OLD_ROWS
        assert "status" not in {row[1] for row in db.execute("PRAGMA table_info(articles)")}
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'articles_status'").fetchone() == (0,)
        # Only what is not plain new took a row: no row is new.
        assert db.execute("SELECT article_id, status FROM article_status ORDER BY 1").fetchall() == [
            (2, "in_progress"), (3, "done"), (4, "skipped"), (5, "curated"), (6, "new")]
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert [s.status for s in project.article_summaries()] == [row[1] for row in OLD_ROWS]
        assert {status: project.article_ids(status=status) for status in STATUSES} == {
            "new": [1, 6], "in_progress": [2], "done": [3], "skipped": [4], "curated": [5]}
        assert project.article_count(status="new") == 2 and project.next_unfinished(2) == 6
        assert project_stats(project)["articles_by_status"] == {
            "new": 2, "in_progress": 1, "done": 1, "skipped": 1, "curated": 1}


def metas(path: Path) -> list[dict]:
    """Each article's ``meta`` in a native export (after its scheme line)."""
    records = map(json.loads, path.read_text(encoding="utf-8").splitlines())
    return [record["meta"] for record in records if "meta" in record]


def test_an_older_projects_statuses_export_and_filter_as_before(tmp_path):
    path = tmp_path / "old.sqlite"
    old_project(path)
    out = tmp_path / "out.jsonl"
    assert main.main(["--project", str(path), "export", "--format", "native", "-o", str(out)]) == 0
    assert [(m["status"], m["created"], m["updated"]) for m in metas(out)] == [row[1:] for row in OLD_ROWS]
    assert main.main(["--project", str(path), "export", "--format", "native", "--status", "new",
                      "-o", str(out)]) == 0
    assert [m["title"] for m in metas(out)] == ["a1", "a6"]

    # and back: a native import keeps every status and time, writing a row only where it is not new
    copy = tmp_path / "copy.sqlite"
    assert main.main(["--project", str(path), "export", "--format", "native", "-o", str(out)]) == 0
    assert main.main(["--project", str(copy), "import", str(out)]) == 0
    with Project.open(copy) as project:
        assert [(a.status, a.created, a.updated) for a in map(project.article, project.article_ids())] == [
            row[1:] for row in OLD_ROWS]
        assert project.db.execute("SELECT count(*) FROM article_status").fetchone() == (3 + 1,)  # not the two new


def test_an_import_of_new_articles_writes_no_status_rows(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"{TEXT} {n}", encoding="utf-8")
    with Project.open(tmp_path / "p.sqlite") as project:
        project.add_article(text=TEXT, title="added")
        assert main.main(["--project", str(project.path), "import", str(folder)]) == 0
        assert project.db.execute("SELECT count(*) FROM article_status").fetchone() == (0,)
        assert project.article_count(status="new") == 4 and project.article_count(status="done") == 0


def wal_frames(project: Project) -> int:
    """Pages in the WAL now (after a TRUNCATE checkpoint: what the writes since wrote)."""
    return project.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]


def test_a_status_change_leaves_the_article_row_and_its_text_unwritten(tmp_path):
    """The first edit of a long new article writes its span and its status, a few pages; before
    0107 the status rewrote the article's row, every overflow page of its text: ~145 pages here."""
    text = " ".join(f"word{n}" for n in range(30_000))  # ~260 KB: 4 KB overflow pages
    with Project.open(tmp_path / "p.sqlite") as project:
        article = project.add_article(text=text, title="long")
        project.db.execute("CREATE TABLE rewritten (article_id INTEGER)")  # any UPDATE of a row, noted
        project.db.execute("CREATE TRIGGER note_rewrite AFTER UPDATE ON articles "
                           "BEGIN INSERT INTO rewritten VALUES (NEW.id); END")
        project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with project.starting(article.id) as started:
            project.add_span(article.id, 0, 5, "ACTOR")
        assert started.committed and started.result["status"] == "in_progress"
        assert project.article(article.id).status == "in_progress"
        assert wal_frames(project) < 15
        project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        project.set_status(article.id, "done")
        assert wal_frames(project) < 10 and project.article(article.id).status == "done"
        assert project.db.execute("SELECT count(*) FROM rewritten").fetchone() == (0,)


def test_no_row_is_new_and_a_status_set_back_to_new_reads_new_everywhere(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        first = project.add_article(text=TEXT, title="one", status="done").id
        second = project.add_article(text=TEXT + " Two.", title="two").id
        project.set_status(first, "new")
        assert project.article_ids(status="new") == [first, second] and project.article_ids(status="done") == []
        assert project.article(first).updated >= project.article(first).created
        with sqlite3.connect(project.path) as other:  # the rule holds for any reader of the file
            assert other.execute("SELECT article_id, status FROM article_status").fetchall() == [(first, "new")]
