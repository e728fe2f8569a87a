"""Another window or process changes the project under this window (issue 7, §2): the view
follows without a traceback, and the window's own undo history survives."""
from __future__ import annotations

import re
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.article_view import ArticleView
from storage.project import Project
from tests.gui.event_helpers import load_sample, open_window, tag, word
from tests.gui.process_helpers import WriteLockHolder, read_in_other_process, run_in_other_process

TEXT = "Rebels entered Velmora.\n\nThe army left the 🙂 city."


def test_showing_the_article_again_with_words_selected_reports_a_valid_selection(qtbot):
    """Was: IndexError 'UTF-16 position -1 outside 0..N' from the selection signal, raised while
    setPlainText emptied the document (a reload after another window's edit)."""
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_article(TEXT, [], {})
    view.select_range(15, 22)
    reported = []
    view.selectionRangeChanged.connect(lambda start, end: reported.append((start, end)))
    view.set_article(TEXT, [], {})  # pytest-qt fails the test on an exception in the slot
    view.set_article("Short.", [], {})
    assert all(0 <= start <= end <= len(TEXT) for start, end in reported)
    assert view.selection_range() is None and view.text == "Short."


# -- a real second process on the window's project ------------------------------------------------

ADD_SPAN = """
import sys
from storage.project import Project
path, article_id, start, end, label = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
with Project.open(path) as project:
    print(project.add_span(article_id, start, end, label, annotator="other").id)
"""

REMOVE_SPAN = """
import sys
from storage.project import Project
with Project.open(sys.argv[1]) as project:
    project.remove_span(int(sys.argv[2]))
"""


def stored(window) -> set[tuple[int, int, str]]:
    """(start, end, label) of the open article's spans, as another process reads the file."""
    spans, integrity = read_in_other_process(window.project.path)
    assert integrity == ["ok"]
    return {(start, end, label) for _id, article, start, end, label in spans
            if article == window.document.article.id}


def undo(qtbot, window, *, redo: bool = False) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    if redo:
        qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    else:
        qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


@pytest.fixture
def window(qtbot, tmp_path):
    return _sample_window(qtbot, tmp_path)


def _sample_window(qtbot, tmp_path):
    with Project.open(tmp_path / "project.sqlite") as project:
        load_sample(project)
    window, _panel = open_window(qtbot, tmp_path)
    window.poll_timer.stop()  # polled by hand, when the test says
    return window


def test_an_edit_in_another_process_shows_up_and_the_undo_history_stays(qtbot, window):
    stack = window.document.undo_stack
    tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    window.view.select_range(*word(window, "stunning"))  # the user is about to tag this
    article_id = window.document.article.id
    theirs = int(run_in_other_process(ADD_SPAN, window.project.path, article_id, *word(window, "advance"), "EVENT"))

    assert window.poll_external_changes()
    assert window.view.span(theirs) is not None and theirs in window.document.spans
    assert window.annotation_list.model.rowCount() == 3
    assert window.view.selection_range() == word(window, "stunning")  # kept: the text was not reset
    assert stack.count() == 2 and window.undo_action.isEnabled()  # was: greyed out by the reload

    undo(qtbot, window)
    assert stored(window) == {(*word(window, "insurgents"), "ACTOR"), (*word(window, "advance"), "EVENT")}
    undo(qtbot, window)
    assert stored(window) == {(*word(window, "advance"), "EVENT")}
    undo(qtbot, window, redo=True)
    assert stored(window) == {(*word(window, "insurgents"), "ACTOR"), (*word(window, "advance"), "EVENT")}
    assert window.view.span(theirs) is not None


def test_an_undo_whose_span_another_process_deleted_says_so_and_the_older_steps_still_undo(qtbot, window):
    stack = window.document.undo_stack
    tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    damascus = tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    run_in_other_process(REMOVE_SPAN, window.project.path, damascus)

    with qtbot.waitSignal(window.document.editRefused):  # before any poll: the window still shows it
        undo(qtbot, window)
    message = window.statusBar().currentMessage()
    assert message.startswith("Cannot undo “Tag ‘Damascus’ as LOCATION”: ") and "deleted" in message
    assert damascus not in window.document.spans and window.view.span(damascus) is None  # shows the file
    assert stack.count() == 1 and stack.index() == 1  # that step is gone, the one before it stays
    undo(qtbot, window)
    assert stored(window) == set() and window.document.spans == {}

    # The same after a poll took the deletion in: the step stays until it is tried.
    undo(qtbot, window, redo=True)
    damascus = tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    run_in_other_process(REMOVE_SPAN, window.project.path, damascus)
    assert window.poll_external_changes() and window.view.span(damascus) is None
    assert stack.count() == 2 and window.undo_action.isEnabled()
    with qtbot.waitSignal(window.document.editRefused):
        undo(qtbot, window)
    assert "Cannot undo “Tag ‘Damascus’ as LOCATION”" in window.statusBar().currentMessage()
    undo(qtbot, window)
    assert stored(window) == set()


def test_an_undo_or_redo_refused_while_another_program_writes_stays_on_the_stack(qtbot, window):
    stack = window.document.undo_stack
    tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    insurgents = (*word(window, "insurgents"), "ACTOR")
    # The store waits storage.project_file.BUSY_TIMEOUT_MS (5 s) for the lock; this test waits 50 ms.
    window.project.db.execute("PRAGMA busy_timeout = 50")
    holder = WriteLockHolder(window.project.path)
    try:
        with qtbot.waitSignal(window.document.editRefused):
            undo(qtbot, window)
        message = window.statusBar().currentMessage()
        assert message.startswith("Could not undo “Tag ‘insurgents’ as ACTOR”") and "another program" in message
        qtbot.waitUntil(lambda: stack.index() == 1)  # put back: the same Ctrl+Z tries again
        assert stack.count() == 1 and stored(window) == {insurgents}
    finally:
        holder.release()
    undo(qtbot, window)
    assert stored(window) == set() and stack.index() == 0

    holder = WriteLockHolder(window.project.path)
    try:
        with qtbot.waitSignal(window.document.editRefused):
            undo(qtbot, window, redo=True)
        assert window.statusBar().currentMessage().startswith("Could not redo")
        qtbot.waitUntil(lambda: stack.index() == 0)
    finally:
        holder.release()
    undo(qtbot, window, redo=True)
    assert stored(window) == {insurgents} and stack.index() == 1


def test_a_read_only_database_refuses_edits_in_the_status_bar(qtbot, window):
    article_id = window.document.article.id
    window.project.db.execute("PRAGMA query_only = ON")  # SQLite refuses every write on this handle
    window.view.select_range(*word(window, "insurgents"))
    with qtbot.waitSignal(window.document.editRefused):
        qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert "cannot be written here" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # mark done
    assert "cannot be written here" in window.statusBar().currentMessage()
    assert window.document.article.id == article_id and window.document.spans == {}
    assert stored(window) == set()


@pytest.fixture
def window_4k(qtbot, tmp_path):
    """``window`` on a file with 4 KiB pages (SQLite's default, pinned here so the test never depends on it): the sample
    article's words fill one of its pages (a 16 KiB page holds them all, with room to spare)."""
    with sqlite3.connect(tmp_path / "project.sqlite") as conn:
        conn.execute("PRAGMA page_size = 4096")
        conn.execute("CREATE TABLE made (x)")
        conn.execute("DROP TABLE made")
    return _sample_window(qtbot, tmp_path)


def test_tagging_until_the_disk_is_full_ends_in_the_status_bar_and_keeps_every_saved_span(qtbot, window_4k):
    # SQLite's own "database or disk is full": this handle may not grow the file any further.
    window = window_4k
    assert window.project.db.execute("PRAGMA page_size").fetchone()[0] == 4096
    # Started before the disk fills: a new article's first edit also writes its status, in the same
    # commit, so a full disk would refuse that first edit whole (test_article_status checks that).
    window.document.set_status("in_progress")
    pages = window.project.db.execute("PRAGMA page_count").fetchone()[0]
    window.project.db.execute(f"PRAGMA max_page_count = {pages}")
    text = window.document.text
    refused = []
    window.document.editRefused.connect(refused.append)
    for match in re.finditer(r"\w+", text):
        window.view.select_range(match.start(), match.end())
        qtbot.keyClick(window.view, Qt.Key.Key_1)
        if any("the disk is full" in reason for reason in refused):
            break
    # Before it, only words the sample article already tags as ACTOR are refused (duplicates).
    full = [reason for reason in refused if "the disk is full" in reason]
    assert full and all("already tagged" in reason for reason in refused if reason not in full), refused
    assert "the disk is full" in window.statusBar().currentMessage()
    shown = {(s.start, s.end, s.label) for s in window.document.spans.values()}
    assert shown and stored(window) == shown  # every acknowledged span, and only those


def test_a_redo_another_process_made_impossible_says_so_and_leaves_the_stack(qtbot, window):
    stack = window.document.undo_stack
    tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    undo(qtbot, window)
    undo(qtbot, window)
    # Meanwhile another program tags the same word the same way.
    run_in_other_process(ADD_SPAN, window.project.path, window.document.article.id,
                         *word(window, "insurgents"), "ACTOR")
    with qtbot.waitSignal(window.document.editRefused):
        undo(qtbot, window, redo=True)
    assert window.statusBar().currentMessage().startswith("Cannot redo “Tag ‘insurgents’ as ACTOR”: ")
    assert stack.count() == 1 and stack.index() == 0  # that step left; Damascus can still be redone
    assert window.view.span(next(iter(window.document.spans))) is not None  # theirs, shown
    undo(qtbot, window, redo=True)
    assert stored(window) == {(*word(window, "insurgents"), "ACTOR"), (*word(window, "Damascus"), "LOCATION")}
