"""brat documents read over whole columns (storage/importing/brat_columns.py) store, count and
refuse exactly what the line-by-line reading does. The twin of a folder is the same folder with
its ``.ann`` lines ending in CRLF, which the column reader leaves to the line-by-line one (brat
reads both the same), so each case is imported both ways and every table compared."""
from __future__ import annotations

import shutil

import pytest

from storage import span_attribute_runs as runs
from storage.article_status import OWN_STATUS
from storage.importing import ImportOptions, import_paths
from storage.importing import brat_columns
from storage.project import Project
from tests.storage.importing.helpers import INTEROP

TEXT = "Rebel forces rejected talks in Hama, and troops left Homs. Officials met in Aleppo.\n"
USUAL = ("T1\tACTOR 0 12\tRebel forces\nT2\tEVENT 13 21\trejected\nT3\tLOCATION 31 35\tHama\n"
         "T4\tACTOR 41 47\ttroops\nT5\tEVENT 48 52\tleft\nT6\tLOCATION 53 57\tHoms\n"
         "E1\tREJECT:T2 source:T1 location:T3\nE2\tRETREAT:T5 source:T4 location:T6\n")

CASES: dict[str, dict[str, str]] = {
    "usual": {"a": USUAL},
    "spans only, no final newline": {"a": "T1\tACTOR 0 12\tRebel forces\nT2\tLOCATION 31 35\tHama"},
    "an empty .ann": {"a": ""},
    "blank lines": {"a": "\n" + USUAL.replace("\nE1", "\n\nE1") + "\n\n"},
    "a line of spaces": {"a": USUAL + "   \n"},
    "a second file the same text": {"a": USUAL, "b": USUAL},
    "events before their spans": {"a": "E1\tREJECT:T2 source:T1\nT1\tACTOR 0 12\tRebel forces\n"
                                         "T2\tEVENT 13 21\trejected\n"},
    "an untyped event (the trigger's label)": {"a": "T1\tACTOR 0 12\tRebel forces\nT2\tEVENT 13 21\trejected\n"
                                                    "E1\tEVENT:T2 source:T1\n"},
    "a new label": {"a": USUAL + "T7\tCITY 75 81\tAleppo\n"},
    "new labels in one file, known in the next": {"a": "T1\tCITY 31 35\tHama\n", "b": USUAL.replace(
        "LOCATION 31", "CITY 31")},
    "a new event type": {"a": USUAL.replace("REJECT:", "PROTEST:")},
    "an event type on an entity label": {"a": USUAL + "T7\tREJECT 59 68\tOfficials\n"},
    "a trigger labelled ACTOR": {"a": USUAL.replace("T2\tEVENT", "T2\tACTOR")},
    "a new role": {"a": USUAL.replace("location:T3", "place:T3")},
    "a role taking a new label": {"a": USUAL.replace("location:T3", "location:T1")},
    "a numbered role": {"a": USUAL.replace("source:T4", "source2:T4")},
    "a role past its maximum": {"a": USUAL.replace("location:T3", "location:T3 location:T6")},
    "an argument twice": {"a": USUAL.replace("source:T1", "source:T1 source:T1")},
    "the trigger as argument": {"a": USUAL.replace("source:T1", "source:T2")},
    "an event as argument": {"a": USUAL + "T7\tEVENT 59 68\tOfficials\nE3\tCONSULT:T7 target:E1\n"},
    "a T id twice": {"a": USUAL + "T1\tACTOR 41 47\ttroops\n"},
    "an E id twice": {"a": USUAL + "E1\tCONSULT:T5 source:T4\n"},
    "the same span twice": {"a": USUAL + "T7\tACTOR 0 12\tRebel forces\n"},
    "nested and overlapping spans": {"a": USUAL + "T7\tACTOR 0 5\tRebel\nT8\tLOCATION 10 21\tes rejected\n"},
    "offsets past the end": {"a": USUAL + "T7\tACTOR 80 99\tx\n"},
    "a text that disagrees": {"a": USUAL + "T7\tACTOR 0 12\tRebel troops\n"},
    "start after end": {"a": "T1\tACTOR 12 0\tRebel forces\n"},
    "an empty span": {"a": "T1\tACTOR 12 12\t\n"},
    "a missing trigger": {"a": USUAL + "E3\tCONSULT:T9 source:T1\n"},
    "a missing argument": {"a": USUAL + "E3\tCONSULT:T5 source:T9\n"},
    "a discontinuous span": {"a": USUAL + "T7\tACTOR 0 5;6 12\tRebel forces\n"},
    "an attribute and a note": {"a": USUAL + "A1\tNegation E1\n#1\tAnnotatorNotes T1\tthe rebels\n"},
    "a normalisation": {"a": USUAL + "N1\tReference T3 Wikipedia:534366\tHama\n"},
    "a relation": {"a": USUAL + "R1\tNear Arg1:T3 Arg2:T6\n"},
    "an unknown line": {"a": USUAL + "X1\twhat\n"},
    "a malformed event": {"a": USUAL + "E3\tCONSULT\n"},
    "a tab in the text column": {"a": "T1\tACTOR 0 12\tRebel forces\textra\n"},
    "two spaces in the offsets": {"a": "T1\tACTOR 0  12\tRebel forces\n"},
    "a type with a colon": {"a": USUAL + "E3\tA:B:T5 source:T4\n"},
    "a trailing space on an event": {"a": USUAL.replace("location:T6\n", "location:T6 \n")},
    "offsets with leading zeros": {"a": USUAL.replace("ACTOR 0 12", "ACTOR 000 012").replace("48 52", "048 52")},
    "a huge offset": {"a": USUAL + "T7\tACTOR 0 123456789012345678901234567890\tRebel forces\n"},
    "a colon in an argument's id": {"a": USUAL.replace("source:T1", "source:T1:x")},
    "an event without arguments": {"a": USUAL + "E3\tCONSULT:T5\n"},
    "two events of one trigger": {"a": USUAL + "E3\tRETREAT:T5 source:T1\n"},
    "a role twice in one event": {"a": USUAL.replace("source:T1", "source:T1 source:T4")},
    "an unknown role, numbered": {"a": USUAL.replace("location:T6", "place2:T6")},
    "ids out of order": {"a": USUAL.replace("T1\t", "T0\t").replace(":T1", ":T0")},
    "ids with a gap, an event naming the one left out": {"a": USUAL.replace("T4\t", "T8\t").replace("source:T4", "source:T8")
                                                          + "E3\tCONSULT:T5 source:T4\n"},
    "an event naming the id after the last": {"a": USUAL + "E3\tCONSULT:T7 source:T1\n"},
    "ids JSON escapes or leaves as they are": {"a": USUAL.replace("T1", "T\"1").replace("T2", "T\\2").replace(
        "T3", "T\x013").replace("T4", "Té4").replace("T5", "T\U0001F6005").replace("E1", "E\x7f1")},
}
TEXTS = {"a text with CRLF": "Rebel forces\r\nrejected talks.\r\n",
         "a text outside the BMP": "\U0001F600 Rebel forces rejected talks in Hama.\n",
         "a text with a BOM": "\ufeffRebel forces rejected talks in Hama.\n",
         "a text with two BOMs": "\ufeff\ufeffRebel forces rejected talks in Hama.\n",
         "a text not in NFC": "Rebel forces rejected talks in Hame\u0301.\n",
         "a text with a line separator": "Rebel forces\u2028rejected talks in Hama.\n"}
CASES["a text with CRLF"] = {"a": "T1\tACTOR 0 12\tRebel forces\nT2\tEVENT 14 22\trejected\nE1\tREJECT:T2 source:T1\n"}
CASES["a text outside the BMP"] = {"a": "T1\tACTOR 2 14\tRebel forces\nT2\tLOCATION 33 37\tHama\n"}
CASES["a text with a BOM"] = {"a": "T1\tACTOR 0 12\tRebel forces\nT2\tLOCATION 31 35\tHama\n"}  # decoding drops it
CASES["a text with two BOMs"] = {"a": "T1\tACTOR 1 13\tRebel forces\nT2\tLOCATION 32 36\tHama\n"}  # one is left
CASES["a text not in NFC"] = {"a": "T1\tACTOR 0 12\tRebel forces\nT2\tLOCATION 31 36\tHame\u0301\n"}
CASES["a text with a line separator"] = {"a": "T1\tACTOR 0 12\tRebel forces\nT2\tEVENT 13 21\trejected\n"}


def write(folder, files: dict[str, str], text: str, *, crlf: bool) -> None:
    folder.mkdir()
    for name, ann in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
        (folder / f"{name}.ann").write_text(ann.replace("\n", "\r\n") if crlf else ann, encoding="utf-8",
                                            newline="")


def contents(project: Project) -> dict[str, list[tuple]]:
    """Every table an import writes, without what differs between two imports (times, uid prefixes)."""
    db = project.db
    queries = {
        "articles": f"SELECT id, text, title, source, {OWN_STATUS} FROM articles ORDER BY id",
        "spans": 'SELECT id, article_id, start, "end", label, annotator, origin, taken_from FROM spans ORDER BY id',
        # Rows and runs alike (storage.span_attribute_runs): the column path writes a file's T ids as a run.
        "span_attributes": f"SELECT span_id, name, value FROM {runs.values_sql(db)} ORDER BY span_id, name",
        "events": "SELECT id, article_id, trigger_id, type, attributes, annotator FROM events ORDER BY id",
        "arguments": "SELECT event_id, role, span_id FROM arguments ORDER BY event_id, role, span_id",
        "labels": "SELECT name, colour, key, kind FROM labels ORDER BY name",
        "event_types": "SELECT name FROM event_types ORDER BY name",
        "roles": "SELECT * FROM roles ORDER BY name",
        "role_labels": "SELECT * FROM role_labels ORDER BY 1, 2",
        "attributes": "SELECT name, kind FROM attributes ORDER BY name",
        "label_attributes": "SELECT * FROM label_attributes ORDER BY 1, 2",
    }
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {name: db.execute(sql).fetchall() for name, sql in queries.items() if name in tables}


PRIMER = ("T1\tACTOR 0 6\tSyrian\nT2\tEVENT 7 14\tsoldier\nT3\tLOCATION 18 23\tDaraa\n"
          "E1\tAID:T2 source:T1 location:T3\n")


def imported(tmp_path, name: str, folder_name: str, *, annotator: str | None = None, before=None):
    """The folder imported into a project that has imported a first file already (which declared
    ``source_id`` on the labels, as any project's first brat file does: the long way)."""
    primer = tmp_path / "primer"
    if not primer.exists():
        write(primer, {"primer": PRIMER}, "Syrian soldier in Daraa.\n", crlf=False)
    with Project.open(tmp_path / f"{folder_name}.sqlite") as project:
        for first in (primer, before):
            if first is not None:
                report = import_paths(project, [first], options=ImportOptions(format="brat"))
                assert report.ok, report.summary_lines()
        report = import_paths(project, [tmp_path / folder_name], options=ImportOptions(
            format="brat", annotator=annotator))
        lines = [line.replace(str(tmp_path / folder_name), "FOLDER") for line in report.summary_lines()]
        return contents(project), lines


LAYERED = ["usual", "a second file the same text", "a new label", "a trigger labelled ACTOR", "a new role"]


@pytest.mark.parametrize(("case", "annotator"), [(case, None) for case in CASES] + [(case, "cy") for case in LAYERED])
def test_columns_give_what_the_line_by_line_reading_gives(tmp_path, case, annotator, monkeypatch):
    taken = []
    original = brat_columns.add_plain
    counting = lambda *args: taken.append(original(*args)) or taken[-1]  # noqa: E731
    for module in ("brat", "brat_columns"):  # a file of its own; a round's files (PlainRound)
        monkeypatch.setattr(f"storage.importing.{module}.add_plain", counting)
    text = TEXTS.get(case, TEXT)
    write(tmp_path / "lf", CASES[case], text, crlf=False)
    write(tmp_path / "crlf", CASES[case], text, crlf=True)
    fast = imported(tmp_path, case, "lf", annotator=annotator)
    slow = imported(tmp_path, case, "crlf", annotator=annotator)
    assert fast == slow
    if case == "usual":
        assert taken == [False, True, False, False]  # primer (declares source_id), lf; primer, CRLF twin
        assert [row[2:5] for row in fast[0]["spans"]][3:] == [(0, 12, "ACTOR"), (13, 21, "EVENT"), (31, 35, "LOCATION"),
                                                          (41, 47, "ACTOR"), (48, 52, "EVENT"), (53, 57, "LOCATION")]
        assert [row[3] for row in fast[0]["events"]] == ["AID", "REJECT", "RETREAT"]
        assert [row[1:] for row in fast[0]["span_attributes"]][3:] == [("source_id", f'"T{n}"') for n in range(1, 7)]


@pytest.mark.parametrize("case", ["usual", "a second file the same text"])
def test_columns_on_a_project_that_has_the_documents_already(tmp_path, case):
    """The second import of the same folder: duplicates skipped the same way."""
    write(tmp_path / "lf", CASES[case], TEXT, crlf=False)
    write(tmp_path / "crlf", CASES[case], TEXT, crlf=True)
    assert imported(tmp_path, case, "lf", before=tmp_path / "lf") == imported(
        tmp_path, case, "crlf", before=tmp_path / "crlf")


def test_the_usual_file_takes_the_column_path(tmp_path, monkeypatch):
    """The speed this module exists for: a usual .ann is read by the two expressions. The first
    file of a new project goes the long way, as it declares ``source_id`` on the labels."""
    taken = []
    original = brat_columns.add_plain

    def counting(*args):
        taken.append(original(*args))
        return taken[-1]

    monkeypatch.setattr("storage.importing.brat_columns.add_plain", counting)  # a round's files (PlainRound)
    files = {"a": USUAL, "b": USUAL.replace("REJECT", "CONSULT"), "c": USUAL.replace("RETREAT", "AID")}
    write(tmp_path / "lf", files, TEXT, crlf=False)
    (tmp_path / "lf" / "c.txt").write_text(TEXT + "More.\n", encoding="utf-8")
    with Project.open(tmp_path / "p.sqlite") as project:
        report = import_paths(project, [tmp_path / "lf"], options=ImportOptions(format="brat"))
        traced = project.db.execute(f"SELECT v.value FROM spans s JOIN {runs.values_sql(project.db)} v "
                                    "ON v.span_id = s.id AND v.name = 'source_id' ORDER BY s.id").fetchall()
        written_as_runs = project.db.execute("SELECT count(*) FROM span_attribute_runs").fetchone()[0]
    assert report.ok and report.spans_added == 12 and report.duplicates_skipped == 1
    assert taken == [False, True, True]
    # Each span keeps its T id, the column path's written as a run per file (batch.py): c (b is a copy of a).
    assert [value for (value,) in traced] == [f'"T{n}"' for n in range(1, 7)] * 2 and written_as_runs == 1


@pytest.mark.parametrize("folder", ["brat-news", "brat-extra", "multi-annotator"])
def test_real_files_give_what_the_line_by_line_reading_gives(tmp_path, folder):
    shutil.copytree(INTEROP / folder, tmp_path / "lf")
    shutil.copytree(INTEROP / folder, tmp_path / "crlf")
    for ann in (tmp_path / "crlf").rglob("*.ann"):
        content = ann.read_bytes()
        if b"\r" not in content:
            ann.write_bytes(content.replace(b"\n", b"\r\n"))
    fast = imported(tmp_path, folder, "lf")
    slow = imported(tmp_path, folder, "crlf")
    assert fast == slow
    assert fast[0]["spans"]


def test_a_file_refused_after_adding_a_label_leaves_the_scheme_as_it_was(tmp_path):
    """Its savepoint rolls the label back, and the project's cached scheme with it: the next file
    of the round is checked against the scheme without it."""
    write(tmp_path / "lf", {"a": "T1\tCITY 31 35\tHama\nT2\tACTOR 0 99\tx\n", "b": USUAL}, TEXT, crlf=False)
    with Project.open(tmp_path / "p.sqlite") as project:
        report = import_paths(project, [tmp_path / "lf"], options=ImportOptions(format="brat"))
        assert [str(error) for error in report.errors] == [
            f"{tmp_path / 'lf' / 'a.ann'}:2: T2: offsets 0..99 are outside the text (0..{len(TEXT)})"]
        assert "CITY" not in [label.name for label in project.scheme.labels]
        assert project.db.execute("SELECT count(*) FROM labels WHERE name = 'CITY'").fetchone()[0] == 0
        assert report.spans_added == 6 and report.articles_added == 1


def test_a_rounds_usual_file_writes_nothing_before_the_rounds_rows(tmp_path):
    """What lets a round try the usual file without a savepoint (registry.Format.usual): its rows
    only queue in the batch, the project is unchanged until the round writes them; an unusual
    file is left to ``run``, what was read kept for it."""
    from storage.importing import brat
    from storage.importing.batch import RowBatch
    from storage.importing.registry import FORMATS, Job

    write(tmp_path / "primer", {"primer": PRIMER}, "Syrian soldier in Daraa.\n", crlf=False)
    write(tmp_path / "lf", {"a": USUAL, "b": USUAL + "X1\twhat\n"}, TEXT, crlf=False)
    with Project.open(tmp_path / "p.sqlite") as project:
        assert import_paths(project, [tmp_path / "primer"], options=ImportOptions(format="brat")).ok
        options = ImportOptions(format="brat")
        conn = project.db.conn
        with project.transaction():
            batch = RowBatch(conn)
            before = conn.total_changes
            usual = brat.run_usual(project, Job(str(tmp_path / "lf" / "a.ann"), "a.ann", FORMATS["brat"]), options,
                                   batch=batch)
            unusual = brat.run_usual(project, Job(str(tmp_path / "lf" / "b.ann"), "b.ann", FORMATS["brat"]), options,
                                     batch=batch)
            assert conn.total_changes == before
            assert usual is not None and (usual.articles_added, usual.spans_added, usual.events_added) == (1, 6, 2)
            assert unusual is None and batch.shared["brat read"][0] == str(tmp_path / "lf" / "b.ann")
            assert batch.lines == [None]  # a's article only


def test_a_file_of_more_spans_than_the_shared_names_keeps_every_id_and_the_shared_names_bounded(tmp_path):
    """T1…Tn in order are looked up in one mapping kept for the process (a window lives long): a
    file of more spans than ``SHARED_NAMES_UP_TO`` gets a mapping of its own, every id still right."""
    count = brat_columns.SHARED_NAMES_UP_TO + 1
    text = "w " * count
    ann = "".join(f"T{n}\tACTOR {2 * n - 2} {2 * n - 1}\tw\n" for n in range(1, count + 1))
    write(tmp_path / "big", {"big": ann}, text, crlf=False)
    tables, lines = imported(tmp_path, "big", "big")
    ids = [(span_id, value) for span_id, name, value in tables["span_attributes"] if name == "source_id"]
    assert len(ids) == 3 + count, lines  # the primer's three and every span of the big file
    assert [value for _, value in ids[3:]] == [f'"T{n}"' for n in range(1, count + 1)]
    assert len(brat_columns._NAMES) <= 2 * brat_columns.SHARED_NAMES_UP_TO
