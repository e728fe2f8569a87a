"""The PLOVER 2.0 scheme shipped in resources/: the manual's lists, stored and read back whole."""
from __future__ import annotations

from pathlib import Path

import pytest

import resources
from storage import scheme as scheme_store
from storage.exporting import export_to_path
from storage.frames import frame_problems
from storage.importing import import_paths
from storage.model import SchemeError
from storage.project import Project

TEXT = "Rebels attacked the army in Velmora.\n"


def _plover(path: Path) -> Project:
    return Project.open(path, new_scheme="plover-2.0")


def test_the_scheme_has_the_manuals_sixteen_types_modes_contexts_and_codes() -> None:
    scheme = scheme_store.shipped("plover-2.0")
    assert (scheme.name, scheme.version) == ("PLOVER", "2.0")
    assert [t.name for t in scheme.event_types] == [
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
        "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
    assault = scheme.event_type("ASSAULT")
    assert assault.mode_names == (
        "abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms", "explosives",
        "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control", "unconventional")
    assert scheme.event_type("PROTEST").mode_names[:6] == ("demo", "riot", "strike", "hunger", "boycott",
                                                           "obstruct")
    # (type, mode): arrest is a THREATEN and a COERCE mode with opposite meanings.
    assert "arrest" in scheme.event_type("THREATEN").mode_names
    assert "arrest" in scheme.event_type("COERCE").mode_names
    assert {t.name for t in scheme.event_types if t.required_roles == ("recipient",)} == {
        "COOPERATE", "AID", "SANCTION"}
    assert [r.name for r in scheme.roles] == ["actor", "recipient", "location"]
    context = next(a for a in scheme.attributes if a.name == "context")
    assert context.multi and context.on_article and len(context.choices) == 37
    assert {"military", "human_rights", "repression", "terrorism", "migration"} <= set(context.choices)
    actor = scheme.label("ACTOR")
    assert [a.name for a in actor.attributes] == ["code", "sector", "identifier_id"]
    assert len(actor.attribute("code").choices) == 249 + 8 and "SYR" in actor.attribute("code").choices
    assert actor.attribute("sector").multi and {"GOV", "MIL", "REB", "OPP", "CVL", "JRN", "REF"} <= set(
        actor.attribute("sector").choices)
    tables = resources.plover_tables()
    assert tables["quad_code"]["by_type"]["SANCTION"] == 4
    assert tables["event_scale"]["scores"]["ASSAULT:firearms"] == -9.0


def test_a_new_project_can_start_with_plover_and_an_existing_one_keeps_its_scheme(tmp_path: Path) -> None:
    with _plover(tmp_path / "p.sqlite") as project:
        assert project.scheme == scheme_store.shipped("plover-2.0")
    with Project.open(tmp_path / "p.sqlite", new_scheme="legacy") as again:
        assert again.scheme.name == "PLOVER"  # new_scheme only seeds a new file
    with Project.open(tmp_path / "old.sqlite", new_scheme="legacy") as legacy:
        assert [r.name for r in legacy.scheme.roles] == ["source", "target", "location"]


def test_attribute_values_are_checked_and_modes_of_another_type_are_flagged(tmp_path: Path) -> None:
    with _plover(tmp_path / "p.sqlite") as project:
        article = project.add_article(text=TEXT, title="t")
        trigger = project.add_span(article.id, 7, 15, "EVENT")
        rebels = project.add_span(article.id, 0, 6, "ACTOR")
        event = project.add_event(trigger.id, type="AID")
        project.add_argument(event.id, "actor", rebels.id)
        for name, value, message in [("dead", -1, "whole number"), ("dead", "3", "whole number"),
                                     ("context", "military", "list"), ("context", ["war"], "one of"),
                                     ("mode", ["nonsense"], "not a mode of any event type"),
                                     ("auxiliary", ["negation", "negation"], "twice")]:
            with pytest.raises(SchemeError, match=message):
                project.set_event_attribute(event.id, name, value)
        project.set_event_attribute(event.id, "dead", 0)
        event = project.set_event_attribute(event.id, "mode", ["firearms"])
        spans = {s.id: s for s in project.spans(article.id)}
        assert frame_problems(event, spans, project.scheme) == [
            "missing recipient (AID requires one)", "mode not of its type: firearms is not a mode of AID"]
        event = project.set_event_type(event.id, "ASSAULT")
        assert frame_problems(event, spans, project.scheme) == []
        assert project.set_article_attribute(article.id, "context", ["military", "terrorism"]) == {
            "context": ["military", "terrorism"]}
        with pytest.raises(SchemeError, match="not an attribute an article can carry"):
            project.set_article_attribute(article.id, "dead", 3)


def test_exports_count_flagged_frames_and_native_keeps_the_whole_scheme(tmp_path: Path) -> None:
    with _plover(tmp_path / "p.sqlite") as project:
        article = project.add_article(text=TEXT, title="t")
        trigger = project.add_span(article.id, 7, 15, "EVENT")
        rebels = project.add_span(article.id, 0, 6, "ACTOR")
        event = project.add_event(trigger.id, type="SANCTION", attributes={"mode": ["firearms"]})
        project.add_argument(event.id, "actor", rebels.id)
        project.set_article_attribute(article.id, "context", ["military"])
        report = export_to_path(project, "native", tmp_path / "out.jsonl")
        assert report.flagged == {"missing recipient": 1, "mode not of its type": 1}
        assert report.summary().endswith(
            "; 1 event frame flagged ⚠ (missing recipient 1, mode not of its type 1), written as they are: "
            f"article {article.id} event {event.id}: missing recipient (SANCTION requires one), mode not of its "
            "type: firearms is not a mode of SANCTION (--strict refuses them)")
    with Project.open(tmp_path / "copy.sqlite", new_scheme="legacy") as copy:
        import_paths(copy, [tmp_path / "out.jsonl"])
        assert copy.scheme == scheme_store.shipped("plover-2.0")
        assert copy.article_attributes(1) == {"context": ["military"]}
        export_to_path(copy, "native", tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_bytes() == (tmp_path / "out.jsonl").read_bytes()


def test_plover_is_what_a_new_project_gets_outside_the_test_suite(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from storage.project import Project; p = Project.open(sys.argv[1]); "
            "print(p.scheme.name, p.scheme.version, [r.name for r in p.scheme.roles])")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "new.sqlite")], capture_output=True,
                            text=True, cwd=Path(__file__).resolve().parents[2], check=True)
    assert result.stdout.strip() == "PLOVER 2.0 ['actor', 'recipient', 'location']"
