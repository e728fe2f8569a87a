"""``import --annotator NAME``: a file's annotations go into layer NAME, and articles already in
the project receive them instead of being skipped; a refusal leaves the project as it was."""
from __future__ import annotations

import shutil
import sqlite3

from storage.exporting import export_to_path
from storage.importing import ImportOptions, import_paths
from storage.project import Project
from tests.storage.importing.helpers import INTEROP

DOCCANO = INTEROP / "doccano" / "data_export__pipeline__examples__sequence_labeling__example.jsonl"


def layers(path) -> dict[str | None, int]:
    """Spans per layer, read straight from the SQLite file."""
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT annotator, count(*) FROM spans GROUP BY annotator"))


def article_count(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_doccano_twice_the_second_time_into_bens_layer(tmp_path):
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        first = import_paths(project, [DOCCANO])
        assert first.ok and first.articles_added == 3 and first.spans_added == 4
        again = import_paths(project, [DOCCANO], options=ImportOptions(annotator="ben"))
        assert again.ok, again.summary_lines()
        assert again.articles_added == 0 and again.articles_received == 3 and again.spans_received == 4
        assert again.duplicates_skipped == 0
        assert again.summary_lines()[-1] == ("imported 0 articles (4 spans, 0 events) from 1 file into layer ben; "
                                             "4 spans into layer ben on 3 existing articles")
        for article_id in project.article_ids():
            spans = project.spans(article_id)
            mine = {(s.start, s.end, s.label) for s in spans if s.annotator is None}
            bens = {(s.start, s.end, s.label) for s in spans if s.annotator == "ben"}
            assert mine == bens and mine  # the same words, once per layer, on the same article
    assert article_count(path) == 3
    assert layers(path) == {None: 4, "ben": 4}


def test_a_second_import_into_the_same_layer_is_refused_whole(tmp_path):
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        import_paths(project, [DOCCANO])
        assert import_paths(project, [DOCCANO], options=ImportOptions(annotator="ben")).ok
    with Project.open(path) as project:
        report = import_paths(project, [DOCCANO], options=ImportOptions(annotator="ben"))
    assert not report.ok
    assert "already has annotations in layer 'ben'" in str(report.errors[0])
    assert str(DOCCANO) in str(report.errors[0]) and ":1:" in str(report.errors[0])
    assert layers(path) == {None: 4, "ben": 4} and article_count(path) == 3


def test_native_export_onto_the_same_articles_into_a_layer_with_new_ones_too(tmp_path):
    source = tmp_path / "source.sqlite"
    with Project.open(source) as project:
        import_paths(project, [DOCCANO])
        export_to_path(project, "native", tmp_path / "all.jsonl")
    master = tmp_path / "master.sqlite"
    with Project.open(master) as project:
        import_paths(project, [DOCCANO])  # the same three texts, in the default layer
        extra = project.add_article(text="Aid reached Hama.", title="Aid")
        project.add_span(extra.id, 12, 16, "LOCATION", annotator="chen")
    native = tmp_path / "more.jsonl"
    lines = (tmp_path / "all.jsonl").read_text().splitlines()
    lines.append('{"text": "Troops left Homs.", "spans": [{"id": 1, "start": 12, "end": 16, "label": "LOCATION", '
                 '"annotator": "someone"}]}')
    native.write_text("\n".join(lines) + "\n")
    with Project.open(master) as project:
        report = import_paths(project, [native], options=ImportOptions(annotator="ana"))
        assert report.ok, report.summary_lines()
        assert (report.articles_added, report.articles_received, report.spans_added, report.spans_received) == \
            (1, 3, 5, 4)
        new = project.article_ids()[-1]
        assert project.article(new).text == "Troops left Homs."
        assert [s.annotator for s in project.spans(new)] == ["ana"]  # the file's own name gives way to the layer
    assert layers(master) == {None: 4, "chen": 1, "ana": 5}


def test_offsets_out_of_range_on_an_existing_article_leave_the_project_unchanged(tmp_path):
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        import_paths(project, [DOCCANO])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Peter Blackburn", "label": [[0, 5, "PERSON"]]}\n'
                   '{"text": "President Obama", "label": [[10, 99, "PERSON"]]}\n')
    copy = tmp_path / "copy.sqlite"
    shutil.copy(path, copy)
    with Project.open(path) as project:
        report = import_paths(project, [bad], options=ImportOptions(annotator="ben"))
    assert not report.ok
    assert "outside the text" in str(report.errors[0]) and ":2:" in str(report.errors[0])
    assert layers(path) == layers(copy) == {None: 4}


def test_every_importer_passes_the_layer_on_a_webanno_file_too(tmp_path):
    """The newest importer as the guard: a format that forgot the layer would skip the articles."""
    tsv = sorted((INTEROP / "webanno-tsv").glob("*.tsv"))[0]
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        first = import_paths(project, [tsv])
        assert first.ok and first.spans_added > 0, first.summary_lines()
        again = import_paths(project, [tsv], options=ImportOptions(annotator="ben"))
        assert again.ok, again.summary_lines()
        assert again.articles_received == first.articles_added and again.duplicates_skipped == 0
    assert layers(path)["ben"] == first.spans_added
