"""Prodigy JSONL and spaCy v2 TRAIN_DATA import against Prodigy's and spaCy's own files."""
from __future__ import annotations

import json

import pytest

from storage.importing import ImportOptions, import_paths
from storage.project import Project
from tests.storage.importing.helpers import INTEROP, documents

PRODIGY = INTEROP / "prodigy"
TRAIN = INTEROP / "spacy-train-data"
HEADLINES = PRODIGY / "example-datasets__annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"
REDDIT = PRODIGY / "example-datasets__annotated_reddit-PRODUCT-ner.jsonl"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def meta_counts(path, answers=("accept",)):
    """The free-form meta keys of the tasks imported but a string source (the article's source):
    counted, as an article has no place for them."""
    counted = {}
    for _, task in tasks(path):
        if task.get("answer", "accept") in answers:
            for key, value in (task.get("meta") or {}).items():
                if key != "source" or not isinstance(value, str):
                    counted[f"task meta {key!r} (not kept)"] = counted.get(f"task meta {key!r} (not kept)", 0) + 1
    return counted


def tasks(path):
    return [(n, json.loads(line)) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if line.strip()]


def test_headlines_every_span_exact_ignore_counted_curly_quotes_kept(project):
    report = import_paths(project, [HEADLINES])
    assert report.ok and report.files[0].format == "prodigy"
    accepted = [t for _, t in tasks(HEADLINES) if t.get("answer") == "accept"]
    assert report.dropped == {"task answered ignore (import them with --answers all)": 1} == {
        "task answered ignore (import them with --answers all)": 1, **meta_counts(HEADLINES)}
    docs = documents(project)
    assert [text for text, _, _ in docs] == [t["text"] for t in accepted]
    assert "’" in docs[0][0]
    for (text, spans, _), task in zip(docs, accepted):
        expected = sorted((s["start"], s["end"], s["label"]) for s in task.get("spans", []))
        assert sorted((s.start, s.end, s.label) for s in spans) == expected
        for span, source in zip(sorted(spans, key=lambda s: (s.start, s.end)),
                                sorted(task.get("spans", []), key=lambda s: (s["start"], s["end"]))):
            if "text" in source:  # 209 spans have no "text": their offsets are all there is
                assert text[span.start:span.end] == source["text"]
    assert report.spans_added == 303
    assert {project.article(i).status for i in project.article_ids()} == {"done"}


def test_answers_all_imports_rejected_and_ignored_with_a_status(project):
    report = import_paths(project, [HEADLINES], options=ImportOptions(answers="all"))
    assert report.ok and report.articles_added == 373
    assert report.dropped == meta_counts(HEADLINES, answers=("accept", "reject", "ignore"))
    assert sorted(project.article(i).status for i in project.article_ids()).count("skipped") == 1


def test_teach_answers_per_span_and_consecutive_tasks_on_one_text(project):
    report = import_paths(project, [REDDIT])
    assert report.ok
    assert report.dropped == {"task answered reject (import them with --answers all)": 454,
                              "task answered ignore (import them with --answers all)": 39,
                              "repeated span (collapsed)": 1,  # line 48 asks again about line 46's Apache
                              **meta_counts(REDDIT)}
    kept = [t for _, t in tasks(REDDIT) if t["answer"] == "accept"]
    # one article per text: tasks on a text met again later (line 48 after line 46) join its article
    assert report.articles_added == len({t["text"] for t in kept}) and report.duplicates_skipped == 0
    # every span the annotator accepted, at its offsets with its text; rejected suggestions nowhere
    expected = {(t["text"], s["start"], s["end"], s["label"], s["text"]) for t in kept for s in t["spans"]
                if s.get("answer", "accept") == "accept"}
    stored = {(text, s.start, s.end, s.label, text[s.start:s.end]) for text, spans, _ in documents(project)
              for s in spans}
    assert stored == expected and report.spans_added == len(expected)


def test_a_text_met_again_later_adds_its_accepted_spans_to_its_article(project, tmp_path):
    """ner.teach comes back to a text after others: every accepted span is kept, as Prodigy's own
    data-to-spacy merges them; the spans it already has are not doubled, and with --answers all an
    accepted task makes the text done even when a rejected one came first."""
    path = tmp_path / "teach.jsonl"
    apple, google = "Apple buys Beats", "Google buys Fitbit"
    rows = [(apple, 0, 5, "reject"), (google, 0, 6, "accept"), (apple, 11, 16, "accept"), (google, 12, 18, "accept"),
            (apple, 0, 5, "accept"), (apple, 11, 16, "accept")]
    path.write_text("".join(json.dumps({"text": text, "answer": answer, "_input_hash": hash(text) % 1000, "spans": [
        {"start": start, "end": end, "label": "ORG", "answer": answer}]}) + "\n"
        for text, start, end, answer in rows), encoding="utf-8")
    for answers in ("accept", "all"):
        with Project.open(tmp_path / f"{answers}.sqlite") as target:
            report = import_paths(target, [path], options=ImportOptions(answers=answers))
            assert report.ok and report.duplicates_skipped == 0, report.summary_lines()
            assert report.spans_added == 4 and report.dropped["repeated span (collapsed)"] == 1
            assert {(text, text[s.start:s.end]) for text, spans, _ in documents(target) for s in spans} == {
                (apple, "Apple"), (apple, "Beats"), (google, "Google"), (google, "Fitbit")}
            assert [target.article(i).status for i in target.article_ids()] == ["done", "done"]


def test_emoji_outside_the_bmp_offsets_are_code_points_and_tasks_without_spans(project):
    path = PRODIGY / "tutorials__ner_drugs__assets__drugs_eval.jsonl"
    report = import_paths(project, [path])
    assert report.ok and report.articles_added == 92
    by_text = {text: spans for text, spans, _ in documents(project)}
    with_emoji = [t for _, t in tasks(path) if any(ord(c) > 0xFFFF for c in t["text"])]
    assert with_emoji
    for task in with_emoji + [t for _, t in tasks(path)]:
        spans = by_text[task["text"]]
        assert sorted((s.start, s.end, s.label) for s in spans) == sorted(
            (s["start"], s["end"], s["label"]) for s in task.get("spans", []))
    for task in with_emoji:  # the file's own token offsets are code points: Python slicing agrees
        text = next(t for t in by_text if t == task["text"])
        assert all(text[t["start"]:t["end"]] == t["text"] for t in task["tokens"])


def test_spans_with_token_indices_only_land_where_their_offsets_would(project, tmp_path):
    """drugs_eval with every span's start/end taken away: token_start/token_end through the tokens
    (code points, emoji included) must give the very offsets the file wrote."""
    path = PRODIGY / "tutorials__ner_drugs__assets__drugs_eval.jsonl"
    stripped = tmp_path / "token_only.jsonl"
    with stripped.open("w", encoding="utf-8") as out:
        for _, task in tasks(path):
            for span in task.get("spans") or []:
                del span["start"], span["end"]
            out.write(json.dumps(task, ensure_ascii=False) + "\n")
    report = import_paths(project, [stripped])
    assert report.ok, report.summary_lines()
    assert [(text, sorted((s.start, s.end, s.label) for s in spans)) for text, spans, _ in documents(project)] == [
        (task["text"], sorted((s["start"], s["end"], s["label"]) for s in task.get("spans") or []))
        for _, task in tasks(path)]


def test_review_output_imports_the_reviewed_spans_and_counts_versions(project):
    path = PRODIGY / "tutorials__spanruler_restaurant_reviews__assets__test_review.jsonl"
    report = import_paths(project, [path])
    assert report.ok
    assert report.dropped == {"review version (another annotator's spans, not imported)": sum(
        len(t.get("versions", [])) for _, t in tasks(path))}
    spans = [s for _, ss, _ in documents(project) for s in ss]
    assert {s.annotator for s in spans} == {t["_annotator_id"] for _, t in tasks(path)}


def test_session_id_names_the_annotator_when_there_is_no_annotator_id(project, tmp_path):
    """The review file with _annotator_id taken away: _session_id names the layer; null names none."""
    path = PRODIGY / "tutorials__spanruler_restaurant_reviews__assets__test_review.jsonl"
    derived = tmp_path / "sessions.jsonl"
    lines = []
    for number, task in tasks(path):
        del task["_annotator_id"]
        task["_session_id"] = f"reviews-{task['_session_id']}" if number % 2 else None
        lines.append(json.dumps(task, ensure_ascii=False) + "\n")
    derived.write_text("".join(lines), encoding="utf-8")
    assert import_paths(project, [derived]).ok
    expected = {(t["text"], f"reviews-{t['_session_id']}" if n % 2 else None) for n, t in tasks(path) if t.get("spans")}
    assert {(text, s.annotator) for text, spans, _ in documents(project) for s in spans} == expected


def test_rel_manual_relations_between_entities_are_counted(project):
    path = PRODIGY / "tutorials__rel_component__assets__annotations.jsonl"
    report = import_paths(project, [path])
    assert report.ok and report.spans_added == 225
    assert report.dropped == {"relation (not from an event trigger)": 128, **meta_counts(path)}


@pytest.mark.parametrize("path", [HEADLINES, PRODIGY / "tutorials__rel_component__assets__annotations.jsonl"])
def test_task_meta_source_is_the_articles_source(project, path):
    """"The New York Times", "BioNLP 2011 Genia Shared Task, PMC-1134658-00-TIAB.txt": where each
    text came from, what an article's source is for; nothing of it is counted as left behind."""
    report = import_paths(project, [path])
    assert report.ok and not [reason for reason in report.dropped if "source" in reason]
    assert any("task meta 'source' kept as the article's source" in line for line in report.summary_lines())
    sources = {t["text"]: t["meta"]["source"] for _, t in tasks(path) if t.get("answer", "accept") == "accept"}
    stored = {project.article(i).text: project.article(i).source for i in project.article_ids()}
    assert stored == sources


def test_task_meta_title_and_date_kept_the_rest_counted(project, tmp_path):
    """title and a YYYY-MM-DD date are the article's, as native meta has them; a section, a
    suggestion's score, a date Prodigy's loader left as written, a number for a source: counted."""
    path = tmp_path / "tasks.jsonl"
    rows = [
        {"text": "Rebels took Homs.", "meta": {"title": "Homs falls", "date": "2024-05-01", "source": "AFP",
                                               "section": "world", "score": 0.93}, "answer": "accept"},
        {"text": "Rebels took Homs.", "meta": {"source": "Reuters", "pattern": "took"}, "answer": "accept"},
        {"text": "Troops left Hama.", "meta": {"date": "May 2, 2024", "source": 17}, "answer": "accept"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    report = import_paths(project, [path])
    assert report.ok and report.articles_added == 2
    homs, hama = (project.article(i) for i in project.article_ids())
    assert (homs.title, homs.date, homs.source) == ("Homs falls", "2024-05-01", "AFP")
    assert hama.date is None and hama.source == f"{path.name}#3" and hama.title == "Troops left Hama."
    assert report.dropped == {"task meta 'section' (not kept)": 1, "task meta 'score' (not kept)": 1,
                              "task meta 'pattern' (not kept)": 1, "task meta 'date' (not kept)": 1,
                              "task meta 'source' (not kept)": 1,
                              "task meta 'source' differing from an earlier task's on the same text (not kept)": 1}


def test_prodigy_demo_task_matches_its_docbin_oracle_text(project):
    report = import_paths(project, [PRODIGY / "tutorials__ner_tweets__assets__demo__demo.jsonl"])
    ((text, (span,), _),) = documents(project)
    assert report.ok and (text[span.start:span.end], span.label) == ("Ed Sheeran", "PERSON")


@pytest.mark.parametrize("name", ["pipelines__ner_demo__train.json", "pipelines__ner_demo__dev.json",
                                  "pipelines__ner_demo_update__train.json", "pipelines__spancat_demo__train.json"])
def test_spacy_v2_train_data_every_entity_exact(project, name):
    data = json.loads((TRAIN / name).read_text(encoding="utf-8"))
    report = import_paths(project, [TRAIN / name])
    assert report.ok and report.files[0].format == "spacy-v2"
    assert [(t, sorted((s.start, s.end, s.label) for s in spans)) for t, spans, _ in documents(project)] == [
        (text, sorted(map(tuple, annotations["entities"]))) for text, annotations in data]


def test_bad_prodigy_input_names_line(project, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "Aid reached Hama.", "answer": "accept", "spans": [
        {"start": 12, "end": 16, "label": "LOCATION", "text": "Homs"}]}) + "\n")
    report = import_paths(project, [path])
    assert str(report.errors[0]) == f"{path}:1: span 1 (LOCATION): its text is 'Homs' but the text at 12..16 is 'Hama'"
    path.write_text(json.dumps({"text": "Aid", "answer": "maybe"}) + "\n")
    assert "unknown answer 'maybe'" in str(import_paths(project, [path]).errors[0])
    assert project.article_count() == 0
