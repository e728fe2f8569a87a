"""The Span attributes dock, driven from the keyboard: A, type, Enter, Tab, Esc; every edit on disk and undoable."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from storage.model import SpanAttribute
from storage.project import Project
from tests.gui.event_helpers import open_window, press, rows, tag


def _declare(folder: Path) -> None:
    with Project.open(folder / "project.sqlite") as project:
        project.declare_span_attribute("ACTOR", SpanAttribute(
            "code", kind="choice", choices=("SYR", "TUR"), description="ISO 3166 alpha-3"))
        project.declare_span_attribute("ACTOR", SpanAttribute(
            "sector", kind="choice", choices=("GOV", "MIL", "REB"), multi=True))


def _values(project: Project) -> list[tuple]:
    return rows(project, "SELECT span_id, name, value FROM span_attributes ORDER BY span_id, name")


def test_a_then_typing_enter_and_tab_stores_each_value_undoably(qtbot, sample_project: Path) -> None:
    _declare(sample_project)
    window, _ = open_window(qtbot, sample_project)
    panel, project = window.span_attribute_panel, window.project
    span_id = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    assert panel.title.text() == "ACTOR ‘insurgents’"

    press(qtbot, Qt.Key.Key_A)
    code = panel.fields["code"]
    assert code.hasFocus()
    qtbot.keyClicks(code, "sy")  # completes inline from the declared values
    assert code.text() == "syR"  # the case of what was typed, stored as declared
    with qtbot.waitSignal(window.document.spanChanged):
        qtbot.keyClick(code, Qt.Key.Key_Return)
    assert _values(project) == [(span_id, "code", '"SYR"')]

    qtbot.keyClick(code, Qt.Key.Key_Tab)
    sector = panel.fields["sector"]
    assert sector.hasFocus()
    qtbot.keyClicks(sector, "reb, MIL")
    with qtbot.waitSignal(window.document.spanChanged):
        qtbot.keyClick(sector, Qt.Key.Key_Return)
    assert _values(project) == [(span_id, "code", '"SYR"'), (span_id, "sector", '["REB", "MIL"]')]

    qtbot.keyClick(sector, Qt.Key.Key_Escape)
    assert window.view.hasFocus()
    assert window.undo_action.text() == "Undo Set sector of ‘insurgents’ to REB, MIL"
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _values(project) == [(span_id, "code", '"SYR"')]
    assert sector.text() == ""
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert sector.text() == "REB, MIL"


def test_a_refused_value_is_said_and_nothing_changes(qtbot, sample_project: Path) -> None:
    _declare(sample_project)
    window, _ = open_window(qtbot, sample_project)
    panel, project = window.span_attribute_panel, window.project
    tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_A)
    qtbot.keyClicks(panel.fields["code"], "XYZ")
    qtbot.keyClick(panel.fields["code"], Qt.Key.Key_Return)
    assert _values(project) == []
    assert panel.error.isVisibleTo(panel) and "code must be one of SYR, TUR" in panel.error.text()
    assert window.undo_action.text() == "Undo Tag ‘insurgents’ as ACTOR"


def test_a_label_without_attributes_says_where_to_add_them(qtbot, sample_project: Path) -> None:
    _declare(sample_project)
    window, _ = open_window(qtbot, sample_project)
    panel = window.span_attribute_panel
    tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    assert panel.title.text() == "LOCATION declares no attributes (Project ▸ Labels… adds them)."
    assert panel.fields == {}
    press(qtbot, Qt.Key.Key_A)
    assert window.view.hasFocus()
