"""Exports checked by their real consumers: spaCy's char_span and DocBin, a CoNLL oracle, our importer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.exporting import ExportError, export_to_path
from storage.model import Label
from storage.project import Project
from storage.text import normalise, parse_article

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402

# Third-party and sample files sit beside the checkout (../shared), never copied into the project.
SHARED = Path(__file__).resolve().parents[3] / "shared"
SAMPLE = SHARED / "samples" / "000_be5ca420abf9a110.txt"
ORACLE = SHARED / "interop" / "doccano-to-conll"
if not (SAMPLE.exists() and ORACLE.exists()):
    pytest.skip(f"the shared samples are not beside this checkout ({SHARED})", allow_module_level=True)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def add(project, article, text, anchor, words, label):
    start = text.index(anchor) + anchor.index(words)
    return project.add_span(article.id, start, start + len(words), label)


@pytest.fixture
def sample(project):
    """The sample article with word-aligned spans, one nested pair, and one span inside a word."""
    text, _ = normalise(SAMPLE.read_text(encoding="utf-8"))
    parsed = parse_article(text)
    article = project.add_article(text=parsed.text, title=parsed.title, date=parsed.date)
    text = parsed.text
    for anchor, words, label in [
        ("Mohammed Ghazi Jalali", "Mohammed Ghazi Jalali", "ACTOR"),
        ("Syria’s prime", "Syria", "LOCATION"),
        ("Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights", "ACTOR"),
        ("Mr. Al-Assad took", "Mr. Al-Assad", "ACTOR"),
        ("Mr. Al-Assad took", "Al-Assad", "ACTOR"),  # nested inside the span above
        ("took a flight", "took", "EVENT"),
        ("from Damascus.", "Damascus", "LOCATION"),
        ("State television in Iran", "Iran", "LOCATION"),
    ]:
        add(project, article, text, anchor, words, label)
    return article, text


def test_every_word_aligned_span_is_a_spacy_char_span(project, sample, tmp_path):
    export_to_path(project, "spacy", tmp_path / "o.jsonl")
    nlp = spacy.blank("en")
    [record] = read_jsonl(tmp_path / "o.jsonl")
    doc = nlp.make_doc(record["text"])
    for span in record["spans"]:
        char_span = doc.char_span(span["start"], span["end"], label=span["label"])
        assert char_span is not None, span
        assert char_span.text == record["text"][span["start"]:span["end"]]
    assert len(record["spans"]) == 8


def test_docbin_loads_back_with_the_same_ents_and_spans(project, sample, tmp_path):
    article, text = sample
    unaligned = add(project, article, text, "Syrian citizens", "Syria", "LOCATION")  # inside "Syrian"
    report = export_to_path(project, "spacy", tmp_path / "o.jsonl", docbin=tmp_path / "train.spacy")
    nlp = spacy.blank("en")
    [doc] = list(DocBin().from_disk(tmp_path / "train.spacy").get_docs(nlp.vocab))
    expected = {(s.start, s.end, s.label) for s in project.spans(article.id) if s.id != unaligned.id}
    assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]} == expected
    ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
    assert ents == expected - {(text.index("Al-Assad took"), text.index("Al-Assad took") + 8, "ACTOR")}
    assert doc.text == text
    assert report.dropped == {"unaligned": 1, "overlapping": 1}
    assert report.docs == 1 and report.docbin == str(tmp_path / "train.spacy")
    assert report.summary().endswith(f"and 1 doc to {tmp_path / 'train.spacy'}; "
                                     "dropped 1 overlapping span from the DocBin's doc.ents "
                                     '(kept in spans["sc"]), 1 unaligned span from the DocBin (spacy)')


def test_a_failed_docbin_export_leaves_both_files_alone(project, sample, tmp_path):
    (tmp_path / "o.jsonl").write_text("old\n", encoding="utf-8")
    with pytest.raises(ExportError, match="cannot write .*t.spacy"):
        export_to_path(project, "spacy", tmp_path / "o.jsonl", docbin=tmp_path / "no-such-dir" / "t.spacy")
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("p.sqlite")) == ["o.jsonl"]


# -- hf-bio against doccano-transformer's CoNLL-2003 output ------------------------------------

def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences of (token, tag); -DOCSTART- lines only separate documents."""
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("-DOCSTART-"):
            if current:
                sentences.append(current)
            current = []
            continue
        token, *_, tag = line.split(" ")
        current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences


def test_hf_bio_matches_the_doccano_to_conll_oracle(project, tmp_path):
    for name, colour in [("LOC", "#111111"), ("PER", "#222222"), ("ORG", "#333333")]:
        project.add_label(Label(name=name, colour=colour))
    for line in (ORACLE / "labeling_text_label.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        article = project.add_article(text=record["text"], title=str(record["id"]))
        for start, end, label in record["labels"]:
            project.add_span(article.id, start, end, label)
    report = export_to_path(project, "hf-bio", tmp_path / "o.jsonl")
    ours = [list(zip(r["tokens"], r["ner_tags"])) for r in read_jsonl(tmp_path / "o.jsonl")]
    # Both split sentences at "\n" and tokens at spaces; our tokenizer agrees on every token
    # here (AL-AIN and 1996-12-06 stay whole), so tokens and IOB2 tags must match exactly.
    assert ours == read_conll(ORACLE / "labeling_text_label.conll2003")
    assert report.records == 6 and report.spans == 11 and report.dropped == {}


def test_hf_bio_drops_overlaps_and_cross_sentence_spans_and_says_so(project, tmp_path):
    text = "Rebel forces entered Damascus. Mr. Al-Assad left Syria.\nSyrians cheered."
    article = project.add_article(text=text, title="t")
    add(project, article, text, "Rebel forces", "Rebel forces", "ACTOR")  # overlapped by a longer span
    add(project, article, text, "Rebel forces", "forces", "ACTOR")  # nested
    add(project, article, text, "forces entered", "forces entered", "EVENT")  # longest: kept
    add(project, article, text, "Damascus. Mr.", "Damascus. Mr.", "LOCATION")  # crosses a sentence end
    add(project, article, text, "Al-Assad", "Assad", "ACTOR")  # inside a token: the token is split
    add(project, article, text, "Syrians", "Syria", "LOCATION")  # inside a word: split as well
    report = export_to_path(project, "hf-bio", tmp_path / "o.jsonl")
    records = read_jsonl(tmp_path / "o.jsonl")
    assert [r["id"] for r in records] == [f"{article.id}-0", f"{article.id}-1", f"{article.id}-2"]
    assert list(zip(records[0]["tokens"], records[0]["ner_tags"])) == [
        ("Rebel", "O"), ("forces", "B-EVENT"), ("entered", "I-EVENT"), ("Damascus", "O"), (".", "O")]
    assert list(zip(records[1]["tokens"], records[1]["ner_tags"]))[:4] == [
        ("Mr", "O"), (".", "O"), ("Al-", "O"), ("Assad", "B-ACTOR")]
    assert list(zip(records[2]["tokens"], records[2]["ner_tags"])) == [
        ("Syria", "B-LOCATION"), ("ns", "O"), ("cheered", "O"), (".", "O")]
    assert report.dropped == {"overlapping": 2, "cross-sentence": 1}
    assert report.spans == 3
    assert report.summary().endswith("; dropped 1 cross-sentence span, 2 overlapping spans (hf-bio)"
                                     "; 2 tokens split at a span edge inside a word, e.g. Al-|Assad")


# -- native round trip through our importer ---------------------------------------------------

def test_native_export_reimports_to_the_same_export(project, sample, tmp_path):
    importing = pytest.importorskip("storage.importing")
    article, _ = sample
    spans = project.spans(article.id)
    event = project.add_event(next(s.id for s in spans if s.label == "EVENT"), type="FIGHT")
    project.add_argument(event.id, "location", next(s.id for s in spans if s.label == "LOCATION"))
    project.set_status(article.id, "done")
    first = tmp_path / "first.jsonl"
    export_to_path(project, "native", first)
    with Project.open(tmp_path / "copy.sqlite") as copy:
        assert importing.import_paths(copy, [first]).ok
        export_to_path(copy, "native", tmp_path / "second.jsonl")
    assert read_jsonl(tmp_path / "second.jsonl") == read_jsonl(first)
