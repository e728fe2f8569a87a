"""Derived uids under reuse of ids (storage/uids.py): a live span's uid is found however many other
uids of the same id a question holds, so no file can bring a second copy of it; and a file whose
schema is not what a migration expects gives one plain line, never a traceback."""
from __future__ import annotations

import json
from collections import Counter

import main
from storage.exporting import export_to_path
from storage.importing import ImportOptions, import_paths
from storage.project import Project
from storage.uids import taken, uid_sql

WORDS = "Aid reached Hama as Red Crescent teams met local officials."


def doccano(path, count, *, suffix):
    path.write_text("".join(json.dumps({"text": f"{WORDS} Report {n}{suffix}.", "label": [
        [12, 16, "LOCATION"], [20, 32, "ACTOR"]]}) + "\n" for n in range(count)), encoding="utf-8")
    return path


def span_uids(project):
    return [u for (u,) in project.db.execute(f"SELECT {uid_sql('spans', 's')} FROM spans s")]


def two_ranges_over_the_same_ids(project, tmp_path):
    """Ana imports 20 articles (ids 1-40), deletes the last 10 articles' spans in the window (the
    highest ids), imports 10 more: SQLite gives ids 21-40 again, now under a second range."""
    assert import_paths(project, [doccano(tmp_path / "a.jsonl", 20, suffix="a")],
                        options=ImportOptions(format="doccano", annotator="ana")).ok
    export_to_path(project, "native", tmp_path / "before.jsonl")
    for (span_id,) in project.db.execute("SELECT id FROM spans WHERE id > 20").fetchall():
        project.remove_span(span_id)
    assert import_paths(project, [doccano(tmp_path / "b.jsonl", 10, suffix="b")],
                        options=ImportOptions(format="doccano", annotator="ana")).ok
    export_to_path(project, "native", tmp_path / "after.jsonl")
    assert project.db.execute("SELECT count(*) FROM uid_ranges WHERE tbl = 'spans'").fetchone()[0] == 2


def test_taken_finds_every_live_derived_uid_beside_uids_of_the_same_ids_from_another_range(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        two_ranges_over_the_same_ids(project, tmp_path)
        live = span_uids(project)
        first = project.db.execute("SELECT prefix FROM uid_ranges WHERE first_id = 1").fetchone()[0]
        gone = [first + uid[16:] for uid in live if not uid.startswith(first)]  # the deleted spans' uids
        assert len(gone) == 20 and not set(gone) & set(live)
        assert taken(project.db.conn, "spans", live + gone) == set(live)


def test_a_native_file_with_old_and_new_uids_of_reused_ids_brings_no_second_copy_of_a_uid(tmp_path):
    """Both exports (before and after the reuse) as one file of new texts: every uid the project
    has is replaced, the others kept, and no two spans report the same uid."""
    with Project.open(tmp_path / "p.sqlite") as project:
        two_ranges_over_the_same_ids(project, tmp_path)
        records = []
        for name in ("before", "after"):
            for line in (tmp_path / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if "text" in record:
                    record.pop("id", None)
                    records.append({**record, "text": f"{record['text']} ({name})"})
        both = tmp_path / "both.jsonl"
        both.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        assert import_paths(project, [both]).ok
        uids = span_uids(project)
        assert len(uids) == 40 + 80
        assert [uid for uid, n in Counter(uids).items() if n > 1] == []


def test_a_file_whose_migration_ran_but_was_not_recorded_gives_one_plain_line(tmp_path, capsys):
    """The derived-uid migration finds its tables changed already (its record lost, or a file
    edited by hand): the project is damaged, said in one line, not a ValueError's traceback."""
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        project.add_span(project.add_article(text=WORDS, title="t").id, 0, 3, "ACTOR")
        with project.transaction():
            project.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0104_derived_uids'")
    assert main.main(["--project", str(path), "stats"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: the project file is damaged") and "Traceback" not in err


def test_a_uid_naming_a_range_and_an_id_past_sqlite_s_ids_is_kept_not_refused_as_a_number(tmp_path):
    """A native uid of 32 hex digits whose prefix is one of the project's ranges and whose tail is
    past SQLite's largest id (a hand-edited file): no row can have it, so it is kept; the file
    was refused as 'a number too large to store', which it does not hold."""
    with Project.open(tmp_path / "p.sqlite") as project:
        assert import_paths(project, [doccano(tmp_path / "a.jsonl", 1, suffix="a")],
                            options=ImportOptions(format="doccano")).ok
        prefix = project.db.execute("SELECT prefix FROM uid_ranges WHERE tbl = 'spans'").fetchone()[0]
        uid = prefix + "f" * 16
        native = tmp_path / "n.jsonl"
        native.write_text(json.dumps({"text": "Rebels entered Velmora.", "title": "v", "spans": [
            {"start": 0, "end": 6, "label": "ACTOR", "uid": uid}]}) + "\n", encoding="utf-8")
        assert import_paths(project, [native]).ok
        assert uid in span_uids(project)
