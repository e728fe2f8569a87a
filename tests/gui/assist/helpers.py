"""The real main window on a small project built for the assistance tests."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtGui import QTextCursor

from gui.main_window import MainWindow
from storage.project import Project
from tests.gui.test_main_window import make_window

FIRST = "Rebels entered Velmora.\n\nIn Velmora, rebels met the army. Velmora fell; the army left Velmora.\n"
SECOND = "Talks in Velmora ended.\n\nThe army of Velmora said the talks failed.\n"


def make_project(path: Path) -> Path:
    with Project.open(path) as project:
        project.add_article(text=FIRST, title="Rebels enter Velmora")
        project.add_article(text=SECOND, title="Talks")
    return path


def open_window(qtbot, path: Path, settings_path: Path) -> MainWindow:
    window = make_window(qtbot, path, settings_path)
    window.resize(1400, 900)
    return window


def select(window: MainWindow, start: int, end: int) -> None:
    cursor = window.view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)


def stored(path: Path) -> list[tuple[int, int, int, str, str]]:
    """(article, start, end, label, origin) straight from the file, through a connection of our own."""
    with sqlite3.connect(path) as db:
        return db.execute('SELECT article_id, start, "end", label, origin FROM spans '
                          'ORDER BY article_id, start').fetchall()
