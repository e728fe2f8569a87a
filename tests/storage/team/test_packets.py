"""Hand out packets and merge them back, on real files: balance, idempotence, replacement, refusals."""
from __future__ import annotations

import hashlib
import shutil

import pytest

import main
from storage.model import Label
from storage.project import Project
from storage.stats import format_stats, project_stats
from storage.team.agreement import agreement
from storage.team.corpus import read_layers
from storage.team.merge import merge_packets
from storage.team.packets import TeamError, assign, split

TEXT = "Rebels {n} entered Velmora after fighting the army."


@pytest.fixture
def master(tmp_path):
    with Project.open(tmp_path / "master.sqlite") as project:
        for n in range(10):
            project.add_article(text=TEXT.format(n=n), title=f"Velmora {n}")
        yield project


def tag(path, layer_words):
    """Annotate every article of a packet: ``layer_words`` is [(words, label)]; ACTOR fills source."""
    with Project.open(path) as packet:
        for article_id in packet.article_ids():
            text = packet.article(article_id).text
            ids = {}
            for words, label in layer_words:
                start = text.index(words)
                ids[words] = packet.add_span(article_id, start, start + len(words), label).id
            event = packet.add_event(ids["entered"], type="FIGHT")
            packet.add_argument(event.id, "source", ids["Rebels"])
            packet.set_status(article_id, "done")


def dump(project):
    return list(project.db.conn.iterdump())


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_assignment_is_balanced_with_spread_overlap():
    ids = list(range(1, 101))
    shares, shared = assign(ids, ["ana", "ben", "chen"], overlap=0.2, per_article=2)
    assert len(shared) == 20 and shared[0] != 1 and shared[-1] > 90  # spread, not the first twenty
    loads = sorted(len(v) for v in shares.values())
    assert sum(loads) == 120 and loads[-1] - loads[0] <= 1
    for article_id in ids:
        holders = [n for n, v in shares.items() if article_id in v]
        assert len(holders) == (2 if article_id in shared else 1)


def test_split_writes_one_ordinary_project_per_annotator(master, tmp_path):
    report = split(master, tmp_path / "packets", annotators=["ana", "ben", "chen"], overlap=0.2, per_article=2)
    assert len(report.overlap) == 2
    assert sorted(p.name for p in (tmp_path / "packets").iterdir()) == [
        "master.ana.sqlite", "master.ben.sqlite", "master.chen.sqlite"]  # nothing else left behind
    with Project.open(report.packets["ana"]) as packet:
        assert packet.article_ids() == report.articles["ana"]
        assert packet.article(report.articles["ana"][0]).text == master.article(report.articles["ana"][0]).text
        assert packet.scheme == master.scheme
        assert packet.setting("team.annotator") == "ana"
        assert packet.setting("team.title") == "ana's packet of master"
    with pytest.raises(TeamError, match="already exists"):
        split(master, tmp_path / "packets", annotators=["ana"])
    with pytest.raises(TeamError, match="curator's layer"):
        split(master, tmp_path / "other", annotators=["gold"])


def test_merge_takes_layers_back_is_idempotent_and_replaces_a_newer_packet(master, tmp_path):
    report = split(master, tmp_path / "packets", annotators=["ana", "ben"], overlap=0.2, per_article=2)
    tag(report.packets["ana"], [("Rebels", "ACTOR"), ("entered", "EVENT"), ("Velmora", "LOCATION")])
    tag(report.packets["ben"], [("Rebels", "ACTOR"), ("entered", "EVENT"), ("Velmora", "ACTOR")])
    before = {name: digest(path) for name, path in report.packets.items()}
    outcomes = merge_packets(master, list(report.packets.values()))
    assert [o.state for o in outcomes] == ["merged", "merged"]
    assert "spans +18" in outcomes[0].line() and "events +6" in outcomes[0].line()
    layers = dict(master.db.execute("SELECT annotator, count(*) FROM spans GROUP BY annotator").fetchall())
    assert layers == {"ana": 18, "ben": 18}
    assert master.db.execute("SELECT count(*) FROM layer_status WHERE status = 'done'").fetchone() == (12,)
    stats = project_stats(master)  # per layer, and how far curation got
    assert stats["per_annotator"]["ana"] == {"spans": 18, "events": 6, "articles": 6, "done": 6}
    assert stats["curation"] == {"articles_with_several_layers": 2, "awaiting_curation": 2, "curated": 0,
                                 "gold_spans": 0}
    assert "ana          18 spans, 6 events, 6 of 6 articles done" in format_stats(stats)
    # packets are only read: same bytes, no -wal/-shm beside them
    assert {name: digest(path) for name, path in report.packets.items()} == before
    assert sorted(p.name for p in (tmp_path / "packets").iterdir()) == ["master.ana.sqlite", "master.ben.sqlite"]
    # the same packets again change nothing, not even ids
    snapshot = dump(master)
    assert [o.state for o in merge_packets(master, list(report.packets.values()))] == ["unchanged", "unchanged"]
    assert dump(master) == snapshot
    # agreement over the two layers: LOCATION vs ACTOR on "Velmora" in the two shared articles
    result = agreement(read_layers(master.db.conn), ["ana", "ben"])
    assert result["articles_compared"] == 2
    assert result["pairs"][0]["spans_exact"]["overall"]["f1"] == round(4 / 6, 4)
    # a newer packet from ana replaces her layer, says what changed, and leaves ben's alone
    ben_rows = master.db.execute("SELECT * FROM spans WHERE annotator = 'ben' ORDER BY id").fetchall()
    with Project.open(report.packets["ana"]) as packet:
        first = packet.article_ids()[0]
        location = next(s for s in packet.spans(first) if s.label == "LOCATION")
        packet.change_span_label(location.id, "ACTOR")
    (outcome,) = merge_packets(master, [report.packets["ana"]])
    assert outcome.state == "merged" and "spans ~1" in outcome.line()
    assert master.db.execute("SELECT * FROM spans WHERE annotator = 'ben' ORDER BY id").fetchall() == ben_rows
    assert master.db.execute("SELECT count(*) FROM spans WHERE annotator = 'ana' AND label = 'ACTOR'").fetchone() == (7,)


def refused(master, path, reason):
    snapshot = dump(master)
    (outcome,) = merge_packets(master, [path])
    assert outcome.state == "refused" and reason in outcome.reason, outcome.reason
    assert dump(master) == snapshot


def test_bad_packets_are_refused_and_the_master_is_unchanged(master, tmp_path):
    report = split(master, tmp_path / "packets", annotators=["ana", "ben"])
    ana = report.packets["ana"]
    # another scheme: a label only the packet has
    changed = tmp_path / "changed.sqlite"
    shutil.copy(ana, changed)
    with Project.open(changed) as packet:
        packet.add_label(Label("PERSON", "#123456"))
    refused(master, changed, "another scheme: label PERSON only in the packet")
    # a corrupt file
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(ana.read_bytes()[:4096] + b"\x00garbage" * 512)
    refused(master, corrupt, "damaged")
    # not SQLite at all, and an empty file
    (tmp_path / "notes.sqlite").write_text("just some notes\n", encoding="utf-8")
    refused(master, tmp_path / "notes.sqlite", "not an Event Annotator packet")
    (tmp_path / "zero.sqlite").write_bytes(b"")
    refused(master, tmp_path / "zero.sqlite", "empty")
    # a packet with no articles
    empty = tmp_path / "empty.sqlite"
    shutil.copy(ana, empty)
    with Project.open(empty) as packet:
        packet.db.execute("DELETE FROM articles")
        packet.db.conn.commit()
    refused(master, empty, "holds no articles")
    # a packet of another project
    with Project.open(tmp_path / "other.sqlite") as other:
        other.add_article(text="Something else entirely.", title="Other")
        foreign = split(other, tmp_path / "foreign", annotators=["ana"]).packets["ana"]
    refused(master, foreign, "belongs to another project")
    # a packet still open in a window
    holder = Project.open(report.packets["ben"])
    try:
        refused(master, report.packets["ben"], "still open")
    finally:
        holder.close()
    # the same annotator twice in one merge: neither goes in
    twin = tmp_path / "twin.sqlite"
    shutil.copy(ana, twin)
    snapshot = dump(master)
    outcomes = merge_packets(master, [ana, twin])
    assert [o.state for o in outcomes] == ["refused", "refused"]
    assert "ana's packet is given 2 times" in outcomes[0].reason and dump(master) == snapshot


def test_team_commands_on_the_command_line(master, tmp_path, capsys):
    path = str(master.path)
    out = str(tmp_path / "p")
    assert main.main(["--project", path, "team", "split", "--annotators", "ana,ben", "--overlap", "0.2",
                      "-o", out]) == 0
    assert "ana: 6 articles" in capsys.readouterr().err
    tag(tmp_path / "p" / "master.ana.sqlite", [("Rebels", "ACTOR"), ("entered", "EVENT")])
    assert main.main(["--project", path, "team", "merge", out + "/master.ana.sqlite", out + "/master.ben.sqlite"]) == 0
    err = capsys.readouterr().err
    assert "ana: merged 6 articles (spans +12, events +6" in err and "ben: merged 6 articles" in err
    assert main.main(["--project", path, "team", "merge", str(tmp_path / "missing.sqlite")]) == 1
    assert "missing.sqlite: refused: no such file" in capsys.readouterr().err


_HOLDER = """
import sys
from storage.project import Project
project = Project.open(sys.argv[1])
project.set_status(project.article_ids()[0], "in_progress")  # an annotator at work: the WAL has pages
print("open", flush=True)
sys.stdin.readline()
project.close()
"""


def test_a_packet_open_in_another_process_is_refused_until_it_is_closed(master, tmp_path):
    """The annotator's program (a real second process) still has the packet open: refused, master
    unchanged, packet untouched; once that program closes it, the same packet merges."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    report = split(master, tmp_path / "packets", annotators=["ana"])
    ana = report.packets["ana"]
    tag(ana, [("Rebels", "ACTOR"), ("entered", "EVENT")])
    repo = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(ana)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "open"
        wal = Path(f"{ana}-wal").read_bytes()
        refused(master, ana, "still open in a window")
        assert Path(f"{ana}-wal").read_bytes() == wal  # the packet was not even opened by the merge
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=60) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    (outcome,) = merge_packets(master, [ana])
    assert outcome.state == "merged" and outcome.articles == 10
    assert master.db.execute("SELECT count(*) FROM layer_status WHERE layer = 'ana' AND status = 'in_progress'"
                             ).fetchone() == (1,)  # the edit the holder made before closing came along
