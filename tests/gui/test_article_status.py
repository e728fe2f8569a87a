"""An article's status follows work, not looking: opening leaves ``new``, the first edit starts it."""
from __future__ import annotations

import sqlite3

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow
from storage.article_status import OWN_STATUS
from storage.project import Project

TEXT = "Rebels entered Velmora on Friday. The army left Dorvan."


def stored_status(path, article_id: int) -> str:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT {OWN_STATUS} FROM articles WHERE id = ?", [article_id]).fetchone()[0]


def open_window(qtbot, tmp_path) -> tuple[MainWindow, object, int]:
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        article = project.add_article(text=TEXT, title="Rebels")
        project.add_span(article.id, 0, 6, "ACTOR", annotator="earlier")
        project.add_span(article.id, 7, 14, "EVENT", annotator="earlier")
    window = MainWindow(Project.open(path), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        annotator="tester")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    return window, path, article.id


def test_first_tag_marks_the_article_in_progress_and_undo_keeps_it(qtbot, tmp_path):
    window, path, article_id = open_window(qtbot, tmp_path)
    assert stored_status(path, article_id) == "new"
    assert window.article_list.model.summary(0).status == "new"
    window.view.select_range(0, 6)  # "Rebels" is already tagged: a refused edit starts nothing
    with qtbot.waitSignal(window.document.editRefused):
        qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert stored_status(path, article_id) == "new"
    start = TEXT.index("Velmora")
    window.view.select_range(start, start + len("Velmora"))
    with qtbot.waitSignal(window.document.statusChanged):
        qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert stored_status(path, article_id) == "in_progress"
    assert window.article_list.model.summary(0).status == "in_progress"
    assert "In progress" in window.meta.text()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_status(path, article_id) == "in_progress"  # undo removes the span, not the work done


def test_a_frame_edit_is_a_first_edit_too(qtbot, tmp_path):
    window, path, article_id = open_window(qtbot, tmp_path)
    trigger = next(s for s in window.document.spans.values() if s.label == "EVENT")
    with qtbot.waitSignal(window.document.statusChanged):
        window.document.create_event(trigger.id, "FIGHT")
    assert stored_status(path, article_id) == "in_progress"


def test_the_first_edit_and_its_status_are_one_commit(qtbot, tmp_path):
    """The status rides in the edit's own transaction: when the file refuses the status (here a
    trigger another program left), the span is not saved either, and the list still says New;
    once it is allowed, one key press leaves both in the file, read by a connection of its own."""
    window, path, article_id = open_window(qtbot, tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TRIGGER status_frozen BEFORE INSERT ON article_status "
                   "BEGIN SELECT RAISE(ABORT, 'statuses are frozen'); END")
    start = TEXT.index("Velmora")
    window.view.select_range(start, start + len("Velmora"))
    with qtbot.waitSignal(window.document.editRefused) as refused:
        qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert "statuses are frozen" in refused.args[0]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM spans WHERE start = ?", [start]).fetchone()[0] == 0
        db.execute("DROP TRIGGER status_frozen")
    assert stored_status(path, article_id) == "new" and window.document.article.status == "new"
    assert window.article_list.model.summary(0).status == "new" and window.document.undo_stack.count() == 0

    window.view.select_range(start, start + len("Velmora"))
    with qtbot.waitSignal(window.document.statusChanged):
        qtbot.keyClick(window.view, Qt.Key.Key_2)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT label FROM spans WHERE start = ?", [start]).fetchall() == [("LOCATION",)]
    assert stored_status(path, article_id) == "in_progress" and window.document.article.status == "in_progress"
    assert window.article_list.model.summary(0).status == "in_progress" and "In progress" in window.meta.text()
    assert window.document.undo_stack.count() == 1  # the status is no undo step in the main window


def test_the_first_key_press_and_marking_done_never_write_the_articles_row(qtbot, tmp_path):
    """The statuses live in a small table of their own: neither the first edit's in_progress nor
    Ctrl+Enter's done writes the article's row again (with a long article, its whole text). A
    trigger left in the file notes any UPDATE of an article row, by whichever connection."""
    window, path, article_id = open_window(qtbot, tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE rewritten (article_id INTEGER)")
        db.execute("CREATE TRIGGER note_rewrite AFTER UPDATE ON articles BEGIN INSERT INTO rewritten VALUES (NEW.id); END")
    start = TEXT.index("Velmora")
    window.view.select_range(start, start + len("Velmora"))
    with qtbot.waitSignal(window.document.statusChanged):
        qtbot.keyClick(window.view, Qt.Key.Key_2)
    window.confirm_done = lambda: True
    with qtbot.waitSignal(window.document.statusChanged):
        qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert stored_status(path, article_id) == "done" and window.article_list.model.summary(0).status == "done"
    assert window.done_label.text() == "1 done"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT label FROM spans WHERE start = ?", [start]).fetchall() == [("LOCATION",)]
        assert db.execute("SELECT count(*) FROM rewritten").fetchone() == (0,)
