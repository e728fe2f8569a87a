"""CoNLL/IOB/BIOES token files and Hugging Face JSONL against real files (SEC filings, flair, doccano)."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from storage.importing import ImportOptions, import_paths
from storage.importing.conll import UNPARSEABLE
from storage.importing.conll import decode_tags
from storage.importing.intake import STREAM_ABOVE
from storage.project import Project
from tests.storage.importing.helpers import INTEROP, documents

CONLL = INTEROP / "conll"
SEC = CONLL / "data__SEC-filings__CONLL-format__data__test__FIN3.txt"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def token_rows(path, tag_column=-1):
    """(token, tag) rows, None at sentence ends, 'DOC' at -DOCSTART-: read without the importer."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        rows.append(None if not fields else "DOC" if fields[0] == "-DOCSTART-" else (fields[0], fields[tag_column]))
    return rows


def entities_from_rows(rows):
    """(entity text, type) in file order, IOB1 read the plain way: a change of type or O ends one."""
    found, current, kind = [], [], None
    for row in rows + [None]:
        tag = row[1] if isinstance(row, tuple) else "O"
        prefix, _, t = tag.partition("-")
        if tag == "O" or prefix == "B" or t != kind or not isinstance(row, tuple):
            if current:
                found.append((" ".join(current), kind))
            current, kind = [], None
        if tag != "O" and isinstance(row, tuple):
            current.append(row[0])
            kind = t
    return found


def test_sec_filings_iob1_three_documents_every_entity(project):
    report = import_paths(project, [SEC])  # a .txt, detected as CoNLL by its -DOCSTART- line
    assert report.ok and report.files[0].format == "conll" and report.articles_added == 3
    stored = [(text[s.start:s.end], s.label) for text, spans, _ in documents(project)
              for s in sorted(spans, key=lambda s: s.start)]
    assert stored == entities_from_rows(token_rows(SEC))
    assert Counter(label for _, label in stored) == {"PER": 216, "ORG": 56, "LOC": 39, "MISC": 7}
    # the file has no B- tag at all: every one of its 318 entities started with I- (IOB1)
    assert "318 entities started with I- and no B-" in report.files[0].summary()
    text = documents(project)[0][0]
    assert text.startswith("Subordinated Loan Agreement - Silicium de Provence SAS and Evergreen Solar Inc . 7")


def test_doccano_conll_oracle_gives_the_same_texts_and_spans_as_its_jsonl(project, tmp_path):
    oracle = INTEROP / "doccano-to-conll"
    assert import_paths(project, [oracle / "labeling_text_label.conll2003"]).ok
    with Project.open(tmp_path / "q.sqlite") as other:
        assert import_paths(other, [oracle / "labeling_text_label.jsonl"]).ok
        assert [(t, sorted((s.start, s.end, s.label) for s in ss)) for t, ss, _ in documents(project)] == [
            (t, sorted((s.start, s.end, s.label) for s in ss)) for t, ss, _ in documents(other)]


def bioes_entities_from_rows(rows):
    """(entity text, type) in file order, BIO/BIOES read strictly: B-/S- open, I-/E- go on, E-/S- close."""
    found, current, kind = [], [], None
    for row in rows + [None]:
        prefix, _, t = row[1].partition("-") if isinstance(row, tuple) else ("O", "", None)
        if current and (prefix in ("O", "B", "S") or t != kind):
            found.append((" ".join(current), kind))
            current, kind = [], None
        if prefix != "O":
            current.append(row[0])
            kind = t
        if prefix in ("E", "S"):
            found.append((" ".join(current), kind))
            current, kind = [], None
    return found


@pytest.mark.parametrize("name, count", [("tests__resources__tasks__fashion__eng.train", 23),
                                         ("tests__resources__tasks__trivial__trivial_bioes_with_boundaries__train.txt",
                                          None)])
def test_bio_and_bioes_files_every_entity_as_the_source_has_it(project, name, count):
    path = CONLL / name
    report = import_paths(project, [path], format="conll")
    assert report.ok, report.summary_lines()
    rows, expected, texts = token_rows(path), [], set()
    # documents start at -DOCSTART-; a file without it has one article per sentence
    starts = [i for i, row in enumerate(rows) if row == "DOC"] or [i for i, row in enumerate(rows) if row is None]
    for begin, end in zip([-1, *starts], [*starts, len(rows)]):
        tokens = [row for row in rows[begin + 1:end] if row]
        text = " ".join(token for token, _ in tokens)  # sentences joined by \n, not compared here
        if tokens and text not in texts:  # the same document again is skipped as a duplicate
            texts.add(text)
            expected += bioes_entities_from_rows(rows[begin + 1:end])
    stored = [(text[s.start:s.end], s.label) for text, spans, _ in documents(project)
              for s in sorted(spans, key=lambda s: s.start)]
    assert stored == expected
    assert count is None or len(stored) == count
    assert report.duplicates_skipped == sum(1 for b, e in zip([-1, *starts], [*starts, len(rows)])
                                            if any(rows[b + 1:e])) - len(texts)


def test_flair_bioes_with_a_stray_s_tag(project):
    path = CONLL / "tests__resources__tasks__fashion__eng.train"
    report = import_paths(project, [path], format="conll")
    assert report.ok and report.spans_added == 23
    labels = [s.label for _, spans, _ in documents(project) for s in spans]
    assert "Occasion" in labels


def test_bioes_boundaries_and_two_field_docstart(project):
    path = CONLL / "tests__resources__tasks__trivial__trivial_bioes_with_boundaries__train.txt"
    report = import_paths(project, [path], format="conll")
    assert report.ok
    for text, spans, _ in documents(project):
        assert all(text[s.start:s.end] and s.label for s in spans)


def test_space_flag_column_is_not_the_tag_and_last_line_without_newline(project):
    path = CONLL / "tests__resources__tasks__column_with_whitespaces__eng.train"
    report = import_paths(project, [path], format="conll")
    ((text, (span,), _),) = documents(project)
    assert report.ok and (text[span.start:span.end], span.label) == ("German", "LOC")
    assert text.endswith("firm .")


def test_germeval_index_column_comment_and_nested_layers(project):
    path = CONLL / "tests__resources__tasks__ner_german_germeval__NER-de-train.tsv"
    report = import_paths(project, [path], format="conll")
    assert report.ok and report.spans_added == 5
    text = documents(project)[0][0]
    assert text.startswith("Schartau sagte dem") and "n-tv.de" not in text


def test_decode_tags_repairs_iob1_and_reads_io():
    repairs = [0]
    assert list(decode_tags(["I-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-ORG", "LOC", "LOC"], repairs)) == [
        (0, 2, "PER"), (3, 5, "LOC"), (5, 6, "ORG"), (6, 8, "LOC")]
    assert repairs == [2]  # I-PER first, I-ORG right after I-LOC; a bare IO type is no repair
    assert list(decode_tags(["S-X", "B-Y", "E-Y", "U-Z", "B-X", "L-X"], [0])) == [
        (0, 1, "X"), (1, 3, "Y"), (3, 4, "Z"), (4, 6, "X")]


def test_hugging_face_jsonl_string_and_integer_tags(project, tmp_path):
    path = tmp_path / "hf.jsonl"
    records = [{"id": "a", "tokens": ["Rebels", "took", "Aleppo", "."], "ner_tags": ["B-ACTOR", "O", "B-LOCATION", "O"]},
               {"id": "b", "tokens": ["Troops", "left", "Homs"], "ner_tags": [1, 0, 3]}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    report = import_paths(project, [path])
    assert not report.ok and "ner_tags are integers: give their names with --labels" in str(report.errors[0])
    assert str(report.errors[0]).startswith(f"{path}:2:") and project.article_count() == 0
    names = tmp_path / "dataset_info.json"
    names.write_text(json.dumps({"features": {"ner_tags": {"feature": {"names": ["O", "B-ACTOR", "I-ACTOR", "B-LOCATION"]}}}}))
    for labels in (str(names), "O,B-ACTOR,I-ACTOR,B-LOCATION"):
        with Project.open(tmp_path / f"{len(labels)}.sqlite") as other:
            report = import_paths(other, [path], options=ImportOptions(labels=labels))
            assert report.ok and report.files[0].format == "hf"
            assert [(t, [(t[s.start:s.end], s.label) for s in ss]) for t, ss, _ in documents(other)] == [
                ("Rebels took Aleppo .", [("Rebels", "ACTOR"), ("Aleppo", "LOCATION")]),
                ("Troops left Homs", [("Troops", "ACTOR"), ("Homs", "LOCATION")])]


def test_integer_tags_are_named_by_the_dataset_info_json_beside_them(project, tmp_path):
    """A folder as Hugging Face datasets keep one: the data and its dataset_info.json. Imported whole,
    the tags take their names from it, and it is not itself a file that failed."""
    folder = tmp_path / "conll2003"
    folder.mkdir()
    (folder / "train.jsonl").write_text(json.dumps({"id": "0", "tokens": ["Troops", "left", "Homs"],
                                                    "ner_tags": [1, 0, 3]}) + "\n")
    (folder / "dataset_info.json").write_text(json.dumps(
        {"features": {"ner_tags": {"feature": {"names": ["O", "B-ACTOR", "I-ACTOR", "B-LOCATION"]}}}}))
    report = import_paths(project, [folder])
    assert report.ok and len(report.files) == 1, report.summary_lines()
    assert "integer ner_tags named by the dataset_info.json beside the file" in report.summary_lines()[0]
    assert [(t[s.start:s.end], s.label) for t, ss, _ in documents(project) for s in ss] == [
        ("Troops", "ACTOR"), ("Homs", "LOCATION")]


def test_bad_token_file_names_the_line(project, tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("Rebels B-ACTOR\ntook O\nAleppo\n")
    report = import_paths(project, [path])
    assert [str(e) for e in report.errors] == [f"{path}:3: expected a token and a tag, found 'Aleppo'"]
    path.write_text("Rebels B-ACTOR\ntook O\n\nAleppo B-\n")
    report = import_paths(project, [path])
    assert [str(e) for e in report.errors] == [f"{path}:4: {UNPARSEABLE.format('B-')}"]
    # a prefix no tag scheme has: read as a bare type it would have put "X-LOCATION" in the scheme;
    # the short path reads the sentence whole, and still the very line is named
    path.write_text("-DOCSTART- O\n\nRebels B-ACTOR\ntook O\n\nTroops B-ACTOR\nleft O\nAleppo X-LOCATION\n")
    report = import_paths(project, [path])
    assert [str(e) for e in report.errors] == [f"{path}:8: {UNPARSEABLE.format('X-LOCATION')}"]
    assert project.article_count() == 0 and all(label.name != "X-LOCATION" for label in project.scheme.labels)
    hf = tmp_path / "bad.jsonl"
    hf.write_text(json.dumps({"tokens": ["Troops", "left"], "ner_tags": ["B-ACTOR", "Q-ACTOR"]}) + "\n")
    assert [str(e) for e in import_paths(project, [hf]).errors] == [f"{hf}:1: {UNPARSEABLE.format('Q-ACTOR')}"]
    assert project.article_count() == 0


def test_bmes_tags_of_chinese_corpora_read_as_bioes(project, tmp_path):
    """M- is inside an entity, W- a whole one (BMES/BMEWO), as S- and E- are in BIOES."""
    path = tmp_path / "msra.bmes"
    path.write_text("新 B-ORG\n华 M-ORG\n社 E-ORG\n报 O\n道 O\n京 W-LOC\n", encoding="utf-8")
    assert import_paths(project, [path], format="conll").ok
    ((text, spans, _),) = documents(project)
    assert [(text[s.start:s.end], s.label) for s in spans] == [("新 华 社", "ORG"), ("京", "LOC")]


def test_a_token_starting_with_hash_is_a_token_not_a_comment(project, tmp_path):
    path = tmp_path / "tweets.conll"
    path.write_text("#Aleppo B-LOCATION\nfalls O\n\n# O\nagain O\n")
    report = import_paths(project, [path])
    assert report.ok
    docs = [(t, [(t[s.start:s.end], s.label) for s in ss]) for t, ss, _ in documents(project)]
    assert docs == [("#Aleppo falls", [("#Aleppo", "LOCATION")]), ("# again", [])]


def test_lines_the_short_path_must_leave_to_the_general_reader(project, tmp_path):
    """The usual line is read by a short path (CoNLL-2003's four columns too); a line that only
    looks usual to str.split, a no-break space inside a token, a tab, a stray space at an end,
    a carriage return, the space-after flag, must read exactly as the general reader reads it."""
    path = tmp_path / "odd.conll"
    path.write_text("-DOCSTART- -X- -X- O\n\n"
                    "The DT B-NP O\nU.N. NNP I-NP B-ORG\nsent VBD B-VP O\n10\u00a0000 CD B-NP O\n"
                    "troops\tNNS I-NP O\nto TO B-PP O \nHoms NNP B-NP B-LOC\r\n"
                    "today NN B-NP O\n. . O O\n\n"
                    "-DOCSTART- -X- -X- O\n\nNo DT B-NP O\nfurther JJ O -\nword NN O +\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert report.ok, report.summary_lines()
    docs = [(t, [(t[s.start:s.end], s.label) for s in ss]) for t, ss, _ in documents(project)]
    assert docs == [("The U.N. sent 10\u00a0000 troops to Homs today .", [("U.N.", "ORG"), ("Homs", "LOC")]),
                    ("No further word", [])]


_USUAL = ["Rebels B-ACTOR", "from O", "the O", "north O", "took B-EVENT", "Aleppo B-LOCATION", "today O", ". O"]


@pytest.mark.parametrize("odd, token", [
    ("10\u00a0000 O", "10\u00a0000"),  # a no-break space inside a token: part of it
    ("\u00a0Homs O", "Homs"),  # ... at a line's start: stripped, as str.strip() does
    ("Homs\tO", "Homs"),  # a tab among spaces
    ("Homs  O", "Homs"),  # two spaces
    ("Homs O ", "Homs"),  # a space at the end
    ("Homs O\r", "Homs"),  # a carriage return
    ("\x0cHoms O", "Homs"),  # another ASCII space, at the start: stripped
])
def test_a_sentence_read_whole_reads_as_line_by_line(project, tmp_path, odd, token):
    """A sentence of usual lines is split all at once; one odd line anywhere in it sends the
    sentence to the line-by-line reader, which reads it as it always did."""
    path = tmp_path / "odd.conll"
    path.write_text("\n".join(_USUAL) + "\n\n" + "\n".join(_USUAL[:4] + [odd] + _USUAL[4:]) + "\n\n"
                    + "\n".join(_USUAL[:-1] + ["! O"]) + "\n", encoding="utf-8")  # (no -DOCSTART-: an article each)
    report = import_paths(project, [path])
    assert report.ok, report.summary_lines()
    usual = "Rebels from the north took Aleppo today ."
    entities = [("Rebels", "ACTOR"), ("took", "EVENT"), ("Aleppo", "LOCATION")]
    docs = [(t, [(t[s.start:s.end], s.label) for s in ss]) for t, ss, _ in documents(project)]
    assert docs == [(usual, entities), (usual.replace("north ", f"north {token} "), entities),
                    (usual.replace(".", "!"), entities)]


def test_a_line_too_short_in_a_sentence_of_usual_lines_is_named(project, tmp_path):
    """One line with a field too many and one with a field too few: the counts of a sentence
    read whole would balance, its line breaks would not; the line reader names the first of them."""
    path = tmp_path / "short.conll"
    lines = _USUAL[:2] + ["the DT O", "north"] + _USUAL[4:]
    path.write_text("\n".join(_USUAL) + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert str(report.errors[0]) == (f"{path}:12: this line has 3 columns where the file's lines before it "
                                     "have 2 (a space inside a token, or lines run together?)")
    assert project.article_count() == 0
    path.write_text("\n".join(_USUAL) + "\n\n" + "north\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert str(report.errors[0]) == f"{path}:10: expected a token and a tag, found 'north'"


def test_a_line_of_other_width_is_refused_naming_it(project, tmp_path):
    """Its token or its tag is not where the file's other lines have them ("New York B-LOC" among
    two-column lines would import "New" and lose "York"): refused, on the short path and off it."""
    path = tmp_path / "wide.conll"
    for odd, number in (("New York B-LOCATION", 12), ("New\u00a0York NNP B-LOCATION", 12)):
        path.write_text("\n".join(_USUAL) + "\n\n" + "\n".join(_USUAL[:2] + [odd] + _USUAL[3:]) + "\n",
                        encoding="utf-8")
        report = import_paths(project, [path])
        assert [str(e) for e in report.errors] == [
            f"{path}:{number}: this line has 3 columns where the file's lines before it have 2 "
            "(a space inside a token, or lines run together?)"]
    assert project.article_count() == 0


def test_a_line_of_200000_fields_is_refused_not_read_as_one_token(project, tmp_path):
    """A file whose line breaks were lost is one line of a field per token and tag: its first and
    last field are no token and tag. Alone it is wider than any token format; after usual lines,
    wider than they are. Either way refused, naming the line, the project unchanged."""
    wide = " ".join(f"w{i % 1000}" for i in range(199_999)) + " O"
    path = tmp_path / "lost.conll"
    path.write_text(wide + "\n", encoding="utf-8")
    report = import_paths(project, [path], format="conll")
    assert [str(e) for e in report.errors] == [
        f"{path}:1: this line has 200,000 columns, more than any token file has (1,000): were its line breaks lost?"]
    path.write_text("-DOCSTART- -X- -X- O\n\n" + "\n".join(_USUAL) + "\n" + wide + "\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert [str(e) for e in report.errors] == [
        f"{path}:11: this line has 200,000 columns where the file's lines before it have 2 "
        "(a space inside a token, or lines run together?)"]
    assert project.article_count() == 0 and report.articles_added == 0


def test_a_line_longer_than_any_token_line_is_refused_by_its_length(project, tmp_path):
    """A megabyte and more on one line: refused for its length, read whole (a small file) or in
    pieces (a file above 16 MB, whose line is never held whole: 98 MB of it peaked at 51 MB)."""
    path = tmp_path / "lost.conll"
    long = "w O " * 300_000 + "end O"  # 1,200,005 characters
    path.write_text("Rebels B-ACTOR\ntook O\n" + long + "\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert [str(e) for e in report.errors] == [
        f"{path}:3: this line is 1,200,005 characters long, longer than any line of a token file "
        "(were its line breaks lost?)"]
    streamed = tmp_path / "big.conll"
    body = "Rebels B-ACTOR\ntook O\nHoms B-LOCATION\n\n" * 400_000  # 16 MB of usual lines
    streamed.write_text("Rebels B-ACTOR\ntook O\n" + "w O " * 1_000_000 + "\n" + body, encoding="utf-8")
    assert streamed.stat().st_size > STREAM_ABOVE  # read a piece at a time
    report = import_paths(project, [streamed])
    assert [str(e) for e in report.errors] == [
        f"{streamed}:3: this line is 4,000,000 characters long, longer than any line of a token file "
        "(were its line breaks lost?)"]
    assert project.article_count() == 0


@pytest.mark.parametrize("tokens, tags, message", [
    (["Rebels", "", "Aleppo"], ["B-ACTOR", "O", "B-LOCATION"], "every token must be a non-empty string"),
    (["Rebels", 7, "Aleppo"], ["B-ACTOR", "O", "B-LOCATION"], "every token must be a non-empty string"),
    (["Rebels", "took", "Aleppo"], ["B-ACTOR", 0, "B-LOCATION"], "ner_tags must be all strings or all integers"),
    (["Rebels", "took", "Aleppo"], [True, False, True], "ner_tags must be all strings or all integers"),
])
def test_hugging_face_record_with_odd_tokens_or_tags_names_its_line(project, tmp_path, tokens, tags, message):
    path = tmp_path / "hf.jsonl"
    good = {"tokens": ["Troops", "left", "Homs"], "ner_tags": ["B-ACTOR", "O", "B-LOCATION"]}
    path.write_text(json.dumps(good) + "\n" + json.dumps({"tokens": tokens, "ner_tags": tags}) + "\n")
    report = import_paths(project, [path], options=ImportOptions(labels="O,B-ACTOR"))
    assert [str(e) for e in report.errors] == [f"{path}:2: {message}"]
    assert project.article_count() == 0
