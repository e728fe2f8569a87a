"""brat standoff import against brat's own tutorial files and medkit's test files."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from storage.importing import ImportOptions, import_paths
from storage.project import Project
from tests.storage.importing.helpers import INTEROP, by_source

NEWS = INTEROP / "brat-news"
EXTRA = INTEROP / "brat-extra"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def t_lines(ann: Path) -> dict[str, tuple[str, list[tuple[int, int]], str]]:
    """T id -> (type, fragments, text), read independently of the importer."""
    found = {}
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            ident, head, shown = line.split("\t")
            kind, offsets = head.split(" ", 1)
            found[ident] = (kind, [tuple(map(int, f.split())) for f in offsets.split(";")], shown)
    return found


def test_every_span_of_the_news_tutorial_has_its_offsets_text_and_label(project):
    report = import_paths(project, [NEWS])
    assert report.ok, report.summary_lines()
    docs = by_source(project)
    checked = 0
    for ann in sorted(NEWS.glob("*.ann")):
        text = (NEWS / f"{ann.stem}.txt").read_text(encoding="utf-8")
        expected = t_lines(ann)
        stored_text, spans, events = docs[f"{ann.stem}.txt"] if expected or text.strip() else (text, [], [])
        assert stored_text == text
        got = {span.attributes["source_id"]: span for span in spans}
        assert set(got) == set(expected)
        for ident, (kind, [(start, end)], shown) in expected.items():
            span = got[ident]
            assert (span.start, span.end, span.label) == (start, end, kind)
            assert stored_text[span.start:span.end] == shown
            assert span.origin == "import:brat"
            checked += 1
        e_count = sum(1 for line in ann.read_text().splitlines() if line.startswith("E"))
        assert len(events) == e_count
    assert checked == report.spans_added == 119


def test_news_tutorial_entity_attributes_normalisations_notes_and_arguments_named_before_their_t(project):
    """brat-news as its .ann files say, line by line, read without the importer."""
    report = import_paths(project, [NEWS])
    assert report.ok, report.summary_lines()
    # 8 R lines, 2 * lines, one note on R1 (110), and 8 E arguments that are events (090: 4, 100: 4)
    assert report.dropped == {"brat relation (R)": 8, "brat equivalence (*)": 2,
                              "attribute or note on a relation": 1,
                              "event as another event's argument (its trigger fills the role)": 8}
    assert report.articles_added == len(list(NEWS.glob("*.txt")))
    docs = by_source(project)
    events_checked = 0
    for ann in sorted(NEWS.glob("*.ann")):
        lines = [line.split("\t") for line in ann.read_text(encoding="utf-8").splitlines() if line]
        text, spans, events = docs[f"{ann.stem}.txt"]
        by_id = {s.attributes["source_id"]: s for s in spans}
        span_of = {s.id: s.attributes["source_id"] for s in spans}
        triggers = {fields[0]: fields[1].split()[0].split(":")[1] for fields in lines if fields[0].startswith("E")}
        for fields in lines:
            if fields[0].startswith("E"):  # E1 Type:T3 Role:T1 Role2:E2: roles unnumbered, events by their trigger
                event = next(e for e in events if e.attributes["source_id"] == fields[0])
                kind, *arguments = fields[1].split()
                assert (event.type, span_of[event.trigger_id]) == tuple(kind.split(":"))
                assert sorted((a.role, span_of[a.span_id]) for a in event.arguments) == sorted(
                    (re.sub(r"\d+$", "", role), triggers.get(target, target))
                    for role, target in (argument.split(":") for argument in arguments))
                events_checked += 1
            elif fields[0].startswith("A"):  # A1 Mention T4 Name; A2 Individual T4 (binary)
                name, target, *value = fields[1].split()
                owner = by_id[target] if target.startswith("T") else next(
                    e for e in events if e.attributes["source_id"] == target)
                assert owner.attributes[name] == (value[0] if value else "true")
            elif fields[0].startswith("N"):  # N1 Reference T5 Wikipedia:64488 → span attribute Wikipedia
                _, target, reference = fields[1].split()
                resource, entry = reference.split(":")
                assert by_id[target].attributes[resource] == entry and by_id[target].label == "Person"
            elif fields[0].startswith("#") and fields[1].split()[1].startswith("T"):
                assert by_id[fields[1].split()[1]].attributes["note"] == fields[2]
    assert events_checked == report.events_added == 23
    # 000: E1 names T4 and T6 before their T lines; the span attributes joined the scheme, reported
    assert {"span attribute Person.Mention (choice)", "span attribute Person.Individual (choice)",
            "span attribute Person.Wikipedia (text)", "span attribute Money.note (text)",
            "attribute Confidence (choice)"} <= set(report.scheme_added)
    # annotation.conf's [attributes]: "Mention Arg:<ENTITY>, Value:Name|Nominal|Other", binary "Individual
    # Arg:<ENTITY>", "Confidence Arg:<EVENT>, Value:High|Neutral|Low" are choice lists in the scheme
    person = {a.name: a for a in project.scheme.label("Person").attributes}
    assert (person["Mention"].kind, person["Mention"].choices) == ("choice", ("Name", "Nominal", "Other"))
    assert (person["Individual"].kind, person["Individual"].choices) == ("choice", ("true",))
    confidence = next(a for a in project.scheme.attributes if a.name == "Confidence")
    assert (confidence.kind, confidence.choices) == ("choice", ("High", "Neutral", "Low"))


def test_events_numbered_roles_nested_events_attributes_and_notes(project):
    report = import_paths(project, [EXTRA / "example-data__tutorials__bio__110-note_annotation.ann",
                                    EXTRA / "example-data__tutorials__bio__090-event_structures.ann",
                                    EXTRA / "example-data__tutorials__bio__100-attribute_annotation.ann"])
    assert report.ok, report.summary_lines()
    docs = by_source(project)
    text, spans, events = docs["example-data__tutorials__bio__110-note_annotation.txt"]
    ids = {span.id: span for span in spans}
    binding = next(e for e in events if e.attributes["source_id"] == "E1")
    # E1 Binding:T5 Theme:T2 Theme2:T3 Theme3:T4: three fillers of one role, Theme
    assert binding.type == "Binding" and text[ids[binding.trigger_id].start:ids[binding.trigger_id].end] == "binds"
    assert [(a.role, text[ids[a.span_id].start:ids[a.span_id].end]) for a in binding.arguments] == [
        ("Theme", "IL-10"), ("Theme", "IL-10R1"), ("Theme", "IL-10R2")]
    # "#2 AnnotatorNotes E1" keeps its text as written, trailing spaces and all
    assert binding.attributes["note"] == "Single ternary binding event or two binary ones?  "
    igg = next(s for s in spans if s.attributes["source_id"] == "T1")
    assert igg.attributes["note"] == "Check: is this a Protein or a Complex?"
    # 090: an event that is another event's argument is represented by its trigger span, counted
    assert report.files[1].dropped["event as another event's argument (its trigger fills the role)"] == 4
    text, spans, events = docs["example-data__tutorials__bio__090-event_structures.txt"]
    ids = {span.id: span for span in spans}
    regulation = next(e for e in events if e.type == "Positive_regulation")
    assert {(a.role, ids[a.span_id].label) for a in regulation.arguments} >= {("Theme", "Gene_expression")}
    # 100: attributes on events, binary and valued
    text, spans, events = docs["example-data__tutorials__bio__100-attribute_annotation.txt"]
    assert any(e.attributes.get("Negation") == "true" for e in events)
    assert any(e.attributes.get("Confidence") == "Possible" for e in events)
    assert "role Theme (now also takes Gene_expression, Positive_regulation)" in report.scheme_added


def _bio_folder(tmp_path: Path, *stems: str) -> Path:
    """brat's bio tutorial files with their annotation.conf, under the names brat gives them."""
    folder = tmp_path / "bio"
    folder.mkdir()
    shutil.copy(EXTRA / "example-data__tutorials__bio__annotation.conf", folder / "annotation.conf")
    for stem in stems:
        for suffix in (".ann", ".txt"):
            shutil.copy(EXTRA / f"example-data__tutorials__bio__{stem}{suffix}", folder / f"{stem}{suffix}")
    return folder


def test_conf_attribute_value_lists_become_choice_attributes(project, tmp_path):
    """bio's annotation.conf: "Negation Arg:<EVENT>" (binary) and "Confidence Arg:<EVENT>,
    Value:Possible|Likely|Certain"; the .ann's values land as those choices."""
    report = import_paths(project, [_bio_folder(tmp_path, "100-attribute_annotation")])
    assert report.ok, report.summary_lines()
    declared = {a.name: a for a in project.scheme.attributes}
    assert (declared["Confidence"].kind, declared["Confidence"].choices) == ("choice", ("Possible", "Likely", "Certain"))
    assert (declared["Negation"].kind, declared["Negation"].choices) == ("choice", ("true",))
    assert {"attribute Negation (choice)", "attribute Confidence (choice)"} <= set(report.scheme_added)
    _, _, events = by_source(project)["100-attribute_annotation.txt"]
    ann = (tmp_path / "bio" / "100-attribute_annotation.ann").read_text(encoding="utf-8")
    expected = {}
    for line in ann.splitlines():
        if line.startswith("A"):
            name, target, *value = line.split("\t")[1].split()
            expected.setdefault(target, {})[name] = value[0] if value else "true"
    assert {e.attributes["source_id"]: {k: v for k, v in e.attributes.items() if k != "source_id"}
            for e in events if len(e.attributes) > 1} == expected


def test_a_value_off_the_conf_list_is_refused_with_its_line(project, tmp_path):
    folder = _bio_folder(tmp_path, "100-attribute_annotation")
    ann = folder / "100-attribute_annotation.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if "Confidence" in line)
    lines[number - 1] = re.sub(r"(Confidence \S+) \S+", r"\1 Doubtful", lines[number - 1])
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(project, [folder])
    assert not report.ok and project.article_count() == 0
    assert re.fullmatch(re.escape(f"{ann}:{number}: ") + r"E\d+: Confidence is 'Doubtful', which is not one of its "
                        r"values \(Possible\|Likely\|Certain\)", str(report.errors[0])), str(report.errors[0])


def test_an_attribute_the_project_has_is_not_redefined_by_the_conf(project, tmp_path):
    from storage.model import Attribute
    project.add_attribute(Attribute(name="Confidence", kind="text"))
    report = import_paths(project, [_bio_folder(tmp_path, "100-attribute_annotation")])
    assert report.ok, report.summary_lines()
    assert next(a for a in project.scheme.attributes if a.name == "Confidence").kind == "text"
    assert "attribute Confidence (choice)" not in report.scheme_added


@pytest.mark.parametrize("pattern, ok", [("T[0-9]+", True), ("Q[0-9]+", False)])
def test_a_source_id_the_label_declares_otherwise_is_checked_against_its_declaration(project, tmp_path, pattern, ok):
    """A T id is its span's source_id, free text unless the project's label declares source_id
    otherwise (here a pattern): then each one is checked against that declaration."""
    from storage.model import Label, SpanAttribute
    project.add_label(Label(name="Group", colour="#AA0000"))
    project.declare_span_attribute("Group", SpanAttribute(name="source_id", kind="pattern", pattern=pattern))
    (tmp_path / "a.txt").write_text("Rebels took Aleppo.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tGroup 0 6\tRebels\nT2\tPlace 12 18\tAleppo\n", encoding="utf-8")
    report = import_paths(project, [tmp_path / "a.ann"])
    if ok:
        assert report.ok, report.summary_lines()
        assert {s.label: s.attributes for s in project.spans(project.article_ids()[0])} == {
            "Group": {"source_id": "T1"}, "Place": {"source_id": "T2"}}
        assert report.scheme_added == ["label Place (entity, key 4)", "span attribute source_id (text) on Place"]
    else:
        assert "source_id" in str(report.errors[0]) and project.article_count() == 0


def test_e_line_before_the_t_lines_it_names(project, tmp_path):
    (tmp_path / "a.txt").write_text("Rebels took Aleppo.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("E1\tAttack:T2 Attacker:T1\nT1\tGroup 0 6\tRebels\nT2\tAttack 7 11\ttook\n")
    report = import_paths(project, [tmp_path / "a.ann"])
    assert report.ok, report.summary_lines()
    (event,) = project.events(project.article_ids()[0])
    assert event.type == "Attack" and [a.role for a in event.arguments] == ["Attacker"]


def test_discontinuous_spans_split_with_a_note_or_refused(project, tmp_path):
    report = import_paths(project, [EXTRA / "tests__data__brat__1_example.ann"])
    assert report.ok
    assert report.dropped == {"discontinuous span (split, one span per fragment)": 2, "brat relation (R)": 2,
                              "attribute or note on a relation": 2, "repeated span (collapsed)": 1}
    text, spans, _ = by_source(project)["tests__data__brat__1_example.txt"]
    t6 = [s for s in spans if s.attributes["source_id"] == "T6"]
    # T6 and T7 both start with the fragment 251..259 "vitamins": one span, the repeat counted
    assert [(text[s.start:s.end], s.attributes["note"]) for s in t6] == [
        ("vitamins", "fragment 1 of 2 of discontinuous T6"), ("D", "fragment 2 of 2 of discontinuous T6")]
    assert next(s for s in spans if s.attributes["source_id"] == "T1").attributes["note"] == "C0011849"
    with Project.open(tmp_path / "q.sqlite") as other:
        refused = import_paths(other, [EXTRA / "tests__data__brat__1_example.ann"],
                               options=ImportOptions(discontinuous="refuse"))
        assert not refused.ok and other.article_count() == 0
        assert "T6 is discontinuous (2 fragments)" in str(refused.errors[0])
        assert str(refused.errors[0]).startswith(f"{EXTRA / 'tests__data__brat__1_example.ann'}:14:")


def test_fragments_written_with_a_space_after_the_semicolon(project, tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    shutil.copy(EXTRA / "tests__data__brat__2_augmented_entities.ann", folder / "doc.ann")
    ann = (folder / "doc.ann").read_text()
    assert "; " in ann
    needed = max(int(n) for n in re.findall(r"\b(\d+)\b", ann.split("\n")[0]))
    report = import_paths(project, [folder / "doc.ann"])
    assert not report.ok and "no doc.txt beside this .ann" in str(report.errors[0])
    (folder / "doc.txt").write_text("x" * 400, encoding="utf-8")
    report = import_paths(project, [folder / "doc.ann"])
    assert not report.ok and "its text is" in str(report.errors[0]) and needed > 0


def test_ann_without_txt_fails_alone_and_empty_ann_is_a_bare_article(project, tmp_path):
    shutil.copy(EXTRA / "tests__data__brat__2_augmented_entities.ann", tmp_path / "orphan.ann")
    shutil.copy(NEWS / "010-navigation.ann", tmp_path / "empty.ann")
    shutil.copy(NEWS / "010-navigation.txt", tmp_path / "empty.txt")
    report = import_paths(project, [tmp_path])
    assert [str(e) for e in report.errors] == [
        f"{tmp_path / 'orphan.ann'}: no orphan.txt beside this .ann: brat keeps the text in a .txt of the same name"]
    assert project.article_count() == 1 and project.spans(project.article_ids()[0]) == []


def test_bad_ann_names_file_and_line_and_leaves_the_project_unchanged(project, tmp_path):
    (tmp_path / "a.txt").write_text("Rebels took Aleppo.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tGroup 0 6\tRebels\nT2\tPlace 12 18\tHoms\n")
    report = import_paths(project, [tmp_path / "a.ann"])
    assert [str(e) for e in report.errors] == [
        f"{tmp_path / 'a.ann'}:2: T2: its text is 'Homs' but the text at 12 18 is 'Aleppo'"]
    (tmp_path / "a.ann").write_text("T1\tGroup 0 60\tRebels\n")
    assert "T1: offsets 0..60 are outside the text (0..19)" in str(import_paths(project, [tmp_path / "a.ann"]).errors[0])
    (tmp_path / "a.ann").write_text("T1\tGroup 0 6\tRebels\nE1\tAttack:T9\n")
    assert "E1: trigger T9 is not a T annotation" in str(import_paths(project, [tmp_path / "a.ann"]).errors[0])
    assert project.article_count() == 0 and [l.name for l in project.scheme.labels] == ["ACTOR", "LOCATION", "EVENT"]


def test_bionlp_style_corpora_import_one_after_another_widening_roles(project, tmp_path):
    first, second = tmp_path / "epi", tmp_path / "ge"
    first.mkdir(), second.mkdir()
    (first / "a.txt").write_text("TP53 is methylated.", encoding="utf-8")
    (first / "a.ann").write_text("T1\tProtein 0 4\tTP53\nT2\tDNA_methylation 8 18\tmethylated\n"
                                 "E1\tDNA_methylation:T2 Theme:T1\n")
    (second / "b.txt").write_text("Expression of p53 induces transcription.", encoding="utf-8")
    (second / "b.ann").write_text("T1\tProtein 14 17\tp53\nT2\tGene_expression 0 10\tExpression\n"
                                  "T3\tTranscription 26 39\ttranscription\nE1\tGene_expression:T2 Theme:T1\n"
                                  "E2\tTranscription:T3 Theme:E1\n")
    assert import_paths(project, [first]).ok
    report = import_paths(project, [second])
    assert report.ok, report.summary_lines()
    assert "role Theme (now also takes Gene_expression)" in report.scheme_added
    theme = next(r for r in project.scheme.roles if r.name == "Theme")
    assert set(theme.labels) == {"Protein", "Gene_expression"}


def _content(project: Project) -> list[tuple]:
    """Everything of every article but ids, origins and the source ids an import adds."""
    result = []
    for article_id in project.article_ids():
        text = project.article(article_id).text
        spans = {s.id: s for s in project.spans(article_id)}
        where = {i: (s.start, s.end) for i, s in spans.items()}
        result.append((
            text,
            sorted((s.start, s.end, s.label, tuple(sorted((k, str(v)) for k, v in s.attributes.items()
                                                          if k != "source_id"))) for s in spans.values()),
            sorted((where[e.trigger_id], spans[e.trigger_id].label, e.type,
                    tuple(sorted((a.role, where[a.span_id]) for a in e.arguments)),
                    tuple(sorted((k, str(v)) for k, v in e.attributes.items() if k != "source_id")))
                   for e in project.events(article_id))))
    return result


def test_our_brat_export_round_trips(project, tmp_path):
    from storage.exporting import export_to_path
    text = "Rebels took Aleppo\non Friday, and the army left Homs.\r\nIt was over."
    article = project.add_article(text=text.replace("\r\n", "\n"), title="Aleppo")
    rebels = project.add_span(article.id, 0, 6, "ACTOR")
    took = project.add_span(article.id, 7, 11, "EVENT")
    aleppo = project.add_span(article.id, 12, 21, "LOCATION")  # "Aleppo\non": across a line break
    army = project.add_span(article.id, 38, 42, "ACTOR")
    left = project.add_span(article.id, 43, 47, "EVENT")
    project.add_span(article.id, 48, 52, "LOCATION")
    first = project.add_event(took.id, type="FIGHT", attributes=project.default_attributes(article.id))
    project.add_argument(first.id, "source", rebels.id)
    project.add_argument(first.id, "location", aleppo.id)
    project.set_event_attribute(first.id, "polarity", "negative")
    # The window starts every frame with the scheme's defaults; brat leaves a default out.
    second = project.add_event(left.id, attributes=project.default_attributes(article.id) | {"date": "2024-12-01"})
    project.add_argument(second.id, "source", army.id)
    project.add_argument(second.id, "target", rebels.id)
    export_to_path(project, "brat", tmp_path / "out")
    with Project.open(tmp_path / "again.sqlite") as again:
        report = import_paths(again, [tmp_path / "out"])
        assert report.ok, report.summary_lines()
        assert _content(again) == _content(project)


def test_a_foreign_folder_round_trips_through_our_brat_export_without_gaining_default_attributes(project, tmp_path):
    """brat-news's events hold no polarity or modality (the scheme's defaults: positive, asserted).
    Our export leaves a default out and our import fills it in, so the export says "modality="
    for an event holding none: imported again, every event has the attributes it had."""
    from storage.exporting import export_to_path
    assert import_paths(project, [NEWS]).ok
    defaults = {a.name for a in project.scheme.attributes if a.choices and a.default}
    events = [e for article_id in project.article_ids() for e in project.events(article_id)]
    assert len(events) == 23 and defaults == {"polarity", "modality"}
    assert not any(defaults & set(e.attributes) for e in events)
    export_to_path(project, "brat", tmp_path / "out")
    with Project.open(tmp_path / "again.sqlite") as again:
        report = import_paths(again, [tmp_path / "out"])
        assert report.ok, report.summary_lines()
        assert sorted(_content(again), key=repr) == sorted(_content(project), key=repr)  # files in another order
    first = (tmp_path / "out" / "1.ann").read_text(encoding="utf-8")
    assert "\tAnnotatorNotes E1\tpolarity=; modality=; source_id=E1\n" in first


def test_a_plover_2_project_round_trips_with_its_multi_valued_and_integer_attributes(tmp_path):
    """The default scheme: contexts and auxiliaries are A lines (one per value), modes and counts
    notes (``mode=firearms,aerial``, ``dead=3``), sectors A lines, Wikidata ids N lines, a
    multi-valued free-text span attribute one ``alias=…`` per value: all come back as they were."""
    from storage.exporting import export_to_path
    from storage.model import SpanAttribute
    with Project.open(tmp_path / "p.sqlite", new_scheme="plover-2.0") as project:
        project.declare_span_attribute("ACTOR", SpanAttribute("alias", multi=True))
        text = "Rebels shelled Velmora and the army struck back.\n"
        article = project.add_article(text=text, title="Velmora")
        rebels, shelled = project.add_span(article.id, 0, 6, "ACTOR"), project.add_span(article.id, 7, 14, "EVENT")
        army, struck = project.add_span(article.id, 27, 35, "ACTOR"), project.add_span(article.id, 36, 42, "EVENT")
        place = project.add_span(article.id, 15, 22, "LOCATION")
        project.set_span_attribute(rebels.id, "sector", ["REB", "OPP"])
        project.set_span_attribute(rebels.id, "alias", ["insurgents", "the Front"])
        project.set_span_attribute(army.id, "code", "SYR")
        project.set_span_attribute(army.id, "identifier_id", "Q42")
        first = project.add_event(shelled.id, type="ASSAULT", attributes={
            "mode": ["firearms", "aerial"], "context": ["military", "repression"], "auxiliary": ["historical"],
            "dead": 3, "date": "2025-03-14"})
        project.add_argument(first.id, "actor", rebels.id)
        project.add_argument(first.id, "recipient", army.id)
        project.add_argument(first.id, "location", place.id)
        second = project.add_event(struck.id, type="ASSAULT", attributes={"context": ["military"], "injured": 0})
        project.add_argument(second.id, "actor", army.id)
        project.set_article_attribute(article.id, "context", ["military", "repression"])
        exported = export_to_path(project, "brat", tmp_path / "out")
        # brat has no document-level annotation: the article's own contexts are said to be left out
        assert "; 2 article-level attribute values left out (brat annotates spans only)" in exported.summary()
        with Project.open(tmp_path / "again.sqlite", new_scheme="plover-2.0") as again:
            report = import_paths(again, [tmp_path / "out"])
            assert report.ok, report.summary_lines()
            assert _content(again) == _content(project)
            (rebels_again, *_) = again.spans(again.article_ids()[0])
            assert rebels_again.attributes["alias"] == ["insurgents", "the Front"]
            assert {e.attributes.get("dead") for e in again.events(again.article_ids()[0])} == {3, None}


def test_fragments_with_a_space_after_the_semicolon_and_a_note_starting_with_a_space(project, tmp_path):
    (tmp_path / "d.txt").write_text("vitamins A and D were given.", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tvitamin 0 8; 15 16\tvitamins D\n"
                                    "T2\tvitamin 0 10\tvitamins A\n"
                                    "#1\tAnnotatorNotes T2\t leading space kept\n")
    report = import_paths(project, [tmp_path / "d.ann"])
    assert report.ok, report.summary_lines()
    text, spans, _ = by_source(project)["d.txt"]
    assert sorted((text[s.start:s.end], s.attributes["source_id"]) for s in spans) == [
        ("D", "T1"), ("vitamins", "T1"), ("vitamins A", "T2")]
    assert next(s for s in spans if s.attributes["source_id"] == "T2").attributes["note"] == " leading space kept"


def _brat_folder(folder: Path, documents: dict[str, tuple[str, str]]) -> None:
    folder.mkdir()
    for name, (text, ann) in documents.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.ann").write_text(ann, encoding="utf-8")


GOOD = ("Rebels took Aleppo.", "T1\tACTOR 0 6\tRebels\nT2\tEVENT 7 11\ttook\nT3\tLOCATION 12 18\tAleppo\n"
                               "E1\tEVENT:T2 source:T1 location:T3\n")


def test_a_file_failing_after_its_rows_queued_rolls_back_alone_in_a_shared_round(project, tmp_path):
    """brat files share one transaction and one batch of rows; the second file fails in the
    frame check, after its article and spans were queued: it alone is out, and the others' rows
    and ids are as if it had never been read. A new label of a failed file goes with it."""
    shelled = ("The army shelled Homs and Hama.", "T1\t{} 4 8\tarmy\nT2\tEVENT 9 16\tshelled\n"
                                                  "T3\tLOCATION 17 21\tHoms\nT4\tLOCATION 26 30\tHama\n"
                                                  "E1\tEVENT:T2 location:T3 location2:T4\n")
    _brat_folder(tmp_path / "corpus", {
        "a": GOOD, "b": (shelled[0], shelled[1].format("ACTOR")),
        "c": ("Talks began in Geneva.", "T1\tEVENT 6 11\tbegan\nT2\tLOCATION 15 21\tGeneva\n"
                                        "E1\tEVENT:T1 location:T2\n")})
    report = import_paths(project, [tmp_path / "corpus"])
    assert [str(e) for e in report.errors] == [
        f"{tmp_path / 'corpus' / 'b.ann'}: events[0]: role 'location' takes at most 1 span(s)"]
    assert (report.articles_added, [r.spans_added for r in report.files]) == (2, [3, 0, 2])
    documents = by_source(project)
    assert sorted(documents) == ["a.txt", "c.txt"]
    span_ids = [s.id for text, spans, _ in documents.values() for s in spans]
    assert sorted(span_ids) == list(range(1, 6))  # nothing of b's left a gap
    for text, spans, events in documents.values():
        by_id = {s.id: text[s.start:s.end] for s in spans}
        assert [(by_id[e.trigger_id], [(a.role, by_id[a.span_id]) for a in e.arguments]) for e in events] in (
            [("took", [("source", "Rebels"), ("location", "Aleppo")])], [("began", [("location", "Geneva")])])
    _brat_folder(tmp_path / "more", {"d": (shelled[0], shelled[1].format("Weapon"))})
    assert not import_paths(project, [tmp_path / "more"]).ok
    assert "Weapon" not in [label.name for label in project.scheme.labels] and project.article_count() == 2


def test_a_round_the_database_refuses_is_imported_again_file_by_file(project, tmp_path):
    """A refusal only SQLite makes (here a guard a user added to the file) comes when a round's
    rows are written together: the round is rolled back and read again one file at a time,
    so the refusal names its file and the others import."""
    project.db.execute("CREATE TRIGGER guard BEFORE INSERT ON span_attributes WHEN NEW.value = '\"T3\"' "
                       "BEGIN SELECT RAISE(ABORT, 'no third spans here'); END")
    _brat_folder(tmp_path / "corpus", {"a": ("Talks began.", "T1\tEVENT 6 11\tbegan\n"), "b": GOOD,
                                       "c": ("Rebels left.", "T1\tACTOR 0 6\tRebels\n")})
    report = import_paths(project, [tmp_path / "corpus"])
    assert [str(e) for e in report.errors] == [
        f"{tmp_path / 'corpus' / 'b.ann'}: the project refused its records: no third spans here"]
    assert sorted(by_source(project)) == ["a.txt", "c.txt"] and report.articles_added == 2


def test_four_annotators_brat_files_become_four_layers_on_seven_articles(project):
    """bratiaa's example project: the same 7 texts annotated by Lisa, Maria, Max and Peter; each
    one's files imported with --annotator become that layer, span for span as their .ann says."""
    folder = INTEROP / "multi-annotator"
    names = ("Lisa", "Maria", "Max", "Peter")
    for name in names:
        report = import_paths(project, sorted(folder.glob(f"*__{name}__*.ann")),
                              options=ImportOptions(annotator=name))
        assert report.ok, report.summary_lines()
    assert project.article_count() == 7
    texts = {project.article(i).text: i for i in project.article_ids()}
    for name in names:
        for ann in sorted(folder.glob(f"*__{name}__*.ann")):
            text = ann.with_suffix(".txt").read_text(encoding="utf-8")
            spans = [s for s in project.spans(texts[text]) if s.annotator == name]
            expected = sorted((start, end, kind, shown) for kind, [(start, end)], shown in t_lines(ann).values())
            assert sorted((s.start, s.end, s.label, text[s.start:s.end]) for s in spans) == expected
    max_spans = [project.article(i).text[s.start:s.end] for i in project.article_ids()
                 for s in project.spans(i) if s.annotator == "Max"]
    assert "Grenoble (Francia)" in max_spans  # Max's long spans, as he marked them
