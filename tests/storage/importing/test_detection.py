"""Detection without --format on every real file of ../shared/interop: each is read by the importer
of the tool that wrote it, never as plain text (a PLOVER ``.txt`` of JSON, a CoNLL ``.txt`` without
``-DOCSTART-``, GermEval's ``.tsv``), and an import without --format equals one with it."""
from __future__ import annotations

import json

import pytest

from storage.importing import import_paths
from storage.importing.registry import SNIFF_BYTES, detect
from storage.project import Project
from tests.storage.importing.helpers import INTEROP, documents

EXPECTED = {  # glob under ../shared/interop -> the format detection must find
    "brat-news/*.ann": "brat", "brat-extra/*.ann": "brat", "multi-annotator/*.ann": "brat",
    "doccano/*.jsonl": "doccano", "doccano/*.conll": "conll",
    "doccano-multiuser/*.jsonl": "doccano", "doccano-multiuser/*.json1l": "doccano",
    "doccano-to-conll/*.jsonl": "doccano", "doccano-to-conll/*.conll2003": "conll",
    "label-studio/*.json": "label-studio", "prodigy/*.jsonl": "prodigy",
    "spacy-train-data/*.json": "spacy-v2", "spacy-docbin/*.spacy": "docbin",
    "conll/*FIN3.txt": "conll", "conll/*trivial_bioes_with_boundaries__train.txt": "conll",
    "conll/*germeval*.tsv": "conll", "conll/*.jsonl": "doccano", "conll/*eng.train": "conll",
    "plover/PLOVER_GSR_CAMEO.txt": "plover",
    "webanno-tsv/*.tsv": "webanno", "multi-annotator/*.tsv": "webanno",
    "news-ar-zh/*_n*.txt": "text", "conll/*README.txt": "text",
}


@pytest.mark.parametrize("pattern", EXPECTED)
def test_every_real_file_is_detected_as_the_tool_that_wrote_it(pattern):
    paths = sorted(INTEROP.glob(pattern))
    assert paths, pattern
    assert {path.name: detect(str(path)).name for path in paths} == {path.name: EXPECTED[pattern] for path in paths}


@pytest.mark.parametrize("name, forced", [
    ("plover/PLOVER_GSR_CAMEO.txt", "plover"),
    ("conll/tests__resources__tasks__trivial__trivial_bioes_with_boundaries__train.txt", "conll"),
    ("conll/tests__resources__tasks__ner_german_germeval__NER-de-train.tsv", "conll"),
    ("conll/tests__resources__tasks__fashion__eng.train", "conll"),
])
def test_detected_import_equals_the_forced_one(tmp_path, name, forced):
    results = []
    for label, fmt in (("detected", None), ("forced", forced)):
        with Project.open(tmp_path / f"{label}.sqlite") as project:
            report = import_paths(project, [INTEROP / name], format=fmt)
            assert report.ok and report.files[0].format == forced, report.summary_lines()
            results.append(([(t, sorted((s.start, s.end, s.label) for s in spans), len(events))
                             for t, spans, events in documents(project)], report.summary_lines()[-1]))
    assert results[0] == results[1]
    assert results[0][0] and any(spans for _, spans, _ in results[0][0])


DOCCANO = {"text": "Aid reached Hama.", "label": [[12, 16, "LOCATION"]]}


def test_a_utf16_file_with_a_bom_is_detected_as_the_import_reads_it(tmp_path):
    """Windows tools save UTF-16 with a byte-order mark: detection decodes it as the import does,
    so a doccano export saved so is doccano, not native JSONL refusing a "doccano record"."""
    path = tmp_path / "utf16.jsonl"
    path.write_bytes(("\ufeff" + json.dumps(DOCCANO, ensure_ascii=False) + "\n").encode("utf-16-le"))
    assert detect(str(path)).name == "doccano"
    with Project.open(tmp_path / "p.sqlite") as project:
        assert import_paths(project, [path]).ok
        ((text, (span,), _),) = documents(project)
        assert (text[span.start:span.end], span.label) == ("Hama", "LOCATION")


def test_a_first_record_longer_than_the_sniffed_head_is_still_detected(tmp_path):
    """One long article on the first line (a book, 3 MB): its keys are past what detection reads first."""
    path = tmp_path / "long.jsonl"
    record = {"text": "Aid reached Hama. " + "Nothing else happened. " * 130_000, "label": [[12, 16, "LOCATION"]]}
    path.write_text(json.dumps(record) + "\n" + json.dumps(DOCCANO) + "\n", encoding="utf-8")
    assert path.stat().st_size > SNIFF_BYTES and detect(str(path)).name == "doccano"


def test_native_forced_on_another_tools_file_names_the_format_that_reads_it(tmp_path):
    path = tmp_path / "doccano.jsonl"
    path.write_text(json.dumps(DOCCANO) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "p.sqlite") as project:
        report = import_paths(project, [path], format="native")
        assert "import it with --format doccano" in str(report.errors[0]) and project.article_count() == 0
