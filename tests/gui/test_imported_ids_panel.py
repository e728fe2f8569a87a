"""A brat file's T ids, stored as a run (storage/span_attribute_runs.py), shown and edited in the
Span attributes dock like any value; the edit is on disk and undoable."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow
from storage import span_attributes
from storage.importing import ImportOptions, import_paths
from storage.project import Project
from tests.gui.event_helpers import point, press
from tests.storage.test_span_attribute_runs import brat_folder


def test_an_imported_t_id_shows_in_the_dock_and_its_edit_is_stored_and_undone(qtbot, tmp_path: Path) -> None:
    with Project.open(tmp_path / "project.sqlite") as project:
        assert import_paths(project, [brat_folder(tmp_path / "corpus")], options=ImportOptions(format="brat")).ok
        assert project.db.execute("SELECT count(*) FROM span_attribute_runs WHERE article_id = 3").fetchone() == (1,)
    window = MainWindow(Project.open(tmp_path / "project.sqlite"),
                        settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), annotator="")
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.open_article(3)
    panel, project = window.span_attribute_panel, window.project
    start = window.document.text.index("troops")
    with qtbot.waitSignal(window.document.currentSpanChanged):
        qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window, start + 2))
    field = panel.fields["source_id"]
    assert field.text() == "T4" and panel.title.text() == "ACTOR ‘troops’"
    span_id = window.document.current_span.id

    window.view.setFocus()
    press(qtbot, Qt.Key.Key_A)
    assert list(panel.fields) == ["source_id"] and field.hasFocus()  # A: the first field
    field.selectAll()
    qtbot.keyClicks(field, "troops-1")
    with qtbot.waitSignal(window.document.spanChanged):
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert span_attributes.values_of(project.db, [span_id]) == {span_id: {"source_id": "troops-1"}}
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert span_attributes.values_of(project.db, [span_id]) == {span_id: {"source_id": "T4"}}
    assert field.text() == "T4"
    assert [s.attributes["source_id"] for s in project.spans(3)] == [f"T{n}" for n in range(1, 7)]
    window.close()
