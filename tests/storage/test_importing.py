"""Importing .txt files, folders and native JSONL into real project files: all or nothing per file."""
from __future__ import annotations

import codecs
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import scheme as scheme_store
from storage.importing import PALETTE, import_paths
from storage.model import Label
from storage.project import Project
from storage.text import BOM, content_hash, normalise, parse_article

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLE = SHARED / "samples" / "000_be5ca420abf9a110.txt"
NEWS = SHARED / "interop" / "news-ar-zh"
TEXT = "Rebels took Aleppo on Friday."


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def only_article(project: Project):
    (article_id,) = project.article_ids()
    return project.article(article_id)


def jsonl(*records: Any) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def record(text: str = TEXT, **extra: Any) -> dict[str, Any]:
    """A native record: ACTOR "Rebels", EVENT "took", LOCATION "Aleppo" and one event frame."""
    spans = [{"id": 11, "start": 0, "end": 6, "label": "ACTOR", "text": "Rebels"},
             {"id": 12, "start": 7, "end": 11, "label": "EVENT", "text": "took"},
             {"id": 13, "start": 12, "end": 18, "label": "LOCATION", "text": "Aleppo"}]
    events = [{"id": 21, "trigger": 12, "type": "FIGHT", "attributes": {"polarity": "positive"},
               "arguments": [{"role": "source", "span": 11}, {"role": "location", "span": 13}]}]
    base = {"id": 5, "text": text, "meta": {"title": "Aleppo", "date": "2024-11-29", "source": "wire",
                                            "status": "done"},
            "spans": spans, "events": events}
    return base | extra


# -- plain text ------------------------------------------------------------------------------

def test_sample_article_gets_title_date_and_an_annotatable_headline(project):
    report = import_paths(project, [SAMPLE])
    article = only_article(project)
    headline = "Events suggest that the end of Bashar Al-Assad’s regime could be imminent."
    assert report.ok and report.articles_added == 1
    assert (article.title, article.date, article.source) == (headline, "2024-12-08", SAMPLE.name)
    assert article.text.startswith(headline + "\n\nBEIRUT — Syria’s prime minister")
    span = project.add_span(article.id, 0, len(headline), "EVENT")  # the headline is text too
    assert article.text[span.start:span.end] == headline


def test_plain_text_without_header_is_stored_exactly(project, tmp_path):
    raw = "Protesters gathered in Homs.\n\nThe army withdrew.\n"
    import_paths(project, [write(tmp_path / "plain.txt", raw)])
    article = only_article(project)
    assert (article.text, article.title, article.date) == (raw, "Protesters gathered in Homs.", None)


def test_crlf_is_normalised_and_reported(project, tmp_path):
    report = import_paths(project, [write(tmp_path / "crlf.txt", b"one\r\ntwo\r\nthree")])
    assert only_article(project).text == "one\ntwo\nthree"
    assert report.files[0].notes == ["2 CRLF line ends → \\n"]
    assert "crlf.txt: normalised 2 CRLF line ends" in report.summary_lines()[0]


def test_utf8_bom_is_dropped_and_reported(project, tmp_path):
    report = import_paths(project, [write(tmp_path / "bom.txt", codecs.BOM_UTF8 + "Ankara talks".encode())])
    assert only_article(project).text == "Ankara talks"
    assert report.files[0].notes == ["leading BOM dropped"]


def test_a_bom_inside_the_text_after_the_encodings_mark_goes_too(project, tmp_path):
    # Qt drops one leading U+FEFF on display: stored, it would shift every offset by one.
    data = codecs.BOM_UTF16_LE + (BOM + "Ankara talks").encode("utf-16-le")
    report = import_paths(project, [write(tmp_path / "bom.txt", data)])
    assert only_article(project).text == "Ankara talks"
    assert report.files[0].notes == ["2 leading BOMs dropped"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read(project, tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    text = "Damascus — دمشق — 大马士革 🙂"
    report = import_paths(project, [write(tmp_path / "u16.txt", bom + text.encode(codec))])
    assert report.ok and only_article(project).text == text


def test_cp1252_is_refused_with_advice_then_accepted_with_its_encoding(project, tmp_path):
    path = write(tmp_path / "legacy.txt", "Caf\u00e9 talks \u2013 na\u00efve hopes".encode("cp1252"))
    refused = import_paths(project, [path])
    (error,) = refused.errors
    assert error.path == str(path) and error.line == 1
    assert "--encoding" in str(error) and str(error).startswith(f"{path}:1: not valid UTF-8")
    assert project.article_count() == 0
    accepted = import_paths(project, [path], encoding="cp1252")
    assert accepted.ok and only_article(project).text == "Café talks – naïve hopes"


def test_header_without_text_is_an_error(project, tmp_path):
    report = import_paths(project, [write(tmp_path / "h.txt", " date 2024-12-08\n\n")])
    assert "no article text" in str(report.errors[0]) and project.article_count() == 0


def test_folder_import_is_recursive_sorted_and_skips_hidden_and_other_files(project, tmp_path):
    folder = tmp_path / "corpus"
    for name in ["b.txt", "a/z.txt", "a/b/c.txt", ".hidden.txt", ".git/x.txt", "notes.md"]:
        write(folder / name, f"Article {name}")
    seen: list[tuple[int, int, str]] = []
    report = import_paths(project, [folder], progress=lambda *args: seen.append(args))
    sources = [project.article(i).source for i in project.article_ids()]
    assert sources == ["a/b/c.txt", "a/z.txt", "b.txt"]
    assert [(done, total) for done, total, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert seen[-1][2] == str(folder / "b.txt") and report.ok


def test_same_text_twice_is_skipped_and_reported(project, tmp_path):
    first = write(tmp_path / "one.txt", "Ceasefire in Idlib.")
    second = write(tmp_path / "two.txt", codecs.BOM_UTF8 + b"Ceasefire in Idlib.")  # same once decoded
    report = import_paths(project, [first, second])
    assert project.article_count() == 1 and report.ok
    assert report.duplicates_skipped == 1 and report.files[1].duplicates[0].existing_id == 1
    assert report.summary_lines() == [
        f"{second}: skipped: the same text is already in the project as article 1",
        "imported 1 article from 2 files; 1 duplicate skipped"]


def test_a_big_reimport_lists_its_failure_first_and_counts_the_duplicates(project, tmp_path):
    folder = tmp_path / "corpus"
    texts = [write(folder / f"{n:02d}.txt", f"Article {n}") for n in range(25)]
    import_paths(project, [folder])
    bad = write(folder / "zz.txt", b"caf\xe9")
    before = project.article_count()
    lines = import_paths(project, [folder]).summary_lines()
    assert lines[0].startswith(f"{bad}:1: not valid UTF-8")
    assert lines[1:11] == [f"{path}: skipped: the same text is already in the project as article {n + 1}"
                           for n, path in enumerate(texts[:10])]
    assert lines[11:] == ["… and 15 more files with notes like these (15 already in the project)",
                          "imported 0 articles from 26 files; 25 duplicates skipped; 1 file failed"]
    assert project.article_count() == before == 25


def test_missing_path_and_wrong_extension_fail_alone(project, tmp_path):
    good = write(tmp_path / "good.txt", "Aid reached Hama.")
    other = write(tmp_path / "table.csv", "a,b")
    report = import_paths(project, [tmp_path / "nope.txt", other, good])
    assert not report.ok and project.article_count() == 1
    lines = report.summary_lines()
    assert lines[0] == f"{tmp_path / 'nope.txt'}: no such file or folder"
    assert lines[1].startswith(f"{other}: cannot import .csv: expected one of .ann, ")
    assert lines[1].endswith(".txt or a folder (or give --format)")
    assert lines[2:] == ["imported 1 article from 3 files; 2 files failed"]


@pytest.mark.parametrize("name", [f"{lang}_n010{n:02d}.txt" for lang in ("ar", "zh") for n in (1, 2, 3, 25)])
def test_arabic_and_chinese_news_import_unchanged(project, name):
    source = NEWS / name
    report = import_paths(project, [source])
    article = only_article(project)
    assert report.ok and article.text == source.read_text(encoding="utf-8")
    assert article.title == article.text.split("\n")[0].strip()[:200].rstrip()


def test_cancel_between_files_keeps_what_is_done(tmp_path):
    paths = [write(tmp_path / f"{n}.txt", f"Article {n}") for n in range(3)]
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1  # let the first file through, then stop

    with Project.open(tmp_path / "p.sqlite") as project:
        report = import_paths(project, paths, cancelled=cancelled)
    assert report.cancelled and report.not_started == 2 and report.articles_added == 1
    assert report.summary_lines()[-1] == "imported 1 article from 1 file; cancelled, 2 files not imported"
    committed = sqlite3.connect(tmp_path / "p.sqlite").execute("SELECT text FROM articles").fetchall()
    assert committed == [("Article 0",)]


PIECES = ["a", "Z", " ", "\t", "\n", "\r\n", "\r", "\u2028", "\u2029", "\ufeff", "e\u0301",
          "\U0001F469\u200D\U0001F469\u200D\U0001F467", "\U0001F642", "مرحبا بالعالم", "中文新聞",
          " date 2024-12-08 ", "date 2024-02-30 "]


@settings(max_examples=40, deadline=None)
@given(raw=st.lists(st.sampled_from(PIECES) | st.characters(codec="utf-8", exclude_characters="\x00"),
                    min_size=1, max_size=40).map("".join))
def test_any_text_is_stored_as_normalised_and_parsed(tmp_path_factory, raw):
    expected = parse_article(normalise(raw)[0]).text
    folder = tmp_path_factory.mktemp("prop")
    with Project.open(folder / "p.sqlite") as project:
        report = import_paths(project, [write(folder / "a.txt", raw)])
        if not expected.strip():
            assert not report.ok and project.article_count() == 0
        else:
            assert report.ok and only_article(project).text == expected


@settings(max_examples=25, deadline=None)
@given(raw=st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join),
       picks=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 12),
                                st.sampled_from(["ACTOR", "LOCATION", "EVENT"])), max_size=8))
def test_offsets_survive_import_export_and_reimport(tmp_path_factory, raw, picks):
    from storage.exporting import export_to_path

    folder = tmp_path_factory.mktemp("offsets")
    with Project.open(folder / "first.sqlite") as first:
        report = import_paths(first, [write(folder / "a.txt", raw)])
        if not report.ok:  # blank once normalised: nothing to annotate
            return
        article = only_article(first)
        for start, length, label in picks:
            start %= len(article.text)
            end = min(len(article.text), start + length)
            if (start, end, label) not in {(s.start, s.end, s.label) for s in first.spans(article.id)}:
                first.add_span(article.id, start, end, label)  # over emoji, ZWJ, combining marks…
        export_to_path(first, "native", folder / "first.jsonl")
        export_to_path(first, "spacy", folder / "spacy.jsonl")
    native = [json.loads(line) for line in (folder / "first.jsonl").read_text(encoding="utf-8").splitlines()]
    (spacy_record,) = [json.loads(line) for line in (folder / "spacy.jsonl").read_text(encoding="utf-8").splitlines()]
    exported = native[1]
    assert all(exported["text"][s["start"]:s["end"]] == s["text"] for s in exported["spans"])
    assert [(s["start"], s["end"], s["label"]) for s in exported["spans"]] == [
        (s["start"], s["end"], s["label"]) for s in spacy_record["spans"]]
    with Project.open(folder / "second.sqlite") as second:
        assert import_paths(second, [folder / "first.jsonl"]).ok
        export_to_path(second, "native", folder / "second.jsonl")
    assert (folder / "second.jsonl").read_bytes() == (folder / "first.jsonl").read_bytes()


# -- native JSONL ------------------------------------------------------------------------------

def test_native_record_keeps_its_ids_and_everything_else(project, tmp_path):
    rec = record()
    rec["spans"][0] |= {"annotator": "ann", "created": "2024-11-30T10:00:00+00:00"}
    rec["meta"] |= {"created": "2024-11-30T09:00:00+00:00", "updated": "2024-11-30T11:00:00+00:00"}
    report = import_paths(project, [write(tmp_path / "n.jsonl", jsonl(rec))])
    article = project.article(5)
    assert report.ok and report.articles_added == 1 and report.summary_lines() == [
        "imported 1 article (3 spans, 1 event) from 1 file"]
    assert (article.title, article.date, article.source, article.status) == ("Aleppo", "2024-11-29", "wire", "done")
    assert (article.created, article.updated) == ("2024-11-30T09:00:00+00:00", "2024-11-30T11:00:00+00:00")
    assert [(s.id, s.label, s.annotator) for s in project.spans(5)] == [
        (11, "ACTOR", "ann"), (12, "EVENT", None), (13, "LOCATION", None)]
    assert project.span(11).created == "2024-11-30T10:00:00+00:00"
    (event,) = project.events(5)
    assert (event.id, event.trigger_id, event.type, dict(event.attributes)) == (21, 12, "FIGHT", {"polarity": "positive"})
    assert [(a.role, a.span_id) for a in event.arguments] == [("source", 11), ("location", 13)]


def test_taken_ids_are_replaced_and_references_follow(project, tmp_path):
    other = project.add_article(text="Older article about Homs.", title="Older")
    for start, end in [(0, 5), (6, 13), (14, 19)]:
        project.add_span(other.id, start, end, "ACTOR")
    project.add_event(project.add_span(other.id, 20, 24, "EVENT").id)
    taken = record(id=other.id)
    for span, new_id in zip(taken["spans"], (1, 2, 3)):  # the ids of the older spans
        span["id"] = new_id
    taken["events"][0] |= {"id": 1, "trigger": 2,
                           "arguments": [{"role": "source", "span": 1}, {"role": "location", "span": 3}]}
    import_paths(project, [write(tmp_path / "n.jsonl", jsonl(taken))])
    new_id = max(project.article_ids())
    assert new_id != other.id and project.article(other.id).title == "Older"
    spans = {s.id: TEXT[s.start:s.end] for s in project.spans(new_id)}
    (event,) = project.events(new_id)
    assert event.id != 1 and spans[event.trigger_id] == "took"
    assert [(a.role, spans[a.span_id]) for a in event.arguments] == [("source", "Rebels"), ("location", "Aleppo")]


def test_native_round_trip_into_an_empty_project_is_byte_identical(project, tmp_path):
    from storage.exporting import export_to_path

    article = project.add_article(text="Troops entered Homs. 🙂 Talks in Geneva.", title="Homs",
                                  date="2024-12-07", source="a.txt")
    actor = project.add_span(article.id, 0, 6, "ACTOR", annotator="ann")
    trigger = project.add_span(article.id, 7, 14, "EVENT")
    place = project.add_span(article.id, 15, 19, "LOCATION")
    project.add_label(Label("ORG", "#123456", key="9"))
    project.add_span(article.id, 33, 39, "ORG")
    event = project.add_event(trigger.id, type="MOBILIZE", annotator="ann")
    project.add_argument(event.id, "source", actor.id)
    project.add_argument(event.id, "location", place.id)
    first = tmp_path / "first.jsonl"
    export_to_path(project, "native", first)
    with Project.open(tmp_path / "empty.sqlite") as empty:
        assert import_paths(empty, [first]).ok
        second = tmp_path / "second.jsonl"
        export_to_path(empty, "native", second)
    assert second.read_bytes() == first.read_bytes()


def test_a_new_project_takes_a_renamed_and_recoloured_scheme_whole(project, tmp_path):
    from storage.exporting import export_to_path

    project.rename_label("LOCATION", "PLACE")  # the location role now takes PLACE spans
    project.update_label("ACTOR", colour="#112233", key="7", description="Who acts")
    article = project.add_article(text=TEXT, title="Aleppo")
    actor, trigger, place = (project.add_span(article.id, start, end, label)
                             for start, end, label in [(0, 6, "ACTOR"), (7, 11, "EVENT"), (12, 18, "PLACE")])
    event = project.add_event(trigger.id, type="FIGHT")
    project.add_argument(event.id, "source", actor.id)
    project.add_argument(event.id, "location", place.id)
    first = tmp_path / "first.jsonl"
    export_to_path(project, "native", first)
    with Project.open(tmp_path / "new.sqlite") as new:
        report = import_paths(new, [first])
        assert report.ok and new.scheme == project.scheme
        assert report.scheme_added == ["the file's whole scheme in place of the new project's default "
                                       "(3 labels, 18 event types, 3 roles, 3 attributes)"]
        export_to_path(new, "native", tmp_path / "second.jsonl")
    assert (tmp_path / "second.jsonl").read_bytes() == first.read_bytes()


def test_a_bad_scheme_line_leaves_a_new_projects_default_scheme_alone(project, tmp_path):
    before = list(project.db.conn.iterdump())
    scheme = {"labels": [{"name": "ORG", "colour": "#112233"}, {"name": "CITY", "key": "2"}]}  # no colour
    bad = write(tmp_path / "n.jsonl", jsonl({"scheme": scheme}, record()))
    (error,) = import_paths(project, [bad]).errors
    assert (error.line, error.reason) == (1, 'malformed scheme record: an entry lacks "colour"')
    assert list(project.db.conn.iterdump()) == before and project.scheme == scheme_store.default()


def test_a_project_with_articles_keeps_its_scheme_and_widens_a_role_the_file_needs(project, tmp_path):
    project.add_article(text="Already annotating here.", title="Here")
    rec = record()
    rec["spans"][2]["label"] = "CITY"
    scheme = {"labels": [{"name": "CITY", "colour": "#445566", "key": "1", "kind": "entity"},
                         {"name": "ACTOR", "colour": "#000000", "key": "9", "kind": "entity"}],
              "roles": [{"name": "location", "labels": ["CITY"], "max_count": 1}]}
    report = import_paths(project, [write(tmp_path / "n.jsonl", jsonl({"scheme": scheme}, rec))])
    assert report.ok and report.scheme_added == ["label CITY (entity, key 1 is taken so it has none)",
                                                 "role location (now also takes CITY)"]
    assert project.scheme.role("location").labels == ("LOCATION", "CITY")
    assert project.scheme.label("ACTOR").colour == "#0072B2"  # never recoloured by an import
    (event,) = project.events(5)
    assert [(a.role, a.span_id) for a in event.arguments] == [("source", 11), ("location", 13)]


def test_unknown_labels_roles_types_and_attributes_are_added_and_reported(project, tmp_path):
    rec = record()
    rec["spans"] += [{"id": 14, "start": 22, "end": 28, "label": "TIME", "text": "Friday"},
                     {"id": 15, "start": 7, "end": 11, "label": "ACT", "text": "took"}]
    rec["events"] = [{"id": 21, "trigger": 15, "type": "CAPTURE", "attributes": {"certainty": "high"},
                      "arguments": [{"role": "when", "span": 14}, {"role": "source", "span": 11}]}]
    report = import_paths(project, [write(tmp_path / "n.jsonl", jsonl(rec))])
    scheme = project.scheme
    assert report.ok and report.scheme_added == [
        "label TIME (entity)", "label ACT (trigger)", "event type CAPTURE", "attribute certainty (text)",
        "role when (takes TIME)"]
    # The default labels hold the first three palette colours; new labels take the next free ones.
    assert (scheme.label("TIME").colour, scheme.label("TIME").key) == (PALETTE[3], None)
    assert scheme.label("ACT").colour == PALETTE[4] and scheme.label("ACT").kind == "trigger"
    assert scheme.role("when").labels == ("TIME",)
    assert f"{tmp_path / 'n.jsonl'}: added to the scheme: label TIME (entity)" in report.summary_lines()[0]


def test_inferred_label_and_role_grow_with_later_records(project, tmp_path):
    text2 = "Rebels took Homs on Friday."
    first = {"text": TEXT, "spans": [{"id": 1, "start": 7, "end": 11, "label": "ACT"},
                                     {"id": 2, "start": 12, "end": 18, "label": "CITY"}]}
    second = {"text": text2, "spans": [{"id": 3, "start": 7, "end": 11, "label": "ACT"},
                                       {"id": 4, "start": 12, "end": 16, "label": "CITY"},
                                       {"id": 5, "start": 0, "end": 6, "label": "ACTOR"}],
              "events": [{"id": 1, "trigger": 3, "arguments": [{"role": "where", "span": 4}]},
                         {"id": 2, "trigger": 3, "arguments": [{"role": "where", "span": 5}]}]}
    report = import_paths(project, [write(tmp_path / "n.jsonl", jsonl(first, second))])
    assert report.ok and project.scheme.label("ACT").kind == "trigger"
    assert set(project.scheme.role("where").labels) == {"ACTOR", "CITY"}
    assert "label ACT (trigger)" in report.scheme_added and "role where (takes ACTOR, CITY)" in report.scheme_added


def test_scheme_line_brings_colours_keys_and_roles(project, tmp_path):
    project.add_article(text="Already annotating here.", title="Here")  # so the project keeps its scheme
    scheme = {"labels": [{"name": "ORG", "colour": "#112233", "key": "7", "kind": "entity",
                          "description": "Organisations"},
                         {"name": "CLASH", "colour": "#445566", "key": "1", "kind": "trigger"}],
              "roles": [{"name": "party", "labels": ["ORG", "ACTOR"], "max_count": 2, "min_count": 0,
                         "description": ""}]}
    report = import_paths(project, [write(tmp_path / "n.jsonl", jsonl({"scheme": scheme}, record()))])
    assert report.ok and project.scheme.label("ORG") == Label("ORG", "#112233", "7", "Organisations")
    assert project.scheme.label("CLASH").key is None  # "1" belongs to ACTOR
    assert project.scheme.role("party").max_count == 2
    assert report.scheme_added[1] == "label CLASH (trigger, key 1 is taken so it has none)"


def test_native_duplicates_are_skipped_with_their_line(project, tmp_path):
    import_paths(project, [write(tmp_path / "a.txt", TEXT)])
    other = record("Another text about Aleppo.", spans=[], events=[], id=None)
    report = import_paths(project, [write(tmp_path / "n.jsonl", jsonl(record(), other, other))])
    assert report.ok and report.articles_added == 1 and report.duplicates_skipped == 2
    assert [(d.existing_id, d.line) for d in report.files[0].duplicates] == [(1, 1), (2, 3)]
    # line 3 repeats line 2 of the same file: "already in the project" would send the user looking
    assert ("skipped 1 article already in the project (line 1); skipped 1 record repeating the text of an "
            "earlier record of this file, their annotations with it (line 3)") in report.summary_lines()[0]


def broken(**changes: Any) -> dict[str, Any]:
    """A valid record with one thing wrong: keys of ``changes`` are paths like "spans.0.end"."""
    rec = json.loads(json.dumps(record("Rebels took Aleppo again.")))
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = rec
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is ...:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return rec


def new_label_record() -> dict[str, Any]:
    """A good line that adds a label to the scheme, so a rollback must take the label back too."""
    return {"text": "Talks in Geneva.", "spans": [{"id": 1, "start": 9, "end": 15, "label": "CITY"}]}


BAD_INPUTS = {
    "undecodable.txt": (b"fine line\nbad \xff byte\n", 2, "not valid UTF-8"),
    "binary.txt": (b"PK\x03\x04\x00\x00binary", None, "binary"),
    "empty.txt": (b"", None, "empty"),
    "blank.txt": (b" \n\t\n", None, "only whitespace"),
    "malformed.jsonl": (jsonl(new_label_record(), record(), '{"text": "oops",'), 3, "malformed JSON"),
    "out_of_range.jsonl": (jsonl(new_label_record(), broken(**{"spans.2.end": 99})), 2, "outside the text"),
    "disagreeing.jsonl": (jsonl(new_label_record(), broken(**{"spans.2.text": "Homs"})), 2,
                          "\"text\" is 'Homs' but the text at 12..18 is 'Aleppo'"),
    "unknown_trigger.jsonl": (jsonl(new_label_record(), broken(**{"events.0.trigger": 99})), 2,
                              "trigger 99 is not the id of a span"),
    "unknown_argument.jsonl": (jsonl(new_label_record(), broken(**{"events.0.arguments.0.span": 98})), 2,
                               "argument span 98 is not the id of a span"),
    "start_after_end.jsonl": (jsonl(new_label_record(), broken(**{"spans.0.start": 7, "spans.0.end": 3})), 2,
                              "start 7 must be less than end 3"),
    "non_int.jsonl": (jsonl(new_label_record(), broken(**{"spans.1.start": "7"})), 2, "must be integers"),
    "float.jsonl": (jsonl(new_label_record(), broken(**{"spans.1.end": 11.0})), 2, "must be integers"),
    "status.jsonl": (jsonl(new_label_record(), broken(**{"meta.status": "finished"})), 2, "unknown status"),
    "no_text.jsonl": (jsonl(new_label_record(), broken(text=...)), 2, 'missing "text"'),
    "same_id.jsonl": (jsonl(new_label_record(), broken(**{"spans.1.id": 11})), 2, "span id 11 is used twice"),
    "crlf_text.jsonl": (jsonl(new_label_record(), broken(text="Rebels took Aleppo\r\nagain.")), 2,
                        "not in stored form (1 CRLF line end"),
    "wrong_role.jsonl": (jsonl(new_label_record(), broken(**{"events.0.arguments.1.role": "source"})), 2,
                         "role 'source' does not take LOCATION spans"),
    "entity_trigger.jsonl": (jsonl(new_label_record(), broken(**{"events.0.trigger": 11,
                                                                  "events.0.arguments": []})), 2,
                             "its trigger is labelled ACTOR, which is not a trigger label"),
    "bad_choice.jsonl": (jsonl(new_label_record(), broken(**{"events.0.attributes.polarity": "maybe"})), 2,
                         "polarity must be one of positive, negative"),
    "late_scheme.jsonl": (jsonl(new_label_record(), {"scheme": {}}), 2, "may only be the first line"),
    "header_only.txt": (b" date 2024-12-08\n\n", None, "no article text after the date line"),
    "undecodable.jsonl": (jsonl(new_label_record()).encode() + b'{"text": "caf\xe9"}\n', 2, "not valid UTF-8"),
    "not_object.jsonl": (jsonl(new_label_record(), [1, 2]), 2, "expected a JSON object"),
    "lone_surrogate.jsonl": (jsonl(new_label_record()) + '{"text": "Rebels\\ud800 took Aleppo."}\n', 2,
                             '"text" has a lone surrogate U+D800 at offset 6'),
    "doccano.jsonl": (jsonl(new_label_record(), {"text": TEXT, "label": [[0, 6, "ACTOR"]]}), 2,
                      'looks like a doccano record ("label"); only native JSONL'),
    "hf_bio.jsonl": (jsonl(new_label_record(), {"id": "1-0", "tokens": ["Rebels"], "ner_tags": ["B-ACTOR"]}), 2,
                     'looks like a Hugging Face record ("ner_tags")'),
    "negative_start.jsonl": (jsonl(new_label_record(), broken(**{"spans.0.start": -1})), 2, "outside the text"),
    "same_span_twice.jsonl": (jsonl(new_label_record(), broken(**{"spans.1.start": 0, "spans.1.end": 6,
                                                                   "spans.1.label": "ACTOR",
                                                                   "spans.1.text": "Rebels",
                                                                   "events": []})), 2,
                              "0..6 is tagged ACTOR twice"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_a_bad_file_changes_nothing_and_names_its_line(project, tmp_path, name):
    data, line, reason = BAD_INPUTS[name]
    existing = project.add_article(text="Already here.", title="Here")
    project.add_span(existing.id, 0, 7, "ACTOR")
    before = list(project.db.conn.iterdump())
    bad = write(tmp_path / name, data)
    good = write(tmp_path / "good.txt", "A good article lands anyway.")
    report = import_paths(project, [bad, good])
    after = list(project.db.conn.iterdump())
    (error,) = report.errors
    assert (error.path, error.line) == (str(bad), line) and reason in error.reason
    assert str(error).startswith(f"{bad}:{line}: " if line else f"{bad}: ")
    assert [row for row in before if row not in after] == []  # nothing of the bad file's, nothing lost
    (added,) = [row for row in after if row not in before]
    assert added.startswith('INSERT INTO "articles"') and "A good article lands anyway." in added
    assert report.summary_lines()[-1] == "imported 1 article from 2 files; 1 file failed"
    assert content_hash("A good article lands anyway.") in added


def test_files_of_a_folder_that_no_format_reads_are_named_not_hidden(project, tmp_path):
    """doccano's own folder holds a CSV beside its JSONL: the summary says it was left aside, so
    "from 1 file" does not silently mean "of 3". brat's .conf files are brat's, read or not needed."""
    folder = tmp_path / "export"
    write(folder / "all.jsonl", jsonl({"text": "Aid reached Hama.", "label": [[12, 16, "LOCATION"]]}))
    write(folder / "classes.csv", "text,label\nAAA,Positive\n")
    write(folder / "sub" / "LICENSE", "MIT")
    write(folder / "annotation.conf", "[entities]\nLOCATION\n")
    report = import_paths(project, [folder])
    assert report.ok and report.articles_added == 1
    assert report.summary_lines()[-2] == (f"left aside 2 files in the folders that no import format reads: "
                                          f"{folder / 'classes.csv'}, {folder / 'sub' / 'LICENSE'}")
    report = import_paths(project, [folder], format="conll")
    assert report.summary_lines()[-2].startswith(
        f"left aside 3 files in the folders that --format conll does not read: {folder / 'all.jsonl'}, ")
