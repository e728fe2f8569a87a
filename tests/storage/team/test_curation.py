"""Curation on a real file: agreed spans go to gold once, disagreements are taken or rejected, undo."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from storage.project import Project
from storage.team import curation
from storage.team.matching import SpanAnn

TEXT = "Rebels entered Velmora after fighting the army."


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        article = project.add_article(text=TEXT, title="Velmora").id
        for layer, spans in {"ana": [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "LOCATION"), (38, 46, "ACTOR")],
                             "ben": [(0, 6, "ACTOR"), (7, 14, "EVENT"), (15, 22, "ACTOR"), (42, 46, "ACTOR")]}.items():
            for start, end, label in spans:
                project.add_span(article, start, end, label, annotator=layer)
        yield project


def gold(project):
    return project.db.execute('SELECT start, "end", label, taken_from FROM spans WHERE annotator = ? '
                              "ORDER BY start", ["gold"]).fetchall()


def test_agreed_spans_go_to_gold_once_and_disagreements_remain(project):
    assert curation.auto_merge(project, 1) == 2
    assert gold(project) == [(0, 6, "ACTOR", "agreed"), (7, 14, "EVENT", "agreed")]
    project.db.execute("DELETE FROM spans WHERE annotator = 'gold' AND start = 0")  # the curator removed one
    assert curation.auto_merge(project, 1) == 0  # an agreed unit is merged once, not again
    open_units = [u for u in curation.read_units(project, 1) if not u.resolved]
    assert [(u.start, u.end) for u in open_units] == [(15, 22), (38, 46)]
    assert open_units[1].versions == {"ana": (SpanAnn(38, 46, "ACTOR"),), "ben": (SpanAnn(42, 46, "ACTOR"),)}


def test_take_and_reject_are_undoable(project):
    curation.auto_merge(project, 1)
    velmora, army = [u for u in curation.read_units(project, 1) if not u.resolved]
    took = curation.take(project, 1, velmora, "ana")
    assert (15, 22, "LOCATION", "ana") in gold(project)
    rejected = curation.reject(project, 1, army)
    assert all(row[0] != 38 and row[0] != 42 for row in gold(project))
    assert all(u.resolved for u in curation.read_units(project, 1))
    # changing one's mind: take ben's version of the same unit replaces ana's
    again = curation.take(project, 1, curation.read_units(project, 1)[2], "ben")
    assert (15, 22, "ACTOR", "ben") in gold(project) and (15, 22, "LOCATION", "ana") not in gold(project)
    curation.undo(project, again)
    assert (15, 22, "LOCATION", "ana") in gold(project)
    curation.undo(project, rejected)
    curation.undo(project, took)
    assert gold(project) == [(0, 6, "ACTOR", "agreed"), (7, 14, "EVENT", "agreed")]
    assert [u.resolved for u in curation.read_units(project, 1)] == [True, True, False, False]
    curation.redo(project, took)
    assert (15, 22, "LOCATION", "ana") in gold(project)


def test_threshold_lets_a_majority_agree(project):
    project.add_span(1, 15, 22, "LOCATION", annotator="chen")
    assert curation.auto_merge(project, 1, threshold=0.6) >= 1
    assert (15, 22, "LOCATION", "agreed") in gold(project)  # ana and chen of three


def test_opening_reads_once_and_finds_what_a_fresh_read_finds(project):
    # nested and stacked spans (matched pairwise), a third layer, and gold the curator already made
    project.add_span(1, 7, 22, "EVENT", annotator="ana")
    project.add_span(1, 0, 6, "LOCATION", annotator="ben")
    for start, end, label in [(0, 6, "ACTOR"), (7, 14, "EVENT"), (29, 37, "EVENT")]:
        project.add_span(1, start, end, label, annotator="chen")
    project.add_span(1, 29, 37, "EVENT", annotator="gold")
    project.add_span(1, 23, 28, "EVENT")  # unsigned (the default layer): not an annotator's version
    opening = curation.open_article(project, 1, threshold=0.6)
    assert opening.annotators == ["ana", "ben", "chen"] == curation.annotator_layers(project, 1)
    assert opening.merged == len(gold(project)) - 1 > 0
    assert opening.units == curation.read_units(project, 1)
    with closing(sqlite3.connect(project.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock…
        again = curation.open_article(project, 1, threshold=0.6)  # …and nothing is left to merge: only a read
        other.execute("ROLLBACK")
    assert again.merged == 0 and again.units == opening.units


def test_nested_and_stacked_spans_are_one_place_and_places_never_overlap(project):
    """ana stacks LOCATION on the ACTOR both tagged, and tags "army" inside her "the army": pairwise
    matching would make two places over the same words (one of them "agreed", hiding ana's LOCATION;
    the other's take removing what the first put into gold). Grouped, each is one place."""
    project.add_span(1, 0, 6, "LOCATION", annotator="ana")  # stacked on the ACTOR both have
    project.add_span(1, 42, 46, "ACTOR", annotator="ana")  # nested in her "the army"
    opening = curation.open_article(project, 1)
    assert [(u.start, u.end, u.resolved) for u in opening.units] == [
        (0, 6, False), (7, 14, True), (15, 22, False), (38, 46, False)]
    assert opening.merged == 1 and gold(project) == [(7, 14, "EVENT", "agreed")]  # nothing of "Rebels" yet
    rebels, _entered, _velmora, army = opening.units
    assert rebels.versions["ana"] == (SpanAnn(0, 6, "ACTOR"), SpanAnn(0, 6, "LOCATION"))
    assert army.versions == {"ana": (SpanAnn(38, 46, "ACTOR"), SpanAnn(42, 46, "ACTOR")),
                             "ben": (SpanAnn(42, 46, "ACTOR"),)}
    curation.take(project, 1, army, "ben")
    curation.take(project, 1, rebels, "ben")
    assert gold(project) == [(0, 6, "ACTOR", "ben"), (7, 14, "EVENT", "agreed"), (42, 46, "ACTOR", "ben")]
    units = curation.read_units(project, 1)
    assert all(a.end <= b.start for a, b in zip(units, units[1:]))  # no two places share a code point
    assert [u.decision for u in units] == ["took:ben", "agreed", None, "took:ben"]


def test_places_are_the_overlap_groups_on_many_nested_and_stacked_spans(tmp_path):
    # read_units sweeps the layers itself, without matching.overlap_components' tuple per span:
    # the same groups, versions and order, checked on 600 random spans (nested, stacked, touching).
    import random
    from operator import itemgetter

    from storage.team.matching import overlap_components

    rng = random.Random(3)
    text = "word " * 400
    with Project.open(tmp_path / "many.sqlite") as project:
        article = project.add_article(text=text, title="Many").id
        for layer in ("ana", "ben", "chen"):
            chosen = {(start, start + rng.choice([4, 4, 4, 9, 14]), rng.choice(["ACTOR", "LOCATION"]))
                      for start in (rng.randrange(0, 390) * 5 for _ in range(200))}  # a set: no span twice
            for start, end, label in sorted(chosen):
                project.add_span(article, start, end, label, annotator=layer)
        names = curation.annotator_layers(project, article)
        layers = {name: sorted(SpanAnn(s.start, s.end, s.label) for s in project.spans(article, layer=name))
                  for name in names}
        stream = sorted(((name, span) for name in names for span in layers[name]), key=itemgetter(1))
        expected = []
        for members, _repeats, reach in overlap_components(stream, names):
            versions = dict.fromkeys(names, ())
            for name, span in members:
                versions[name] += (span,)
            expected.append((members[0][1].start, reach, versions))
        units = curation.read_units(project, article)
        assert [(u.start, u.end, u.versions) for u in units] == expected
        assert any(len(version) > 1 for u in units for version in u.versions.values())  # nesting was there
        # Each place's gold (found in one sweep over gold) is every gold span overlapping it, in order,
        # with gold spans across several places, in the gaps between them and nested in one another.
        gold = {(start, start + rng.choice([4, 9, 24, 60]), rng.choice(["ACTOR", "LOCATION"]))
                for start in (rng.randrange(0, 390) * 5 for _ in range(80))}
        for start, end, label in sorted(gold):
            project.add_span(article, start, end, label, annotator="gold")
        ordered = sorted(SpanAnn(*span) for span in gold)
        units = curation.read_units(project, article)
        assert [u.gold for u in units] == [tuple(s for s in ordered if s.start < u.end and s.end > u.start)
                                           for u in units]
        assert any(len(u.gold) > 1 for u in units) and sum(len(u.gold) for u in units) > len(ordered)  # spread


def test_the_bulk_gold_write_keeps_every_rule_and_gives_every_span_a_uid_of_its_own(project):
    # The auto-merge writes gold with the spans table's insert triggers set aside and derived uids
    # (storage.team.gold.insert_gold_spans): afterwards the triggers guard the next insert again,
    # every gold span has a uid no other span has, and a second merge's range starts above the first's.
    from storage import uids
    from storage.model import AnnotatorError
    from storage.team.gold import insert_gold_spans

    assert curation.auto_merge(project, 1) == 2
    assert project.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # off only for the write's transaction
    triggers = {name for (name,) in project.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"spans_within_text_insert", "spans_uid_derivable"} <= triggers
    with pytest.raises(sqlite3.IntegrityError, match="past the end"):
        project.db.conn.execute('INSERT INTO spans (article_id, start, "end", label, annotator, created) '
                                "VALUES (1, 40, 99, 'ACTOR', 'gold', 'now')")
    every_uid = [uid for (uid,) in project.db.execute(f"SELECT {uids.uid_sql('spans', 's')} FROM spans s")]
    assert None not in every_uid and len(set(every_uid)) == len(every_uid) == 10
    # the curator empties gold and its decisions: the top ids are free again, the first range is not
    project.db.execute("DELETE FROM spans WHERE annotator = 'gold'")
    project.db.execute("DELETE FROM curation_decisions")
    assert curation.auto_merge(project, 1) == 2
    ranges = project.db.execute("SELECT first_id FROM uid_ranges WHERE tbl = 'spans' ORDER BY first_id").fetchall()
    assert len(ranges) == 2 and ranges[1][0] > ranges[0][0]
    every_uid = [uid for (uid,) in project.db.execute(f"SELECT {uids.uid_sql('spans', 's')} FROM spans s")]
    assert None not in every_uid and len(set(every_uid)) == len(every_uid) == 10
    # a span past the end of the text, or of a label the scheme lacks, is refused as the trigger and
    # the foreign key would, and nothing is written
    before = gold(project)
    with pytest.raises(AnnotatorError, match="past the end"), project.transaction():
        insert_gold_spans(project, 1, [SpanAnn(40, 47, "ACTOR"), SpanAnn(40, 48, "ACTOR")], "agreed", created="now")
    with pytest.raises(AnnotatorError, match="no label PLACE"), project.transaction():
        insert_gold_spans(project, 1, [SpanAnn(40, 46, "ACTOR"), SpanAnn(40, 46, "PLACE")], "agreed", created="now")
    assert gold(project) == before


def test_triggers_are_set_aside_only_inside_a_transaction(tmp_path):
    """Outside a transaction the DROP would commit at once: refused, and the triggers stay."""
    from storage.team.gold import _INSERT_TRIGGERS, _set_aside
    with Project.open(tmp_path / "p.sqlite") as project:
        conn = project.db.conn
        with pytest.raises(RuntimeError):
            with _set_aside(conn, _INSERT_TRIGGERS):
                pass
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert set(_INSERT_TRIGGERS) <= names
