"""doccano JSONL import against doccano's own examples, fixtures and multi-user exports."""
from __future__ import annotations

import json

import pytest

from storage.importing import ImportOptions, import_paths
from storage.project import Project
from tests.storage.importing.helpers import INTEROP, documents

DOCCANO = INTEROP / "doccano"
MULTI = INTEROP / "doccano-multiuser"
TO_CONLL = INTEROP / "doccano-to-conll"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def tuples(path, key="label", text_key="text"):
    """(text, sorted (start, end, label, annotator)) per record with text, read without the importer."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if text_key in record:
                out.append((record[text_key], sorted({(s, e, str(l), None) for s, e, l in record[key]})))
    return out


def stored(project):
    return [(text, sorted((s.start, s.end, s.label, s.annotator) for s in spans))
            for text, spans, _ in documents(project)]


@pytest.mark.parametrize("name", ["data_export__pipeline__examples__sequence_labeling__example.jsonl",
                                  "data_import__tests__data__sequence_labeling__example.jsonl"])
def test_label_tuples_every_span_exact(project, name):
    report = import_paths(project, [DOCCANO / name])
    assert report.ok and report.files[0].format == "doccano"
    assert stored(project) == tuples(DOCCANO / name)
    for text, spans, _ in documents(project):
        assert all(0 <= s.start < s.end <= len(text) and s.origin == "import:doccano" for s in spans)


def test_record_without_text_is_reported_and_skipped(project):
    report = import_paths(project, [DOCCANO / "data_import__tests__data__sequence_labeling__example.jsonl"])
    assert report.dropped == {"record without text": 1} and report.articles_added == 2


def test_repeated_span_is_collapsed_and_reported(project):
    report = import_paths(project, [DOCCANO / "data_import__tests__data__sequence_labeling__example_overlapping.jsonl"])
    assert report.dropped == {"repeated span (collapsed)": 1}
    assert stored(project) == [("exampleA", [(0, 1, "LOC", None)])]


def test_pretty_printed_single_object_with_entities_and_relations(project):
    path = DOCCANO / "data_export__pipeline__examples__relation_extraction__example.jsonl"
    record = json.loads(path.read_text(encoding="utf-8"))
    report = import_paths(project, [path])
    assert report.ok, report.summary_lines()
    (text, spans, events), = documents(project)
    assert text == record["text"]
    assert sorted((s.start, s.end, s.label, s.attributes["source_id"]) for s in spans) == sorted(
        (e["start_offset"], e["end_offset"], e["label"], str(e["id"])) for e in record["entities"])
    assert events == [] and report.dropped == {"relation (not from an event trigger)": len(record["relations"])}


def test_relation_from_a_trigger_label_becomes_an_event_argument(project, tmp_path):
    path = tmp_path / "rel.jsonl"
    path.write_text(json.dumps({"text": "Rebels took Aleppo.", "entities": [
        {"id": 7, "start_offset": 0, "end_offset": 6, "label": "ACTOR"},
        {"id": 8, "start_offset": 7, "end_offset": 11, "label": "EVENT"},
        {"id": 9, "start_offset": 12, "end_offset": 18, "label": "LOCATION"}],
        "relations": [{"id": 1, "from_id": 8, "to_id": 7, "type": "source"},
                      {"id": 2, "from_id": 8, "to_id": 9, "type": "location"},
                      {"id": 3, "from_id": 7, "to_id": 9, "type": "based_in"}]}) + "\n")
    report = import_paths(project, [path])
    assert report.ok, report.summary_lines()
    (text, spans, (event,)), = documents(project)
    where = {s.id: text[s.start:s.end] for s in spans}
    assert where[event.trigger_id] == "took"
    assert sorted((a.role, where[a.span_id]) for a in event.arguments) == [("location", "Aleppo"), ("source", "Rebels")]
    assert report.dropped == {"relation (not from an event trigger)": 1}


def test_labels_key_and_multi_user_annotations(project):
    assert import_paths(project, [TO_CONLL / "labeling_text_label.jsonl"]).ok
    assert stored(project) == tuples(TO_CONLL / "labeling_text_label.jsonl", key="labels")


def test_each_user_becomes_the_annotator_of_their_spans(project):
    path = TO_CONLL / "labeling_multi_users.jsonl"
    report = import_paths(project, [path])
    assert report.ok, report.summary_lines()
    expected = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        expected.append((record["text"], sorted((a["start_offset"], a["end_offset"], str(a["label"]), f"user {a['user']}")
                                                for a in record["annotations"])))
    assert stored(project) == expected
    # the oracle: doccano-transformer's per-user CoNLL has 5 entities for user1 and 11 for user2
    users = [s.annotator for _, spans, _ in documents(project) for s in spans]
    assert (users.count("user 1"), users.count("user 2")) == (5, 11)


def test_each_users_layer_matches_doccano_transformers_per_user_conll(project, tmp_path):
    """The oracle: doccano-transformer split labeling_multi_users.jsonl by user into CoNLL files."""
    assert import_paths(project, [TO_CONLL / "labeling_multi_users.jsonl"]).ok
    for user in (1, 2):
        with Project.open(tmp_path / f"user{user}.sqlite") as oracle:
            report = import_paths(oracle, [MULTI / f"tests__data__labeling__labeling.conll2003.user{user}"],
                                  format="conll")
            assert report.ok, report.summary_lines()
            expected = [(text, sorted((s.start, s.end, s.label) for s in spans)) for text, spans, _ in documents(oracle)]
        layer = [(text, sorted((s.start, s.end, s.label) for s in spans if s.annotator == f"user {user}"))
                 for text, spans, _ in documents(project)]
        assert [doc for doc in layer if doc[1]] == expected
    assert [len(spans) for _, spans in expected] == [5, 6]  # user 2: 11 entities over 2 documents


def test_doccano_1_import_file_overlapping_spans_kept_repeated_texts_skipped(project):
    """labels + meta, no id, [0,1,LOC] and [0,2,ORG] overlapping; the same text in all three records."""
    path = MULTI / "app__api__tests__data__labeling.jsonl"
    report = import_paths(project, [path])
    assert report.ok and report.files[0].format == "doccano"
    assert stored(project) == [("example", [(0, 1, "LOC", None), (0, 2, "ORG", None)])]
    assert report.duplicates_skipped == 2 and report.articles_added == 1
    assert "skipped 2 records repeating the text of an earlier record of this file, their annotations with " \
           "it (lines 2, 3)" in report.summary_lines()[0]


def test_doccano_1_annotations_form_numeric_labels_users_and_ids(project):
    path = MULTI / "app__server__static__components__examples__download_sequence_labeling.jsonl"
    report = import_paths(project, [path])
    assert report.ok, report.summary_lines()
    expected = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        expected.append((record["text"], sorted((a["start_offset"], a["end_offset"], str(a["label"]),
                                                 f"user {a['user']}") for a in record["annotations"])))
    assert stored(project) == expected
    sources = [project.article(i).source for i in project.article_ids()]
    assert sources == [f"{path.name}#{n}" for n in (1, 2, 3)]  # the record ids stay traceable
    ids = [s.attributes.get("source_id") for _, spans, _ in documents(project) for s in spans]
    assert ids == ["1", "2", "3"]  # and so do the annotation ids


def test_truncated_text_with_spans_past_its_end_fails_naming_record_and_line(project):
    path = MULTI / "app__server__static__components__examples__download_sequence_labeling.json1l"
    report = import_paths(project, [path])
    assert [str(e) for e in report.errors] == [
        f"{path}:1: record 1: span 2 (MISC): offsets 11..17 are outside the text (0..14)"]
    assert project.article_count() == 0


def test_a_span_written_backwards_is_said_to_be_so(project, tmp_path):
    path = tmp_path / "backwards.jsonl"
    path.write_text('{"text": "Aid reached Hama.", "label": [[12, 16, "LOCATION"]]}\n'
                    '{"text": "Troops left Homs.", "label": [[16, 12, "LOCATION"]]}\n', encoding="utf-8")
    assert [str(e) for e in import_paths(project, [path]).errors] == [
        f"{path}:2: span 1 (LOCATION): offsets 16..12: its end must come after its start"]
    assert project.article_count() == 0


def test_flair_data_key_and_text_key_option(project, tmp_path):
    path = INTEROP / "conll" / "tests__resources__tasks__jsonl__train.jsonl"
    report = import_paths(project, [path])
    assert report.ok and report.duplicates_skipped == 1  # the same text twice (id 101319)
    assert [(t, sorted((s.start, s.end, s.label) for s in spans)) for t, spans, _ in documents(project)][:2] == [
        ("This is New Berlin", [(8, 18, "LOC")]), ("This is New Berlin.", [(8, 18, "LOC")])]
    other = tmp_path / "custom.jsonl"
    other.write_text('{"body": "Aid reached Hama.", "label": [[12, 16, "LOCATION"]]}\n')
    assert import_paths(project, [other], options=ImportOptions(text_key="body")).ok
    missing = import_paths(project, [other], options=ImportOptions(text_key="content"))
    assert "the record has no 'content' field (--text-key)" in str(missing.errors[0])


def test_bad_json_names_the_line_and_changes_nothing(project, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "Aid reached Hama.", "label": [[12, 16, "LOCATION"]]}\n{"text": "x", "label": [[0, 1\n')
    report = import_paths(project, [path])
    assert str(report.errors[0]) == f"{path}:2: the JSON value starting on this line is cut off (a truncated file?)"
    assert project.article_count() == 0


def test_a_label_that_is_a_list_is_refused_naming_span_and_line(project, tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text('{"text": "Aid reached Hama.", "label": [[12, 16, "LOCATION"]]}\n'
                    '{"text": "Aid reached Homs.", "label": [[0, 3, "ACTOR"], [12, 16, ["LOCATION"]]]}\n')
    report = import_paths(project, [path])
    assert str(report.errors[0]) == f"{path}:2: span 2: a label must be a string, not ['LOCATION']"
    assert project.article_count() == 0
