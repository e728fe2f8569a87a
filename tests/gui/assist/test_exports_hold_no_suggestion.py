"""No unaccepted suggestion ever reaches an export: with text suggestions (dictionary) and role
suggestions (the frame's suggested fillers) on screen in the real window, every export format
holds the accepted ones and none of the others."""
from __future__ import annotations

import json

from storage.assist.dictionary import add_entries
from storage.exporting import FOLDER_FORMATS, FORMATS, export_to_path
from tests.gui.assist.test_roles import NEW, open_frame


def written(out) -> str:
    files = sorted(out.glob("*")) if out.is_dir() else [out]
    return "".join(f.read_text(encoding="utf-8") for f in files if f.suffix in (".jsonl", ".ann", ".json"))


def test_every_export_leaves_out_text_and_role_suggestions_until_accepted(qtbot, tmp_path):
    path, _, window = open_frame(qtbot, tmp_path)
    add_entries(window.project, [("Kessa", "LOCATION"), ("convoy", "ACTOR")])  # the dictionary suggests them
    window.assist.settings_changed()
    document, frame = window.document, window.event_panel.frame
    event_id = document.current_event.id
    qtbot.waitUntil(lambda: window.assist.suggestions.suggestions != [])
    text_pending = list(window.assist.suggestions.suggestions)
    assert {NEW[s.start:s.end] for s in text_pending} == {"Kessa", "convoy"}
    roles_pending = dict(frame.role_suggestions)
    assert set(roles_pending) == {"source", "target"}
    # Accept the target's suggestion only; the source's stays a suggestion.
    assert frame.accept_suggestion("target")
    accepted = document.spans[roles_pending["target"].span_id]
    unaccepted = document.spans[roles_pending["source"].span_id]
    assert frame.role_suggestions.get("source") is not None
    for fmt in (*FORMATS, *FOLDER_FORMATS):
        out = tmp_path / (fmt if fmt in FOLDER_FORMATS else f"{fmt}.jsonl")
        export_to_path(window.project, fmt, out)
        data = written(out)
        for suggestion in text_pending:  # no text suggestion is a span in any format
            assert f'"start": {suggestion.start}, "end": {suggestion.end}' not in data.replace('":', '": '), fmt
            assert f" {suggestion.start} {suggestion.end}\t" not in data, fmt
        if fmt == "native":
            records = [json.loads(line) for line in data.splitlines() if '"events"' in line]
            (frame_record,) = [e for r in records for e in r["events"] if e["id"] == event_id]
            roles = {(a["role"], a["span"]) for a in frame_record["arguments"]}
            assert roles == {("target", accepted.id)}, fmt
        if fmt == "events":
            (record,) = [json.loads(line) for line in data.splitlines() if f'"event_id":{event_id}' in
                         line.replace(" ", "")]
            assert [a["start"] for a in record["target"]] == [accepted.start] and record["source"] == [], fmt
        if fmt == "brat":
            lines = [line for line in data.splitlines() if line.startswith("E") and "FIGHT" in line]
            assert len(lines) == 2 and sum("source:" in line for line in lines) == 1, fmt  # the done frame's
            assert any("target:" in line and "source:" not in line for line in lines), fmt  # the new frame
    assert unaccepted.id != accepted.id
