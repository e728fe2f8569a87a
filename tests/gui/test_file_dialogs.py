"""File choosers on the project's own folder keep SQLite's locks, so no edit is lost (issue 7, §1).

The real dialogs, listing the real folder, in the real window; the locks are read from
/proc/locks and the file from other processes.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QObject, QPointF, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QFileSystemModel, QToolButton

from gui import file_dialogs
from gui.main_window import MainWindow
from storage.project import Project
from tests.gui.event_helpers import load_sample, open_window, word
from tests.gui.process_helpers import process_locks, read_in_other_process, run_cli

ANOTHER = " date 2025-03-16 Protest in Dorvan\n\nProtesters gathered in Liberty Square.\n"


PROJECT_FILES = {"p.sqlite", "p.sqlite-wal", "p.sqlite-shm"}


class DialogDriver(QObject):
    """Waits for a modal file dialog and looks at ``folder`` in it as a user would: the list as
    the dialog opens, then "All files" and the details view, so the project's own files are
    shown with their icons and types. Notes this process's locks while the dialog is still
    open, then cancels it. Bounded: after ~20 s it cancels whatever it sees."""

    def __init__(self, folder: Path, project_path: Path) -> None:
        super().__init__()
        self.folder, self.project_path = folder, project_path
        self.locks_while_listed: list[str] | None = None
        self.shown_names: set[str] = set()
        self._all_files = False
        self.ticks = 0
        self.timer = QTimer(self)
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.ticks += 1
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            return
        model = dialog.findChild(QFileSystemModel)
        root = model.index(str(self.folder))
        self.shown_names = {model.index(row, 0, root).data() for row in range(model.rowCount(root))
                            if not model.isDir(model.index(row, 0, root))}
        if not self.shown_names and self.ticks < 1000:
            return  # the folder is not listed yet
        dialog.grab()  # painted: every icon asked for
        if not self._all_files:
            self._all_files = True
            types = dialog.findChild(QComboBox, "fileTypeCombo")
            if types.count() > 1:
                QTest.keyClick(types, Qt.Key.Key_End)  # "All files (*)", as a user picks it
                return
        if not PROJECT_FILES <= self.shown_names and self.ticks < 1000:
            return
        dialog.findChild(QToolButton, "detailModeButton").click()
        dialog.grab()  # painted again, now with the Type column
        self.locks_while_listed = process_locks(self.project_path)
        self.timer.stop()
        dialog.reject()


def test_a_dialog_of_ours_lists_the_project_folder_without_touching_the_locks(qtbot, tmp_path):
    folder = tmp_path / "proj"
    with Project.open(folder / "p.sqlite") as writer:  # leaves a -wal and -shm, as a crash would
        load_sample(writer)
    project = Project.open(folder / "p.sqlite")
    try:
        held = process_locks(project.path)
        assert len(held) == 2  # SQLite's shared lock on the file and its -shm read lock

        # The check can see the fault: a plain Qt dialog drops them both.
        plain = QFileDialog(None, "Plain", str(folder))
        plain.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        driver = DialogDriver(folder, project.path)
        plain.exec()
        assert driver.shown_names >= PROJECT_FILES
        assert driver.locks_while_listed == []
        with qtbot.waitSignal(plain.destroyed):  # else its model, watching the folder, sniffs again
            plain.deleteLater()
        project.reconnect()  # SQLite takes them again
        assert len(process_locks(project.path)) == 2

        ours = file_dialogs.make_dialog(None, "Ours", folder, mode=QFileDialog.FileMode.ExistingFiles)
        driver = DialogDriver(folder, project.path)
        ours.exec()
        assert driver.shown_names >= PROJECT_FILES
        assert len(driver.locks_while_listed) == 2
        assert len(process_locks(project.path)) == 2
    finally:
        project.close()


def test_import_dialog_on_the_project_folder_then_another_process_then_tagging_loses_nothing(
        qtbot, tmp_path):
    """The issue's steps: window on proj/p.sqlite, Ctrl+I lists proj/, Cancel; a terminal imports
    and reads the project and exits; the window tags; another process sees every span."""
    folder = tmp_path / "proj"
    project_path = folder / "p.sqlite"
    with Project.open(project_path) as project:
        load_sample(project)
    article = folder / "dorvan.txt"  # the folder holds articles too, as a user's often does
    article.write_text(ANOTHER, encoding="utf-8")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    from gui.file_actions import FileActions

    window = MainWindow(Project.open(project_path), settings=settings, annotator="ann")
    FileActions(window)
    qtbot.addWidget(window)
    window.poll_timer.stop()  # nothing may repair the locks behind the test's back
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    connection = window.project.db.conn
    assert len(process_locks(project_path)) == 2

    driver = DialogDriver(folder, project_path)
    started = []
    window.file_actions.jobStarted.connect(started.append)
    qtbot.keyClick(window.view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # returns on Cancel
    assert driver.shown_names >= PROJECT_FILES
    assert len(driver.locks_while_listed) == 2
    assert started == []  # cancelled: nothing imported
    assert len(process_locks(project_path)) == 2
    assert window.project.db.conn is connection  # kept by the dialog, not repaired afterwards

    imported = run_cli("--project", project_path, "import", article)  # opens, reads, writes, exits
    assert imported.returncode == 0, imported.stderr
    stats = run_cli("--project", project_path, "stats")
    assert stats.returncode == 0 and "articles: 2" in stats.stdout, stats.stdout + stats.stderr

    window.activateWindow()  # label keys are window shortcuts: back in the window after the dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    for text, key in (("insurgents", Qt.Key.Key_1), ("Damascus", Qt.Key.Key_2), ("entered", Qt.Key.Key_3)):
        window.view.select_range(*word(window, text))
        with qtbot.waitSignal(window.document.spanAdded):
            qtbot.keyClick(window.view, key)
    acknowledged = {(s.id, s.article_id, s.start, s.end, s.label) for s in window.document.spans.values()}
    assert len(acknowledged) == 3

    seen, integrity = read_in_other_process(project_path)
    assert seen == acknowledged
    assert integrity == ["ok"]
    window.close()
    seen_after_quit, integrity = read_in_other_process(project_path)
    assert seen_after_quit == acknowledged and integrity == ["ok"]


def sniff_like_qt(path: Path) -> None:
    """What Qt's type sniffing did to the project's files: open, read a few bytes, close."""
    for name in (path, f"{path}-shm", f"{path}-wal"):
        with open(name, "rb") as sniffed:
            sniffed.read(16)


def test_locks_lost_some_other_way_are_noticed_before_the_next_edit_which_reaches_the_file(qtbot, tmp_path):
    """Defence in depth: whatever drops the locks (a plugin, a file manager's drag, a future
    dialog), the window reopens the file before it writes, never into a deleted WAL."""
    with Project.open(tmp_path / "project.sqlite") as project:
        load_sample(project)
    window, _panel = open_window(qtbot, tmp_path)
    window.poll_timer.stop()
    path = window.project.path
    sniff_like_qt(path)
    assert process_locks(path) == []
    article = tmp_path / "dorvan.txt"
    article.write_text(ANOTHER, encoding="utf-8")
    assert run_cli("--project", path, "import", article).returncode == 0  # it deletes the WAL on exit

    window.view.select_range(*word(window, "insurgents"))
    with qtbot.waitSignal(window.document.spanAdded):
        qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert "reopened it, nothing was lost" in window.statusBar().currentMessage()
    assert len(process_locks(path)) == 2
    assert window.article_list.model.total == 2  # what the other program wrote is shown too
    seen, integrity = read_in_other_process(path)
    assert {(s.id, s.start, s.end, s.label) for s in window.document.spans.values()} == \
        {(span_id, start, end, label) for span_id, _article, start, end, label in seen}
    assert len(seen) == 1 and integrity == ["ok"]


def test_a_poll_repairs_lost_locks_before_another_program_can_act_on_them(qtbot, tmp_path):
    with Project.open(tmp_path / "project.sqlite") as project:
        load_sample(project)
    window, _panel = open_window(qtbot, tmp_path)
    window.poll_timer.stop()
    sniff_like_qt(window.project.path)
    assert process_locks(window.project.path) == []
    window.poll_external_changes()  # what the timer does every two seconds
    assert len(process_locks(window.project.path)) == 2
    assert "reopened it" in window.statusBar().currentMessage()


# -- the other ways a path reaches the window ------------------------------------------------------

@pytest.fixture
def window_with_menus(qtbot, tmp_path):
    """The window as the app builds it (with its File menu), on proj/p.sqlite; errors recorded."""
    from gui.app import create_main_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("annotator", "tester")
    window = create_main_window(tmp_path / "proj" / "p.sqlite", settings)
    qtbot.addWidget(window)
    window.poll_timer.stop()
    window.errors = []
    window.file_actions.show_error = lambda title, message: window.errors.append((title, message))
    return window


def drop(window, paths: list[Path]) -> None:
    """Drag ``paths`` from a file manager over the window and let go."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)


def test_the_project_or_its_journal_dropped_on_the_window_is_refused_and_the_locks_stay(window_with_menus):
    window = window_with_menus
    path = window.project.path
    for dropped in ([path], [Path(f"{path}-wal")], [Path(f"{path}-shm")]):
        drop(window, dropped)
        assert window.errors.pop() == ("Import", f"{dropped[0]} is this project's own file; "
                                                 "it cannot be imported into itself.")
        assert window.file_actions.job is None
    assert len(process_locks(path)) == 2


def test_an_export_over_the_project_or_its_journal_is_refused(window_with_menus):
    from gui.export_dialog import ExportOptions

    window = window_with_menus
    path = window.project.path
    before = path.stat()  # never read it here: that alone would drop the locks
    for target in (path, Path(f"{path}-wal"), path.parent / "." / path.name):
        assert not window.file_actions.export_with(ExportOptions(format="native", path=target))
        assert window.errors.pop()[1].endswith("is this project's own file; exporting there would overwrite the project.")
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert len(process_locks(path)) == 2


def test_opening_a_journal_as_a_project_is_refused_before_anything_opens_it(window_with_menus):
    window = window_with_menus
    path = window.project.path
    for tail in ("-shm", "-wal", "-journal"):
        assert not window.file_actions.open_project(Path(f"{path}{tail}"))
        assert window.errors.pop() == ("Open project", f"{path}{tail} is a file SQLite keeps beside a project, "
                                                       "not a project; open p.sqlite instead.")
    assert window.project.path == path and len(process_locks(path)) == 2


def test_every_file_chooser_of_the_window_comes_from_gui_file_dialogs():
    """A QFileDialog made anywhere else would list the project's folder with Qt's content-sniffing
    icon provider again (the first test above shows what that does)."""
    gui = Path(__file__).resolve().parents[2] / "gui"
    offenders = [str(p.relative_to(gui)) for p in gui.rglob("*.py")
                 if p.name != "file_dialogs.py" and "QFileDialog" in p.read_text(encoding="utf-8")]
    assert offenders == []
