"""Each export format's exact record shape, on a real news article and on emoji/ZWJ/Arabic/CJK text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import resources
from storage.exporting import FORMATS, export_to_path
from storage.project import Project
from storage.text import normalise, parse_article

# The shared samples sit beside the checkout (../shared), never copied into the project.
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "000_be5ca420abf9a110.txt"
if not SAMPLE.exists():
    pytest.skip(f"the shared sample {SAMPLE} is not beside this checkout", allow_module_level=True)
# Word-aligned annotations of the sample, each found by an anchor phrase (first occurrence).
SAMPLE_SPANS = [
    ("Mohammed Ghazi Jalali", "Mohammed Ghazi Jalali", "ACTOR"),
    ("Syria’s prime", "Syria", "LOCATION"),
    ("Rami Abdurrahman", "Rami Abdurrahman", "ACTOR"),
    ("Mr. Al-Assad took", "Mr. Al-Assad", "ACTOR"),
    ("took a flight", "took", "EVENT"),
    ("from Damascus.", "Damascus", "LOCATION"),
]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


@pytest.fixture
def sample(project):
    """The sample article with six spans and one event (took: source Mr. Al-Assad, location Damascus)."""
    text, _ = normalise(SAMPLE.read_text(encoding="utf-8"))
    parsed = parse_article(text)
    article = project.add_article(text=parsed.text, title=parsed.title, date=parsed.date,
                                  source=SAMPLE.name, status="done")
    spans = {}
    for anchor, words, label in SAMPLE_SPANS:
        start = parsed.text.index(anchor) + anchor.index(words)
        spans[words] = project.add_span(article.id, start, start + len(words), label, annotator="ann")
    event = project.add_event(spans["took"].id, type="RETREAT", annotator="ann")
    project.add_argument(event.id, "source", spans["Mr. Al-Assad"].id)
    project.add_argument(event.id, "location", spans["Damascus"].id)
    return project.article(article.id), spans, project.event(event.id)


def export(project, fmt, tmp_path, **options):
    out = tmp_path / f"out-{fmt}.jsonl"
    report = export_to_path(project, fmt, out, **options)
    return read_jsonl(out), report


def test_native_starts_with_the_scheme_in_the_shape_of_scheme_json(project, sample, tmp_path):
    records, report = export(project, "native", tmp_path)
    assert records[0] == {"scheme": resources.default_scheme()}
    assert list(records[0]["scheme"]["labels"][0]) == ["name", "colour", "key", "kind", "description"]
    assert report.records == 1 and len(records) == 2


def test_native_article_line_is_lossless(project, sample, tmp_path):
    article, spans, event = sample
    (_, record), report = export(project, "native", tmp_path)
    assert list(record) == ["id", "text", "meta", "spans", "events"]
    assert record["id"] == article.id and record["text"] == article.text
    assert record["meta"] == {"title": article.title, "date": "2024-12-08", "source": SAMPLE.name,
                              "status": "done", "created": article.created, "updated": article.updated}
    assert record["spans"] == [
        {"id": s.id, "start": s.start, "end": s.end, "label": s.label,
         "text": article.text[s.start:s.end], "annotator": "ann", "created": s.created,
         "origin": "manual"}
        for s in project.spans(article.id)]
    assert {s["text"] for s in record["spans"]} == {words for _, words, _ in SAMPLE_SPANS}
    assert record["events"] == [{
        "id": event.id, "trigger": spans["took"].id, "type": "RETREAT",
        "attributes": {"date": "2024-12-08", "modality": "asserted", "polarity": "positive"},
        "arguments": [{"role": "source", "span": spans["Mr. Al-Assad"].id},
                      {"role": "location", "span": spans["Damascus"].id}],
        "annotator": "ann", "created": event.created}]
    assert (report.spans, report.events) == (6, 1)


def test_native_bytes_are_deterministic_utf8(project, sample, tmp_path):
    first = export_to_path(project, "native", tmp_path / "a.jsonl")
    export_to_path(project, "native", tmp_path / "b.jsonl")
    data = (tmp_path / "a.jsonl").read_bytes()
    assert data == (tmp_path / "b.jsonl").read_bytes()
    assert "Syria’s".encode("utf-8") in data  # ensure_ascii=False: no \u2019 escapes
    assert data.endswith(b"\n") and data.count(b"\n") == 1 + first.records


def test_spacy_record_shape(project, sample, tmp_path):
    article, _, _ = sample
    [record], report = export(project, "spacy", tmp_path)
    assert list(record) == ["text", "spans", "meta"]
    assert record["meta"] == {"id": article.id, "title": article.title, "date": "2024-12-08",
                              "source": SAMPLE.name, "status": "done"}
    assert [list(s) for s in record["spans"]] == [["start", "end", "label"]] * 6
    assert sorted((article.text[s["start"]:s["end"]], s["label"]) for s in record["spans"]) == \
        sorted((words, label) for _, words, label in SAMPLE_SPANS)
    assert report.summary() == f"wrote 1 record (1 article, 6 spans, 0 events) to {tmp_path / 'out-spacy.jsonl'}"


def test_doccano_label_shape(project, sample, tmp_path):
    article, spans, _ = sample
    [record], _ = export(project, "doccano", tmp_path)
    assert list(record) == ["id", "text", "label"]
    assert record["id"] == article.id and record["text"] == article.text
    assert record["label"] == [[s.start, s.end, s.label] for s in project.spans(article.id)]
    assert [article.text[a:b] for a, b, _ in record["label"]].count("Mr. Al-Assad") == 1


def test_doccano_relations_shape(project, sample, tmp_path):
    article, spans, event = sample
    [record], report = export(project, "doccano", tmp_path, relations=True)
    assert list(record) == ["id", "text", "entities", "relations", "events"]
    assert record["entities"] == [
        {"id": s.id, "start_offset": s.start, "end_offset": s.end, "label": s.label}
        for s in project.spans(article.id)]
    trigger = spans["took"].id
    assert record["relations"] == [
        {"id": 0, "from_id": trigger, "to_id": spans["Mr. Al-Assad"].id, "type": "source"},
        {"id": 1, "from_id": trigger, "to_id": spans["Damascus"].id, "type": "location"}]
    assert record["events"] == [{"id": event.id, "type": "RETREAT", "trigger": trigger, "relations": [0, 1]}]
    entity_ids = {e["id"] for e in record["entities"]}
    assert all(r["from_id"] in entity_ids and r["to_id"] in entity_ids for r in record["relations"])
    assert report.events == 1


def test_hf_bio_keeps_mr_al_assad_in_one_sentence(project, sample, tmp_path):
    article, _, _ = sample
    records, report = export(project, "hf-bio", tmp_path)
    assert all(list(r) == ["id", "tokens", "ner_tags"] for r in records)
    assert all(isinstance(r["id"], str) and len(r["tokens"]) == len(r["ner_tags"]) for r in records)
    assert [r["id"] for r in records[:3]] == [f"{article.id}-0", f"{article.id}-1", f"{article.id}-2"]
    [rami] = [r for r in records if r["tokens"][:2] == ["Rami", "Abdurrahman"]]
    tagged = [(t, tag) for t, tag in zip(rami["tokens"], rami["ner_tags"]) if tag != "O"]
    assert tagged == [("Rami", "B-ACTOR"), ("Abdurrahman", "I-ACTOR"), ("Mr", "B-ACTOR"), (".", "I-ACTOR"),
                      ("Al-Assad", "I-ACTOR"), ("took", "B-EVENT"), ("Damascus", "B-LOCATION")]
    assert rami["tokens"][-1] == "." and rami["tokens"][-2] == "Damascus"
    assert report.spans == 6 and report.dropped == {}


def test_events_record_fields_match_the_article_text(project, sample, tmp_path):
    article, spans, event = sample
    [record], report = export(project, "events", tmp_path)
    assert list(record) == ["article_id", "article_title", "article_date", "event_id", "type", "trigger",
                            "source", "target", "location", "polarity", "modality", "date", "sentence"]
    assert (record["article_id"], record["article_title"], record["article_date"]) == \
        (article.id, article.title, "2024-12-08")
    assert (record["event_id"], record["type"]) == (event.id, "RETREAT")
    text = article.text
    mentions = [record["trigger"], *record["source"], record["location"], record["sentence"]]
    assert all(text[m["start"]:m["end"]] == m["text"] for m in mentions)
    assert [record["trigger"]["text"], record["source"][0]["text"], record["location"]["text"]] == \
        ["took", "Mr. Al-Assad", "Damascus"]
    assert record["target"] == []
    assert record["sentence"]["text"].startswith("Rami Abdurrahman of the Syrian Observatory")
    assert record["sentence"]["text"].endswith("took a flight Sunday from Damascus.")
    assert (record["date"], record["polarity"], record["modality"]) == ("2024-12-08", "positive", "asserted")
    assert (report.records, report.events, report.spans) == (1, 1, 3)


def test_events_use_the_event_date_and_null_location_when_unset(project, sample, tmp_path):
    _, spans, event = sample
    project.remove_argument(event.id, "location", spans["Damascus"].id)
    project.set_event_attribute(event.id, "date", "2024-12-07")
    project.set_event_attribute(event.id, "polarity", "negative")
    [record], _ = export(project, "events", tmp_path)
    assert record["location"] is None
    assert (record["date"], record["polarity"]) == ("2024-12-07", "negative")


# -- offsets over text that UTF-16 tools get wrong -------------------------------------------

UNICODE_TEXT = ("👨‍👩‍👧 Protesters 🇸🇾 gathered in Damascus on Sunday.\n"
                "غادر الأسد دمشق يوم الأحد.\n"
                "叙利亚总统阿萨德离开了大马士革。")
UNICODE_SPANS = [("Protesters", "ACTOR"), ("gathered", "EVENT"), ("Damascus", "LOCATION"),
                 ("الأسد", "ACTOR"), ("دمشق", "LOCATION"), ("阿萨德", "ACTOR"), ("大马士革", "LOCATION")]


@pytest.fixture
def unicode_article(project):
    article = project.add_article(text=UNICODE_TEXT, title="unicode", date="2024-12-08")
    ids = {}
    for words, label in UNICODE_SPANS:
        start = UNICODE_TEXT.index(words)
        ids[words] = project.add_span(article.id, start, start + len(words), label).id
    event = project.add_event(ids["gathered"], type="PROTEST")
    project.add_argument(event.id, "source", ids["Protesters"])
    project.add_argument(event.id, "location", ids["Damascus"])
    return article


def _exported_spans(fmt: str, records: list[dict]) -> list[tuple[str, str]]:
    """(text, label) of every span in a format's records, recovered the way a consumer would."""
    if fmt == "native":
        assert all(s["text"] == UNICODE_TEXT[s["start"]:s["end"]] for s in records[1]["spans"])
        return [(s["text"], s["label"]) for s in records[1]["spans"]]
    if fmt == "spacy":
        return [(UNICODE_TEXT[s["start"]:s["end"]], s["label"]) for s in records[0]["spans"]]
    if fmt == "doccano":
        return [(UNICODE_TEXT[a:b], label) for a, b, label in records[0]["label"]]
    if fmt == "hf-bio":
        found = []
        for record in records:
            for token, tag in zip(record["tokens"], record["ner_tags"]):
                if tag.startswith("B-"):
                    found.append([token, tag[2:]])
                elif tag.startswith("I-"):
                    found[-1][0] += (" " if found[-1][0].isascii() else "") + token
        return [tuple(item) for item in found]
    [record] = records
    if fmt == "plover":  # offsets over the stored text, which text_story joins back
        assert "".join(record["text_info"]["text_story"]) == UNICODE_TEXT
        mentions = [{"text": t, **o} for t, o in zip(record["event_text"], record["event_text_info"])]
        mentions += [{"text": e["entity_text"], **e} for e in record["actor"]]
        mentions.append({"text": record["event_loc"]["extracted_place"], **record["event_loc"]})
    else:
        mentions = [record["trigger"], *record["source"], record["location"]]
    assert all(UNICODE_TEXT[m["start"]:m["end"]] == m["text"] for m in mentions)
    return [(m["text"], "") for m in mentions]


@pytest.mark.parametrize("fmt", FORMATS)
def test_offsets_slice_the_right_text_after_emoji_zwj_arabic_and_cjk(project, unicode_article, tmp_path, fmt):
    records, _ = export(project, fmt, tmp_path)
    found = sorted(_exported_spans(fmt, records))
    if fmt in ("events", "plover"):
        assert found == sorted([("gathered", ""), ("Protesters", ""), ("Damascus", "")])
    else:
        assert found == sorted(UNICODE_SPANS)
