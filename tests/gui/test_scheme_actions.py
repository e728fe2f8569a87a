"""New project offers PLOVER 2.0 or the older scheme; Project ▸ Upgrade scheme to PLOVER 2.0… converts
an older project in the window, shows what moved, and redraws the frame editor for the new scheme."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from gui.app import create_main_window
from storage.project import Project
from tests.storage.test_scheme_upgrade import older_project


def make_window(qtbot, tmp_path: Path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("annotator", "tester")
    window = create_main_window(tmp_path / "p.sqlite", settings, sample_if_new=False)
    qtbot.addWidget(window)
    reports: list = []
    window.file_actions.show_report = lambda title, lines: reports.append((title, list(lines)))
    return window, reports


def test_new_project_starts_with_the_scheme_chosen(qtbot, tmp_path: Path) -> None:
    Project.open(tmp_path / "p.sqlite").close()
    window, _ = make_window(qtbot, tmp_path)
    fa = window.file_actions
    offered = []
    fa.choose_new_project_path = lambda: tmp_path / "older.annotator.sqlite"
    fa.choose_new_scheme = lambda: offered.append(1) or "legacy"
    assert fa.new_project() and offered == [1]
    assert [r.name for r in window.project.scheme.roles] == ["source", "target", "location"]
    fa.choose_new_project_path = lambda: tmp_path / "cancelled.annotator.sqlite"
    fa.choose_new_scheme = lambda: None  # cancelling the question creates nothing
    assert not fa.new_project() and not (tmp_path / "cancelled.annotator.sqlite").exists()


def test_the_window_upgrades_an_older_project_and_reports_what_moved(qtbot, tmp_path: Path) -> None:
    older_project(tmp_path / "p.sqlite")
    window, reports = make_window(qtbot, tmp_path)
    window.open_article(1)
    assert set(window.event_panel.frame.slots) == {"source", "target", "location"}
    actions = window.scheme_actions
    actions.confirm = lambda question: False
    assert not actions.upgrade() and window.project.scheme.name is None
    actions.confirm = lambda question: True
    window.project_menu.actions()[-1].trigger()
    [(title, lines)] = reports
    assert title == "Upgrade to PLOVER 2.0" and "FIGHT → ASSAULT: 1 event" in lines
    assert window.project.scheme.name == "PLOVER"
    assert sorted(e.type for e in window.document.events.values()) == ["ACCUSE", "ASSAULT"]
    window.document.select_event(min(window.document.events))
    assert set(window.event_panel.frame.slots) == {"actor", "recipient", "location"}
    assert "mode" in window.event_panel.frame.choice_fields
    model = window.event_panel.events_model
    assert [model.index(r, model.TYPE_COLUMN).data() for r in range(model.rowCount())] == [
        "ASSAULT", "ACCUSE:disapprove"]
