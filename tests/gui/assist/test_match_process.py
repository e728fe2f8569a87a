"""A long article's suggestions come from the match process (a real one): the window is usable
while it computes, a computation made stale by opening another article is killed, and an answer
for an article or spans since replaced never shows."""
from __future__ import annotations

import os
import signal
from pathlib import Path

from PySide6.QtCore import Qt

from gui.assist.suggestions_ui import INLINE_UP_TO
from storage.assist.dictionary import DictionaryCache
from storage.assist.match_process import answer
from storage.project import Project
from tests.gui.assist.helpers import open_window, select, stored
from tests.gui.assist.test_suggestions_ui import ALT, CTRL, NEW, project_with_dictionary, rejections

REPEATS = INLINE_UP_TO // len(NEW) + 1  # just long enough for the process
LONG_A = NEW * REPEATS
LONG_B = ("Homs said nothing.\n" * (INLINE_UP_TO // 19 + 1))


def long_project(path: Path) -> tuple[Path, int, int]:
    project_with_dictionary(path)
    with Project.open(path) as project:
        a = project.add_article(text=LONG_A, title="long A").id
        b = project.add_article(text=LONG_B, title="long B").id
    return path, a, b


def expected(path: Path, article_id: int) -> list:
    """What the window would compute on its own thread, read from the file."""
    with Project.open(path) as project:
        return list(answer(project, DictionaryCache(), article_id))


def shown_for(controller, article_id: int) -> bool:
    return not controller.computing and len(controller.suggestions) > 0 \
        and controller.suggestions.article_id == article_id


def window_on(qtbot, tmp_path, *, shown: bool) -> tuple[Path, int, int, object, object]:
    """(path, long A, long B, window, its suggestion controller), with A open and, if ``shown``,
    its suggestions shown."""
    path, a, b = long_project(tmp_path / "p.sqlite")
    window = open_window(qtbot, path, tmp_path / "s.ini")
    controller = window.assist.suggestions
    window.open_article(a)
    if shown:
        qtbot.waitUntil(lambda: shown_for(controller, a), timeout=30_000)
    return path, a, b, window, controller


def test_a_long_articles_suggestions_come_from_the_process_and_the_keys_work_on_them(qtbot, tmp_path):
    path, a, _, window, controller = window_on(qtbot, tmp_path, shown=True)
    assert controller.matcher.started == 1
    assert list(controller.suggestions) == expected(path, a)
    assert len(controller.suggestions) == 5 * REPEATS
    window.view.viewport().repaint()
    assert {LONG_A[s.start:s.end] for s, _box in controller.marks.painted} == {"Velmora", "army", "Rebels", "Homs"}
    qtbot.keyClick(window.view, Qt.Key.Key_J, CTRL)
    assert window.view.selection_range() == (3, 10)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, ALT)
    assert (a, 3, 10, "LOCATION", "suggestion:dictionary") in stored(path)
    qtbot.keyClick(window.view, Qt.Key.Key_J, CTRL)  # army
    army = LONG_A.index("army")
    qtbot.keyClick(window.view, Qt.Key.Key_Delete, ALT)
    assert rejections(path) == [(a, army, army + 4, "ACTOR")]
    assert all(s.start != army for s in controller.suggestions)  # gone at once, before the recomputation
    assert controller.computing  # which the process does
    qtbot.waitUntil(lambda: not controller.computing, timeout=30_000)
    assert list(controller.suggestions) == expected(path, a)
    assert len(controller.suggestions) == 5 * REPEATS - 2 and all(s.start != army for s in controller.suggestions)


def test_the_article_is_usable_while_the_process_computes_and_a_tag_made_meanwhile_is_not_suggested(qtbot, tmp_path):
    path, a, _, window, controller = window_on(qtbot, tmp_path, shown=False)
    controller.compute()  # the turn after opening, now: the question is on its way
    assert controller.computing and len(controller.suggestions) == 0
    homs = LONG_A.index("Homs")
    select(window, homs, homs + 4)
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # answered at once, without waiting for the process
    assert (a, homs, homs + 4, "LOCATION", "manual") in stored(path)
    assert controller.computing
    qtbot.waitUntil(lambda: shown_for(controller, a), timeout=30_000)
    assert len(controller.suggestions) == 5 * REPEATS - 1
    assert controller.marks.between(homs, homs + 4) == []


def test_opening_another_article_kills_the_stale_computation_and_only_the_new_articles_show(qtbot, tmp_path):
    path, a, b = long_project(tmp_path / "p.sqlite")
    window = open_window(qtbot, path, tmp_path / "s.ini")
    controller, matcher = window.assist.suggestions, window.assist.suggestions.matcher
    answered: list[int] = []
    matcher.computed.connect(lambda article_id, _revision, _table: answered.append(article_id))
    window.open_article(a)
    controller.compute()
    assert matcher.busy and matcher.waiting[0] == a
    pid = matcher.process.processId()
    window.open_article(b)  # while A is computed
    assert matcher.killed == 1 and not matcher.busy
    qtbot.waitUntil(lambda: not Path(f"/proc/{pid}").exists(), timeout=10_000)  # ended and reaped
    qtbot.waitUntil(lambda: shown_for(controller, b), timeout=30_000)
    assert matcher.started == 2 and answered == [b]  # A's answer never came
    assert list(controller.suggestions) == expected(path, b)
    assert {LONG_B[s.start:s.end] for s in controller.suggestions} == {"Homs"}


def test_an_answer_computed_before_a_span_was_removed_is_dropped(qtbot, tmp_path):
    path, a, _, window, controller = window_on(qtbot, tmp_path, shown=True)
    matcher = controller.matcher
    homs = LONG_A.index("Homs")
    select(window, homs, homs + 4)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    controller.compute()  # asked with the tag in place
    asked = controller.revision
    answers: list[int] = []
    matcher.computed.connect(lambda _a, revision, _t: answers.append(revision))
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # the tag is undone before the answer comes
    assert controller.revision != asked and matcher.busy
    shown: list[int] = []
    controller.suggestionsChanged.connect(shown.append)
    while matcher.busy:  # the answer arrives before the recomputation the undo scheduled
        assert matcher.process.waitForReadyRead(30_000)
    assert answers == [asked] and shown == []  # it came, and was not shown
    qtbot.waitUntil(lambda: len(controller.suggestions) == 5 * REPEATS, timeout=30_000)  # the recomputation's
    assert [LONG_A[s.start:s.end] for s in controller.marks.between(homs, homs + 4)] == ["Homs"]


def test_closing_the_window_ends_the_process(qtbot, tmp_path):
    path, a, _, window, controller = window_on(qtbot, tmp_path, shown=True)
    pid = controller.matcher.process.processId()
    window.close()
    assert controller.matcher.process is None
    qtbot.waitUntil(lambda: not Path(f"/proc/{pid}").exists(), timeout=10_000)


def test_a_short_article_is_still_computed_on_the_window_thread(qtbot, tmp_path):
    path, _, _ = long_project(tmp_path / "p.sqlite")
    window = open_window(qtbot, path, tmp_path / "s.ini")
    controller = window.assist.suggestions
    window.open_article(2)
    controller.compute()
    assert not controller.computing and len(controller.suggestions) == 5
    assert controller.matcher.started == 0 and controller.matcher.process is None


def test_going_through_long_articles_starts_no_process_until_one_stays_open(qtbot, tmp_path):
    path, a, b = long_project(tmp_path / "p.sqlite")
    window = open_window(qtbot, path, tmp_path / "s.ini")
    controller, matcher = window.assist.suggestions, window.assist.suggestions.matcher
    for article_id in (a, b, a, b):
        window.open_article(article_id)
        assert controller.computing  # due, not started: the article may be left at once
    assert matcher.started == 0 and matcher.process is None
    qtbot.waitUntil(lambda: shown_for(controller, b), timeout=30_000)
    assert matcher.started == 1 and matcher.killed == 0


def test_a_match_process_that_dies_is_reported_and_the_next_article_starts_another(qtbot, tmp_path):
    path, a, b, window, controller = window_on(qtbot, tmp_path, shown=False)
    matcher = controller.matcher
    controller.compute()
    with qtbot.waitSignal(matcher.failed, timeout=10_000) as failed:
        os.kill(matcher.process.processId(), signal.SIGKILL)  # as an out-of-memory killer would
    assert failed.args[0].startswith("Suggestions stopped")
    assert "Suggestions stopped" in window.statusBar().currentMessage()
    assert not controller.computing and len(controller.suggestions) == 0
    window.open_article(b)
    qtbot.waitUntil(lambda: shown_for(controller, b), timeout=30_000)
    assert matcher.started == 2
