"""Annotate all occurrences: whole words, case option, existing spans respected, one transaction."""
import pytest

from storage.assist.batch import add_spans, remove_spans
from storage.assist.occurrences import find_occurrences, occurrences_in_text
from storage.model import DuplicateSpanError
from storage.project import Project

TEXT = "Velmora fell. velmora wept; Velmoran troops left Velmora. In Velmora City, calm.\n"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        yield project


def test_whole_words_only_and_case_is_an_option():
    assert occurrences_in_text(TEXT, "Velmora", []) == [(0, 7), (14, 21), (49, 56), (61, 68)]
    assert occurrences_in_text(TEXT, "Velmora", [], match_case=True) == [(0, 7), (49, 56), (61, 68)]
    assert occurrences_in_text("U.S. and U.S.A.", "U.S.", []) == [(0, 4), (9, 13)]


def test_occurrences_overlapping_a_span_are_skipped():
    assert occurrences_in_text(TEXT, "Velmora", [(0, 7), (61, 73)], match_case=True) == [(49, 56)]


def test_project_wide_search_finds_other_articles_and_accepting_is_all_or_nothing(project):
    first = project.add_article(text=TEXT, title="one").id
    second = project.add_article(text="Talks in VELMORA ended.\n", title="two").id
    project.add_article(text="Nothing here.\n", title="three")
    span = project.add_span(first, 0, 7, "LOCATION")
    here = find_occurrences(project, span)
    assert [(o.article_id, o.start) for o in here] == [(first, 14), (first, 49), (first, 61)]
    everywhere = find_occurrences(project, span, whole_project=True)
    assert [(o.article_id, o.start, o.match) for o in everywhere][-1] == (second, 9, "VELMORA")
    assert everywhere[0].before == "Velmora fell. " and everywhere[0].after.startswith(" wept")
    made = add_spans(project, [o.proposal() for o in everywhere], annotator="ann")
    assert {s.origin for s in made} == {"suggestion:occurrences"}
    assert len(project.spans(first)) == 4 and len(project.spans(second)) == 1
    remove_spans(project, made)
    assert len(project.spans(first)) == 1 and project.spans(second) == []
    project.add_span(second, 9, 16, "LOCATION")  # one of them is now taken: nothing is written
    with pytest.raises(DuplicateSpanError):
        add_spans(project, [o.proposal() for o in everywhere])
    assert len(project.spans(first)) == 1
