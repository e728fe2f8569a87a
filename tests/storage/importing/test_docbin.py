"""spaCy DocBin import against real .spacy files (GOV.UK corpus, the ner_tweets demo)."""
from __future__ import annotations

import zlib

import pytest
import spacy
import srsly

from storage.importing import docbin_stream as stream
from storage.importing import import_paths
from storage.project import Project
from tests.storage.importing.helpers import INTEROP, documents

DOCBIN = INTEROP / "spacy-docbin"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def read_docs(path):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab
    return list(DocBin().from_bytes(path.read_bytes()).get_docs(Vocab()))


def test_govuk_corpus_every_entity_and_span_group(project):
    path = DOCBIN / "corpus__dev.spacy"
    report = import_paths(project, [path])
    assert report.ok and report.files[0].format == "docbin"
    docs = read_docs(path)
    stored = documents(project)
    assert len(stored) == len(docs) == 594 and report.spans_added == 684 + 7
    for doc, (text, spans, _) in zip(docs, stored):
        assert text == doc.text.replace("\r\n", "\n")  # stored form, offsets moved with it
        expected = sorted([(e.text.replace("\r\n", "\n"), e.label_, None) for e in doc.ents]
                          + [(s.text.replace("\r\n", "\n"), s.label_, g) for g, ss in doc.spans.items() for s in ss])
        assert sorted((text[s.start:s.end], s.label, s.annotator) for s in spans) == expected
    assert sum(1 for _, spans, _ in stored for s in spans if s.annotator == "incorrect_spans") == 7
    assert sum(1 for text, _, _ in stored if not text.isascii()) == 51


def test_demo_docbin_matches_its_prodigy_task(project, tmp_path):
    assert import_paths(project, [DOCBIN / "tutorials__ner_tweets__assets__demo__demo.spacy"]).ok
    with Project.open(tmp_path / "q.sqlite") as other:
        assert import_paths(other, [INTEROP / "prodigy" / "tutorials__ner_tweets__assets__demo__demo.jsonl"]).ok
        assert [(t, [(s.start, s.end, s.label) for s in ss]) for t, ss, _ in documents(project)] == [
            (t, [(s.start, s.end, s.label) for s in ss]) for t, ss, _ in documents(other)]


def test_a_file_spacy_cannot_read_is_refused_in_plain_words(project, tmp_path):
    path = tmp_path / "old.spacy"
    path.write_bytes(b"\x78\x9c" + b"not msgpack at all")
    report = import_paths(project, [path])
    assert str(report.errors[0]).startswith(f"{path}: not a DocBin that spaCy {spacy.__version__} can read")
    assert project.article_count() == 0


def test_a_docbin_of_another_spacy_is_one_plain_line_and_the_other_files_go_on(project, tmp_path):
    """The demo DocBin re-packed as a spaCy with an attribute this one lacks would write it, and one
    without the token lengths: each refused in one line naming the file, the real file beside imported."""
    demo = DOCBIN / "tutorials__ner_tweets__assets__demo__demo.spacy"
    message = srsly.msgpack_loads(zlib.decompress(demo.read_bytes()))
    foreign = tmp_path / "newer.spacy"
    foreign.write_bytes(zlib.compress(srsly.msgpack_dumps(message | {"attrs": [*message["attrs"], 987654]})))
    truncated = tmp_path / "older.spacy"
    truncated.write_bytes(zlib.compress(srsly.msgpack_dumps({k: v for k, v in message.items() if k != "lengths"})))
    report = import_paths(project, [foreign, demo, truncated])
    assert [str(e).split(" (")[0] for e in report.errors] == [
        f"{foreign}: not a DocBin that spaCy {spacy.__version__} can read",
        f"{truncated}: not a DocBin that spaCy {spacy.__version__} can read"]
    assert "Traceback" not in "".join(map(str, report.errors))
    assert report.articles_added == 1 and project.article_count() == 1


def spacy_docs(path):
    return [(d.text, [(e.start_char, e.end_char, e.label_) for e in d.ents],
             {g: [(s.start_char, s.end_char, s.label_) for s in ss] for g, ss in d.spans.items()},
             d.cats, dict(d.user_data), [t.whitespace_ for t in d]) for d in read_docs(path)]


def streamed_docs(path):
    from spacy.vocab import Vocab
    with open(path, "rb") as file:
        return [(d.text, [(e.start_char, e.end_char, e.label_) for e in d.ents],
                 {g: [(s.start_char, s.end_char, s.label_) for s in ss] for g, ss in d.spans.items()},
                 d.cats, dict(d.user_data), [t.whitespace_ for t in d]) for d in stream.read_docs(file, Vocab())]


def every_part(tmp_path, docs=40):
    """A DocBin spaCy writes with every part filled: cats, user data, span groups, unknown spaces."""
    from spacy.tokens import Doc, DocBin, Span
    from spacy.vocab import Vocab
    vocab, docbin = Vocab(), DocBin(store_user_data=True)
    for n in range(docs):
        words = ["Rebels", "took", "Aleppo", "😊", "on", f"day{n}", "."]
        doc = Doc(vocab, words=words, spaces=None if n % 3 == 0 else [True] * 5 + [False, False])
        doc.ents = [Span(doc, 0, 1, "ACTOR"), Span(doc, 2, 3, "LOCATION")]
        doc.spans["incorrect_spans"] = [Span(doc, 1, 2, "EVENT")] if n % 2 else []
        doc.cats = {"violent": n % 2 == 0}
        doc.user_data["source"] = f"wire {n}"
        docbin.add(doc)
    path = tmp_path / "every.spacy"
    path.write_bytes(docbin.to_bytes())
    return path


def test_streamed_docs_equal_spacys_own_reading(tmp_path):
    for path in (DOCBIN / "corpus__dev.spacy", DOCBIN / "tutorials__ner_tweets__assets__demo__demo.spacy",
                 every_part(tmp_path)):
        assert streamed_docs(path) == spacy_docs(path), path.name


def test_incompatible_or_damaged_docbins_are_refused_naming_the_file(project, tmp_path):
    good = every_part(tmp_path)
    message = srsly.msgpack_loads(zlib.decompress(good.read_bytes()))
    variants = {
        "version.spacy": ({**message, "version": "0.2"}, "format version '0.2'; this spaCy writes and reads '0.1'"),
        "notokens.spacy": ({k: v for k, v in message.items() if k != "tokens"}, "it has no 'tokens' part"),
        "short.spacy": ({**message, "lengths": message["lengths"][:-4]}, "its token table does not fit"),
    }
    for name, (value, reason) in variants.items():
        path = tmp_path / name
        path.write_bytes(zlib.compress(srsly.msgpack_dumps(value)))
        report = import_paths(project, [path])
        assert str(report.errors[0]).startswith(f"{path}: not a DocBin that spaCy {spacy.__version__} can read ("
                                                f"{reason}"), name
    cut = tmp_path / "cut.spacy"
    cut.write_bytes(good.read_bytes()[:-200])
    report = import_paths(project, [cut])
    assert "cut short" in str(report.errors[0]) and str(report.errors[0]).startswith(str(cut))
    assert project.article_count() == 0  # all or nothing: the documents read before are not kept


def test_our_own_docbin_round_trips_each_span_once_with_its_attributes(project, tmp_path):
    """export --docbin writes every span to spans["sc"] and the non-overlapping ones to doc.ents as
    well: read back, they are one annotation (not each span twice, half in a layer "sc"), and the
    span attributes kept in the user data come back on their spans."""
    from storage.exporting import export_to_path

    brat = INTEROP / "brat-news" / "000-introduction.ann"
    assert import_paths(project, [brat]).ok
    export_to_path(project, "spacy", tmp_path / "o.jsonl", docbin=tmp_path / "o.spacy")
    (text, spans, _), = documents(project)
    with Project.open(tmp_path / "back.sqlite") as back:
        report = import_paths(back, [tmp_path / "o.spacy"])
        assert report.ok, report.summary_lines()
        (text_back, spans_back, _), = documents(back)
        assert text_back == text and any(s.attributes for s in spans)
        def seen(items):
            return sorted((s.start, s.end, s.label, s.annotator, tuple(sorted(s.attributes.items()))) for s in items)
        assert seen(spans_back) == seen(spans)
