"""Label Studio JSON import against its own example files and converter fixtures."""
from __future__ import annotations

import json

import pytest

from storage.importing import ImportOptions, import_paths
from storage.project import Project
from tests.storage.importing.helpers import INTEROP, documents

LS = INTEROP / "label-studio"
CAT = "🐱 Warning: This is a test text"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def task(text, *results, key="text", **extra):
    return {"id": 7, "data": {key: text}, "annotations": [{"id": 1, "completed_by": 3, "result": list(results)}]} | extra


def labels(start, end, text, *names, ident="r1"):
    return {"id": ident, "type": "labels", "from_name": "ner", "to_name": "text",
            "value": {"start": start, "end": end, "text": text, "labels": list(names)}}


def write(path, value):
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def test_current_export_every_span_exact(project):
    path = LS / "examples__named_entity__annotations__1.json"
    source = json.loads(path.read_text(encoding="utf-8"))
    report = import_paths(project, [path])
    assert report.ok and report.files[0].format == "label-studio"
    ((text, spans, _),) = documents(project)
    assert text == source["data"]["text"]
    expected = [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0], r["value"]["text"])
                for a in source["annotations"] for r in a["result"]]
    assert [(s.start, s.end, s.label, text[s.start:s.end]) for s in spans] == expected
    # foreign ids stay traceable: the result's id on the span, the task's id in the article's source
    assert [s.attributes["source_id"] for s in spans] == [r["id"] for a in source["annotations"] for r in a["result"]]
    assert [project.article(i).source for i in project.article_ids()] == [f"{path.name}#{source['id']}"]


def test_legacy_completions_with_end_one_short_are_corrected_and_counted(project):
    report = import_paths(project, [LS / "examples__named_entity__completions__1.json"])
    ((text, (span,), _),) = documents(project)
    assert report.ok and (span.start, span.end, text[span.start:span.end]) == (343, 354, "February 22")
    assert "corrected 1 span end one too small (Label Studio 0.x)" in report.files[0].summary()


def test_predictions_skipped_by_default_imported_by_option(project, tmp_path):
    path = LS / "examples__named_entity__tasks.json"
    report = import_paths(project, [path])
    assert report.ok and report.spans_added == 0
    assert report.dropped == {"prediction (import them with --predictions)": 1}
    with Project.open(tmp_path / "q.sqlite") as other:
        report = import_paths(other, [path], options=ImportOptions(predictions=True))
        ((text, (span,), _),) = documents(other)
        assert report.ok and (text[span.start:span.end], span.annotator) == ("February 22", "model model 1")


def test_full_export_with_only_image_results_counts_them(project):
    report = import_paths(project, [LS / "tests__data__test_export_csv__csv_test.json"])
    assert report.ok and report.articles_added == 2 and report.spans_added == 0
    assert report.dropped["non-text result (rectanglelabels)"] == 3
    texts = [t for t, _, _ in documents(project)]
    assert texts[0].startswith("Calif. wildfires signal")  # the one string of data that is not a URL


def test_offsets_are_code_points_and_utf16_units_are_converted(project, tmp_path):
    report = import_paths(project, [write(tmp_path / "cp.json", [task(CAT, labels(21, 25, "test", "Word"))])])
    ((text, (span,), _),) = documents(project)
    assert report.ok and (span.start, span.end, text[span.start:span.end]) == (21, 25, "test")
    with Project.open(tmp_path / "q.sqlite") as other:
        report = import_paths(other, [write(tmp_path / "u16.json", [task(CAT, labels(22, 26, "test", "Word"))])])
        ((text, (span,), _),) = documents(other)
        assert report.ok and (span.start, span.end) == (21, 25)
        assert "corrected 1 span offsets in UTF-16 units (now code points)" in report.files[0].summary()


def test_each_annotation_by_a_different_user_is_its_own_layer(project, tmp_path):
    value = {"id": 3, "data": {"text": "Rebels took Aleppo."}, "annotations": [
        {"id": 1, "completed_by": {"id": 4, "email": "ann@example.org"}, "result": [labels(0, 6, "Rebels", "ACTOR")]},
        {"id": 2, "completed_by": 5, "result": [labels(0, 6, "Rebels", "ACTOR"), labels(12, 18, "Aleppo", "LOCATION", ident="x")]},
        {"id": 3, "completed_by": 6, "was_cancelled": True, "result": []}]}
    report = import_paths(project, [write(tmp_path / "multi.json", value)])
    assert report.ok and report.dropped == {"cancelled annotation": 1}
    ((text, spans, _),) = documents(project)
    assert sorted((text[s.start:s.end], s.annotator) for s in spans) == [
        ("Aleppo", "user 5"), ("Rebels", "ann@example.org"), ("Rebels", "user 5")]


def test_text_key_detected_from_the_results_or_given(project, tmp_path):
    result = labels(0, 6, "Rebels", "ACTOR") | {"source": "$body"}
    value = task("Rebels took Aleppo.", result, key="body")
    value["data"]["image"] = "https://example.org/a.png"
    value["data"]["note"] = "something else"
    assert import_paths(project, [write(tmp_path / "a.json", [value])]).ok
    del result["source"]
    # no "source", several string fields: the one where each span's own text is at its offsets
    value = task("Fighters left Hama.", labels(0, 8, "Fighters", "ACTOR"), key="body")
    value["data"]["title"] = "Hama: the morning after"
    report = import_paths(project, [write(tmp_path / "title.json", [value])])
    assert report.ok and project.article(project.article_ids()[-1]).text == "Fighters left Hama."
    value = task("Troops left Homs.", labels(0, 6, "Troops", "ACTOR"), key="body")
    value["data"]["note"] = "Troops, they said"  # "Troops" at 0..6 in both: no way to tell
    path = write(tmp_path / "b.json", [value])
    report = import_paths(project, [path])
    assert "cannot tell which data field is the text ('body', 'note'); name it with --text-key" in str(report.errors[0])
    assert import_paths(project, [path], options=ImportOptions(text_key="body")).ok
    report = import_paths(project, [path], options=ImportOptions(text_key="content"))
    assert str(report.errors[0]) == (f"{path}:1: task 7: the task's data has no 'content' field (--text-key); "
                                     "it has 'body', 'note'")


def test_relation_from_a_trigger_becomes_an_argument(project, tmp_path):
    value = task("Rebels took Aleppo.", labels(0, 6, "Rebels", "ACTOR", ident="a"),
                 labels(7, 11, "took", "EVENT", ident="b"),
                 {"type": "relation", "from_id": "b", "to_id": "a", "labels": ["source"]})
    report = import_paths(project, [write(tmp_path / "rel.json", [value])])
    ((text, spans, (event,)), ) = documents(project)
    where = {s.id: text[s.start:s.end] for s in spans}
    assert report.ok and [(a.role, where[a.span_id]) for a in event.arguments] == [("source", "Rebels")]


def test_mismatched_text_and_truncated_file_fail_cleanly(project, tmp_path):
    path = write(tmp_path / "bad.json", [task("Rebels took Aleppo.", labels(12, 18, "Homs", "LOCATION"))])
    report = import_paths(project, [path])
    assert str(report.errors[0]) == f"{path}:1: task 7: the result's text is 'Homs' but the text at 12..18 is 'Aleppo'"
    path.write_text(json.dumps([task("Rebels took Aleppo.")])[:-5])
    assert "cut off" in str(import_paths(project, [path]).errors[0])
    assert project.article_count() == 0


def test_json_min_export(project, tmp_path):
    value = [{"id": 1, "text": "Rebels took Aleppo.", "annotator": 2,
              "label": [{"start": 12, "end": 18, "text": "Aleppo", "labels": ["LOCATION"]}]}]
    report = import_paths(project, [write(tmp_path / "min.json", value)])
    ((text, (span,), _),) = documents(project)
    assert report.ok and (text[span.start:span.end], span.label, span.annotator) == ("Aleppo", "LOCATION", "user 2")


# A HyperText export as Label Studio writes it (HyperTextRegion / RichTextRegion.serialize): XPaths
# below the HyperText's root, startOffset/endOffset in UTF-16 units inside those nodes, globalOffsets
# in code points over the text nodes (a <br> counts one), the selection's text, hypertextlabels.
PAGE = "<p>🐱 Rebels took <b>Aleppo</b> &amp; Homs.</p>\r\n<p>Talks<br/>resumed</p>"
PAGE_TEXT = "🐱 Rebels took Aleppo & Homs.\nTalks\nresumed"


def region(ident, label, start, start_offset, end, end_offset, text=None, offsets=None):
    value = {"start": start, "end": end, "startOffset": start_offset, "endOffset": end_offset,
             "hypertextlabels": [label]}
    if offsets is not None:
        value["globalOffsets"] = {"start": offsets[0], "end": offsets[1]}
    if text is not None:
        value["text"] = text
    return {"id": ident, "type": "hypertextlabels", "from_name": "ner", "to_name": "text",
            "origin": "manual", "value": value}


def test_hypertext_regions_are_placed_in_the_html_text(project, tmp_path):
    results = [
        # after 🐱 (two UTF-16 units, one code point) in the same text node
        region("a", "ACTOR", "/p[1]/text()[1]", 3, "/p[1]/text()[1]", 9, "Rebels", (2, 8)),
        # across an element: the end is in <b>'s text node
        region("b", "EVENT", "/p[1]/text()[1]", 10, "/p[1]/b[1]/text()[1]", 6, "took Aleppo", (9, 20)),
        # XPath only (no globalOffsets), after a decoded &amp;
        region("c", "LOCATION", "/p[1]/text()[2]", 3, "/p[1]/text()[2]", 7, "Homs"),
        # globalOffsets only, across a <br>: Label Studio's text has no line break there
        region("d", "EVENT", None, None, None, None, "Talksresumed", (29, 42)),
    ]
    report = import_paths(project, [write(tmp_path / "html.json", [task(PAGE, *results)])])
    ((text, spans, _),) = documents(project)
    assert report.ok and text == PAGE_TEXT and report.dropped == {}
    assert sorted((text[s.start:s.end], s.label) for s in spans) == [
        ("Homs", "LOCATION"), ("Rebels", "ACTOR"), ("Talks\nresumed", "EVENT"), ("took Aleppo", "EVENT")]
    assert "HTML (HyperText) imported as its text, markup dropped" in report.files[0].summary()


def test_hypertext_regions_that_cannot_be_placed_are_counted_not_guessed(project, tmp_path):
    results = [
        region("a", "ACTOR", "/p[1]/text()[1]", 3, "/p[1]/text()[1]", 9, "Rebels", (2, 8)),
        region("x", "ACTOR", "/div[3]/text()[1]", 0, "/div[3]/text()[1]", 4),  # no such node
        region("y", "LOCATION", "/p[1]/b[1]/text()[1]", 0, "/p[1]/b[1]/text()[1]", 6, "Damascus", (14, 20)),
        region("z", "LOCATION", "/p[1]/b[1]/text()[1]", 0, "/p[1]/b[1]/text()[1]", 6, None, (23, 27)),
    ]
    tasks = [task(PAGE, *results), {"id": 8, "data": {"text": "https://example.org/page.html"},
                                    "annotations": [{"id": 2, "result": [region("u", "ACTOR", "/p[1]/text()[1]", 0,
                                                                                  "/p[1]/text()[1]", 4)]}]}]
    report = import_paths(project, [write(tmp_path / "html.json", tasks)])
    ((text, spans, _),) = documents(project)
    assert report.ok and [(text[s.start:s.end], s.label) for s in spans] == [("Rebels", "ACTOR")]
    assert report.dropped == {"HyperText result whose position is not in its HTML": 1,
                              "HyperText result whose text differs from the HTML's at its position": 1,
                              "HyperText result whose XPath and globalOffsets disagree": 1,
                              "HyperText task whose HTML is at a URL, not in the file": 1}
