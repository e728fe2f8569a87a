"""Frames built in the real window by keys and Ctrl+click come out of `native` and
`doccano --relations` as the first issue defines them: ids that resolve to spans whose text is
the article's slice, roles, types and attributes — and `native` reads back into the same frames."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from storage.exporting import export_to_path
from storage.importing import import_paths
from storage.project import Project
from tests.gui.event_helpers import (
    open_window,
    point,
    press,
    tag,
    word,
)

# What the test builds, by trigger text: type, {role: argument texts}, attributes.
EXPECTED = {
    "entered": ("FIGHT", {"source": ["insurgents"], "target": ["they"], "location": ["Damascus"]},
                {"date": "2024-12-08", "modality": "asserted", "polarity": "negative"}),
    "advance": ("MOBILIZE", {"source": ["insurgents"]},
                {"date": "2024-12-08", "modality": "asserted", "polarity": "positive"}),
}


@pytest.fixture
def built(qtbot, sample_project: Path) -> tuple[Project, str]:
    """Two frames on the sample article, sharing a source, built as a user would; (project, text)."""
    window, panel = open_window(qtbot, sample_project)
    frame, view = panel.frame, window.view
    panel.choose_role = lambda roles, span, pos: "target"  # the popup's answer for "they"
    tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    tag(qtbot, window, "they", Qt.Key.Key_1)
    tag(qtbot, window, "Damascus", Qt.Key.Key_2)

    tag(qtbot, window, "entered", Qt.Key.Key_3)  # FIGHT, source insurgents (2nd candidate), Damascus
    qtbot.keyClicks(frame.type_filter, "fig")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_2, Qt.Key.Key_Tab, Qt.Key.Key_Tab,
                Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_Down, Qt.Key.Key_Escape):
        press(qtbot, key)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     pos=point(window, word(window, "they")[0] + 1))

    tag(qtbot, window, "advance", Qt.Key.Key_3)  # MOBILIZE; insurgents is the nearer candidate here
    qtbot.keyClicks(frame.type_filter, "mobil")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Tab)
    assert [r.text() for r in frame.slots["source"].candidate_rows()][:2] == ["1  they", "2  insurgents"]
    press(qtbot, Qt.Key.Key_2)
    press(qtbot, Qt.Key.Key_Escape)
    assert panel.incomplete_frames() == []
    return window.project, window.document.text


def test_native_carries_the_frames_built_in_the_window(built, tmp_path: Path):
    project, text = built
    out = tmp_path / "native.jsonl"
    report = export_to_path(project, "native", out)
    assert (report.records, report.events) == (1, 2)
    scheme_line, article_line = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["name"] for r in scheme_line["scheme"]["roles"]] == ["source", "target", "location"]
    record = article_line
    assert record["text"] == text
    assert (record["meta"]["date"], record["meta"]["status"]) == ("2024-12-08", "in_progress")
    assert record["meta"]["title"].startswith("Events suggest that the end of Bashar Al-Assad")
    spans = {span["id"]: span for span in record["spans"]}
    for span in spans.values():
        assert text[span["start"]:span["end"]] == span["text"]

    frames = {}
    for event in record["events"]:
        trigger = spans[event["trigger"]]
        assert trigger["label"] == "EVENT"
        roles: dict[str, list[str]] = {}
        for argument in event["arguments"]:
            span = spans[argument["span"]]
            assert span["label"] == {"location": "LOCATION"}.get(argument["role"], "ACTOR")
            roles.setdefault(argument["role"], []).append(span["text"])
        frames[trigger["text"]] = (event["type"], roles, event["attributes"])
        assert list(event["attributes"]) == sorted(event["attributes"])  # stable bytes
        assert event["annotator"] == "ann"
    assert frames == EXPECTED
    # The shared source is one span, not two copies.
    shared = {a["span"] for e in record["events"] for a in e["arguments"] if a["role"] == "source"}
    assert len(shared) == 1

    # And it reads back: a fresh project gets the same frames, ids and all.
    with Project.open(tmp_path / "again" / "p.sqlite") as again:
        result = import_paths(again, [out])
        assert [f.error for f in result.files] == [None]
        again_out = tmp_path / "again.jsonl"
        export_to_path(again, "native", again_out)
    assert again_out.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")  # byte for byte


def test_doccano_relations_join_trigger_to_argument_by_role(built, tmp_path: Path):
    project, text = built
    out = tmp_path / "doccano.jsonl"
    report = export_to_path(project, "doccano", out, relations=True)
    assert (report.records, report.events) == (1, 2)
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["text"] == text and "label" not in record
    entities = {e["id"]: e for e in record["entities"]}
    for entity in entities.values():
        assert 0 <= entity["start_offset"] < entity["end_offset"] <= len(text)

    def said(entity_id: int) -> str:
        entity = entities[entity_id]
        return text[entity["start_offset"]:entity["end_offset"]]

    relations = {r["id"]: r for r in record["relations"]}
    assert len(relations) == len(record["relations"]) == 4  # 3 + 1, one per argument
    frames = {}
    for event in record["events"]:
        assert entities[event["trigger"]]["label"] == "EVENT"
        roles: dict[str, list[str]] = {}
        for relation_id in event["relations"]:
            relation = relations[relation_id]
            assert relation["from_id"] == event["trigger"]  # trigger → argument, typed by the role
            roles.setdefault(relation["type"], []).append(said(relation["to_id"]))
        frames[said(event["trigger"])] = (event["type"], roles)
    assert frames == {trigger: (kind, roles) for trigger, (kind, roles, _) in EXPECTED.items()}
    # Every relation belongs to exactly one event.
    assert sorted(i for e in record["events"] for i in e["relations"]) == sorted(relations)
