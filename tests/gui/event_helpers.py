"""Helpers for the event-frame tests: the real window on the real sample article, and ways to
tag words, press keys and read rows as a user and a checker would."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from gui.event_panel import EventPanel
from gui.main_window import MainWindow
from storage.project import Project
from storage.text import decode, normalise, parse_article

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLE = SHARED / "samples" / "000_be5ca420abf9a110.txt"
PHRASE = "fleeing ahead of insurgents who said they had entered Damascus after a stunning advance"


def load_sample(project: Project) -> int:
    text, _ = normalise(decode(SAMPLE.read_bytes(), path=str(SAMPLE)))
    parsed = parse_article(text)
    return project.add_article(text=parsed.text, title=parsed.title, date=parsed.date).id


def open_window(qtbot, tmp_path: Path) -> tuple[MainWindow, EventPanel]:
    """The real main window on tmp_path's project; it installs its own Events dock."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Project.open(tmp_path / "project.sqlite"), settings=settings, annotator="ann")
    qtbot.addWidget(window)
    panel = window.event_panel
    window.resize(1500, 950)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    # Label keys and undo are window shortcuts: they only fire in the active window.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    return window, panel


def word(window: MainWindow, text: str) -> tuple[int, int]:
    """Offsets of ``text`` inside the sample's "insurgents … entered Damascus" sentence."""
    base = window.document.text.index(PHRASE)
    start = base + PHRASE.index(text)
    return start, start + len(text)


def tag(qtbot, window: MainWindow, text: str, key: Qt.Key) -> int:
    """Select ``text`` in the view and press a label key; returns the new span's id."""
    window.view.setFocus()
    window.view.select_range(*word(window, text))
    with qtbot.waitSignal(window.document.spanAdded) as added:
        qtbot.keyClick(window.view, key)
    return added.args[0].id


def point(window: MainWindow, cp: int) -> QPoint:
    """A viewport point over code point ``cp`` (the sample has no astral characters: cp == UTF-16)."""
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(cp)
    window.view.setTextCursor(cursor)
    window.view.ensureCursorVisible()
    rect = window.view.cursorRect(cursor)
    return QPoint(rect.x() + 4, rect.center().y())


def rows(project: Project, sql: str) -> list[tuple]:
    return project.db.execute(sql).fetchall()


def arguments(project: Project) -> list[tuple]:
    return rows(project, "SELECT role, span_id FROM arguments ORDER BY role, span_id")


def events(project: Project) -> list[tuple]:
    return rows(project, "SELECT id, trigger_id, type, attributes FROM events ORDER BY id")


def press(qtbot, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key to whatever has the focus, as the user's keyboard would send it."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)
