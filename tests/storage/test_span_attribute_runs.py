"""A brat folder's T ids stored as runs (storage/span_attribute_runs.py): every reader still sees
each span's ``source_id``, every writer keeps the rules rows keep, and the exports are the same
as with a row per span (the same project with its runs turned into rows: the old form)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storage import span_attribute_runs as runs
from storage import span_attributes
from storage.exporting import export_to_path
from storage.importing import ImportOptions, import_paths
from storage.model import SpanAttribute
from storage.project import Project

REPO = Path(__file__).resolve().parents[2]
TEXT = "Rebel forces rejected talks in Hama, and troops left Homs. Officials met in Aleppo.\n"
ANN = ("T1\tACTOR 0 12\tRebel forces\nT2\tEVENT 13 21\trejected\nT3\tLOCATION 31 35\tHama\n"
       "T4\tACTOR 41 47\ttroops\nT5\tEVENT 48 52\tleft\nT6\tLOCATION 53 57\tHoms\n"
       "E1\tREJECT:T2 source:T1 location:T3\nE2\tRETREAT:T5 source:T4 location:T6\n")


def brat_folder(folder: Path, count: int = 4) -> Path:
    """``count`` documents, each its own text (no duplicates), the ids as brat numbers them."""
    folder.mkdir()
    for n in range(count):
        (folder / f"d{n}.txt").write_text(f"{TEXT[:-1]} {n}\n", encoding="utf-8")
        (folder / f"d{n}.ann").write_text(ANN, encoding="utf-8")
    return folder


def imported(path: Path, folder: Path, *, annotator: str | None = None) -> Project:
    project = Project.open(path)
    report = import_paths(project, [folder], options=ImportOptions(format="brat", annotator=annotator))
    assert report.ok, report.summary_lines()
    return project


def stored_as(project: Project) -> tuple[int, int]:
    """(runs, span_attributes rows)."""
    db = project.db
    return (db.execute("SELECT count(*) FROM span_attribute_runs").fetchone()[0],
            db.execute("SELECT count(*) FROM span_attributes").fetchone()[0])


@pytest.fixture
def project(tmp_path):
    with imported(tmp_path / "p.sqlite", brat_folder(tmp_path / "corpus")) as project:
        yield project


def source_ids(project: Project, article_id: int) -> list[str | None]:
    return [span.attributes.get("source_id") for span in project.spans(article_id)]


def test_each_span_reads_its_t_id_though_the_files_after_the_first_store_one_run_each(project):
    # The first file declares source_id (the long way, rows); the three after it take the column path.
    assert stored_as(project) == (3, 6)
    for article_id in range(1, 5):
        assert source_ids(project, article_id) == ["T1", "T2", "T3", "T4", "T5", "T6"]
    spans = project.spans(3)
    assert [project.span(s.id).attributes for s in spans] == [{"source_id": f"T{n}"} for n in range(1, 7)]
    assert span_attributes.values_of(project.db, [spans[1].id, 9999]) == {spans[1].id: {"source_id": "T2"}}
    # SQL readers (team merge, packets) get the same rows through values_sql.
    rows = project.db.execute(f"SELECT span_id, name, value FROM {runs.values_sql(project.db)} v "
                              "ORDER BY span_id").fetchall()
    assert rows == [(span_id, "source_id", f'"T{(span_id - 1) % 6 + 1}"') for span_id in range(1, 25)]


def test_a_deleted_span_leaves_no_value_for_a_later_span_of_its_id_and_undo_brings_it_back(project):
    last = project.spans(4)[-1]  # the highest span id: SQLite gives it to the next new span
    removed = project.remove_span(last.id)
    assert source_ids(project, 4) == ["T1", "T2", "T3", "T4", "T5"]
    # the article's run is rows now, without the deleted span's value (the other articles keep theirs)
    assert project.db.execute("SELECT article_id FROM span_attribute_runs ORDER BY 1").fetchall() == [(2,), (3,)]
    assert project.db.execute("SELECT count(*) FROM span_attributes WHERE span_id = ?", [last.id]).fetchone() == (0,)
    again = project.add_span(4, last.start, last.end, last.label)
    assert again.id == last.id and again.attributes == {}
    project.remove_span(again.id)
    restored = project.restore_span(removed)
    assert restored.id == last.id and restored.attributes == {"source_id": "T6"}
    assert source_ids(project, 4) == ["T1", "T2", "T3", "T4", "T5", "T6"]


def test_the_first_deleted_span_turns_its_articles_runs_into_rows_and_the_rest_go_by_cascade(project):
    """Deleting k spans of a run is O(n) once, not k rewrites of its array: the first deletion
    leaves no run behind for the ones after it; every value left reads as before, no row orphaned."""
    third = project.spans(3)[2]
    project.remove_span(third.id)
    assert stored_as(project) == (2, 6 + 5)  # article 3: its run gone, its five other values rows
    assert source_ids(project, 3) == ["T1", "T2", "T4", "T5", "T6"]
    with project.transaction():  # one statement deleting spans of every run (LOCATION: T3 and T6)
        assert project.delete_label("LOCATION", cascade=True) == 7
    assert stored_as(project) == (0, 4 * 4)
    assert project.db.execute("SELECT count(*) FROM span_attributes WHERE span_id NOT IN "
                              "(SELECT id FROM spans)").fetchone() == (0,)
    for article_id in range(1, 5):
        assert source_ids(project, article_id) == ["T1", "T2", "T4", "T5"]


# The trigger as schema 0105 created it: a file made then still has it until 0106 replaces it.
_TRIGGER_0105 = """
    CREATE TRIGGER spans_leave_their_runs AFTER DELETE ON spans
    WHEN EXISTS (SELECT 1 FROM span_attribute_runs WHERE article_id = OLD.article_id
                 AND OLD.id BETWEEN first_id AND last_id)
    BEGIN
        UPDATE span_attribute_runs SET "values" = json_replace("values", '$[' || (OLD.id - first_id) || ']', NULL)
        WHERE article_id = OLD.article_id AND OLD.id BETWEEN first_id AND last_id;
    END"""


def test_a_file_made_with_schema_0105_gets_the_new_trigger_when_opened(tmp_path):
    path = tmp_path / "old.sqlite"
    with imported(path, brat_folder(tmp_path / "corpus")) as project:
        with project.transaction():
            project.db.execute("DROP TRIGGER spans_leave_their_runs")
            project.db.execute(_TRIGGER_0105)
            project.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0106_runs_left_whole'")
    with Project.open(path) as project:
        (sql,) = project.db.execute("SELECT sql FROM sqlite_master WHERE name = 'spans_leave_their_runs'").fetchone()
        assert "json_replace" not in sql and "INSERT INTO span_attributes" in sql
        project.remove_span(project.spans(2)[0].id)
        assert stored_as(project) == (2, 6 + 5)
        assert source_ids(project, 2) == ["T2", "T3", "T4", "T5", "T6"]


# Another program's edit of a span's source_id (the same value): its article's runs become rows.
_EDIT_IN_ANOTHER_PROCESS = """
import sys
from storage.project import Project
with Project.open(sys.argv[1]) as project:
    project.set_span_attribute(int(sys.argv[2]), "source_id", "T2")
"""


@pytest.mark.parametrize("read", ["one span", "its article"])
def test_a_read_sees_the_values_though_another_process_turns_the_runs_into_rows_meanwhile(tmp_path, read):
    """Rows and runs are two statements: another process committing between them (here, at the
    moment the reader starts reading the runs, once its rows were read) must not hide the values."""
    path = tmp_path / "p.sqlite"
    with imported(path, brat_folder(tmp_path / "corpus")) as project:
        second = project.spans(3)[1]
        edits: list[subprocess.CompletedProcess] = []

        def between(statement: str) -> None:
            if "span_attribute_runs" in statement and not edits:
                edits.append(subprocess.run([sys.executable, "-c", _EDIT_IN_ANOTHER_PROCESS, str(path),
                                             str(second.id)], cwd=REPO, capture_output=True, text=True, timeout=120))
        project.db.conn.set_trace_callback(between)
        try:
            seen = ([project.span(second.id).attributes.get("source_id")] if read == "one span"
                    else source_ids(project, 3))
        finally:
            project.db.conn.set_trace_callback(None)
        assert len(edits) == 1 and edits[0].returncode == 0, edits and edits[0].stderr
        assert stored_as(project) == (2, 6 + 6)  # the edit landed: article 3's run is rows now
        assert seen == (["T2"] if read == "one span" else ["T1", "T2", "T3", "T4", "T5", "T6"])


def test_a_single_span_is_read_from_its_runs_entry_alone(project):
    """project.span() reads the entries it needs (json_extract), not the whole run into Python;
    many spans at once get each run parsed once: the same values either way."""
    project.declare_span_attribute("ACTOR", SpanAttribute("code", kind="choice", choices=("REB", "MIL")))
    spans = project.spans(4)
    assert [project.span(s.id).attributes for s in spans] == [{"source_id": f"T{n}"} for n in range(1, 7)]
    assert span_attributes.values_of(project.db, [spans[0].id, spans[5].id, 9999]) == {
        spans[0].id: {"source_id": "T1"}, spans[5].id: {"source_id": "T6"}}
    assert span_attributes.values_of(project.db, [s.id for s in spans]) == {  # many: the runs parsed once
        s.id: {"source_id": f"T{n}"} for n, s in enumerate(spans, 1)}
    project.add_span(4, 82, 83, "LOCATION")  # after the run: no entry
    assert project.spans(4)[-1].attributes == {}


def test_an_edit_turns_the_articles_run_into_rows_first(project):
    project.declare_span_attribute("ACTOR", SpanAttribute("code", kind="choice", choices=("REB", "MIL")))
    first = project.spans(2)[0]
    assert project.set_span_attribute(first.id, "code", "REB").attributes == {"code": "REB", "source_id": "T1"}
    assert project.set_span_attribute(first.id, "source_id", "rebels-1").attributes["source_id"] == "rebels-1"
    assert source_ids(project, 2) == ["rebels-1", "T2", "T3", "T4", "T5", "T6"]
    assert stored_as(project) == (2, 6 + 6 + 1)  # article 2's run is rows now, the others still runs
    project.set_span_attribute(project.spans(3)[1].id, "source_id", None)
    assert source_ids(project, 3) == ["T1", None, "T3", "T4", "T5", "T6"]


def test_scheme_edits_see_the_runs_values(project):
    assert project.undeclare_span_attribute("LOCATION", "source_id", cascade=True) == 8  # 2 a file
    assert [source_ids(project, a)[2::3] for a in (1, 4)] == [[None, None]] * 2
    assert source_ids(project, 4)[:2] == ["T1", "T2"]
    project.redeclare_span_attribute("ACTOR", "source_id", SpanAttribute("brat_id"))
    actors = [s for s in project.spans(3) if s.label == "ACTOR"]
    assert [s.attributes for s in actors] == [{"brat_id": "T1"}, {"brat_id": "T4"}]


def test_deleting_an_article_takes_its_runs(project):
    project.db.execute("PRAGMA foreign_keys = ON")
    with project.transaction():
        project.db.execute("DELETE FROM articles WHERE id = 3")
    assert project.db.execute("SELECT article_id FROM span_attribute_runs ORDER BY 1").fetchall() == [(2,), (4,)]


def _comparable(path: Path) -> list[dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        record.pop("meta", None)
        for item in record.get("spans", []) + record.get("events", []):
            item.pop("created", None)
            item.pop("uid", None)
    return records


@pytest.mark.parametrize("fmt", ["native", "spacy", "brat"])
def test_exports_of_runs_and_of_rows_are_the_same(tmp_path, fmt):
    """The same folder imported twice, the second project's runs turned into rows (the old
    form): every export that carries span attributes writes the same."""
    folder = brat_folder(tmp_path / "corpus", count=6)
    out = {}
    for name in ("runs", "rows"):
        with imported(tmp_path / f"{name}.sqlite", folder) as project:
            if name == "rows":
                with project.transaction():
                    runs.explode_articles(project.db, list(range(1, 7)))
                assert stored_as(project) == (0, 36)
            else:
                assert stored_as(project) == (5, 6)
            target = tmp_path / f"{name}.{fmt}"
            export_to_path(project, fmt, target)
            out[name] = target
    if fmt == "brat":
        files = {name: {p.name: p.read_bytes() for p in out[name].iterdir()} for name in out}
        assert files["runs"] == files["rows"] and b"T6" in b"".join(files["runs"].values())
    else:
        assert _comparable(out["runs"]) == _comparable(out["rows"])
        assert "T6" in out["runs"].read_text(encoding="utf-8")


def test_brat_export_then_import_then_native_equals_the_original(tmp_path, project):
    """The issue's round trip, from a project whose T ids are runs: the spans, their source_id
    included, and the events (without the default attributes they did not hold: test_brat.py)."""
    export_to_path(project, "brat", tmp_path / "out")
    export_to_path(project, "native", tmp_path / "first.jsonl")
    with imported(tmp_path / "again.sqlite", tmp_path / "out") as again:
        export_to_path(again, "native", tmp_path / "again.jsonl")

    def content(path: Path) -> list[tuple[list, list]]:  # each record's spans and events, the ids aside
        return [(record.get("spans"), [event | {"attributes": {k: v for k, v in event["attributes"].items()
                                                               if k != "source_id"}}
                                       for event in record.get("events", [])]) for record in _comparable(path)]

    assert content(tmp_path / "again.jsonl") == content(tmp_path / "first.jsonl")
    assert sum(len(events) for _spans, events in content(tmp_path / "first.jsonl")) == 8


def test_a_packets_runs_merge_into_the_master_and_merging_again_changes_nothing(tmp_path, project):
    """ana imports the same brat folder into her packet (runs, in her layer): merged, the master
    has her spans' T ids; the same packet again is unchanged (runs compared with rows by value)."""
    from storage.team.merge import merge_packets
    from storage.team.packets import split

    packet_path = split(project, tmp_path / "packets", annotators=["ana"]).packets["ana"]
    with Project.open(packet_path) as packet:
        report = import_paths(packet, [tmp_path / "corpus"], options=ImportOptions(format="brat", annotator="ana"))
        assert report.ok, report.summary_lines()
        assert stored_as(packet)[0] > 0
    (outcome,) = merge_packets(project, [packet_path])
    assert outcome.state == "merged" and "24 span attributes added" in outcome.line()
    for article_id in range(1, 5):
        ana = [s.attributes.get("source_id") for s in project.spans(article_id, layer="ana")]
        assert ana == ["T1", "T2", "T3", "T4", "T5", "T6"]
    (again,) = merge_packets(project, [packet_path])
    assert again.state == "unchanged"
    with Project.open(packet_path) as packet:  # one id changed: the rest of the run compares equal
        packet.set_span_attribute(packet.spans(2)[0].id, "source_id", "rebels")
    (changed,) = merge_packets(project, [packet_path])
    assert changed.state == "merged" and changed.changes["span attributes changed"] == 2  # one out, one in
    assert [s.attributes["source_id"] for s in project.spans(2, layer="ana")][:2] == ["rebels", "T2"]


def test_a_packet_started_from_gold_gets_the_gold_spans_ids_from_the_masters_runs(tmp_path):
    from storage.team.packets import split

    with imported(tmp_path / "master.sqlite", brat_folder(tmp_path / "corpus"), annotator="gold") as master:
        assert stored_as(master) == (3, 6)
        packet_path = split(master, tmp_path / "packets", annotators=["ana"], with_gold=True).packets["ana"]
    with Project.open(packet_path) as packet:
        assert stored_as(packet) == (0, 24)  # copied as rows, onto the packet's own span ids
        for article_id in packet.article_ids():
            assert source_ids(packet, article_id) == ["T1", "T2", "T3", "T4", "T5", "T6"]


@pytest.mark.parametrize("values", [["T1", "T2"], [], ["x"], ['say "no"', "a\\b"], ["line\nbreak", "tab\t"],
                                    ["Ünïcode", "→", "😀"], ["\u2028", "\x7f"], ["", ""]])
def test_a_runs_values_encode_as_json_dumps_writes_them(values):
    assert runs.encode(values) == json.dumps(values, ensure_ascii=False, separators=(",", ":"))
