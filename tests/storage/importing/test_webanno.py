"""WebAnno / INCEpTION TSV v3 against INCEpTION's own format test files (one test per quirk)."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from storage.importing import import_paths
from storage.importing.registry import detect
from storage.project import Project
from tests.storage.importing.helpers import INTEROP, documents

TSV = INTEROP / "webanno-tsv"
SUITE = "inception__inception-io-webanno-tsv__src__test__resources__tsv3-suite__{}__reference.tsv"
EXAMPLE = TSV / "inception__inception-io-webanno-tsv__src__test__resources__tsv3__example2.tsv"
HEADER = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def suite(name):
    return TSV / SUITE.format(name)


def spans_of(project):
    (text, spans, events), = documents(project)
    return text, sorted((s.start, s.end, s.label, text[s.start:s.end]) for s in spans), events


def test_detected_by_extension_and_first_line(tmp_path):
    assert detect(str(EXAMPLE)).name == "webanno"
    other = tmp_path / "table.tsv"
    other.write_text("a\tb\n")
    assert detect(str(other)).name == "webanno"  # neither WebAnno nor token tags: WebAnno says what it expected


def test_example2_every_named_entity_matches_the_source(project):
    """Oracle read without the importer: NE column, tokens grouped by their [id], source offsets."""
    expected, groups, sentence, base = [], {}, "", 0
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#Text="):
            sentence, base = line[6:], None
            continue
        fields = line.split("\t")
        if len(fields) < 5 or fields[4] == "_":
            continue
        begin, end = map(int, fields[1].split("-"))
        base = begin - sentence.find(fields[2]) if base is None else base
        for value in fields[4].split("|"):
            label, _, number = value.partition("[")
            key = number or f"{fields[0]}{label}"
            if key in groups:
                groups[key][1] = end
            else:
                groups[key] = [begin, end, label, sentence, base]
                expected.append(groups[key])
    report = import_paths(project, [EXAMPLE])
    assert report.ok, report.summary_lines()
    text, spans, events = spans_of(project)
    assert spans == sorted((b, e, label, s[b - base:e - base]) for b, e, label, s, base in expected)
    assert len(spans) == 9 and ("BELL INDUSTRIES Inc.", "ORG") in {(t, l) for _, _, l, t in spans}
    assert events == []
    # POS is not a named-entity layer; the dependencies join POS annotations, so they are counted too
    assert report.dropped == {"span on layer POS": 86,
                              "relation on layer Dependency (its ends are not imported)": 86}


def test_emoji_offsets_are_utf16_units_converted_to_code_points(project):
    assert import_paths(project, [suite("testSentenceWithEmoji")]).ok
    text, spans, _ = spans_of(project)
    assert text == "I like it \U0001F60A ."  # the source says 10-12 for the emoji, 13-14 for "."
    assert spans == [(10, 11, "Span", "\U0001F60A")]


def test_sentence_with_a_line_break_has_two_text_lines(project):
    assert import_paths(project, [suite("testSentenceWithLineBreak")]).ok
    assert spans_of(project)[:2] == ("This is\na test .", [(0, 4, "Span", "This")])


def test_stacked_multi_token_spans(project):
    assert import_paths(project, [suite("testMultiTokenStackedSpanWithFeatureValue")]).ok
    assert spans_of(project)[1] == [(0, 16, "LOCATION", "This is a test ."), (0, 16, "PERSON", "This is a test .")]


def test_sub_tokens_and_zero_width_ones(project):
    report = import_paths(project, [suite("testSubMultiTokenSpanWithFeatureValue")])
    assert report.ok, report.summary_lines()
    text, spans, _ = spans_of(project)
    assert text == "aaaaaa bbbbbb cccccc"
    assert spans == sorted([(0, 13, "2", "aaaaaa bbbbbb"), (0, 10, "7", "aaaaaa bbb"), (0, 6, "1", "aaaaaa"),
                            (3, 17, "9", "aaa bbbbbb ccc"), (3, 13, "6", "aaa bbbbbb"), (3, 10, "8", "aaa bbb"),
                            (7, 11, "4", "bbbb"), (9, 13, "5", "bbbb"), (9, 11, "3", "bb")])
    assert report.dropped == {"zero-width span": 3}  # 7-7, 10-10, 13-13


def test_feature_value_that_looks_like_a_type_name(project):
    assert import_paths(project, [suite("testTokenBoundedSpanWithNastyFeatureValue")]).ok
    _, spans, _ = spans_of(project)
    assert [t for *_, t in spans] == ["This", "is", "a", "test", "."]
    assert {label for _, _, label, _ in spans} == {"de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity:value"}


def test_slot_links_are_read_as_relations_from_their_host(project):
    slot = import_paths(project, [suite("testSimpleSlotFeature")])
    assert slot.ok, slot.summary_lines()
    _, spans, events = spans_of(project)
    assert spans == [(0, 4, "SimpleLinkHost", "This"), (5, 7, "SimpleSpan", "is"), (8, 9, "SimpleSpan", "a")]
    # the host's label is not one that anchors events here, so its two links (p1, p2) are counted
    assert events == [] and slot.dropped == {"relation (not from an event trigger)": 2}


def test_slot_links_from_a_trigger_label_become_event_arguments(project, tmp_path):
    path = tmp_path / "slots.tsv"
    path.write_text(HEADER + "#T_SP=webanno.custom.Frame|value|ROLE_webanno.custom.Frame:args_webanno.custom.Link|"
                    "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity\n\n\n#Text=Rebels took Aleppo .\n"
                    "1-1\t0-6\tRebels\tACTOR\t_\t_\t_\t\n"
                    "1-2\t7-11\ttook\t_\tEVENT\tsource;location\t1-1;1-3\t\n"
                    "1-3\t12-18\tAleppo\tLOCATION\t_\t_\t_\t\n")
    report = import_paths(project, [path])
    assert report.ok, report.summary_lines()
    (text, spans, (event,)), = documents(project)
    where = {s.id: text[s.start:s.end] for s in spans}
    assert where[event.trigger_id] == "took"
    assert sorted((a.role, where[a.span_id]) for a in event.arguments) == [("location", "Aleppo"), ("source", "Rebels")]


def test_chains_and_token_relations_are_counted(project):
    chain = import_paths(project, [suite("testSimpleChain")])
    assert chain.ok and chain.dropped == {"chain link on layer SimpleLink": 3}
    relation = import_paths(project, [suite("testSingleTokenRelationWithFeatureValue")])
    assert relation.dropped == {"relation on layer Relation (its ends are not imported)": 1}


def test_escaped_characters_in_text_and_values(project, tmp_path):
    path = tmp_path / "escaped.tsv"
    path.write_text(HEADER + "\n\n#Text=a\\_b \\[x\\] c\\\\d\n"
                    "1-1\t0-3\ta\\_b\tX\\|Y[1]\t\n1-2\t4-7\t\\[x\\]\tX\\|Y[1]\t\n1-3\t8-11\tc\\\\d\t_\t\n")
    report = import_paths(project, [path])
    assert report.ok, report.summary_lines()
    assert spans_of(project)[:2] == ("a_b [x] c\\d", [(0, 7, "X|Y", "a_b [x]")])


def test_relation_from_a_trigger_label_becomes_an_event_argument(project, tmp_path):
    path = tmp_path / "rel.tsv"
    path.write_text(HEADER + "#T_RL=webanno.custom.Role|role|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity\n"
                    "\n\n#Text=Rebels took Aleppo .\n"
                    "1-1\t0-6\tRebels\tACTOR\tsource\t1-2\t\n"
                    "1-2\t7-11\ttook\tEVENT\t_\t_\t\n"
                    "1-3\t12-18\tAleppo\tLOCATION\tlocation|based_in\t1-2|1-1\t\n"
                    "1-4\t19-20\t.\t_\t_\t_\t\n")
    report = import_paths(project, [path])
    assert report.ok, report.summary_lines()
    (text, spans, (event,)), = documents(project)
    where = {s.id: text[s.start:s.end] for s in spans}
    assert where[event.trigger_id] == "took"
    assert sorted((a.role, where[a.span_id]) for a in event.arguments) == [("location", "Aleppo"), ("source", "Rebels")]
    assert report.dropped == {"relation (not from an event trigger)": 1}


@pytest.mark.parametrize("cut, message", [
    ("1-4\t10-14\ttest\t_\t\n1-5\t15-1", r":\d+: expected 4 tab-separated columns"),
    ("1-4\t10-14\ttest\t_\t\n1-5\t15-19\t.\t_\t", r":11: token 1-5: offset 19 \(UTF-16 units\) is outside its sentence"),
    ("1-4\t10-14\ttest\t_\t\n1-5\t14-15\t.\t_\t", r":11: token 1-5 '\.': offsets 14-15 \(UTF-16 units\) hold ' '"),
    ("1-4\t10-14\ttest\t_\t\n1-5\t1x-16\t.\t_\t", r":\d+: expected a token id and offsets"),
])
def test_bad_input_names_file_and_line_and_changes_nothing(project, tmp_path, cut, message):
    good = suite("testSentenceWithLineBreak").read_text(encoding="utf-8")
    path = tmp_path / "bad.tsv"
    path.write_text(good.split("1-4\t")[0] + cut)
    assert import_paths(project, [suite("testSentenceWithEmoji")]).ok
    report = import_paths(project, [path])
    assert re.match(re.escape(str(path)) + message, str(report.errors[0])), str(report.errors[0])
    assert str(report.errors[0]).startswith(f"{path}:")
    assert project.article_count() == 1


def test_not_webanno_is_refused_with_the_expected_header(project, tmp_path):
    path = tmp_path / "table.tsv"
    path.write_text("a\tb\n")
    report = import_paths(project, [path])
    assert str(report.errors[0]) == f"{path}:1: not WebAnno TSV 3: the first line should be #FORMAT=WebAnno TSV 3.x"


class _Writer:
    """What the readers ask of a ForeignWriter: a refusal, and counts by reason."""

    def __init__(self):
        self.dropped = Counter()

    def fail(self, message, line=None):
        return AssertionError(f"{line}: {message}")


def _both_readers(content):
    """The column reader's and the line reader's reading of ``content``, and what each makes of it."""
    from storage.importing import webanno, webanno_columns
    from storage.importing.intake import numbered_lines

    fast_writer, slow_writer = _Writer(), _Writer()
    fast = webanno_columns.read_usual(content, fast_writer)
    if fast is None:
        return None
    slow = webanno._read_lines(slow_writer, numbered_lines(content))
    return ((fast, webanno._annotations(fast, fast_writer), fast_writer.dropped),
            (slow, webanno._annotations(slow, slow_writer), slow_writer.dropped))


def _assert_same_reading(content, name):
    (fast, fast_result, fast_dropped), (slow, slow_result, slow_dropped) = _both_readers(content)
    assert "".join(fast.parts) == "".join(slow.parts), name
    assert fast.rows == [row for row in slow.rows if any(cell != "_" for cell in row[4])], name
    assert fast_result == slow_result and fast_dropped == slow_dropped, name  # spans, relations, counts
    if fast.tokens:  # kept when a layer refers to tokens by id (relations, slot links)
        assert fast.tokens == slow.tokens, name


def test_the_column_reader_agrees_with_the_line_reader_on_every_real_file():
    """Usual files are read column by column (storage.importing.webanno_columns.read_usual); anything it
    does not take is read line by line. Where it takes a file, it must read exactly what the line
    reader reads: the text, every annotated row with its token's place, and so every span,
    relation and count."""
    files = sorted(TSV.glob("*.tsv")) + sorted((INTEROP / "multi-annotator").rglob("*.tsv"))
    taken = 0
    for path in files:
        content = path.read_text(encoding="utf-8")
        if _both_readers(content) is not None:
            _assert_same_reading(content, path.name)
            taken += 1
    assert taken >= 8  # most of INCEpTION's files are the usual kind; emoji, sub-tokens are not


def _corpus_file():
    """A file as INCEpTION writes a named-entity corpus: multi-token [n] spans, trailing tabs."""
    return (HEADER + "\n\n#Text=Rebel forces took Hama .\n"
            "1-1\t0-5\tRebel\tACTOR[1]\t\n1-2\t6-12\tforces\tACTOR[1]\t\n1-3\t13-17\ttook\tEVENT\t\n"
            "1-4\t18-22\tHama\tLOCATION\t\n1-5\t23-24\t.\t_\t\n\n"
            "#Text=The army left .\n"
            "2-1\t26-29\tThe\t_\t\n2-2\t30-34\tarmy\tACTOR\t\n2-3\t35-39\tleft\tEVENT\t\n2-4\t40-41\t.\t_\t\n")


def test_the_column_reader_takes_a_corpus_file_and_reads_it_as_the_line_reader_does():
    content = _corpus_file()
    _assert_same_reading(content, "corpus")
    (fast, (spans, _), _), _ = _both_readers(content)
    text = "".join(fast.parts)
    assert text == "Rebel forces took Hama .\n The army left ."  # the gap of two: a line break, a space
    assert [(text[s["start"]:s["end"]], s["label"]) for s in spans] == [
        ("Rebel forces", "ACTOR"), ("took", "EVENT"), ("Hama", "LOCATION"), ("army", "ACTOR"), ("left", "EVENT")]


@pytest.mark.parametrize("old, new", [
    ("2-2\t30-34\tarmy\tACTOR\t\n", "2-2\t30-34\tarmy\tACTOR\t\t\n"),  # a cell too many ...
    ("2-4\t40-41\t.\t_\t\n", "2-4\t40-41\t.\n"),  # ... and, with it, one too few
    ("1-3\t13-17\ttook", "1-3\t14-17\ttook"),  # offsets that do not hold the token
    ("1-3\t13-17\ttook", "1-3\t13-17\ttake"),
    ("2-1\t26-29", "2-1\t24-29"),  # a token reaching into the sentence before
    ("1-3\t13-17", "1-3\t013-17"),  # a leading zero
    ("1-3\t13-17", "1-3\t13--17"),
    ("1-3\t13-17", "1-3-1\t13-17"),  # a token id of three numbers
    ("1-3\t13-17", "1.3\t13-17"),
    ("2-3\t35-39\tleft", "#2-3\t35-39\tleft"),  # a comment among the rows
    ("\n#Text=The army left .\n", "\n#Text=The army left .\n\n"),  # a blank line inside a sentence
])
def test_the_column_reader_leaves_every_unusual_file_to_the_line_reader(old, new):
    """A file a little off the usual shape is not the column reader's: it returns None, and the
    line reader reads it (or names the line that is wrong), so no refusal is lost."""
    content = _corpus_file()
    assert old in content
    assert _both_readers(content.replace(old, new, 1)) is None


def test_a_usual_file_with_one_bad_token_is_refused_naming_its_line(project, tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text(_corpus_file().replace("1-3\t13-17\ttook", "1-3\t14-17\ttook"), encoding="utf-8")
    report = import_paths(project, [path])
    assert str(report.errors[0]) == (f"{path}:8: token 1-3 'took': offsets 14-17 (UTF-16 units) hold 'ook' "
                                     "in the #Text line")
    assert project.article_count() == 0


def _plain_and_general(content):
    """What ``_plain_spans`` and ``_annotations`` read from ``content`` (by the line reader, and by
    the column reader when it takes the file): (plain spans, counts) and (spans as triples, counts)."""
    from storage.importing import webanno, webanno_columns
    from storage.importing.intake import numbered_lines

    readings = []
    for read in (lambda w: webanno._read_lines(w, numbered_lines(content)),
                 lambda w: webanno_columns.read_usual(content, w)):
        plain_writer, general_writer = _Writer(), _Writer()
        plain_reader, general_reader = read(plain_writer), read(general_writer)
        if plain_reader is None:
            continue
        plain = webanno._plain_spans(plain_reader, plain_writer)
        spans, relations = webanno._annotations(general_reader, general_writer)
        readings.append(((plain, plain_writer.dropped),
                         ([[s["start"], s["end"], s["label"]] for s in spans], general_writer.dropped), relations))
    return readings


def test_the_plain_span_reading_agrees_with_the_general_one_on_every_real_file():
    """The usual file's spans are read without a dict per span (``_plain_spans``); where it reads a
    file at all, it must read the same spans, in the same order, with the same counts."""
    files = sorted(TSV.glob("*.tsv")) + sorted((INTEROP / "multi-annotator").rglob("*.tsv"))
    contents = [path.read_text(encoding="utf-8") for path in files] + [
        _corpus_file(), _corpus_file().replace("ACTOR[1]", "*[1]"),
        _corpus_file().replace("\tEVENT\t\n", "\t*\t\n", 1), _corpus_file().replace("\tLOCATION\t", "\tLOC[x]\t")]
    plain_read = 0
    for content in contents:
        for (plain, plain_dropped), (general, general_dropped), relations in _plain_and_general(content):
            if plain is not None:
                assert relations == [] and (plain, plain_dropped) == (general, general_dropped)
                plain_read += 1
    assert plain_read >= 8


@pytest.mark.parametrize("old, new", [
    ("\tLOCATION\t", "\tLOCATION|PLACE\t"),  # stacked: read by _annotations
    ("\tLOCATION\t", "\tLOC\\\\|X\t"),  # escaped
])
def test_the_plain_span_reading_leaves_stacked_and_escaped_cells_to_the_general_one(old, new):
    readings = _plain_and_general(_corpus_file().replace(old, new))
    assert readings and all(plain is None for (plain, _), _, _ in readings)


def test_a_multi_token_annotation_with_two_labels_is_refused_alike_by_both_readings(project, tmp_path):
    content = _corpus_file().replace("1-2\t6-12\tforces\tACTOR[1]", "1-2\t6-12\tforces\tEVENT[1]")
    for read in ("plain", "general"):
        from storage.importing import webanno
        from storage.importing.intake import numbered_lines
        writer = _Writer()
        reader = webanno._read_lines(writer, numbered_lines(content))
        with pytest.raises(AssertionError, match=r"^7: annotation \[1\] is 'ACTOR' on one token and 'EVENT' on token 1-2$"):
            webanno._plain_spans(reader, writer) if read == "plain" else webanno._annotations(reader, writer)
    path = tmp_path / "two-labels.tsv"
    path.write_text(content, encoding="utf-8")
    report = import_paths(project, [path])
    assert str(report.errors[0]) == f"{path}:7: annotation [1] is 'ACTOR' on one token and 'EVENT' on token 1-2"
    assert project.article_count() == 0


def test_files_read_together_are_each_read_as_if_alone():
    """A round's files are read in one pass (webanno_columns.read_many); an unusual one among them
    sends the pass to halves until it is alone, and reads as None (the line reader's), the others
    exactly as they read alone, each with its own text, rows and line numbers."""
    from storage.importing import webanno_columns

    corpus = _corpus_file()
    real = [path.read_text(encoding="utf-8") for path in sorted(TSV.glob("*.tsv"))]
    contents = [corpus, corpus.replace("#Text=The army left .", "#Text=The army  left ."),  # unusual
                corpus.replace("The army", "Our army").replace("\tThe\t", "\tOur\t"),
                corpus.replace("ner.type.NamedEntity", "ner.type.Other").replace("dkpro.core.api", "custom"),
                *real, corpus.replace("\n\n#Text=The", "\n\n\n#Text=The")]
    alone = [webanno_columns.read_usual(content, _Writer()) for content in contents]
    together = webanno_columns.read_many(contents)
    assert [reader is None for reader in alone[:4]] == [False, True, False, False] and alone[-1] is None
    for one, other in zip(alone, together):
        assert (one is None) == (other is None)
        if one is not None:
            assert ("".join(one.parts), one.rows, one.tokens, one.length) == (
                "".join(other.parts), other.rows, other.tokens, other.length)
            assert [layer.type for layer in one.layers] == [layer.type for layer in other.layers]


def test_a_bad_file_among_files_read_together_is_refused_alone(project, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(12):
        content = _corpus_file().replace("Hama", f"H{number:03}")  # (as long: the offsets hold)
        if number == 5:
            content = content.replace("1-3\t13-17\ttook", "1-3\t14-17\ttook")
        (folder / f"{number:02}.tsv").write_text(content, encoding="utf-8")
    report = import_paths(project, [folder])
    bad = folder / "05.tsv"
    assert [str(error) for error in report.errors] == [
        f"{bad}:8: token 1-3 'took': offsets 14-17 (UTF-16 units) hold 'ook' in the #Text line"]
    assert project.article_count() == 11
    texts = sorted(text for text, _, _ in documents(project))
    assert texts == [f"Rebel forces took H{n:03} .\n The army left ." for n in range(12) if n != 5]
