"""PLOVER's gold-standard records (../shared/interop/plover), checked record by record against the
file: every actor that is verbatim once in its sentence is an ACTOR span there filling actor (source)
or recipient (target), the trigger is the record's event text, the type its category (older ones
mapped), and what cannot be placed is counted, never guessed."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from storage.importing import import_paths
from storage.project import Project
from tests.storage.importing.helpers import INTEROP

GSR = INTEROP / "plover" / "PLOVER_GSR_CAMEO.txt"
OLDER = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT", "INVESTIGATE": "ACCUSE"}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    path = tmp_path_factory.mktemp("plover") / "p.sqlite"
    with Project.open(path, new_scheme="plover-2.0") as project:
        report = import_paths(project, [GSR])  # detected: a .txt holding a JSON array
        assert report.ok and report.files[0].format == "plover", report.summary_lines()
        articles = {}
        for article_id in project.article_ids():
            text = project.article(article_id).text
            spans = {s.id: s for s in project.spans(article_id)}
            articles[text] = (spans, project.events(article_id))
    return report, articles


def records():
    return [r for r in json.loads(GSR.read_text(encoding="utf-8")) if r["event"] != "DOCUMENT"]


def actors(record, field):
    value = record.get(field)
    return [a for a in (value if isinstance(value, list) else []) if isinstance(a, dict)]


def test_every_placeable_actor_fills_its_role_and_the_rest_is_counted(imported):
    report, articles = imported
    not_verbatim = placed = 0
    for record in records():
        text = record["text"]
        spans, events = articles[text]
        event = next((e for e in events if e.attributes.get("source_id") == record["id"]), None)
        filled = {(a.role, spans[a.span_id].start, spans[a.span_id].end) for a in event.arguments} if event else set()
        for field, role in (("source", "actor"), ("target", "recipient")):
            for actor in actors(record, field):
                shown = actor["actorText"]
                if shown not in text:
                    not_verbatim += 1
                    assert not any(text[s.start:s.end] == shown for s in spans.values())  # never guessed
                elif text.count(shown) == 1:
                    start = text.index(shown)
                    assert any((s.start, s.end, s.label) == (start, start + len(shown), "ACTOR")
                               for s in spans.values()), (record["id"], shown)
                    assert event is None or (role, start, start + len(shown)) in filled, (record["id"], shown)
                    placed += 1
    assert report.dropped["actor not verbatim in the text"] == not_verbatim == 21
    assert placed == 593  # of 650 actors: 21 not verbatim, the others there more than once


def test_every_event_has_its_event_text_as_trigger_and_its_category_as_type(imported):
    report, articles = imported
    events = 0
    for record in records():
        spans, found = articles[record["text"]]
        event = next((e for e in found if e.attributes.get("source_id") == record["id"]), None)
        if event is None:
            continue
        events += 1
        trigger = spans[event.trigger_id]
        shown = record["text"][trigger.start:trigger.end]
        markup = record["textInfo"]["markup"] if isinstance(record["textInfo"], dict) else record["textInfo"]
        assert shown == record["eventText"] or f"(EVT: {shown})" in markup or f"(EVT:{shown})" in markup
        assert (trigger.label, event.type) == ("EVENT", OLDER.get(record["event"], record["event"]))
    without = report.dropped["event text (so no event; its article and actors kept) not verbatim in the text"]
    assert events == report.events_added == len(records()) - without
    assert Counter(OLDER[r["event"]] for r in records() if r["event"] in OLDER)  # the mapping was exercised


def test_target_shapes_and_a_string_text_info(imported):
    """target is a list, "", absent or (once) a bare word that is not an actor; one textInfo is a string."""
    report, _ = imported
    shapes = Counter("absent" if "target" not in r else "empty" if r["target"] == "" else type(r["target"]).__name__
                     for r in records())
    assert shapes == {"list": 288, "empty": 8, "absent": 25, "str": 1}
    assert sum(isinstance(r.get("textInfo"), str) for r in records()) == 1
    assert report.dropped["target that is not an actor record"] == 1  # AGREE-0007: "target": "diplomatic"
