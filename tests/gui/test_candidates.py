"""Candidate spans for a role (the trigger's sentence first, then nearest first), the type filter's
matching and role captions: pure logic, no QApplication needed."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlite_utils import Database

from gui.candidates import candidates, distance, matching_types, role_candidates, role_rules
from storage.model import Argument, Event, Role, Scheme, Span
from storage.project import Project
from storage.sentences import sentences

TEXT = ("Rebels seized Homs. Insurgents who said they had entered Damascus met the army, "
        "and Syria watched.\nIn Aleppo, residents hid.")


def span(span_id: int, word: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return Span(span_id, 1, start, start + len(word), label)


TRIGGER = span(1, "entered", "EVENT")
SPANS = [
    span(2, "Rebels", "ACTOR"),
    span(3, "Homs", "LOCATION"),
    span(4, "Insurgents", "ACTOR"),
    span(5, "Damascus", "LOCATION"),
    span(6, "army", "ACTOR"),
    span(7, "Syria", "ACTOR"),
    span(8, "Aleppo", "LOCATION"),
    span(9, "residents", "ACTOR"),
    TRIGGER,
]
BOUNDS = sentences(TEXT)


def ids(found):
    return [c.span.id for c in found]


def test_same_sentence_first_then_by_distance():
    found = candidates(SPANS, TRIGGER, ("ACTOR",), BOUNDS)
    # army (18 characters after), Insurgents (19 before), Syria (28 after): the trigger's sentence;
    # then Rebels (43 before) and residents (54 after, next paragraph).
    assert ids(found) == [6, 4, 7, 2, 9]
    assert [c.same_sentence for c in found] == [True, True, True, False, False]
    assert [c.distance for c in found] == [18, 19, 28, 43, 54]


def test_only_the_role_labels_and_never_the_trigger_or_excluded():
    found = candidates(SPANS, TRIGGER, ("LOCATION",), BOUNDS, exclude={5})
    assert ids(found) == [3, 8]  # Damascus excluded; Homs (previous sentence) nearer than Aleppo
    assert not any(c.span.id == TRIGGER.id for c in candidates(SPANS, TRIGGER, ("EVENT",), BOUNDS))


def test_a_near_span_in_another_sentence_ranks_below_a_far_one_in_the_same_sentence():
    near_other = span(10, "Homs", "ACTOR")  # end of the previous sentence
    far_same = span(11, "watched", "ACTOR")  # end of the trigger's sentence
    assert distance(near_other, TRIGGER) < distance(far_same, TRIGGER)
    found = candidates([near_other, far_same], TRIGGER, ("ACTOR",), BOUNDS)
    assert ids(found) == [11, 10]


def test_ties_go_to_the_earlier_span_and_overlap_is_distance_zero():
    text = "A hit B."
    trigger = Span(1, 1, 2, 5, "EVENT")
    left, right = Span(2, 1, 0, 1, "ACTOR"), Span(3, 1, 6, 7, "ACTOR")
    overlapping = Span(4, 1, 2, 3, "ACTOR")
    found = candidates([right, left, overlapping], trigger, ("ACTOR",), sentences(text))
    assert ids(found) == [4, 2, 3]
    assert [c.distance for c in found] == [0, 1, 1]


def test_without_sentences_everything_is_ordered_by_distance():
    found = candidates(SPANS, TRIGGER, ("ACTOR",), [])
    assert not any(c.same_sentence for c in found)
    assert [c.distance for c in found] == sorted(c.distance for c in found)


def default_scheme() -> Scheme:
    """The scheme a new project gets (resources/scheme.json), read back through the store."""
    return Project(Database(memory=True)).scheme


def test_role_candidates_leave_out_spans_already_in_the_frame():
    event = Event(1, 1, TRIGGER.id, "FIGHT", arguments=(Argument("source", 6),))
    target = Role("target", ("ACTOR",))
    assert ids(role_candidates(event, target, SPANS, TRIGGER, BOUNDS)) == [4, 7, 2, 9]


def test_type_filter_matches_names_then_descriptions():
    types = default_scheme().event_types
    assert [t.name for t in matching_types(types, "fig")] == ["FIGHT"]
    assert [t.name for t in matching_types(types, " Aid ")] == ["AID"]
    assert [t.name for t in matching_types(types, "arrest")] == ["INVESTIGATE", "COERCE"]
    assert len(matching_types(types, "")) == len(types) == 18
    assert matching_types(types, "zzz") == []


def test_role_rules_say_what_a_role_takes():
    scheme = default_scheme()
    assert [role_rules(r) for r in scheme.roles] == ["ACTOR, required", "ACTOR", "LOCATION, at most 1"]


def test_candidates_module_imports_no_qt():
    code = "import sys, gui.candidates; sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0
