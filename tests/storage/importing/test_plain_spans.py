"""Plain [start, end, label] spans (doccano's ``label``, spaCy v2 ``entities``, a manual Prodigy task's
``spans``) are checked over whole columns (``ForeignWriter.add_plain``): the project, the summary and
every refusal are exactly what the record-by-record path gives for the same spans."""
from __future__ import annotations

import json

import pytest

from storage.importing import ImportOptions, import_paths
from storage.project import Project

TEXT = "Aid reached Hama as Red Crescent teams met local officials."

CASES = {
    "usual": [[[12, 16, "LOCATION"], [20, 32, "ACTOR"]], [[0, 3, "ACTOR"]]],
    "no spans": [[], [[0, 3, "ACTOR"]]],
    "a new label": [[[12, 16, "CITY"], [20, 32, "ACTOR"]], [[0, 3, "CITY"]]],
    "a repeat": [[[12, 16, "LOCATION"], [12, 16, "LOCATION"]], [[0, 3, "ACTOR"]]],
    "nested and stacked": [[[20, 32, "ACTOR"], [24, 32, "ACTOR"], [20, 32, "LOCATION"]], []],
    "past the end": [[[12, 16, "LOCATION"]], [[50, 99, "ACTOR"]]],
    "start after end": [[[16, 12, "LOCATION"]], []],
    "a negative start": [[[-1, 3, "ACTOR"]], []],
    "a float": [[[0, 3.0, "ACTOR"]], []],
    "a bool": [[[False, 3, "ACTOR"]], []],
    "a list label": [[[0, 3, ["ACTOR"]]], []],
    "a number label": [[[0, 3, 7]], []],
}


def write(path, fmt: str, spans_per_doc: list, *, general: bool, crlf: bool = False) -> None:
    texts = [TEXT.replace("Hama", "Hama\r\nat dawn") if crlf else TEXT, "Aid reached Homs."]
    lines = []
    for number, (text, spans) in enumerate(zip(texts, spans_per_doc), 1):
        if fmt == "doccano":  # "relations": [] sends the record the general way, changing nothing else
            lines.append({"id": number, "text": text, "label": spans, **({"relations": []} if general else {})})
        elif fmt == "prodigy":  # a span's own "answer": "accept" likewise
            lines.append({"text": text, "_input_hash": number, "answer": "accept", "spans": [
                {"start": s, "end": e, "label": label, **({"answer": "accept"} if general else {})}
                for s, e, label in spans]})
        else:  # spaCy v2: only a malformed entity leaves the plain shape, so it has no general twin
            lines.append([text, {"entities": spans}])
    if fmt == "spacy-v2":
        path.write_text(json.dumps(lines), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def imported(tmp_path, name: str, fmt: str, spans_per_doc: list, *, general: bool, crlf: bool = False,
             annotator: str | None = None):
    path = tmp_path / f"{name}.{'json' if fmt == 'spacy-v2' else 'jsonl'}"
    write(path, fmt, spans_per_doc, general=general, crlf=crlf)
    with Project.open(tmp_path / f"{name}.sqlite") as project:
        report = import_paths(project, [path], options=ImportOptions(format=fmt, annotator=annotator))
        spans = project.db.execute('SELECT a.text, s.start, s."end", s.label, s.annotator, s.origin, s.created = a.created, '
                                   "s.taken_from, s.uid IS NULL FROM spans s "
                                   "JOIN articles a ON a.id = s.article_id ORDER BY s.id").fetchall()
        labels = project.db.execute("SELECT name, kind, key FROM labels ORDER BY name").fetchall()
    lines = [line.replace(str(path), "FILE") for line in report.summary_lines()]
    return spans, labels, lines


@pytest.mark.parametrize("fmt", ["doccano", "prodigy"])
@pytest.mark.parametrize("case", list(CASES))
def test_plain_spans_give_what_the_general_path_gives(tmp_path, fmt, case):
    plain = imported(tmp_path, "plain", fmt, CASES[case], general=False)
    general = imported(tmp_path, "general", fmt, CASES[case], general=True)
    assert plain == general
    if case == "usual":
        assert len(plain[0]) == 3 and plain[0][0][1:4] == (12, 16, "LOCATION")


@pytest.mark.parametrize("case", [case for case in CASES if case != "a number label"])  # doccano's label ids
def test_spacy_v2_examples_store_what_doccano_records_of_the_same_spans_store(tmp_path, case):
    spacy_spans, spacy_labels, spacy_lines = imported(tmp_path, "spacy", "spacy-v2", CASES[case], general=False)
    doccano_spans, doccano_labels, doccano_lines = imported(tmp_path, "doccano", "doccano", CASES[case], general=True)
    assert [row[:5] for row in spacy_spans] == [row[:5] for row in doccano_spans]
    assert spacy_labels == doccano_labels
    assert ("failed" in spacy_lines[0]) == ("failed" in doccano_lines[0]), (spacy_lines, doccano_lines)


@pytest.mark.parametrize("fmt", ["doccano", "prodigy"])
def test_a_text_that_normalising_changes_moves_plain_spans_like_any_other(tmp_path, fmt):
    spans = [[[0, 3, "ACTOR"], [12, 25, "LOCATION"], [26, 38, "ACTOR"]], []]  # "Hama\r\nat dawn" at 12..25
    plain = imported(tmp_path, "plain", fmt, spans, general=False, crlf=True)
    general = imported(tmp_path, "general", fmt, spans, general=True, crlf=True)
    assert plain == general
    original = TEXT.replace("Hama", "Hama\r\nat dawn")
    assert [row[0][row[1]:row[2]] for row in plain[0]] == [
        original[s:e].replace("\r\n", "\n") for s, e, _ in spans[0]] == ["Aid", "Hama\nat dawn", "as Red Cresc"]


@pytest.mark.parametrize("fmt", ["doccano", "prodigy"])
def test_plain_spans_of_an_annotator_layer_store_its_name_whatever_its_characters(tmp_path, fmt):
    """The name is written into the statement for a whole round (batch._literal): quotes and
    non-ASCII must come back exactly as the span-by-span path binds them."""
    name = "Zoë O'Brien \"ZO\" -- ;"
    spans = CASES["usual"]
    plain = imported(tmp_path, "plain", fmt, spans, general=False, annotator=name)
    general = imported(tmp_path, "general", fmt, spans, general=True, annotator=name)
    assert plain == general
    assert {row[4] for row in plain[0]} == {name} and len(plain[0]) == 3
    assert {row[6:] for row in plain[0]} == {(1, None, 1)}  # the import's stamp, no taken_from, a derived uid
