"""Blind adjudication everywhere (issue 10): while ``curation.anonymous`` is set, Project ▸ Statistics,
Project ▸ Agreement… and File ▸ Export… say "Annotator n" as the chooser and the curation view do,
with the same numbering (``LayerView.name``, ``storage.team.curation.shown_name``).

The master is ``test_layer_view``'s (ana and ben brought back on two articles) with a third article
handed to nobody; the dialogs are opened by their menu actions in the real window.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableWidget

from gui.curation.team_menu import AgreementDialog
from gui.file_actions import FileActions
from gui.stats_dialog import StatisticsDialog
from storage.project import Project
from tests.gui.test_layer_view import TEXT, make_master, make_window


def cells(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def named(texts: list[str]) -> list[str]:
    """The texts that still name ana or ben."""
    return [text for text in texts if "ana" in text or "ben" in text]


def blind_window(qtbot, tmp_path, *, hidden: bool = True):
    path = make_master(tmp_path)
    with Project.open(path) as master:
        master.add_article(text=TEXT.replace("Rebels", "Troops"), title="Not handed out")
        if hidden:
            master.set_setting("curation.anonymous", "1")
    window = make_window(qtbot, path, tmp_path)
    FileActions(window)  # the File menu, as gui.app.create_main_window installs it
    return window


def test_statistics_agreement_and_export_number_the_annotators_as_the_window_does(qtbot, tmp_path):
    window = blind_window(qtbot, tmp_path)
    view = window.layer_view
    assert (view.name("ana"), view.name("ben")) == ("Annotator 1", "Annotator 2")  # the chooser's numbering

    window.stats_action.trigger()
    stats = window.findChild(StatisticsDialog)
    qtbot.waitUntil(stats.isVisible)
    rows = cells(stats.annotator_table)
    assert {(row[0], row[1]) for row in rows} == {("Annotator 1", "4"), ("Annotator 2", "6")}  # ana 2×2, ben 2×3
    assert named([text for row in rows for text in row] + [stats.curation_label.text()]) == []

    next(a for a in window.project_menu.actions() if a.text() == "&Agreement…").trigger()
    agreement = window.team.agreement_dialog
    assert isinstance(agreement, AgreementDialog)
    coefficients = [row[0] for row in cells(agreement.coefficient_table)]
    assert "κ Annotator 1 / Annotator 2, exact positions" in coefficients
    labels = [label.text() for label in agreement.findChildren(QLabel)]
    assert any(text.startswith("Annotators: Annotator 1, Annotator 2.") for text in labels)
    assert named(coefficients + labels) == []

    export = window.file_actions.make_export_dialog()
    combo = export.layer_combo
    items = [combo.itemText(i) for i in range(combo.count())]
    assert "Annotator 1's layer: the articles Annotator 1 annotated or marked done" in items
    export.set_layer("ana")  # the data stays the layer's real name: the export writes ana's
    assert export.count_label.text() == ("Writes 2 of 3 articles. Left out: 1 article has nothing from "
                                         "Annotator 1 (not annotated, not marked done).")
    assert named(items + [export.count_label.text()]) == []
    export.close()


def test_names_are_shown_when_the_curator_does_not_adjudicate_blind(qtbot, tmp_path):
    window = blind_window(qtbot, tmp_path, hidden=False)
    window.stats_action.trigger()
    stats = window.findChild(StatisticsDialog)
    qtbot.waitUntil(stats.isVisible)
    assert {row[0] for row in cells(stats.annotator_table)} == {"ana", "ben"}
    export = window.file_actions.make_export_dialog()
    assert "ana's layer: the articles ana annotated or marked done" in [
        export.layer_combo.itemText(i) for i in range(export.layer_combo.count())]
    export.close()


def test_an_export_from_the_window_reports_without_names(qtbot, tmp_path):
    """File ▸ Export's report names the articles it leaves out with their layers: "Annotator n" too."""
    from gui.export_dialog import ExportOptions

    window = blind_window(qtbot, tmp_path)
    actions = window.file_actions
    reports: list[tuple[str, list[str]]] = []
    actions.show_report = lambda title, lines: reports.append((title, list(lines)))  # the test reads it
    out = tmp_path / "train.jsonl"
    with qtbot.waitSignal(actions.jobFinished, timeout=20000):
        actions.export_with(ExportOptions(format="spacy", path=out))
    ((title, (line,)),) = reports
    assert title == "Export" and "article 1: Annotator 1, Annotator 2" in line, line
    assert named([line]) == [] and len(out.read_text(encoding="utf-8").splitlines()) == 1  # the one not handed out
