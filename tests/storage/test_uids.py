"""Derived uids (storage/uids.py, migration 0104): a bulk import leaves uid NULL and records one range;
every annotation still has one uid that no other annotation has, in the file or across files, kept
by undo, export, import and merge; and an older file migrates with its uids."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest
from sqlite_utils import Database

from storage import schema
from storage.exporting import export_to_path
from storage.importing import ImportOptions, import_paths
from storage.importing.batch import SUSPEND_FROM
from storage.project import Project
from storage.team.merge import merge_packets
from storage.team.packets import split
from storage.uids import uid_of, uid_sql

WORDS = "Aid reached Hama as Red Crescent teams met local officials."


def doccano(path, count, *, first=1, suffix=""):
    path.write_text("".join(json.dumps({"text": f"{WORDS} Report {n}{suffix}.", "label": [
        [12, 16, "LOCATION"], [20, 32, "ACTOR"], [0, 3, "ACTOR"], [33, 38, "ACTOR"], [48, 53, "ACTOR"]]}) + "\n"
        for n in range(first, first + count)), encoding="utf-8")
    return path


def all_uids(project):
    return [u for (u,) in project.db.execute(f"SELECT {uid_sql('spans', 's')} FROM spans s UNION ALL "
                                             f"SELECT {uid_sql('events', 'e')} FROM events e")]


def assert_unique(uids):
    assert all(re.fullmatch(r"[0-9a-f]{32}", u) for u in uids), uids[:3]
    assert len(set(uids)) == len(uids)


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


@pytest.mark.parametrize("count", [3, 500])  # a small round keeps its row triggers, a big one sets them aside
def test_an_import_leaves_uids_to_its_range_and_each_is_still_one_of_a_kind(project, tmp_path, count):
    assert (count * 5 >= SUSPEND_FROM) == (count == 500)
    manual = project.add_span(project.add_article(text="Rebels entered Velmora.", title="t").id, 0, 6, "ACTOR")
    assert import_paths(project, [doccano(tmp_path / "a.jsonl", count)], options=ImportOptions(format="doccano")).ok
    db = project.db
    assert db.execute("SELECT count(*) FROM spans WHERE uid IS NULL").fetchone()[0] == count * 5
    assert db.execute("SELECT count(*) FROM uid_ranges WHERE tbl = 'spans'").fetchone()[0] == 1
    assert uid_of(db.conn, "spans", manual.id) == db.execute("SELECT uid FROM spans WHERE id = ?",
                                                              [manual.id]).fetchone()[0]
    # the last spans removed and another file imported: the ids come again, never their uids
    before = set(all_uids(project))
    db.execute("DELETE FROM spans WHERE id > (SELECT max(id) - 7 FROM spans)")
    assert import_paths(project, [doccano(tmp_path / "b.jsonl", count, first=count + 1)],
                        options=ImportOptions(format="doccano")).ok
    after = all_uids(project)
    assert_unique(after)
    fresh = set(after) - before
    assert len(fresh) == count * 5 and db.execute("SELECT count(*) FROM uid_ranges").fetchone()[0] == 2


def test_undo_of_a_removal_keeps_a_derived_uid(project, tmp_path):
    assert import_paths(project, [doccano(tmp_path / "a.jsonl", 2)], options=ImportOptions(format="doccano")).ok
    span_id = project.db.execute("SELECT max(id) FROM spans").fetchone()[0]
    uid = uid_of(project.db.conn, "spans", span_id)
    removed = project.remove_span(span_id)
    assert uid_of(project.db.conn, "spans", span_id) is None
    project.restore_span(removed)
    assert uid_of(project.db.conn, "spans", span_id) == uid
    assert project.db.execute("SELECT uid FROM spans WHERE id = ?", [span_id]).fetchone()[0] == uid  # stored now


def test_sql_keeps_a_null_uid_meaningful(project, tmp_path):
    article = project.add_article(text="Rebels entered Velmora.", title="t")
    db = project.db
    with pytest.raises(sqlite3.IntegrityError, match="recorded its range"):
        db.execute('INSERT INTO spans (article_id, start, "end", label, created, uid) '
                   "VALUES (?, 0, 6, 'ACTOR', 't', NULL)", [article.id])
    span = project.add_span(article.id, 0, 6, "ACTOR")
    with pytest.raises(sqlite3.IntegrityError, match="uid cannot change"):
        db.execute("UPDATE spans SET uid = NULL WHERE id = ?", [span.id])
    assert import_paths(project, [doccano(tmp_path / "a.jsonl", 1)], options=ImportOptions(format="doccano")).ok
    derived = db.execute("SELECT max(id) FROM spans WHERE uid IS NULL").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="uid cannot change"):
        db.execute("UPDATE spans SET id = 999 WHERE id = ?", [derived])
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):  # stored uids stay unique
        db.execute("UPDATE spans SET uid = (SELECT uid FROM spans WHERE id = ?) WHERE id = ?", [span.id, derived])


def test_a_native_file_repeating_derived_uids_gets_fresh_ones(project, tmp_path):
    """A layer's export carries its derived uids; imported again (the texts changed, so as new
    articles) into the same project, those uids are taken, stored or not, and are replaced."""
    assert import_paths(project, [doccano(tmp_path / "a.jsonl", 3)],
                        options=ImportOptions(format="doccano", annotator="ana")).ok
    out = tmp_path / "ana.jsonl"
    export_to_path(project, "native", out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    exported = {s["uid"] for r in records if "spans" in r for s in r["spans"]}
    assert exported == set(all_uids(project))  # the export names each span by its derived uid
    again = tmp_path / "again.jsonl"
    again.write_text("".join(json.dumps({**r, "text": r["text"] + " More."} if "text" in r else r) + "\n"
                             for r in records if "id" in r), encoding="utf-8")
    for r in records:
        r.pop("id", None)
    assert import_paths(project, [again]).ok
    uids = all_uids(project)
    assert len(uids) == 30 and not exported - set(uids)
    assert_unique(uids)


def test_a_packet_annotated_by_import_merges_once_and_again_changes_nothing(tmp_path):
    texts = tmp_path / "texts.jsonl"
    with Project.open(tmp_path / "master.sqlite") as master:
        assert import_paths(master, [doccano(texts, 4)], options=ImportOptions(format="doccano")).ok
        report = split(master, tmp_path / "packets", annotators=["ana"], overlap=0.0)
        packet = report.packets["ana"]
        with Project.open(packet) as p:  # ana's annotations came in bulk: derived uids in the packet
            assert import_paths(p, [texts], options=ImportOptions(format="doccano", annotator="ana")).ok
            assert p.db.execute("SELECT count(*) FROM spans WHERE uid IS NULL").fetchone()[0] == 20
            packet_uids = set(all_uids(p))
        assert [o.state for o in merge_packets(master, [packet])] == ["merged"]
        stored = {u for (u,) in master.db.execute("SELECT uid FROM spans WHERE annotator = 'ana'")}
        assert stored == packet_uids  # the master stores the packet's derived uids
        assert [o.state for o in merge_packets(master, [packet])] == ["unchanged"]
        assert_unique(all_uids(master))


def test_a_packet_repeating_a_derived_uid_of_the_master_is_refused(tmp_path):
    """A packet that took the master's own (derived) uids from an export clashes, as a stored one would."""
    with Project.open(tmp_path / "master.sqlite") as master:
        assert import_paths(master, [doccano(tmp_path / "a.jsonl", 2)],
                            options=ImportOptions(format="doccano", annotator="ben")).ok
        out = tmp_path / "master.jsonl"
        export_to_path(master, "native", out)
        packet = split(master, tmp_path / "packets", annotators=["ana"], overlap=0.0).packets["ana"]
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        spans = {r["text"]: r["spans"] for r in lines if "text" in r}
        with Project.open(packet) as p:
            for article_id in p.article_ids():
                text = p.article(article_id).text
                for s in spans[text]:  # ben's spans, their uids kept, into ana's layer (straight SQL)
                    p.db.execute('INSERT INTO spans (article_id, start, "end", label, annotator, created, uid) '
                                 "VALUES (?, ?, ?, ?, 'ana', 't', ?)", [article_id, s["start"], s["end"],
                                                                          s["label"], s["uid"]])
            p.db.conn.commit()
        before = master.db.execute("SELECT count(*) FROM spans").fetchone()[0]
        (outcome,) = merge_packets(master, [packet])
        assert outcome.state == "refused" and "clashes" in outcome.line()
        assert master.db.execute("SELECT count(*) FROM spans").fetchone()[0] == before


def old_project(path):
    """A file as the release before derived uids wrote it: stored uids, a frame, a span attribute
    and a role rejection (rows of tables that hang on spans and events)."""
    db = Database(path)
    schema.migrations.apply(db, stop_before="0104_derived_uids")
    db.execute("INSERT INTO labels (name, colour, key, kind) VALUES ('ACTOR', '#aa0000', '1', 'entity'), "
               "('EVENT', '#00aa00', '3', 'trigger')")
    db.execute("INSERT INTO roles (name) VALUES ('source')")
    db.execute("INSERT INTO role_labels VALUES ('source', 'ACTOR')")
    db.execute("INSERT INTO event_types (name) VALUES ('FIGHT')")
    text = "Rebels entered Velmora after fighting the army."
    db.execute("INSERT INTO articles (id, length, title, status, content_hash, created, updated, text) "
               "VALUES (7, ?, 'Velmora', 'done', 'h', 't', 't', ?)", [len(text), text])
    db.execute('INSERT INTO spans (id, article_id, start, "end", label, annotator, created, uid) VALUES '
               "(11, 7, 0, 6, 'ACTOR', 'ana', 't', 'u11'), (12, 7, 7, 14, 'EVENT', NULL, 't', 'u12'), "
               "(13, 7, 42, 46, 'ACTOR', NULL, 't', 'u13')")
    db.execute("INSERT INTO events (id, article_id, trigger_id, type, annotator, created, uid) "
               "VALUES (21, 7, 12, 'FIGHT', 'ana', 't', 'u21')")
    db.execute("INSERT INTO arguments VALUES (21, 'source', 11)")
    db.execute("INSERT INTO span_attributes VALUES (11, 'code', '\"REB\"')")
    db.execute("INSERT INTO assist_role_rejections VALUES (21, 'source', 13, 't')")
    db.conn.commit()
    db.close()


def test_an_older_project_keeps_its_uids_and_everything_hanging_on_its_spans(tmp_path):
    path = tmp_path / "old.sqlite"
    old_project(path)
    with Project.open(path) as project:
        db = project.db
        assert db.execute("SELECT id, uid FROM spans UNION ALL SELECT id, uid FROM events").fetchall() == [
            (11, "u11"), (12, "u12"), (13, "u13"), (21, "u21")]
        assert db.execute("SELECT * FROM span_attributes").fetchall() == [(11, "code", '"REB"')]
        assert db.execute("SELECT event_id, role, span_id FROM assist_role_rejections").fetchall() == [
            (21, "source", 13)]
        assert project.event(21).fillers("source") == (11,)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            db.execute('INSERT INTO spans (article_id, start, "end", label, created, uid) '
                       "VALUES (7, 15, 22, 'ACTOR', 't', 'u11')")
        with pytest.raises(sqlite3.IntegrityError, match="past the end"):  # the old triggers came back
            db.execute('INSERT INTO spans (article_id, start, "end", label, created) VALUES (7, 0, 999, "ACTOR", "t")')
        # a span the window adds still gets a random uid of its own
        article = project.article(7)
        made = project.add_span(article.id, 15, 22, "ACTOR")
        assert re.fullmatch(r"[0-9a-f]{32}", db.execute("SELECT uid FROM spans WHERE id = ?",
                                                         [made.id]).fetchone()[0])
