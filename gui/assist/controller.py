"""The assistance in the window: the Assist menu and its keys, wired to the open document.

Keys (also in Help ▸ Keyboard shortcuts, which reads them from the actions):
``Ctrl+Shift+A`` annotate all occurrences of the current span.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gui.assist.occurrences_dialog import OccurrencesDialog
from storage.model import Span

if TYPE_CHECKING:
    from gui.document import AnnotationDocument
    from gui.main_window import MainWindow

OCCURRENCES_KEY = "Ctrl+Shift+A"


class AssistController(QObject):
    """Owns the Assist menu's actions; reads the window's current document each time (it is
    replaced when another project opens)."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.occurrences_dialog: OccurrencesDialog | None = None
        self.occurrences_action = self._action("Annotate all &occurrences…", self.annotate_all, OCCURRENCES_KEY,
                                               tip="Tag every other occurrence of the current span's words")
        self.menu = window.menuBar().insertMenu(window.help_menu.menuAction(), QMenu("A&ssist", window)).menu()
        self.menu.addAction(self.occurrences_action)
        window.span_editor.menu_hooks.append(self._context_menu)

    @property
    def document(self) -> "AnnotationDocument":
        return self.window.document

    def _action(self, text: str, slot, *keys: str, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(tip or text)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)  # the key works even while the menu is hidden
        return action

    # -- annotate all occurrences ------------------------------------------------------------

    def annotate_all(self, span: Span | None = None, *, whole_project: bool = False) -> OccurrencesDialog | None:
        """Open the review list for ``span`` (default: the current span)."""
        span = span or self.document.current_span
        if span is None:
            self.window.refused("Click a span first: its words are looked for elsewhere")
            return None
        if self.occurrences_dialog is not None:
            self.occurrences_dialog.close()
        self.occurrences_dialog = OccurrencesDialog(self.document, span, whole_project=whole_project,
                                                    done=self._occurrences_done, parent=self.window)
        self.occurrences_dialog.open()  # not exec(): the window stays usable, tests are never blocked
        return self.occurrences_dialog

    def _occurrences_done(self, count: int) -> None:
        self.window.refresh_articles()  # span counts of other articles changed too
        self.window.statusBar().showMessage(f"Tagged {count} occurrence{'s' if count != 1 else ''}", 6000)

    def _context_menu(self, menu: QMenu, _cp: int | None, span: Span | None) -> None:
        if span is not None:
            menu.addSeparator()
            menu.addAction(self.occurrences_action)
