"""``import --annotator NAME``: a file's annotations go into layer NAME, and articles already in
the project receive them instead of being skipped; a refusal leaves the project as it was."""
from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

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


BRAT_NEWS = INTEROP / "brat-news"


def content(project, article_id, layer):
    """A layer's spans and events on one article, by position (ids differ from layer to layer)."""
    spans = {s.id: (s.start, s.end, s.label) for s in project.spans(article_id) if s.annotator == layer}
    events = sorted((spans[e.trigger_id], e.type, tuple(sorted((a.role, spans[a.span_id]) for a in e.arguments)))
                    for e in project.events(article_id) if e.annotator == layer)
    return sorted(spans.values()), events


def native_of_doccano(tmp_path):
    source = tmp_path / "source.sqlite"
    with Project.open(source) as project:
        import_paths(project, [DOCCANO])
        export_to_path(project, "native", tmp_path / "native.jsonl")
    return tmp_path / "native.jsonl"


@pytest.mark.parametrize("fmt", ["native", "doccano", "brat"])
def test_articles_already_in_the_project_receive_the_layer_in_every_format(fmt, tmp_path):
    """The same real file twice: plainly, then into layer ben. The second time adds no article,
    skips none, and ben's layer holds on each article exactly what the first import put there."""
    given = {"native": lambda: native_of_doccano(tmp_path), "doccano": lambda: DOCCANO,
             "brat": lambda: BRAT_NEWS}[fmt]()
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        first = import_paths(project, [given])
        assert first.ok and first.spans_added > 0, first.summary_lines()
        before = project.article_ids()
        again = import_paths(project, [given], options=ImportOptions(annotator="ben"))
        assert again.ok, again.summary_lines()
        assert again.articles_added == 0 and again.duplicates_skipped == 0
        assert again.articles_received == first.articles_added - first.duplicates_skipped
        assert project.article_ids() == before
        for article_id in before:  # neither file names an annotator: the first import is the default layer
            assert content(project, article_id, "ben") == content(project, article_id, None)
        if fmt == "brat":  # brat brings event frames too: they came into ben's layer with their roles
            assert again.events_added == first.events_added > 0
    assert layers(path)["ben"] == first.spans_added


def test_an_imported_layer_is_a_layer_like_a_merged_one(tmp_path):
    """bratiaa's real example: Lisa and Maria annotated the same 7 Spanish news texts. Imported into
    layers lisa and maria, each is recorded (provenance, status per article), counted by stats, compared by
    agreement and offered for curation."""
    from storage.stats import format_stats, project_stats
    from storage.team.agreement import agreement
    from storage.team.corpus import read_layers
    from storage.team.curation import annotator_layers

    folder = INTEROP / "multi-annotator"
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        for name in ("Lisa", "Maria"):
            report = import_paths(project, sorted(folder.glob(f"*__{name}__*.ann")),
                                  options=ImportOptions(annotator=name.lower()))
            assert report.ok, report.summary_lines()
        assert report.articles_added == 0 and report.articles_received == 7
        stats = project_stats(project)
        assert stats["per_annotator"]["lisa"] == {"spans": 404, "events": 0, "articles": 7, "done": 0}
        assert stats["per_annotator"]["maria"]["articles"] == 7
        assert stats["curation"]["articles_with_several_layers"] == 7
        assert "maria        404 spans, 0 events, 0 of 7 articles done" in format_stats(stats)
        result = agreement(read_layers(project.db.conn), ["lisa", "maria"])
        assert result["articles_compared"] == 7 and result["pairs"][0]["spans_exact"]["overall"]["f1"] < 1
        assert all(annotator_layers(project, a) == ["lisa", "maria"] for a in project.article_ids())
    with sqlite3.connect(path) as conn:
        provenance = conn.execute("SELECT name, kind, packet FROM layers ORDER BY name").fetchall()
        statuses = conn.execute("SELECT layer, status, count(*) FROM layer_status GROUP BY 1, 2").fetchall()
    assert provenance == [("lisa", "annotator", "example-files__example-project__Lisa__esp.train-doc-896.ann"),
                          ("maria", "annotator", "example-files__example-project__Maria__esp.train-doc-896.ann")]
    assert statuses == [("lisa", "new", 7), ("maria", "new", 7)]


def test_the_files_status_of_each_article_is_the_layers_status_there(tmp_path):
    """A native file says an article is done: in the layer it is done, the project's own status stays."""
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        import_paths(project, [DOCCANO])
        ids = project.article_ids()
    native = tmp_path / "done.jsonl"
    text = json.loads(DOCCANO.read_text(encoding="utf-8").splitlines()[0])["text"]
    native.write_text(json.dumps({"text": text, "meta": {"status": "done"},
                                  "spans": [{"id": 1, "start": 0, "end": 5, "label": "PERSON"}]}) + "\n")
    with Project.open(path) as project:
        assert import_paths(project, [native], options=ImportOptions(annotator="ana")).ok
        assert [project.article(i).status for i in ids] == ["new"] * 3
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT article_id, layer, status FROM layer_status").fetchall() == [(ids[0], "ana", "done")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": text, "meta": {"status": "finished"}}) + "\n")
    with Project.open(path) as project:
        report = import_paths(project, [bad], options=ImportOptions(annotator="zed"))
    assert not report.ok and "unknown status 'finished'" in str(report.errors[0])
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM layers WHERE name = 'zed'").fetchone() == (0,)
