"""What a newcomer reads from the team commands, run through main.main on real project files:
a hand-out that would leave someone with nothing is refused before anything is written, counts
are in the singular when there is one, a folder given to `team merge` says what to give instead,
and the agreement table's columns stand under their headings."""
from __future__ import annotations

import re

import main
from storage.project import Project

TEXT = "Rebels {n} entered Velmora after fighting the army."


def master_with(tmp_path, count: int):
    path = tmp_path / "news.sqlite"
    with Project.open(path) as project:
        for n in range(count):
            project.add_article(text=TEXT.format(n=n), title=f"Velmora {n}")
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    code = main.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_hand_out_that_leaves_an_annotator_without_articles_is_refused_and_writes_nothing(tmp_path, capsys):
    path = master_with(tmp_path, 2)
    code, _, err = run(capsys, "--project", path, "team", "split", "--annotators", "ana,ben,chen",
                       "-o", tmp_path / "packets")
    assert code == 1
    assert "2 articles for 3 annotators: chen would get none; hand out to fewer annotators or add articles" in err
    assert "Traceback" not in err and not (tmp_path / "packets").exists()


def test_split_counts_in_the_singular_and_says_when_per_article_is_capped(tmp_path, capsys):
    path = master_with(tmp_path, 2)
    out = tmp_path / "packets"
    code, _, err = run(capsys, "--project", path, "team", "split", "--annotators", "ana,ben", "--overlap", "0.5",
                       "--per-article", "3", "-o", out)
    assert code == 0
    lines = err.splitlines()
    assert lines[0] == f"ana: 1 article -> {out / 'news.ana.sqlite'}"
    assert lines[1] == f"ben: 2 articles -> {out / 'news.ben.sqlite'}"
    assert lines[2] == "1 article goes to more than one annotator (for agreement)"
    assert lines[3] == "--per-article 3 is more than the 2 annotators: each shared article goes to all 2"
    with Project.open(out / "news.ana.sqlite") as ana:
        assert len(ana.article_ids()) == 1
    code, _, err = run(capsys, "--project", path, "team", "split", "--annotators", "ana,ben", "-o", out)
    assert code == 1
    assert err.startswith(f"error: {out / 'news.ana.sqlite'}, {out / 'news.ben.sqlite'} already exist;")


def test_merge_of_a_folder_names_what_to_give_and_one_merged_article_is_singular(tmp_path, capsys):
    path = master_with(tmp_path, 2)
    out = tmp_path / "packets"
    assert run(capsys, "--project", path, "team", "split", "--annotators", "ana,ben", "-o", out)[0] == 0
    code, _, err = run(capsys, "--project", path, "team", "merge", out)
    assert code == 1
    assert err.strip() == f"{out}: refused: a folder, not a packet: give the packets in it ({out / '*.sqlite'})"
    with Project.open(out / "news.ana.sqlite") as ana:
        (article,) = ana.article_ids()
        text = ana.article(article).text
        rebels = ana.add_span(article, 0, 6, "ACTOR")
        trigger = ana.add_span(article, text.index("entered"), text.index("entered") + 7, "EVENT")
        event = ana.add_event(trigger.id, type="FIGHT")
        ana.add_argument(event.id, "source", rebels.id)
        ana.set_status(article, "done")
    code, _, err = run(capsys, "--project", path, "team", "merge", out / "news.ana.sqlite")
    assert code == 0
    assert err.strip() == (f"{out / 'news.ana.sqlite'}: ana: merged 1 article "
                           "(spans +2, events +1, 1 argument added, 1 status)")
    code, _, err = run(capsys, "--project", path, "team", "merge", out / "news.ana.sqlite")
    assert err.strip() == f"{out / 'news.ana.sqlite'}: ana: unchanged (1 article already merged as it is)"
    code, out_text, _ = run(capsys, "--project", path, "stats")
    assert "  ana          2 spans, 1 event, 1 of 1 article done" in out_text.splitlines()


def test_agreement_table_columns_stand_under_their_headings_and_the_html_has_the_roles(tmp_path, capsys):
    path = tmp_path / "team.sqlite"
    text = TEXT.format(n=1)
    with Project.open(path) as project:
        article = project.add_article(text=text, title="Velmora").id
        for who, label in (("ana", "LOCATION"), ("ben", "ACTOR")):
            rebels = project.add_span(article, 0, 6, "ACTOR", annotator=who)
            trigger = project.add_span(article, 9, 16, "EVENT", annotator=who)
            project.add_span(article, 17, 24, label, annotator=who)
            event = project.add_event(trigger.id, type="FIGHT", annotator=who)
            project.add_argument(event.id, "source", rebels.id)
    report = tmp_path / "report.html"
    code, out, _ = run(capsys, "--project", path, "agreement", "--html", report)
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("spans, pooled over pairs"))
    row = next(line for line in lines if line.startswith("  overall"))
    # each figure ends where its heading ends: P, R, F1 of exact, then of overlap
    heading_ends = [m.end() for m in re.finditer(r"\b(P|R|F1)\b", header)]
    figure_ends = [m.end() for m in re.finditer(r"\d\.\d{3}|—", row)]
    assert len(heading_ends) == 6 and heading_ends == [end + (2 if row[end - 1] == "—" else 0)
                                                       for end in figure_ends]
    pairs_header = next(line for line in lines if line.startswith("pairs"))
    pair_row = next(line for line in lines if line.startswith("  ana / ben"))
    for heading, figure in (("F1 exact", "0.667"), ("type agreed", "1/1")):
        assert pair_row.index(figure) + len(figure) == pairs_header.index(heading) + len(heading)
    page = report.read_text(encoding="utf-8")
    assert "<h2>Event roles (frames with matched triggers)</h2>" in page
    assert "<tr><td>ana / ben<td>source<td>1.000<td>1" in page
