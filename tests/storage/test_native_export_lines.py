"""Native export writes the usual spans straight to JSON (storage.exporting.native.article_line):
every line must be the very characters the encoder writes for the article's record."""
from __future__ import annotations

import sqlite3

import pytest

from storage.exporting.batches import iter_batches, json_line
from storage.exporting.native import EncodedValues, _spans_json, article_line, article_record
from storage.model import Label, SpanAttribute
from storage.project import Project

# Quotes, a backslash, a tab, controls, accents, an emoji, CJK and NEL (U+0085, escaped per line).
TEXT = 'He said "go\\stop"\tnow.\nÉlodie 😀 met 北京 officials\x01 at the café\x85 in Zürich\x1f today.'


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        p.add_label(Label("LIEU-é \"q\"", "#123456"))
        yield p


def _add(project, text, spans, **article):
    made = project.add_article(text=text, title="t", **article)
    for words, label, options in spans:
        start = text.index(words)
        project.add_span(made.id, start, start + len(words), label, **options)
    return made.id


def _lines(project):
    encoded = EncodedValues()
    for batch in iter_batches(project.db.conn, named=False):
        for article in batch:
            yield article, article_line(article, encoded), json_line(article_record(article))


def test_usual_spans_are_written_as_the_encoder_writes_them(project):
    usual = _add(project, TEXT, [
        ('"go\\stop"', "EVENT", {"annotator": 'ann "x" é'}),
        ("now", "EVENT", {}),  # no annotator: null
        ("Élodie 😀", "ACTOR", {"origin": "suggestion:dictionary"}),
        ("北京", "LIEU-é \"q\"", {"origin": "import:brat", "annotator": "ann"}),
        ("café\x85 in", "LOCATION", {"annotator": "b\x01"}),
        ("Zürich\x1f", "LOCATION", {}),
        ("Élodie", "ACTOR", {"annotator": "ann"}),
    ], date="2024-01-02", source='src "1"')
    _add(project, "No spans here at all.", [])
    event = project.add_event(project.spans(usual)[0].id, type="RETREAT", annotator="ann")
    project.add_argument(event.id, "source", next(s.id for s in project.spans(usual) if s.label == "ACTOR"))
    seen = 0
    for article, fast, record in _lines(project):
        assert _spans_json(article, EncodedValues()) is not None  # the fast way was taken
        assert fast == record
        seen += 1
    assert seen == 2


def test_spans_with_attributes_go_the_long_way_to_the_same_line(project):
    project.declare_span_attribute("ACTOR", SpanAttribute("alias"))
    _add(project, "Rebel forces left Homs.", [("Rebel forces", "ACTOR", {"attributes": {"alias": "rebels"}}),
                                              ("Homs", "LOCATION", {})])
    ((article, fast, record),) = _lines(project)
    assert _spans_json(article, EncodedValues()) is None
    assert fast == record and '"attributes":{"alias":"rebels"}' in fast


def test_a_value_of_another_type_goes_the_long_way_to_the_same_refusal(project):
    article_id = _add(project, "Troops entered Hama.", [("Troops", "ACTOR", {}), ("Hama", "LOCATION", {})])
    # Bytes where a text should be (flipped bits in a damaged file): never written as if text.
    project.db.conn.execute("UPDATE spans SET annotator = X'41' WHERE article_id = ?", [article_id])
    (article,) = next(iter_batches(project.db.conn, named=False))
    assert _spans_json(article, EncodedValues()) is None
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        article_line(article, EncodedValues())
