"""Project ▸ Statistics shows real tables: counts in their own right-aligned column, one row each."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QTableWidget

from gui.main_window import MainWindow
from gui.stats_dialog import StatisticsDialog
from storage.project import Project


def cells(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_statistics_menu_opens_tables_with_one_count_per_cell(qtbot, tmp_path):
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        article = project.add_article(text="Rebels entered Velmora <b>today</b>.", title="t")
        project.add_span(article.id, 0, 6, "ACTOR", annotator="ana")
        trigger = project.add_span(article.id, 7, 14, "EVENT", annotator="ana")
        project.add_span(article.id, 15, 22, "LOCATION", annotator="<b>bo</b>")
        project.add_event(trigger.id, type="FIGHT", annotator="ana")
        project.add_article(text="Second.", title="s")
    window = MainWindow(Project.open(path), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        annotator="ana")
    qtbot.addWidget(window)
    window.show()
    window.stats_action.trigger()
    dialog = window.findChild(StatisticsDialog)
    qtbot.waitUntil(dialog.isVisible)
    content = cells(dialog.content_table)
    assert content[:3] == [["Articles", "2"], ["    New", "2"], ["    In progress", "0"]]
    assert ["Spans", "3"] in content and ["    LOCATION", "1"] in content
    assert ["Events", "1"] in content and ["    FIGHT", "1"] in content
    count = dialog.content_table.item(0, 1)
    assert count.textAlignment() & Qt.AlignmentFlag.AlignRight
    assert count.font().bold() and not dialog.content_table.item(1, 1).font().bold()
    # Names are shown as typed, markup included.
    assert cells(dialog.annotator_table) == [["<b>bo</b>", "1", "0"], ["ana", "2", "1"]]


def test_a_teams_layers_show_their_progress_and_a_hand_out_with_nothing_back(qtbot, tmp_path):
    """ana and ben came back, chen's packet came back empty: the dialog says so, as `stats` does,
    and how far curation got (ana and ben both have the first article: it waits for the curator)."""
    import json

    from storage.importing import ImportOptions, import_paths

    path = tmp_path / "p.sqlite"
    texts = ["Rebels entered Velmora.", "Troops left Homs.", "Aid reached Hama."]
    with Project.open(path) as project:
        for text in texts:
            project.add_article(text=text, title=text)
        for name, records in (("ana", [(0, "done"), (1, "in_progress")]), ("ben", [(0, "done")]),
                              ("chen", [(2, "new")])):
            file = tmp_path / f"{name}.jsonl"
            file.write_text("".join(json.dumps({"text": texts[n], "meta": {"status": status}, "spans": [
                {"start": 0, "end": 6, "label": "ACTOR"}] if name != "chen" else []}) + "\n"
                for n, status in records), encoding="utf-8")
            assert import_paths(project, [file], options=ImportOptions(annotator=name)).ok
    window = MainWindow(Project.open(path), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        annotator="ana")
    qtbot.addWidget(window)
    window.show()
    window.stats_action.trigger()
    dialog = window.findChild(StatisticsDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert cells(dialog.annotator_table) == [["ana", "2", "0", "1 of 2 articles done"],
                                             ["ben", "1", "0", "1 of 1 article done"],
                                             ["chen", "0", "0", "nothing back yet (1 handed out)"]]
    assert dialog.curation_label.text() == ("Curation: 0 articles curated; 1 annotated by two or more, 1 awaiting "
                                            "curation (left out of exports until curated); 0 gold spans")
