"""The brat export, read back with a small brat reader that is first checked on brat's own files."""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import main
from storage.exporting import FOLDER_FORMATS, ExportError, export_to_path, export_to_stream
from storage.model import Label
from storage.project import Project
from storage.text import normalise, parse_article

# Third-party and sample files sit beside the checkout (../shared), never copied into the project.
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLE = SHARED / "samples" / "000_be5ca420abf9a110.txt"
BRAT_NEWS = SHARED / "interop" / "brat-news"
ARABIC = SHARED / "interop" / "news-ar-zh" / "ar_n01001.txt"
if not (SAMPLE.exists() and BRAT_NEWS.exists() and ARABIC.exists()):
    pytest.skip(f"the shared samples are not beside this checkout ({SHARED})", allow_module_level=True)


# --- a small brat reader, written from the standoff format (FORMATS.md, brat.nlplab.org) ---------

@dataclass
class Ann:
    """One .ann file: T id -> (type, fragments, text); E id -> (type, trigger, [(role, id)]); …"""

    t: dict[str, tuple[str, list[tuple[int, int]], str]] = field(default_factory=dict)
    e: dict[str, tuple[str, str, list[tuple[str, str]]]] = field(default_factory=dict)
    a: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    r: dict[str, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)
    n: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    notes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    equivs: list[tuple[str, list[str]]] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # ids in file order


def read_ann(raw: str) -> Ann:
    ann = Ann()
    for line in raw.split("\n"):
        if not line:
            continue
        ident, rest = line.split("\t", 1)
        ann.order.append(ident)
        if ident.startswith("T"):
            head, text = rest.split("\t", 1)  # the text may hold tabs of its own
            kind, offsets = head.split(" ", 1)
            pieces = [tuple(int(n) for n in piece.split(" ")) for piece in offsets.split(";")]
            ann.t[ident] = (kind, pieces, text)
        elif ident.startswith("E"):
            kind, trigger = rest.split(" ")[0].split(":")
            ann.e[ident] = (kind, trigger, [tuple(arg.split(":")) for arg in rest.split(" ")[1:]])
        elif ident.startswith("A"):
            parts = rest.split(" ", 2)  # binary attributes have no value
            ann.a[ident] = (parts[0], parts[1], parts[2] if len(parts) == 3 else None)
        elif ident.startswith("R"):
            kind, *args = rest.rstrip("\t").split(" ")  # brat writes a tab after the arguments
            ann.r[ident] = (kind, [tuple(arg.split(":")) for arg in args])
        elif ident.startswith("N"):
            head, text = rest.split("\t", 1)
            kind, target, reference = head.split(" ")
            ann.n[ident] = (kind, target, reference, text)
        elif ident.startswith("#"):
            head, text = rest.split("\t", 1)
            kind, target = head.split(" ")
            ann.notes[ident] = (kind, target, text)
        elif ident == "*":
            kind, *members = rest.split(" ")
            ann.equivs.append((kind, members))
        else:
            raise AssertionError(f"unknown annotation line {line!r}")
    return ann


def base_role(role: str) -> str:
    """brat numbers repeated roles: Org-Arg, Org-Arg2, Org-Arg3."""
    return re.sub(r"[0-9]+$", "", role)


@dataclass
class Conf:
    entities: list[str] = field(default_factory=list)
    events: dict[str, dict[str, tuple[str, list[str]]]] = field(default_factory=dict)  # role -> (card, types)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    relations: list[str] = field(default_factory=list)


def read_conf(raw: str) -> Conf:
    conf, section, macros = Conf(), None, {}
    for line in raw.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip()[1:-1]
            continue
        if macro := re.fullmatch(r"(<[A-Za-z_-]+>)=\s*(.*?)\s*", line):
            macros[macro.group(1)] = macro.group(2)
            continue
        for name, value in macros.items():
            line = line.replace(name, value)
        name, _, args = line.strip().partition("\t") if "\t" in line.strip() else line.strip().partition(" ")
        name, args = name.lstrip("!"), args.strip()
        if section == "entities":
            conf.entities.append(name)
        elif section == "relations":
            conf.relations.append(name)
        elif section == "events":
            roles = {}
            for arg in filter(None, (a.strip() for a in args.split(","))):
                role, types = arg.split(":")
                card = re.search(r"(\{[0-9-]+\}|[?*+])?$", role).group()
                roles[role[:len(role) - len(card)]] = (card, types.split("|"))
            conf.events[name] = roles
        elif section == "attributes":
            conf.attributes[name] = dict(arg.strip().split(":") for arg in args.split(","))
    return conf


def check_against_text(ann: Ann, text: str) -> None:
    """What brat itself checks on loading: fragment offsets, text, ids, trigger types."""
    for ident, (kind, pieces, words) in ann.t.items():
        assert all(0 <= s < e <= len(text) for s, e in pieces), ident
        assert words == " ".join(text[s:e] for s, e in pieces), ident
    ids = set(ann.t) | set(ann.e)
    for ident, (kind, trigger, args) in ann.e.items():
        assert ann.t[trigger][0] == kind, f"{ident}: the trigger's type must be the event's"
        assert all(target in ids for _, target in args), ident
    for kind, target, value in ann.a.values():
        assert target in ids


# --- the reader on brat's own tutorial files ---------------------------------------------------

def test_the_reader_takes_brats_own_news_tutorial_files():
    conf = read_conf((BRAT_NEWS / "annotation.conf").read_text(encoding="utf-8"))
    assert conf.entities == ["Person", "Organization", "GPE", "Money"]
    assert conf.events["Merge-org"] == {"Org-Arg": ("+", ["Organization"])}
    assert conf.events["Marry"]["Person-Arg"] == ("{2}", ["Person"])
    assert conf.events["Report"]["Reporter-Arg"] == ("", ["Person", "Organization", "GPE"])  # a macro
    assert conf.attributes["Confidence"] == {"Arg": "<EVENT>", "Value": "High|Neutral|Low"}
    counts = {}
    forward_references = 0
    for ann_path in sorted(BRAT_NEWS.glob("*.ann")):
        raw = ann_path.read_text(encoding="utf-8")
        text = ann_path.with_suffix(".txt").read_bytes().decode("utf-8")
        ann = read_ann(raw)
        check_against_text(ann, text)
        for kind, _, args in ann.e.values():
            assert {base_role(role) for role, _ in args} <= set(conf.events[kind])
            forward_references += sum(ann.order.index(target) > ann.order.index(ident)
                                      for ident in ann.e for _, target in ann.e[ident][2])
        counts[ann_path.stem] = (len(ann.t), len(ann.e), len(ann.a), len(ann.r), len(ann.n),
                                 len(ann.notes), len(ann.equivs))
    assert counts["000-introduction"] == (7, 1, 5, 2, 1, 1, 0)
    assert counts["060-relation_annotation"] == (10, 0, 0, 1, 0, 0, 1)
    assert counts["110-note_annotation"] == (14, 2, 0, 2, 0, 3, 0)
    assert counts["010-navigation"] == (0, 0, 0, 0, 0, 0, 0)
    assert forward_references > 0  # E lines naming T (and E) ids defined further down
    intro = read_ann((BRAT_NEWS / "000-introduction.ann").read_text(encoding="utf-8"))
    assert intro.e["E1"] == ("Transfer-money", "T3", [("Giver-Arg", "T1"), ("Money-Arg", "T2"),
                                                      ("Beneficiary-Arg", "T4"), ("Recipient-Arg", "T6")])
    assert intro.a["A2"] == ("Individual", "T4", None) and intro.a["A5"] == ("Confidence", "E1", "High")
    assert intro.n["N1"] == ("Reference", "T5", "Wikipedia:64488", "Carlos Salinas de Gortari")
    assert intro.notes["#1"] == ("AnnotatorNotes", "T2", "100000000 USD")
    merges = read_ann((BRAT_NEWS / "080-event-annotation.ann").read_text(encoding="utf-8"))
    assert [base_role(role) for role, _ in merges.e["E3"][2]] == ["Org-Arg"] * 4


# --- our export ------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


def add(project, article_id, text, anchor, words, label):
    start = text.index(anchor) + anchor.index(words)
    return project.add_span(article_id, start, start + len(words), label)


def read_export(folder: Path, article_id: int) -> tuple[str, str, Ann]:
    """(text, raw .ann, parsed .ann) of one article, the text decoded from the bytes on disk."""
    text = (folder / f"{article_id}.txt").read_bytes().decode("utf-8")
    raw = (folder / f"{article_id}.ann").read_bytes().decode("utf-8")
    return text, raw, read_ann(raw)


@pytest.fixture
def sample(project):
    """The real sample article: spans (one nested in another) and a RETREAT frame, reported."""
    parsed = parse_article(normalise(SAMPLE.read_text(encoding="utf-8"))[0])
    article = project.add_article(text=parsed.text, title=parsed.title, date=parsed.date)
    text = parsed.text
    spans = {}
    for anchor, words, label in [
        ("Mohammed Ghazi Jalali", "Mohammed Ghazi Jalali", "ACTOR"),
        ("Syria’s prime", "Syria", "LOCATION"),
        ("Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights", "ACTOR"),
        ("Mr. Al-Assad took", "Mr. Al-Assad", "ACTOR"),
        ("Mr. Al-Assad took", "Al-Assad", "ACTOR"),
        ("took a flight", "took", "EVENT"),
        ("from Damascus.", "Damascus", "LOCATION"),
    ]:
        spans[words] = add(project, article.id, text, anchor, words, label)
    event = project.add_event(spans["took"].id, type="RETREAT")
    project.add_argument(event.id, "source", spans["Mr. Al-Assad"].id)
    project.add_argument(event.id, "location", spans["Damascus"].id)
    project.set_event_attribute(event.id, "modality", "reported")
    return article, text, spans


def test_the_sample_article_round_trips_through_brat_files(project, sample, tmp_path):
    article, text, spans = sample
    out = tmp_path / "brat"
    report = export_to_path(project, "brat", out)
    assert sorted(p.name for p in out.iterdir()) == [f"{article.id}.ann", f"{article.id}.txt",
                                                     "annotation.conf"]
    assert (out / f"{article.id}.txt").read_bytes() == text.encode("utf-8")  # exact: no newline added
    txt, raw, ann = read_export(out, article.id)
    check_against_text(ann, txt)
    assert raw.endswith("\n") and raw.splitlines() == raw.split("\n")[:-1]  # one annotation per line
    written = {(kind, pieces[0]) for kind, pieces, _ in ann.t.values()}
    assert written == {("RETREAT" if s.label == "EVENT" else s.label, (s.start, s.end))
                       for s in project.spans(article.id)}
    t_of = {text[p[0][0]:p[0][1]]: ident for ident, (_, p, _) in ann.t.items()}
    assert ann.e == {"E1": ("RETREAT", t_of["took"], [("source", t_of["Mr. Al-Assad"]),
                                                       ("location", t_of["Damascus"])])}
    # polarity is at its default (positive), so only modality is written; the date is a note
    assert list(ann.a.values()) == [("modality", "E1", "reported")]
    assert list(ann.notes.values()) == [("AnnotatorNotes", "E1", "date=2024-12-08")]
    assert (report.records, report.articles, report.spans, report.events, report.dropped) == (1, 1, 7, 1, {})
    assert report.summary() == f"wrote 1 record (1 article, 7 spans, 1 event) to {out}"


def test_annotation_conf_declares_the_schemes_labels_types_roles_and_attributes(project, sample, tmp_path):
    export_to_path(project, "brat", tmp_path / "brat")
    conf = read_conf((tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8"))
    scheme = project.scheme
    assert conf.entities == ["ACTOR", "LOCATION"]
    assert list(conf.events) == ["EVENT"] + [kind.name for kind in scheme.event_types]
    roles = {"source": ("+", ["ACTOR"]), "target": ("*", ["ACTOR"]), "location": ("?", ["LOCATION"])}
    assert all(declared == roles for declared in conf.events.values())
    assert conf.attributes == {"polarity": {"Arg": "<EVENT>", "Value": "positive|negative"},
                               "modality": {"Arg": "<EVENT>", "Value": "asserted|reported|hypothetical"}}
    assert conf.relations == ["<OVERLAP>"]  # spans may overlap and nest
    # and every annotation of the export fits the declaration
    _, _, ann = read_export(tmp_path / "brat", sample[0].id)
    for kind, _, args in ann.e.values():
        for role, target in args:
            assert ann.t[target][0] in conf.events[kind][base_role(role)][1]
    assert {kind for kind, _, _ in ann.t.values()} <= set(conf.entities) | set(conf.events)


def test_shared_triggers_repeated_roles_and_attributes(project, tmp_path):
    text = "Rebels, troops and militias clashed with police in Homs."
    article = project.add_article(text=text, title="clash", date="2024-12-07")
    s = {w: add(project, article.id, text, w, w, label) for w, label in [
        ("Rebels", "ACTOR"), ("troops", "ACTOR"), ("militias", "ACTOR"), ("clashed", "EVENT"),
        ("police", "ACTOR"), ("Homs", "LOCATION")]}
    fight = project.add_event(s["clashed"].id, type="FIGHT")
    for actor in ("Rebels", "troops", "militias"):
        project.add_argument(fight.id, "source", s[actor].id)
    project.add_argument(fight.id, "target", s["police"].id)
    project.set_event_attribute(fight.id, "polarity", "negative")
    project.set_event_attribute(fight.id, "date", "2024-12-06")
    second = project.add_event(s["clashed"].id, type="FIGHT")  # same type: shares the trigger line
    project.add_argument(second.id, "source", s["police"].id)
    untyped = project.add_event(s["clashed"].id)  # no type: keeps the label, on a line of its own
    project.add_argument(untyped.id, "location", s["Homs"].id)

    report = export_to_path(project, "brat", tmp_path / "brat")
    txt, _, ann = read_export(tmp_path / "brat", article.id)
    check_against_text(ann, txt)
    clashed = [(ident, kind) for ident, (kind, pieces, _) in ann.t.items() if pieces == [(28, 35)]]
    assert [kind for _, kind in clashed] == ["FIGHT", "EVENT"]
    fight_t, event_t = (ident for ident, _ in clashed)
    t_of = {ann.t[i][2]: i for i in ann.t if i not in (fight_t, event_t)}
    events = sorted(ann.e.values())
    assert events == sorted([
        ("FIGHT", fight_t, [("source", t_of["Rebels"]), ("source2", t_of["troops"]),
                            ("source3", t_of["militias"]), ("target", t_of["police"])]),
        ("FIGHT", fight_t, [("source", t_of["police"])]),
        ("EVENT", event_t, [("location", t_of["Homs"])]),
    ])
    first = next(ident for ident, (_, _, args) in ann.e.items() if len(args) == 4)
    assert list(ann.a.values()) == [("polarity", first, "negative")]
    assert ("AnnotatorNotes", first, "date=2024-12-06") in ann.notes.values()
    assert (report.spans, report.events) == (6, 3)


def test_a_span_across_line_breaks_becomes_a_discontinuous_one(project, tmp_path):
    text = "Fighting reached Damascus\n\nInternational Airport and the Old\u2028City\x85gates.\n\nEnd."
    article = project.add_article(text=text, title="breaks")
    airport = add(project, article.id, text, "Damascus\n\nInternational Airport",
                  "Damascus\n\nInternational Airport", "LOCATION")
    city = add(project, article.id, text, "Old\u2028City\x85gates", "Old\u2028City\x85gates", "LOCATION")
    trailing = add(project, article.id, text, "gates.\n", "gates.\n", "LOCATION")  # ends on a break
    blank = project.add_span(article.id, text.index(".\n\nEnd") + 1, text.index("End"), "ACTOR")
    report = export_to_path(project, "brat", tmp_path / "brat")
    txt, raw, ann = read_export(tmp_path / "brat", article.id)
    check_against_text(ann, txt)
    assert raw.splitlines() == raw.split("\n")[:-1]  # no break of any kind inside a line
    lines = raw.splitlines()
    start = airport.start
    assert f"T1\tLOCATION {start} {start + 8};{start + 10} {airport.end}\tDamascus International Airport" in lines
    old = city.start
    assert f"T2\tLOCATION {old} {old + 3};{old + 4} {old + 8};{old + 9} {city.end}\tOld City gates" in lines
    assert f"T3\tLOCATION {trailing.start} {trailing.end - 1}\tgates." in lines  # the break is left out
    assert text[blank.start:blank.end] == "\n\n" and len(project.spans(article.id)) == 4
    assert len(ann.t) == 3  # the span of nothing but line breaks cannot be written…
    assert report.dropped == {"line-break-only": 1}  # …and is counted, not lost silently
    assert report.summary().endswith("dropped 1 line-break-only span (brat)")


def test_offsets_count_code_points_past_emoji_and_in_arabic(project, tmp_path):
    arabic = ARABIC.read_text(encoding="utf-8").splitlines()[0]
    text = "👨‍👩‍👧 Family 😀 fled to Homs.\n" + arabic
    article = project.add_article(text=text, title="unicode")
    homs = add(project, article.id, text, "Homs", "Homs", "LOCATION")
    kori = add(project, article.id, text, "كوري شولمان", "كوري شولمان", "ACTOR")
    obama = add(project, article.id, text, "لأوباما", "أوباما", "ACTOR")
    wrote = add(project, article.id, text, "كتبت", "كتبت", "EVENT")
    usa = add(project, article.id, text, "الولايات المتحدة", "الولايات المتحدة", "LOCATION")
    event = project.add_event(wrote.id, type="CONSULT")
    project.add_argument(event.id, "source", kori.id)
    export_to_path(project, "brat", tmp_path / "brat")
    txt, _, ann = read_export(tmp_path / "brat", article.id)
    check_against_text(ann, txt)
    by_text = {words: pieces for _, pieces, words in ann.t.values()}
    for span, words in [(homs, "Homs"), (kori, "كوري شولمان"), (obama, "أوباما"), (usa, "الولايات المتحدة"),
                        (wrote, "كتبت")]:
        assert by_text[words] == [(span.start, span.end)]
    # UTF-16 (Qt, browsers) would put Homs 4 units later: the family emoji and 😀 are 5 astral characters
    assert len(text[:homs.start].encode("utf-16-le")) // 2 == homs.start + 4


def test_names_become_brat_storage_forms_and_clashes_stop_the_export(project, tmp_path):
    project.add_label(Label(name="ARMED GROUP", colour="#112233"))
    text = "The armed group fired."
    article = project.add_article(text=text, title="names")
    add(project, article.id, text, "armed group", "armed group", "ARMED GROUP")
    export_to_path(project, "brat", tmp_path / "brat")
    _, _, ann = read_export(tmp_path / "brat", article.id)
    assert [kind for kind, _, _ in ann.t.values()] == ["ARMED_GROUP"]
    conf_text = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "ARMED_GROUP" in read_conf(conf_text).entities
    assert "# ARMED_GROUP is the project's 'ARMED GROUP'" in conf_text.splitlines()

    project.add_label(Label(name="ARMED_GROUP", colour="#445566"))
    with pytest.raises(ExportError, match="'ARMED GROUP' and 'ARMED_GROUP' both become 'ARMED_GROUP'"):
        export_to_path(project, "brat", tmp_path / "again")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("p.sqlite")) == ["brat"]


# --- the folder: all or nothing --------------------------------------------------------------

def _corrupt_shorten(db_path, article_id: int) -> None:
    """Change an article's text behind the store's back, as a script or a broken tool might."""
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE articles SET text = 'Gone.', length = 5 WHERE id = ?", [article_id])
    conn.commit()
    conn.close()


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def siblings(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("p.sqlite"))


@pytest.fixture
def two(project):
    made = []
    for n, text in enumerate(["Insurgents entered Damascus.", "Protesters gathered in Homs."]):
        article = project.add_article(text=text, title=f"a{n}", status="done" if n else "new")
        first = text.split()[0]
        project.add_span(article.id, 0, len(first), "ACTOR")
        made.append(article)
    return made


def test_a_failed_export_leaves_no_folder_and_no_temporary_one(project, two, tmp_path):
    _corrupt_shorten(project.path, two[1].id)
    with pytest.raises(ExportError, match=f"article {two[1].id}, span"):
        export_to_path(project, "brat", tmp_path / "brat")
    assert siblings(tmp_path) == []


def test_a_failed_export_keeps_the_previous_export_byte_identical(project, two, tmp_path):
    out = tmp_path / "brat"
    export_to_path(project, "brat", out)
    before = folder_bytes(out)
    _corrupt_shorten(project.path, two[1].id)
    with pytest.raises(ExportError):
        export_to_path(project, "brat", out)
    assert folder_bytes(out) == before
    assert siblings(tmp_path) == ["brat"]


def test_an_interrupted_export_also_cleans_up(project, two, tmp_path):
    def cancel(done: int, total: int, what: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_to_path(project, "brat", tmp_path / "brat", progress=cancel)
    assert siblings(tmp_path) == []


def test_a_re_export_replaces_the_previous_one_whole(project, two, tmp_path):
    out = tmp_path / "brat"
    export_to_path(project, "brat", out)
    assert {p.name for p in out.iterdir()} == {f"{two[0].id}.txt", f"{two[0].id}.ann",
                                               f"{two[1].id}.txt", f"{two[1].id}.ann", "annotation.conf"}
    calls = []
    report = export_to_path(project, "brat", out, status="done", progress=lambda *a: calls.append(a))
    # the article no longer exported goes with the previous export instead of lingering beside the new
    assert sorted(p.name for p in out.iterdir()) == [f"{two[1].id}.ann", f"{two[1].id}.txt", "annotation.conf"]
    assert report.articles == 1 and [(d, t) for d, t, _ in calls] == [(1, 1)]
    assert siblings(tmp_path) == ["brat"]


def test_destinations_that_are_not_a_brat_export_are_refused_untouched(project, two, tmp_path):
    afile = tmp_path / "out.txt"
    afile.write_text("keep\n", encoding="utf-8")
    with pytest.raises(ExportError, match="it is a file, and the brat format writes a folder"):
        export_to_path(project, "brat", afile)
    with pytest.raises(ExportError, match="it is a file"):
        export_to_path(project, "brat", project.path)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "1.txt").write_text("old", encoding="utf-8")
    (mixed / "notes.md").write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError, match=r"holds files a brat export does not write \(notes.md\)"):
        export_to_path(project, "brat", mixed)
    assert folder_bytes(mixed) == {"1.txt": b"old", "notes.md": b"mine"}
    assert afile.read_text(encoding="utf-8") == "keep\n"
    with pytest.raises(ExportError, match="cannot write .*missing"):
        export_to_path(project, "brat", tmp_path / "missing" / "brat")
    empty = tmp_path / "empty"
    empty.mkdir()
    export_to_path(project, "brat", empty)
    assert len(list(empty.iterdir())) == 5
    assert siblings(tmp_path) == ["empty", "mixed", "out.txt"]


def test_brat_is_a_folder_format_and_refuses_a_stream(project, two):
    import io

    assert "brat" in FOLDER_FORMATS
    stream = io.StringIO()
    with pytest.raises(ExportError, match="brat format writes a folder"):
        export_to_stream(project, "brat", stream)
    assert stream.getvalue() == ""


# --- the command line ---------------------------------------------------------------------------

def test_the_command_line_writes_a_folder_and_refuses_standard_output(project, two, tmp_path, capsys):
    path = project.path  # committed: the command line opens the file itself
    out = tmp_path / "brat"
    assert main.main(["--project", str(path), "export", "--format", "brat", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"wrote 2 records (2 articles, 2 spans, 0 events) to {out}")
    txt, _, ann = read_export(out, two[0].id)
    assert txt == "Insurgents entered Damascus." and list(ann.t.values()) == [("ACTOR", [(0, 10)], "Insurgents")]

    assert main.main(["--project", str(path), "export", "--format", "brat"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error: the brat format writes a folder" in captured.err and "give an output folder" in captured.err
