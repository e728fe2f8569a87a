"""Span attributes: declared per label, carried by spans, checked in the write, kept by every export."""
from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from storage.exporting import export_to_path, export_to_stream
from storage.importing import import_paths
from storage.model import SchemeError, SpanAttribute
from storage.project import Project

TEXT = "Rebels shelled Velmora.\n"
SECTORS = ("GOV", "MIL", "REB", "OPP", "CVL")


def _project(path: Path) -> tuple[Project, int, int]:
    project = Project.open(path)
    project.declare_span_attribute("ACTOR", SpanAttribute("code", kind="choice", choices=("SYR", "TUR")))
    project.declare_span_attribute("ACTOR", SpanAttribute("sector", kind="choice", choices=SECTORS,
                                                          multi=True))
    project.declare_span_attribute("ACTOR", SpanAttribute("identifier_id", kind="pattern",
                                                          pattern="Q[1-9][0-9]*"))
    project.declare_span_attribute("ACTOR", SpanAttribute("alias"))
    article = project.add_article(text=TEXT, title="Rebels shelled Velmora.")
    span = project.add_span(article.id, 0, 6, "ACTOR")
    return project, article.id, span.id


def test_values_are_set_one_at_a_time_and_read_back(tmp_path: Path) -> None:
    project, _, span_id = _project(tmp_path / "p.sqlite")
    project.set_span_attribute(span_id, "code", "SYR")
    span = project.set_span_attribute(span_id, "sector", ["REB", "MIL"])
    assert span.attributes == {"code": "SYR", "sector": ["REB", "MIL"]}
    span = project.set_span_attribute(span_id, "code", None)
    assert span.attributes == {"sector": ["REB", "MIL"]}
    project.close()
    with Project.open(tmp_path / "p.sqlite") as again:
        assert again.spans(1)[0].attributes == {"sector": ["REB", "MIL"]}
        rows = again.db.execute("SELECT name, value FROM span_attributes").fetchall()
        assert rows == [("sector", '["REB", "MIL"]')]


@pytest.mark.parametrize("name, value, message", [
    ("code", "XXX", "code must be one of SYR, TUR"),
    ("sector", ["REB", "REB"], "lists a value twice"),
    ("sector", ["NOPE"], "sector must be one of"),
    ("identifier_id", "q42", r"must match Q\[1-9\]"),
    ("alias", "   ", "non-empty text"),
    ("colour", "red", "has no attribute 'colour'"),
])
def test_a_value_the_declaration_refuses_changes_nothing(tmp_path: Path, name: str, value: object,
                                                         message: str) -> None:
    project, _, span_id = _project(tmp_path / "p.sqlite")
    project.set_span_attribute(span_id, "code", "TUR")
    with pytest.raises(SchemeError, match=message):
        project.set_span_attribute(span_id, name, value)
    assert project.span(span_id).attributes == {"code": "TUR"}


def test_the_check_reads_the_declaration_inside_the_write(tmp_path: Path) -> None:
    """A second connection narrows the choices; this project's cached scheme must not let TUR in."""
    project, _, span_id = _project(tmp_path / "p.sqlite")
    assert project.scheme.label("ACTOR").attribute("code").choices == ("SYR", "TUR")
    other = sqlite3.connect(tmp_path / "p.sqlite")
    other.execute("""UPDATE label_attributes SET choices = '["SYR"]' WHERE name = 'code'""")
    other.commit()
    other.close()
    with pytest.raises(SchemeError, match="code must be one of SYR"):
        project.set_span_attribute(span_id, "code", "TUR")


def test_removing_a_span_and_restoring_it_keeps_its_attributes(tmp_path: Path) -> None:
    project, _, span_id = _project(tmp_path / "p.sqlite")
    project.set_span_attribute(span_id, "identifier_id", "Q42")
    removed = project.remove_span(span_id)
    assert project.db.execute("SELECT count(*) FROM span_attributes").fetchone()[0] == 0
    assert project.restore_span(removed).attributes == {"identifier_id": "Q42"}


def test_declarations_refuse_changes_that_stored_values_do_not_fit(tmp_path: Path) -> None:
    project, _, span_id = _project(tmp_path / "p.sqlite")
    project.set_span_attribute(span_id, "code", "TUR")
    with pytest.raises(SchemeError, match="1 ACTOR span"):
        project.redeclare_span_attribute("ACTOR", "code", SpanAttribute("code", kind="choice",
                                                                        choices=("SYR",)))
    with pytest.raises(SchemeError, match="cascade"):
        project.undeclare_span_attribute("ACTOR", "code")
    project.redeclare_span_attribute("ACTOR", "code", SpanAttribute("country", kind="choice",
                                                                    choices=("SYR", "TUR"), multi=True))
    assert project.span(span_id).attributes == {"country": ["TUR"]}
    assert project.undeclare_span_attribute("ACTOR", "country", cascade=True) == 1
    assert project.span(span_id).attributes == {}
    assert [a.name for a in project.scheme.label("ACTOR").attributes] == ["sector", "identifier_id", "alias"]


def test_native_export_import_export_is_lossless(tmp_path: Path) -> None:
    project, _, span_id = _project(tmp_path / "p.sqlite")
    project.set_span_attribute(span_id, "code", "SYR")
    project.set_span_attribute(span_id, "sector", ["REB", "OPP"])
    project.set_span_attribute(span_id, "alias", "the “rebels”")
    first = tmp_path / "first.jsonl"
    export_to_path(project, "native", first)
    records = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    actor = next(label for label in records[0]["scheme"]["labels"] if label["name"] == "ACTOR")
    assert actor["attributes"][1] == {"name": "sector", "kind": "choice", "choices": list(SECTORS),
                                      "multi": True, "description": ""}
    assert records[1]["spans"][0]["attributes"] == {"alias": "the “rebels”", "code": "SYR",
                                                    "sector": ["REB", "OPP"]}
    with Project.open(tmp_path / "copy.sqlite") as copy:
        import_paths(copy, [first])
        second = tmp_path / "second.jsonl"
        export_to_path(copy, "native", second)
    assert second.read_bytes() == first.read_bytes()


def test_native_import_refuses_a_value_its_label_does_not_allow(tmp_path: Path) -> None:
    project, _, span_id = _project(tmp_path / "p.sqlite")
    project.set_span_attribute(span_id, "code", "SYR")
    path = tmp_path / "bad.jsonl"
    export_to_path(project, "native", path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"SYR"', '"ZZZ"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "copy.sqlite") as copy:
        summary = import_paths(copy, [path])
        assert copy.article_count() == 0
    assert "bad.jsonl:2" in str(summary.errors[0]) and "ZZZ" in str(summary.errors[0])


def test_spacy_jsonl_and_docbin_carry_span_attributes(tmp_path: Path) -> None:
    project, _, span_id = _project(tmp_path / "p.sqlite")
    project.set_span_attribute(span_id, "sector", ["REB"])
    out = io.StringIO()
    export_to_stream(project, "spacy", out, docbin=tmp_path / "train.spacy")
    assert json.loads(out.getvalue())["spans"] == [
        {"start": 0, "end": 6, "label": "ACTOR", "attributes": {"sector": ["REB"]}}]
    import spacy
    from spacy.tokens import DocBin
    (doc,) = DocBin().from_disk(tmp_path / "train.spacy").get_docs(spacy.blank("en").vocab)
    (stored,) = doc.user_data["span_attributes"]  # msgpack gives lists back as tuples
    assert (stored["start"], stored["end"], stored["label"]) == (0, 6, "ACTOR")
    assert list(stored["attributes"]["sector"]) == ["REB"]


def test_brat_writes_choices_as_a_lines_wikidata_as_n_and_text_as_notes(tmp_path: Path) -> None:
    project, _, span_id = _project(tmp_path / "p.sqlite")
    project.set_span_attribute(span_id, "code", "SYR")
    project.set_span_attribute(span_id, "sector", ["REB", "MIL"])
    project.set_span_attribute(span_id, "identifier_id", "Q42")
    project.set_span_attribute(span_id, "alias", "insurgents")
    export_to_path(project, "brat", tmp_path / "brat")
    ann = (tmp_path / "brat" / "1.ann").read_text(encoding="utf-8").splitlines()
    assert ann == ["T1\tACTOR 0 6\tRebels", "A1\tcode T1 SYR", "N1\tReference T1 Wikidata:Q42\tRebels",
                   "A2\tsector T1 REB", "A3\tsector T1 MIL", "#1\tAnnotatorNotes T1\talias=insurgents"]
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "code\tArg:ACTOR, Value:SYR|TUR" in conf
    assert "# sector may hold several values: one A line per value" in conf


def test_the_labels_dialog_text_round_trips_and_replaces_declarations_in_one_go(tmp_path: Path) -> None:
    from storage.span_attributes import AttributeInUseError, format_declarations, parse_declarations

    project, _, span_id = _project(tmp_path / "p.sqlite")
    text = format_declarations(project.scheme.label("ACTOR").attributes)
    assert text.splitlines() == ["code: choice SYR TUR", "sector: choice+ GOV MIL REB OPP CVL",
                                 "identifier_id: pattern Q[1-9][0-9]*", "alias: text"]
    assert tuple(parse_declarations(text)) == project.scheme.label("ACTOR").attributes
    project.set_span_attribute(span_id, "alias", "x")
    edited = parse_declarations("sector: choice+ GOV|MIL  # PLOVER sector codes\ncode: choice SYR TUR IRQ")
    with pytest.raises(AttributeInUseError) as refused:
        project.replace_span_attributes("ACTOR", edited)
    assert refused.value.count == 1 and refused.value.names == ["identifier_id", "alias"]
    assert project.replace_span_attributes("ACTOR", edited, cascade=True) == 1
    assert [(a.name, a.choices, a.description) for a in project.scheme.label("ACTOR").attributes] == [
        ("sector", ("GOV", "MIL"), "PLOVER sector codes"), ("code", ("SYR", "TUR", "IRQ"), "")]
    with pytest.raises(SchemeError, match="line 2: write name"):
        parse_declarations("code: choice SYR\nsector choice GOV")
