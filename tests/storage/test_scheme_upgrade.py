"""`scheme upgrade-plover`: an older project becomes PLOVER 2.0 with every annotation kept, a report
of what moved, and nothing more the second time."""
from __future__ import annotations

import json
from pathlib import Path

import main
from storage import scheme as scheme_store
from storage.project import Project

TEXT = "Rebels fought the army and the ministry condemned the attack in Velmora.\n"


def older_project(path: Path) -> dict[str, int]:
    with Project.open(path, new_scheme="legacy") as project:
        article = project.add_article(text=TEXT, title="t")

        def tag(word: str, label: str) -> int:
            start = TEXT.index(word)
            return project.add_span(article.id, start, start + len(word), label).id

        ids = {w: tag(w, label) for w, label in (("Rebels", "ACTOR"), ("army", "ACTOR"), ("ministry", "ACTOR"),
                                                 ("fought", "EVENT"), ("condemned", "EVENT"), ("Velmora", "LOCATION"))}
        fight = project.add_event(ids["fought"], type="FIGHT")
        project.add_argument(fight.id, "source", ids["Rebels"])
        project.add_argument(fight.id, "target", ids["army"])
        project.add_argument(fight.id, "location", ids["Velmora"])
        condemn = project.add_event(ids["condemned"], type="DISAPPROVE",
                                    attributes={"polarity": "negative", "modality": "asserted"})
        project.add_argument(condemn.id, "source", ids["ministry"])
        return ids


def test_an_older_project_upgrades_with_its_annotations_and_a_report(tmp_path: Path, capsys) -> None:
    ids = older_project(tmp_path / "p.sqlite")
    assert main.main(["--project", str(tmp_path / "p.sqlite"), "scheme", "upgrade-plover"]) == 0
    report = capsys.readouterr().err.splitlines()
    assert report[:2] == ["role source → actor (2 arguments)", "role target → recipient (1 argument)"]
    assert "FIGHT → ASSAULT: 1 event" in report and "DISAPPROVE → ACCUSE (mode disapprove): 1 event" in report
    assert "auxiliary negation set on 1 event with polarity negative (kept as well)" in report
    assert report[-1] == "scheme named PLOVER 2.0"
    with Project.open(tmp_path / "p.sqlite") as project:
        scheme = project.scheme
        assert (scheme.name, scheme.version) == ("PLOVER", "2.0")
        assert [t.name for t in scheme.event_types] == [t.name for t in scheme_store.shipped("plover-2.0").event_types]
        assert scheme.label("ACTOR").attribute("sector").multi
        rows = project.db.execute("SELECT e.type, e.attributes, a.role, a.span_id FROM events e "
                                  "JOIN arguments a ON a.event_id = e.id ORDER BY e.id, a.role").fetchall()
        assert [(kind, role, span) for kind, _, role, span in rows] == [
            ("ASSAULT", "actor", ids["Rebels"]), ("ASSAULT", "location", ids["Velmora"]),
            ("ASSAULT", "recipient", ids["army"]), ("ACCUSE", "actor", ids["ministry"])]
        assert json.loads(rows[-1][1]) == {"auxiliary": ["negation"], "mode": ["disapprove"],
                                           "modality": "asserted", "polarity": "negative"}
        assert project.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 6
    assert main.main(["--project", str(tmp_path / "p.sqlite"), "scheme", "upgrade-plover"]) == 0
    assert capsys.readouterr().err == "the scheme is PLOVER 2.0 already: nothing changed\n"


def test_scheme_show_prints_the_types_with_their_modes(tmp_path: Path, capsys) -> None:
    Project.open(tmp_path / "p.sqlite", new_scheme="plover-2.0").close()
    assert main.main(["--project", str(tmp_path / "p.sqlite"), "scheme", "show"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "scheme: PLOVER 2.0"
    assert "event type SANCTION (requires recipient): convict, expel, withdraw, discontinue" in out
    assert "attribute context (choice, several, also on the article)" in out
