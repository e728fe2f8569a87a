"""The Span attributes dock, driven from the keyboard: A, type, Enter, Tab, Esc; every edit on disk and undoable."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit

from gui.main_window import MainWindow
from storage.model import SpanAttribute
from storage.project import Project
from tests.gui.event_helpers import PHRASE, open_window, press, rows, tag, word


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


def test_the_forms_are_ready_before_the_first_tag_and_kept_across_articles(qtbot, sample_project: Path) -> None:
    """Built in an idle turn after the window shows, not by the first label key after opening."""
    _declare(sample_project)
    with Project.open(sample_project / "project.sqlite") as project:
        second = project.add_article(text=f"Homs, later: {PHRASE}.", title="Second").id
    window, _ = open_window(qtbot, sample_project)
    panel = window.span_attribute_panel
    first = window.document.article.id
    qtbot.waitUntil(lambda: len(panel.findChildren(QLineEdit, "span_attribute_code")) == 1)
    code = panel.findChild(QLineEdit, "span_attribute_code")
    assert not code.isVisibleTo(panel)  # no span yet: the form waits, hidden
    tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    assert panel.fields["code"] is code and code.isVisibleTo(panel)
    window.open_article(second)
    assert panel.fields == {} and not code.isVisibleTo(panel)
    tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    assert panel.fields["code"] is code  # the same form, not a new one
    window.open_article(first)
    assert len(panel.findChildren(QLineEdit, "span_attribute_code")) == 1


def test_a_tag_before_the_forms_are_ready_builds_its_own(qtbot, sample_project: Path) -> None:
    _declare(sample_project)
    settings = QSettings(str(sample_project / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Project.open(sample_project / "project.sqlite"), settings=settings, annotator="ann")
    qtbot.addWidget(window)
    panel = window.span_attribute_panel
    assert panel.findChild(QLineEdit, "span_attribute_code") is None  # no idle turn yet
    assert window.document.tag(*word(window, "insurgents"), "ACTOR")  # no event loop turn in between
    assert list(panel.fields) == ["code", "sector"] and panel.start_editing()
    qtbot.keyClicks(panel.fields["code"], "tur")
    with qtbot.waitSignal(window.document.spanChanged):
        qtbot.keyClick(panel.fields["code"], Qt.Key.Key_Return)
    assert _values(window.project) == [(window.document.current_span_id, "code", '"TUR"')]
