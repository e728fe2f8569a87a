"""Project ▸ Team driven in real windows: hand out three packets, annotate one by keys in its own
window and two through the API, merge them back, read the agreement and open its lowest article."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow
from storage.project import Project

TEXT = "Rebels entered Velmora after fighting the army.\n"


def make_window(qtbot, path: Path, tmp_path: Path, name: str = "tester") -> MainWindow:
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Project.open(path), settings=settings, annotator=name)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    return window


def tag(window: MainWindow, qtbot, words: str, key) -> None:
    start = window.document.text.index(words)
    window.view.select_range(start, start + len(words))
    with qtbot.waitSignal(window.document.spanAdded):
        qtbot.keyClick(window.view, key)


def menu_item(window: MainWindow, *path: str):
    """The action at Project ▸ … ▸ ``path[-1]``, found by the words the user reads (no & mnemonics)."""
    menu = window.project_menu
    for name in path:
        action = next((a for a in menu.actions() if a.text().replace("&", "") == name), None)
        assert action is not None, f"no {name!r} in {[a.text() for a in menu.actions()]}"
        if action.menu() is not None:
            menu = action.menu()
    return action


def annotate(path: Path, spans: list[tuple[str, str]]) -> None:
    with Project.open(path) as packet:
        for article_id in packet.article_ids():
            text = packet.article(article_id).text
            for words, label in spans:
                start = text.index(words)
                packet.add_span(article_id, start, start + len(words), label)


def test_hand_out_annotate_merge_and_agreement_through_the_window(qtbot, tmp_path):
    master_path = tmp_path / "news.sqlite"
    with Project.open(master_path) as master:
        for n in range(3):
            master.add_article(text=TEXT.replace("Rebels", f"Rebels{n}"), title=f"Velmora {n}")
    window = make_window(qtbot, master_path, tmp_path)
    team = window.team

    def fill(dialog):
        dialog.annotators.setText("ana, ben, chen")
        dialog.overlap.setValue(1.0)
        dialog.per_article.setValue(3)
        dialog.folder.setText(str(tmp_path / "packets"))
        return True

    reports = []
    team.exec_dialog = fill
    team.show_report = lambda title, lines: reports.append((title, lines))
    menu_item(window, "Team", "Hand out…").trigger()
    assert reports[-1][1][0] == f"Wrote 3 packets to {tmp_path / 'packets'}"
    packets = {n: tmp_path / "packets" / f"news.{n}.sqlite" for n in ("ana", "ben", "chen")}
    assert all(p.exists() for p in packets.values())

    # ana annotates her packet in her own window, started under another name: the packet decides
    ana = make_window(qtbot, packets["ana"], tmp_path, name="Ana on the laptop")
    assert ana.windowTitle().startswith("ana's packet of news")
    for article in range(3):
        ana.open_article(ana.article_list.model.summary(article).id)
        tag(ana, qtbot, "entered", Qt.Key.Key_3)
        tag(ana, qtbot, "Velmora", Qt.Key.Key_2)
    ana.close()  # closes its project: the packet has no -wal/-shm left, so it can be merged
    with closing(sqlite3.connect(packets["ana"])) as db:
        assert db.execute("SELECT DISTINCT annotator FROM spans").fetchall() == [("ana",)]
    # ben agrees; chen calls Velmora an ACTOR
    annotate(packets["ben"], [("entered", "EVENT"), ("Velmora", "LOCATION")])
    annotate(packets["chen"], [("entered", "EVENT"), ("Velmora", "ACTOR")])

    team.choose_packets = lambda: list(packets.values())
    menu_item(window, "Team", "Bring back…").trigger()
    title, lines = reports[-1]
    assert title == "Bring back" and lines[0] == "Merged 3 of 3 packets", lines
    assert "ana: merged 3 articles (spans +6, events +3, 3 statuses)" in lines[1]  # key 3 opens a frame
    with closing(sqlite3.connect(master_path)) as db:
        assert dict(db.execute("SELECT annotator, count(*) FROM spans GROUP BY 1").fetchall()) == {
            "ana": 6, "ben": 6, "chen": 6}

    menu_item(window, "Agreement…").trigger()  # Project ▸ Agreement…, as the issue names it
    dialog = team.agreement_dialog
    labels = dialog.label_table
    rows = {labels.item(r, 0).text(): [labels.item(r, c).text() for c in range(1, 5)] for r in range(labels.rowCount())}
    # EVENT: all agree. LOCATION: ana and ben agree (1 pair of 3 on 3 articles): pooled F1 = 2*3/(6+6+0)…
    assert rows["EVENT"][2] == "1.000"
    assert rows["LOCATION"][2] == "0.500"  # ana/ben 3 matched of 3+3, ana/chen and ben/chen 0 of 3+0
    assert rows["overall"][2] == f"{2 * 12 / 36:.3f}"  # 9 EVENT + 3 LOCATION matches over 18+18 spans
    lowest = dialog.lowest
    assert lowest.count() == 3
    target = lowest.item(2).data(Qt.ItemDataRole.UserRole)
    lowest.itemClicked.emit(lowest.item(2))
    assert window.document.article.id == target


def test_merge_in_the_window_refuses_bad_packets_with_their_reasons(qtbot, tmp_path):
    """Bring back through Project ▸ Team: ana's packet still open in her window, a damaged copy and
    a packet of another project are refused with the reason; ben's merges; the master holds nothing
    of the refused ones. Once ana closes her window, her packet merges."""
    from storage.team.packets import split

    master_path = tmp_path / "news.sqlite"
    with Project.open(master_path) as master:
        for n in range(2):
            master.add_article(text=TEXT.replace("Rebels", f"Rebels{n}"), title=f"Velmora {n}")
        packets = split(master, tmp_path / "packets", annotators=["ana", "ben"], overlap=1.0).packets
    with Project.open(tmp_path / "other.sqlite") as other:
        other.add_article(text="Something else entirely.", title="Other")
        foreign = split(other, tmp_path / "foreign", annotators=["chen"]).packets["chen"]
    annotate(packets["ana"], [("Velmora", "LOCATION")])
    annotate(packets["ben"], [("Velmora", "ACTOR")])
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(packets["ben"].read_bytes()[:4096] + b"\x00garbage" * 512)
    ana = make_window(qtbot, packets["ana"], tmp_path, name="ana")
    window = make_window(qtbot, master_path, tmp_path)
    reports = []
    window.team.show_report = lambda title, lines: reports.append(lines)
    window.team.choose_packets = lambda: [packets["ana"], damaged, foreign, packets["ben"]]
    menu_item(window, "Team", "Bring back…").trigger()
    lines = reports[-1]
    assert lines[0] == "Merged 1 of 4 packets; 3 refused"
    assert "news.ana.sqlite: refused: the packet is still open in a window" in lines[1]
    assert "damaged.sqlite: refused: " in lines[2] and "damaged" in lines[2].split("refused: ")[1]
    assert "refused: chen's packet belongs to another project" in lines[3]
    assert "ben: merged 2 articles" in lines[4]
    with closing(sqlite3.connect(master_path)) as db:
        assert db.execute("SELECT DISTINCT annotator FROM spans").fetchall() == [("ben",)]
        assert db.execute("SELECT DISTINCT layer FROM layer_status").fetchall() == [("ben",)]
    ana.close()
    window.team.choose_packets = lambda: [packets["ana"]]
    window.team.merge_action.trigger()
    assert reports[-1][0] == "Merged 1 of 1 packets" and "ana: merged 2 articles" in reports[-1][1]
