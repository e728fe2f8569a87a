"""MainWindow driven like a user drives it (mouse drags, Shift+arrows, find, label keys, Delete,
undo/redo, Ctrl+Return), each step checked in the SQLite file through a separate connection."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QTextCursor, QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QMenu, QTableWidget

from gui.app import add_sample_article
from gui.file_actions import FileActions
from gui.main_window import MainWindow, read_recent_projects
from storage.article_status import OWN_STATUS
from storage.model import Label
from storage.project import Project

SECOND = "Second article.\n\nTroops entered Homs on Monday."


def stored_spans(path: Path) -> list[tuple[int, int, int, str]]:
    """(article id, start, end, label) straight from the file, not through the window's connection."""
    with sqlite3.connect(path) as db:
        return db.execute('SELECT article_id, start, "end", label FROM spans ORDER BY start').fetchall()


def stored_status(path: Path, article_id: int) -> str:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT {OWN_STATUS} FROM articles WHERE id = ?", [article_id]).fetchone()[0]


def make_window(qtbot, path: Path, settings_path: Path) -> MainWindow:
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    window = MainWindow(Project.open(path), settings=settings, annotator="tester")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    # Label keys are window shortcuts: they only fire in the active window.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    return window


@pytest.fixture
def project_path(tmp_path) -> Path:
    path = tmp_path / "news.annotator.sqlite"
    with Project.open(path) as project:
        add_sample_article(project)  # the one that ships in resources/, as on first use
        project.add_article(text=SECOND, title="Second article.", date="2024-12-09")
    return path


@pytest.fixture
def window(qtbot, project_path, tmp_path) -> MainWindow:
    return make_window(qtbot, project_path, tmp_path / "s.ini")


def at(window: MainWindow, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = window.document.text.index(word, start + 1)
    return start, start + len(word)


def caret_point(window: MainWindow, cp: int, dx: int = 0) -> QPoint:
    """Viewport point of the caret before code point ``cp`` (the sample has no astral characters)."""
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(cp)
    rect = window.view.cursorRect(cursor)
    return QPoint(rect.center().x() + dx, rect.center().y())


def press(qtbot, window: MainWindow, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.view, key, modifier)


def tag_by_keys(qtbot, window: MainWindow, word: str, key: Qt.Key) -> None:
    start, end = at(window, word)
    window.view.select_range(start, end)
    with qtbot.waitSignal(window.document.spanAdded):
        press(qtbot, window, key)


def click_span(qtbot, window: MainWindow, word: str) -> None:
    start, end = at(window, word)
    window.view.select_range(start, start)  # scrolls it into view
    with qtbot.waitSignal(window.document.currentSpanChanged):
        qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=caret_point(window, (start + end) // 2, 1))


def test_window_contract_menus_title_and_opening_leaves_a_new_article_new(window, project_path):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Article", "Project", "Assist", "Help"]
    assert window.file_menu.isEmpty()
    assert window.windowTitle() == "news.annotator — Event Annotator"
    article = window.document.article
    assert article.title.startswith("Aid convoy reaches Velmora") and window.headline.text() == article.title
    assert window.headline.textFormat() == Qt.TextFormat.PlainText
    assert stored_status(project_path, article.id) == "new"  # looked at is not started
    assert window.position_label.text() == "Article 1 of 2"
    assert read_recent_projects(window.settings) == [str(project_path.resolve())]


def test_mouse_drag_then_key_tags_an_actor_and_undo_redo_reach_the_file(qtbot, window, project_path):
    start, end = at(window, "Red Crescent")
    viewport = window.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=caret_point(window, start, 1))
    qtbot.mouseMove(viewport, caret_point(window, end - 3))
    qtbot.mouseMove(viewport, caret_point(window, end, -1))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=caret_point(window, end, -1))
    assert window.view.selection_range() is not None
    with qtbot.waitSignal(window.document.spanAdded):
        press(qtbot, window, Qt.Key.Key_1)
    article_id = window.document.article.id
    assert stored_spans(project_path) == [(article_id, start, end, "ACTOR")]
    assert window.undo_action.text() == "Undo Tag ‘Red Crescent’ as ACTOR"
    assert window.view.selection_range() is None  # the next key relabels instead of re-tagging
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_spans(project_path) == []
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored_spans(project_path) == [(article_id, start, end, "ACTOR")]
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert len(stored_spans(project_path)) == 1
    assert window.spans_label.text() == "1 span"
    assert window.article_list.model.summary(0).span_count == 1


def test_shift_arrows_select_and_key_tags_a_location(qtbot, window, project_path):
    start, end = at(window, "Dorvan")
    window.view.select_range(start, start)
    for _ in range(end - start):
        press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(window.document.spanAdded) as added:
        press(qtbot, window, Qt.Key.Key_2)
    assert (added.args[0].start, added.args[0].end, added.args[0].label) == (start, end, "LOCATION")
    assert stored_spans(project_path)[0][1:] == (start, end, "LOCATION")


def test_find_escape_then_key_tags_without_the_mouse(qtbot, window, project_path):
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible() and window.find_bar.edit.hasFocus()
    qtbot.keyClicks(window.find_bar.edit, "DORVAN")
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert window.view.selection_range() == at(window, "Dorvan")
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)  # next match
    assert window.view.selection_range() == at(window, "Dorvan", 1)
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible() and window.view.hasFocus()
    with qtbot.waitSignal(window.document.spanAdded):
        press(qtbot, window, Qt.Key.Key_2)
    assert stored_spans(project_path)[0][1:] == (*at(window, "Dorvan", 1), "LOCATION")


def test_key_on_clicked_span_relabels_and_delete_key_deletes(qtbot, window, project_path):
    tag_by_keys(qtbot, window, "Police", Qt.Key.Key_2)
    window.view.select_range(0, 0)
    window.document.select_span(None)
    click_span(qtbot, window, "Police")
    assert window.document.current_span.label == "LOCATION"
    with qtbot.waitSignal(window.document.spanChanged):
        press(qtbot, window, Qt.Key.Key_1)
    assert stored_spans(project_path)[0][3] == "ACTOR"
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_spans(project_path)[0][3] == "LOCATION"
    press(qtbot, window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert stored_spans(project_path)[0][3] == "ACTOR"
    with qtbot.waitSignal(window.document.spanRemoved):
        press(qtbot, window, Qt.Key.Key_Delete)
    assert stored_spans(project_path) == []
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_spans(project_path)[0][3] == "ACTOR"
    assert window.view.span(window.document.sorted_spans()[0].id) is not None


def test_click_on_plain_text_forgets_the_current_span(qtbot, window, project_path):
    tag_by_keys(qtbot, window, "Police", Qt.Key.Key_1)
    assert window.document.current_span is not None
    start, _ = at(window, "government")
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=caret_point(window, start + 2))
    assert window.document.current_span is None
    press(qtbot, window, Qt.Key.Key_2)
    assert "Select some text" in window.statusBar().currentMessage()
    assert stored_spans(project_path)[0][3] == "ACTOR"


def test_snapping_trims_punctuation_and_alt_keeps_exact_characters(qtbot, window, project_path):
    start, end = at(window, "Dorvan,")
    window.view.select_range(start - 1, end)  # " Dorvan,"
    with qtbot.waitSignal(window.document.spanAdded):
        press(qtbot, window, Qt.Key.Key_2)
    assert stored_spans(project_path)[0][1:3] == (start, end - 1)
    window.view.select_range(start, end)
    with qtbot.waitSignal(window.document.spanAdded):
        press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert (start, end, "LOCATION") in [row[1:] for row in stored_spans(project_path)]


def test_precise_toggle_is_persisted(qtbot, window, project_path, tmp_path):
    window.precise_action.trigger()
    start, end = at(window, "Dorvan,")
    window.view.select_range(start, end)
    with qtbot.waitSignal(window.document.spanAdded):
        press(qtbot, window, Qt.Key.Key_2)
    assert stored_spans(project_path)[0][1:3] == (start, end)
    window.close()
    again = make_window(qtbot, project_path, tmp_path / "s.ini")
    assert again.precise_action.isChecked()


def test_duplicate_tag_is_refused_in_the_status_bar(qtbot, window, project_path):
    tag_by_keys(qtbot, window, "Police", Qt.Key.Key_1)
    window.view.select_range(*at(window, "Police"))
    press(qtbot, window, Qt.Key.Key_1)
    assert "already tagged" in window.statusBar().currentMessage()
    assert len(stored_spans(project_path)) == 1


def test_ctrl_return_marks_done_and_opens_the_next_unfinished(qtbot, window, project_path):
    first = window.document.article.id
    asked = []
    window.confirm_done = lambda: asked.append(True) or True
    with qtbot.waitSignal(window.document.articleOpened):
        press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked == [True]
    assert stored_status(project_path, first) == "done"
    second = window.document.article
    assert second.id != first and stored_status(project_path, second.id) == "new"
    assert window.article_list.current_article_id() == second.id
    assert window.article_list.model.summary(0).status == "done"
    assert window.done_label.text() == "1 done"
    window.confirm_done = lambda: False
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert stored_status(project_path, second.id) == "new"


def test_ctrl_k_skips_and_back_to_in_progress_reopens(qtbot, window, project_path):
    first = window.document.article.id
    with qtbot.waitSignal(window.document.articleOpened):
        press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert stored_status(project_path, first) == "skipped"
    second = window.document.article.id
    assert second != first and stored_status(project_path, second) == "new"
    window.open_article(first)  # a skipped article is not unfinished, so go back to it by hand
    assert stored_status(project_path, first) == "skipped"  # opening it does not change its status
    window.reopen_action.trigger()  # Article ▸ Back to in progress
    assert stored_status(project_path, first) == "in_progress"
    assert window.article_list.model.summary(0).status == "in_progress"


def test_next_and_previous_article_keys(qtbot, window):
    first = window.document.article.id
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.document.article.id != first
    assert window.position_label.text() == "Article 2 of 2"
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.document.article.id == first


def test_the_article_shown_is_where_the_next_start_opens(qtbot, window, project_path, tmp_path):
    """Remembered within a poll of opening it (so a crash keeps it), not as it opens: QSettings
    would write its file in the turn the first key press after opening waits for."""
    first = window.document.article.id
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    second = window.document.article.id
    key = window._last_article_key()
    on_disk = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert on_disk.value(key) is None  # not written at the open
    window.poll_timer.setInterval(20)
    qtbot.waitUntil(lambda: QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat).value(key) is not None)
    crashed_here = make_window(qtbot, project_path, tmp_path / "s.ini")  # the first is never closed
    assert crashed_here.document.article.id == second != first
    crashed_here.close()
    window.open_article(first)
    window.close()
    assert make_window(qtbot, project_path, tmp_path / "s.ini").document.article.id == first


def test_spans_come_back_painted_in_a_new_window(qtbot, window, project_path, tmp_path):
    for word, key in (("Velmora", Qt.Key.Key_1), ("Dorvan", Qt.Key.Key_2), ("entered", Qt.Key.Key_3)):
        tag_by_keys(qtbot, window, word, key)
    press(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    zoom, stored = window.view.zoom_level, stored_spans(project_path)
    window.close()
    again = make_window(qtbot, project_path, tmp_path / "s.ini")
    assert again.view.zoom_level == zoom
    shown = [(s.start, s.end, s.label) for s in again.document.sorted_spans()]
    assert shown == [row[1:] for row in stored]
    assert all(again.view.span(s.id) is not None for s in again.document.sorted_spans())
    assert again.annotation_list.model.rowCount() == 3
    start, end = at(again, "Velmora")  # in the headline line: on screen without scrolling
    block = again.view.document().findBlock(start)
    again.view.grab()  # blocks are formatted once painted
    painted = {(r.start + block.position(), r.length) for r in block.layout().formats()}
    assert any(s <= start and s + n >= end for s, n in painted)


def test_offsets_after_emoji_and_in_arabic_slice_the_right_text(qtbot, tmp_path):
    text = "Leaders 👍🏽 met 😀 in Damascus. وقال الرئيس في دمشق اليوم"
    path = tmp_path / "u.sqlite"
    with Project.open(path) as project:
        project.add_article(text=text, title="emoji", date=None)
    window = make_window(qtbot, path, tmp_path / "s.ini")
    for word, key in (("Damascus", Qt.Key.Key_2), ("دمشق", Qt.Key.Key_2), ("الرئيس", Qt.Key.Key_1)):
        tag_by_keys(qtbot, window, word, key)
    # And a keyboard selection after the emoji: Shift+Right moves by whole characters.
    start = text.index("met")
    window.view.select_range(start, start)
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(window.document.spanAdded):
        press(qtbot, window, Qt.Key.Key_3)
    assert sorted(text[s:e] for _a, s, e, _l in stored_spans(path)) == sorted(
        ["Damascus", "دمشق", "الرئيس", "met"])


def test_annotation_list_relabels_and_deletes(qtbot, window, project_path):
    tag_by_keys(qtbot, window, "Police", Qt.Key.Key_1)
    tag_by_keys(qtbot, window, "Dorvan", Qt.Key.Key_2)
    table = window.annotation_list.table
    model = window.annotation_list.model
    row = [model.span_at(r).label for r in range(model.rowCount())].index("LOCATION")
    index = model.index(row, model.LABEL)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    assert window.document.current_span.label == "LOCATION"
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    qtbot.waitUntil(lambda: table.viewport().findChild(QComboBox) is not None)
    combo = table.viewport().findChild(QComboBox)
    with qtbot.waitSignal(window.document.spanChanged):
        combo.setCurrentText("ACTOR")
        combo.activated.emit(combo.currentIndex())
    assert [row[3] for row in stored_spans(project_path)] == ["ACTOR", "ACTOR"]
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sorted(row[3] for row in stored_spans(project_path)) == ["ACTOR", "LOCATION"]
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    with qtbot.waitSignal(window.document.spanRemoved):
        qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert [row[3] for row in stored_spans(project_path)] == ["ACTOR"]
    assert model.rowCount() == 1


def test_changes_from_another_process_are_picked_up_and_both_windows_edits_land(
        qtbot, window, project_path, tmp_path):
    window.poll_timer.stop()  # the test polls by hand; a timer poll in between would take the change
    article_id = window.document.article.id
    start, end = at(window, "Velmora")
    with Project.open(project_path) as other:
        other.add_span(article_id, start, end, "LOCATION", annotator="someone else")
    assert window.poll_external_changes()
    assert [(s.start, s.end) for s in window.document.sorted_spans()] == [(start, end)]
    assert window.annotation_list.model.rowCount() == 1
    assert window.article_list.model.summary(0).span_count == 1
    assert "changed" in window.statusBar().currentMessage()
    assert not window.poll_external_changes()

    second = make_window(qtbot, project_path, tmp_path / "s2.ini")
    second.poll_timer.stop()
    second.open_article(article_id)
    second.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is second)
    tag_by_keys(qtbot, second, "Police", Qt.Key.Key_1)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tag_by_keys(qtbot, window, "Dorvan", Qt.Key.Key_2)
    assert window.poll_external_changes() and second.poll_external_changes()
    assert len(stored_spans(project_path)) == 3
    assert len(window.document.spans) == len(second.document.spans) == 3


REPO = Path(__file__).resolve().parents[2]
# A real second program on the file: its own interpreter, its own connection, its own locks.
OTHER_PROCESS = """
import sys
from storage.project import Project
path, article_id, start, end = sys.argv[1], *map(int, sys.argv[2:])
with Project.open(path) as project:
    project.add_span(article_id, start, end, "LOCATION", annotator="other process")
    project.add_article(text="Troops entered Homs on Monday.", title="From another process", date=None)
"""


def stored_spans_by(path: Path) -> list[tuple[int, int, str, str]]:
    with sqlite3.connect(path) as db:
        return db.execute('SELECT start, "end", label, annotator FROM spans ORDER BY start').fetchall()


def test_a_second_process_writes_while_the_window_is_open_and_no_edit_is_lost(qtbot, window, project_path):
    window.poll_timer.stop()  # polled by hand below, not when the timer happens to fire
    article_id = window.document.article.id
    tag_by_keys(qtbot, window, "Police", Qt.Key.Key_1)  # before the other process
    velmora = at(window, "Velmora")
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(project_path), str(article_id), *map(str, velmora)],
                   cwd=REPO, check=True, timeout=120, capture_output=True)
    assert window.poll_external_changes()
    assert "Another window or program changed" in window.statusBar().currentMessage()
    theirs = next(s for s in window.document.spans.values() if s.annotator == "other process")
    assert (theirs.start, theirs.end) == velmora and window.view.span(theirs.id) is not None
    assert window.annotation_list.model.rowCount() == 2
    assert window.article_list.model.total == 3 and window.position_label.text() == "Article 1 of 3"
    tag_by_keys(qtbot, window, "Dorvan", Qt.Key.Key_2)  # after
    assert stored_spans_by(project_path) == [
        (*velmora, "LOCATION", "other process"),
        (*at(window, "Dorvan"), "LOCATION", "tester"),
        (*at(window, "Police"), "ACTOR", "tester"),
    ]
    assert not window.poll_external_changes()  # the window's own edits are not "changes elsewhere"


def test_an_edit_while_another_program_holds_the_lock_is_refused_and_nothing_is_lost(
        qtbot, window, project_path):
    window.poll_timer.stop()
    first = window.document.article.id
    tag_by_keys(qtbot, window, "Police", Qt.Key.Key_1)
    # The store waits storage.project.BUSY_TIMEOUT_MS (5 s) for the lock; this test waits 50 ms.
    window.project.db.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(project_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the write lock, held as a long import in another program would
    try:
        dorvan = at(window, "Dorvan")
        window.view.select_range(*dorvan)
        with qtbot.waitSignal(window.document.editRefused):
            press(qtbot, window, Qt.Key.Key_2)
        assert "another program is writing to this project" in window.statusBar().currentMessage()
        assert window.view.selection_range() == dorvan  # still selected: the same key retries
        press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert "another program is writing" in window.statusBar().currentMessage()
        assert window.document.article.id == first  # not marked done, so not moved on
    finally:
        other.execute("ROLLBACK")
        other.close()
    with qtbot.waitSignal(window.document.spanAdded):
        press(qtbot, window, Qt.Key.Key_2)
    assert [row[1:] for row in stored_spans(project_path)] == [(*dorvan, "LOCATION"), (*at(window, "Police"), "ACTOR")]
    assert stored_status(project_path, first) == "in_progress"
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo still works afterwards
    assert [row[3] for row in stored_spans(project_path)] == ["ACTOR"]


def test_open_project_rebuilds_document_lists_and_recent(qtbot, window, tmp_path, project_path):
    other = tmp_path / "other.annotator.sqlite"
    with Project.open(other) as project:
        project.add_article(text="Only article here.", title="Only", date=None)
    old_document = window.document
    with qtbot.waitSignal(window.documentReplaced) as replaced:
        window.open_project(other)
    assert window.document is not old_document and replaced.args == [window.document]
    assert window.windowTitle() == "other.annotator — Event Annotator"
    assert window.document.article.title == "Only"
    assert window.article_list.model.rowCount() == 1
    assert read_recent_projects(window.settings)[:2] == [str(other.resolve()), str(project_path.resolve())]
    tag_by_keys(qtbot, window, "article", Qt.Key.Key_1)
    assert window.undo_action.text() == "Undo Tag ‘article’ as ACTOR"
    assert stored_spans(other)[0][3] == "ACTOR"


def test_title_with_markup_is_shown_as_plain_text(qtbot, tmp_path):
    path = tmp_path / "m.sqlite"
    with Project.open(path) as project:
        project.add_article(text="<b>Not bold</b> &amp; text", title="<b>Not bold</b> &amp;", date=None)
    window = make_window(qtbot, path, tmp_path / "s.ini")
    assert window.headline.text() == "<b>Not bold</b> &amp;"
    assert window.headline.textFormat() == Qt.TextFormat.PlainText


def test_label_named_like_markup_shows_as_typed_in_its_tooltip(qtbot, window, project_path):
    window.poll_timer.stop()
    window.project.add_label(Label("<b>X</b>", "#009E73", key="4"))
    window.reload_scheme()
    tip = window.label_bar.label_actions["<b>X</b>"].toolTip()
    # Rich text, but escaped: what shows is the name as typed, not a bold X.
    assert "&lt;b&gt;X&lt;/b&gt;" in tip and "<b>X</b>" not in tip


def test_label_with_an_ampersand_keeps_it_in_menus_and_the_shortcut_list(qtbot, window):
    window.poll_timer.stop()
    window.project.add_label(Label("R&D", "#56B4E9", key="5"))
    window.reload_scheme()
    assert window.label_bar.label_actions["R&D"].text() == "Tag as R&&D"  # "&&": an "&", not a mnemonic
    assert ("5", "Tag as R&D") in window.shortcut_rows()


def test_dropping_files_hands_them_to_file_actions(qtbot, window, tmp_path):
    received: list[list[Path]] = []

    class Importer:  # the hook FileActions fills in; only the hand-over is under test here
        job = None  # no job of its own running: the window's poll asks

        def import_paths(self, paths):
            received.append(list(paths))

    window.file_actions = Importer()  # type: ignore[assignment]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "a.txt"))])
    event = QDropEvent(window.rect().center().toPointF(), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert received == [[tmp_path / "a.txt"]]


def open_context_menu(qtbot, window: MainWindow, cp: int) -> QMenu:
    window.view.customContextMenuRequested.emit(caret_point(window, cp, 1))
    menus = [m for m in window.view.findChildren(QMenu) if m.isVisible()]
    assert len(menus) == 1
    return menus[0]


# A popup menu on the offscreen platform warns that it cannot raise or grab the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
def test_context_menu_tags_a_selection_and_relabels_the_span_under_the_cursor(qtbot, window, project_path):
    start, end = at(window, "Kessa")
    window.view.select_range(start, end)
    menu = open_context_menu(qtbot, window, start + 1)
    with qtbot.waitSignal(window.document.spanAdded):
        next(a for a in menu.actions() if a.text() == "Tag as LOCATION").trigger()
    menu.close()
    assert stored_spans(project_path)[0][1:] == (start, end, "LOCATION")
    menu = open_context_menu(qtbot, window, start + 1)
    assert not any(a.text().startswith("Tag as") for a in menu.actions())  # no selection left
    change = next(a.menu() for a in menu.actions() if a.menu() is not None)
    with qtbot.waitSignal(window.document.spanChanged):
        next(a for a in change.actions() if a.text() == "ACTOR").trigger()
    menu.close()
    assert stored_spans(project_path)[0][3] == "ACTOR"


def test_window_layout_is_saved_and_restored(qtbot, window, project_path, tmp_path):
    window.annotation_dock.hide()
    window.resize(760, 560)  # within the offscreen screen (800x600), which restoreGeometry clamps to
    qtbot.waitUntil(lambda: window.width() == 760)
    window.close()
    again = make_window(qtbot, project_path, tmp_path / "s.ini")
    assert not again.annotation_dock.isVisible() and again.article_dock.isVisible()
    assert (again.width(), again.height()) == (760, 560)


def test_ctrl_wheel_zoom_is_kept_too(qtbot, window, project_path, tmp_path):
    viewport = window.view.viewport()
    wheel = QWheelEvent(QPointF(viewport.rect().center()), QPointF(viewport.mapToGlobal(viewport.rect().center())),
                        QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    assert window.view.zoom_level == 1
    window.close()
    again = make_window(qtbot, project_path, tmp_path / "s.ini")
    assert again.view.zoom_level == 1


def test_reload_key_says_when_nothing_changed(qtbot, window):
    window.poll_timer.stop()
    press(qtbot, window, Qt.Key.Key_F5)
    assert window.statusBar().currentMessage() == "No changes on disk"


def test_shortcut_list_names_every_key_once_including_the_file_menu(qtbot, window):
    FileActions(window)  # fills the File menu, as gui.app does
    rows = dict((action, keys) for keys, action in window.shortcut_rows())
    assert rows["Undo"] == "Ctrl+Z" and rows["Redo"] == "Ctrl+Shift+Z / Ctrl+Y"
    assert rows["Tag as LOCATION"] == "2" and rows["Mark done and next"] == "Ctrl+Return / Ctrl+Enter"
    assert rows["Export…"] == "Ctrl+E" and rows["Quit"] == "Ctrl+Q"  # the File menu's, from FileActions
    assert len(rows) == len(window.shortcut_rows())
    press(qtbot, window, Qt.Key.Key_F1)
    dialog = next(d for d in window.findChildren(QDialog) if d.windowTitle() == "Keyboard shortcuts")
    qtbot.waitExposed(dialog)
    table = dialog.findChild(QTableWidget)
    assert table.rowCount() == len(rows) and table.item(0, 0).text() == "Ctrl+Z"


def test_scheme_change_rebuilds_label_bar_and_keys(qtbot, window, project_path):
    window.poll_timer.stop()
    with Project.open(project_path) as other:  # e.g. Project ▸ Labels… in another window
        other.add_label(Label("WEAPON", "#009E73", key="4"))
    assert window.poll_external_changes()
    button = window.label_bar.widgetForAction(window.label_bar.label_actions["WEAPON"])
    assert button.text() == "4 WEAPON" and "#009e73" in button.styleSheet()
    tag_by_keys(qtbot, window, "Velmora", Qt.Key.Key_4)
    assert stored_spans(project_path)[0][3] == "WEAPON"
