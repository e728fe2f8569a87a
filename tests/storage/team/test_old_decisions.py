"""Curation decisions stored before places were overlap groups read as their places' own (issue 10).

The file is built the old way: ana tagged "Rebels entered" and "entered Velmora" (two of her spans
overlapping: one place now, 0–22), ben tagged "Rebels". Curation then split that group by pairwise
matching into two units, ben's "Rebels" with ana's "Rebels entered" (0–14) and ana's "entered
Velmora" alone (7–22), and stored each unit's decision under its own extent, rows written here as
that code wrote them. Frames likewise, over their triggers' extents.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from storage.project import Project, now
from storage.team import curation
from storage.team.curation_frames import read_frame_units
from storage.team.old_decisions import PARTS

TEXT = "Rebels entered Velmora after fighting the army."


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite"
    with Project.open(path) as project:
        article = project.add_article(text=TEXT, title="Velmora").id
        for layer, spans in {"ana": [(0, 14, "ACTOR"), (7, 22, "LOCATION")], "ben": [(0, 6, "ACTOR")]}.items():
            for start, end, label in spans:
                project.add_span(article, start, end, label, annotator=layer)
    return path


def old_decisions(path: Path, table: str, rows: list[tuple[int, int, str]]) -> None:
    """Decisions as the pairwise curation stored them: one row per old unit, keyed by its extent."""
    with Project.open(path) as project, project.transaction():
        project.db.conn.executemany(f'INSERT INTO {table} (article_id, start, "end", decision, created) '
                                    "VALUES (1, ?, ?, ?, ?)", [(*row, now()) for row in rows])


def place(path: Path) -> curation.Unit:
    with Project.open(path) as project:
        (unit,) = curation.read_units(project, 1)
    assert (unit.start, unit.end) == (0, 22)  # one place now: the group of overlapping spans
    return unit


def test_a_place_whose_old_units_were_all_decided_alike_reads_decided(path):
    old_decisions(path, "curation_decisions", [(0, 14, "took:ana"), (7, 22, "took:ana")])
    assert place(path).decision == "took:ana"
    with Project.open(path) as project:  # the view's open reads the same, and nothing is merged or written
        opening = curation.open_article(project, 1)
        assert [u.decision for u in opening.units] == ["took:ana"] and opening.merged == 0
        assert project.db.execute("SELECT count(*) FROM curation_decisions").fetchone()[0] == 2
        # After a decision the view reads only the places it touched: the same answer there.
        assert curation.units_now(project, 1, opening.units)[0].decision == "took:ana"


def test_parts_decided_differently_read_resolved_and_one_part_open_reads_open(path):
    old_decisions(path, "curation_decisions", [(0, 14, "took:ben"), (7, 22, "rejected")])
    unit = place(path)
    assert unit.decision == PARTS and unit.resolved
    with Project.open(path) as project:
        project.db.execute("DELETE FROM curation_decisions WHERE start = 7")
        project.db.conn.commit()
    assert place(path).decision is None  # ana's "entered Velmora" was never decided: still to decide


def test_a_new_decision_at_the_place_wins_and_its_undo_brings_the_old_ones_back(path):
    old_decisions(path, "curation_decisions", [(0, 14, "took:ana"), (7, 22, "took:ana")])
    with Project.open(path) as project:
        change = curation.reject(project, 1, curation.read_units(project, 1)[0])
        assert curation.read_units(project, 1)[0].decision == "rejected"
        curation.undo(project, change)
        assert curation.read_units(project, 1)[0].decision == "took:ana"


def test_old_frame_decisions_are_read_for_their_place(path):
    with Project.open(path) as project:
        for start, end in ((0, 14), (7, 22)):  # two frames of ana's on overlapping triggers, one of ben's
            trigger = project.add_span(1, start, end, "EVENT", annotator="ana")
            project.add_event(trigger.id, annotator="ana")
        project.add_event(project.add_span(1, 0, 6, "EVENT", annotator="ben").id, annotator="ben")
    old_decisions(path, "curation_frame_decisions", [(0, 14, "took:ben"), (7, 22, "took:ben")])
    with Project.open(path) as project:
        (unit,) = read_frame_units(project, 1)
    assert (unit.start, unit.end, unit.decision) == (0, 22, "took:ben")
