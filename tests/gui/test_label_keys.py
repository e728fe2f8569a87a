"""Label keys as a newcomer from brat uses them: a double-clicked word snaps to the name (no ’s, quotes or
full stop, but U.S. and Mr. keep their dot), a second key on a tagged word relabels it, Shift+key
stacks on purpose, Alt+key keeps the exact characters. Each step is checked in the SQLite file."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from gui.main_window import MainWindow
from storage.project import Project
from tests.gui.event_helpers import open_window

TEXT = ("Rebels entered the eastern districts of Velmora after heavy fighting.\n"
        "Syria’s prime minister met Mr. O’Brien and Bashar Al-Assad’s envoy in the U.S. on “Sunday” "
        "(in Damascus).")
NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def stored(path: Path) -> list[tuple[int, int, str]]:
    """(start, end, label) straight from the file, not through the window's connection."""
    with sqlite3.connect(path) as db:
        return db.execute('SELECT start, "end", label FROM spans ORDER BY start, label').fetchall()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "project.sqlite"
    with Project.open(path) as project:
        project.add_article(text=TEXT, title="Velmora")
    return path


@pytest.fixture
def window(qtbot, path: Path, tmp_path: Path) -> MainWindow:
    return open_window(qtbot, tmp_path)[0]


def word(text: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    return start, start + len(text)


def double_click(qtbot, window: MainWindow, cp: int) -> None:
    """Double-click the character at code point ``cp`` (the text has no astral characters)."""
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(cp)
    rect = window.view.cursorRect(cursor)
    pos = QPoint(rect.center().x() + 3, rect.center().y())
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.view.textCursor().hasSelection()


def key(qtbot, window: MainWindow, label_key: Qt.Key, modifier=NONE) -> None:
    qtbot.keyClick(window.view, label_key, modifier)


def test_double_click_snaps_to_the_name(qtbot, window: MainWindow, path: Path) -> None:
    cases = [  # (a character inside the word, what is stored)
        (word("Syria’s")[0] + 1, "Syria"),  # no possessive ’s
        (word("Assad’s")[0] + 1, "Al-Assad"),  # inner hyphen kept, ’s dropped
        (word("Brien")[0] + 1, "O’Brien"),  # inner apostrophe kept
        (word("U.S.")[0], "U.S."),  # an abbreviation keeps its dot
        (word("Mr.")[0], "Mr."),
        (word("Sunday")[0] + 1, "Sunday"),  # no quotes
        (word("Damascus")[0] + 2, "Damascus"),  # no bracket or full stop
    ]
    for cp, expected in cases:
        double_click(qtbot, window, cp)
        with qtbot.waitSignal(window.document.spanAdded):
            key(qtbot, window, Qt.Key.Key_1)
        assert (*word(expected), "ACTOR") in stored(path), expected


def test_alt_key_keeps_the_exact_characters(qtbot, window: MainWindow, path: Path) -> None:
    start, end = word("Syria’s")
    window.view.select_range(start, end)
    with qtbot.waitSignal(window.document.spanAdded):
        key(qtbot, window, Qt.Key.Key_2, ALT)
    assert stored(path) == [(start, end, "LOCATION")]


def test_a_second_key_on_a_tagged_word_relabels_and_shift_stacks(qtbot, window: MainWindow, path: Path) -> None:
    velmora = word("Velmora")
    double_click(qtbot, window, velmora[0] + 2)
    with qtbot.waitSignal(window.document.spanAdded):
        key(qtbot, window, Qt.Key.Key_2)
    assert stored(path) == [(*velmora, "LOCATION")]

    double_click(qtbot, window, velmora[0] + 2)  # the same word again, another key: a correction
    with qtbot.waitSignal(window.document.spanChanged):
        key(qtbot, window, Qt.Key.Key_1)
    assert stored(path) == [(*velmora, "ACTOR")]
    assert "Shift+1 adds ACTOR on top" in window.statusBar().currentMessage()  # says how to stack instead
    assert window.document.undo_stack.undoText() == "Relabel ‘Velmora’ as ACTOR"
    window.document.undo_stack.undo()  # one undo step brings the old label back
    assert stored(path) == [(*velmora, "LOCATION")]

    double_click(qtbot, window, velmora[0] + 2)  # Shift+key: a second label on purpose
    with qtbot.waitSignal(window.document.spanAdded):
        key(qtbot, window, Qt.Key.Key_3, SHIFT)
    assert stored(path) == [(*velmora, "EVENT"), (*velmora, "LOCATION")]

    double_click(qtbot, window, velmora[0] + 2)  # stacked: a plain key relabels one of them, never adds
    with qtbot.waitSignal(window.document.spanChanged):
        key(qtbot, window, Qt.Key.Key_1)
    assert len(stored(path)) == 2 and (*velmora, "ACTOR") in stored(path)

    # With nothing selected, Shift+key stacks on the clicked (current) span's words.
    window.document.select_span(window.document.current_span_id)
    window.view.select_range(velmora[1], velmora[1])
    with qtbot.waitSignal(window.document.spanAdded):
        key(qtbot, window, Qt.Key.Key_2, SHIFT)
    assert [label for *_, label in stored(path)] == ["ACTOR", "EVENT", "LOCATION"]


def test_the_same_label_again_is_refused_not_stacked(qtbot, window: MainWindow, path: Path) -> None:
    double_click(qtbot, window, word("Velmora")[0] + 1)
    with qtbot.waitSignal(window.document.spanAdded):
        key(qtbot, window, Qt.Key.Key_2)
    double_click(qtbot, window, word("Velmora")[0] + 1)
    key(qtbot, window, Qt.Key.Key_2)
    assert "already tagged" in window.statusBar().currentMessage()
    assert stored(path) == [(*word("Velmora"), "LOCATION")]


def test_shift_keys_are_listed_with_the_other_shortcuts(window: MainWindow) -> None:
    rows = dict((action, keys) for keys, action in window.shortcut_rows())
    assert rows["Add LOCATION on top (stack)"] == "Shift+2" and rows["Tag exactly as LOCATION"] == "Alt+2"


def test_shift_click_on_a_label_button_stacks(qtbot, window: MainWindow, path: Path) -> None:
    velmora = word("Velmora")
    window.view.select_range(*velmora)
    with qtbot.waitSignal(window.document.spanAdded):
        key(qtbot, window, Qt.Key.Key_2)
    button = window.label_bar.widgetForAction(window.label_bar.label_actions["EVENT"])
    window.view.select_range(*velmora)
    with qtbot.waitSignal(window.document.spanAdded):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
    assert stored(path) == [(*velmora, "EVENT"), (*velmora, "LOCATION")]
    actor = window.label_bar.widgetForAction(window.label_bar.label_actions["ACTOR"])
    window.view.select_range(*velmora)
    with qtbot.waitSignal(window.document.spanChanged):  # a plain click relabels (not the event's trigger)
        qtbot.mouseClick(actor, Qt.MouseButton.LeftButton)
    assert stored(path) == [(*velmora, "ACTOR"), (*velmora, "EVENT")]
