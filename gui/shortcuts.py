"""Help ▸ Keyboard shortcuts: the list is built from the window's actions, so it is never stale."""
from __future__ import annotations

import re
from typing import Iterator, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

KEYS_INTRO = ("A label key tags the selection, snapped to whole words (Alt+key: exactly the selected "
              "characters); with nothing selected it relabels the clicked span.")


def _typeable(keys: QKeySequence) -> bool:
    """False for keys most keyboards lack (F13–F35, "Undo", media keys), which Qt's standard
    shortcuts add on some platforms: the shortcut list shows what a user can press."""
    key = keys[0].key()
    return not (Qt.Key.Key_F13 <= key <= Qt.Key.Key_F35 or key >= Qt.Key.Key_Back)


def _menu_actions(widget: QWidget) -> Iterator[QAction]:
    """The actions of a menu bar or menu, submenus included."""
    for action in widget.actions():
        menu = action.menu()
        if menu is not None:
            yield from _menu_actions(menu)
        else:
            yield action


def shortcut_rows(window: QMainWindow, names: Mapping[QAction, str]) -> list[tuple[str, str]]:
    """(keys, action) for every action with a key: the window's own, the panels' and the menus'.

    ``names`` overrides an action's text (undo/redo name the next step, not themselves).
    """
    native = QKeySequence.SequenceFormat.NativeText
    rows: list[tuple[str, str]] = []
    seen: set[QAction] = set()
    for action in [*names, *window.actions(), *_menu_actions(window.menuBar())]:
        keys = [k.toString(native) for k in action.shortcuts() if _typeable(k)]
        if action in seen or not keys:
            continue
        seen.add(action)
        # "&&" is a literal "&" (a label "R&D"), a single "&" marks the mnemonic letter.
        rows.append((" / ".join(keys), names.get(action, re.sub("&(&?)", r"\1", action.text()))))
    return rows


def show_shortcuts(parent: QWidget, rows: list[tuple[str, str]]) -> None:
    """Show the rows in a non-modal dialog: keys on the left, what they do on the right."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    intro = QLabel(KEYS_INTRO, dialog)
    intro.setTextFormat(Qt.TextFormat.PlainText)
    intro.setWordWrap(True)
    # A table, not tab-separated text: tab stops cannot line up keys of different lengths.
    table = QTableWidget(len(rows), 2, dialog)
    table.setHorizontalHeaderLabels(["Keys", "Action"])  # label names are user text: items are plain
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(text))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.verticalHeader().hide()
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(520, 640)
    dialog.open()  # not exec(): the window stays usable and tests are never blocked
