"""The assistance in the window: the Assist menu and its keys, wired to the open document.

Keys (also in Help ▸ Keyboard shortcuts, which reads them from the actions):
``Ctrl+Shift+A`` annotate all occurrences of the current span; the suggestion keys are described
in ``gui.assist.suggestions_ui``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gui.assist.occurrences_dialog import OccurrencesDialog
from gui.assist.suggestions_ui import SuggestionController
from storage.assist.settings import save_settings
from storage.model import Span

if TYPE_CHECKING:
    from gui.document import AnnotationDocument
    from gui.main_window import MainWindow

OCCURRENCES_KEY = "Ctrl+Shift+A"
NEXT_KEY, PREVIOUS_KEY = "Ctrl+J", "Ctrl+Shift+J"
ACCEPT_KEY, REJECT_KEY, ACCEPT_VIEW_KEY = "Alt+Return", "Alt+Delete", "Alt+Shift+Return"


class AssistController(QObject):
    """Owns the Assist menu's actions; reads the window's current document each time (it is
    replaced when another project opens)."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.occurrences_dialog: OccurrencesDialog | None = None
        self.occurrences_action = self._action("Annotate all &occurrences…", self.annotate_all, OCCURRENCES_KEY,
                                               tip="Tag every other occurrence of the current span's words")
        self.suggestions = SuggestionController(window)
        self.suggestions.suggestionsChanged.connect(self._suggestions_changed)
        s = self.suggestions
        self.next_action = self._action("&Next suggestion", lambda: s.step(1), NEXT_KEY)
        self.previous_action = self._action("&Previous suggestion", lambda: s.step(-1), PREVIOUS_KEY)
        self.accept_action = self._action("&Accept suggestion", s.accept_at_cursor, ACCEPT_KEY, "Alt+Enter",
                                          tip="Accept the suggestion at the cursor as a span")
        self.reject_action = self._action("&Reject suggestion", s.reject_at_cursor, REJECT_KEY,
                                          tip="Reject the suggestion at the cursor; it is not proposed again")
        self.accept_view_action = self._action("Accept all suggestions in &view", s.accept_visible,
                                               ACCEPT_VIEW_KEY, "Alt+Shift+Enter")
        self.show_action = QAction("&Show suggestions", self.window, checkable=True)
        self.show_action.setChecked(s.settings.suggestions)
        self.show_action.toggled.connect(self._toggle_suggestions)
        self.menu = QMenu("A&ssist", window)
        window.menuBar().insertMenu(window.help_menu.menuAction(), self.menu)
        self.menu.addAction(self.occurrences_action)
        self.menu.addSeparator()
        self.menu.addActions([self.show_action, self.next_action, self.previous_action, self.accept_action,
                              self.reject_action, self.accept_view_action])
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

    def _context_menu(self, menu: QMenu, cp: int | None, span: Span | None) -> None:
        if span is not None:
            menu.addSeparator()
            menu.addAction(self.occurrences_action)
        under = self.suggestions.marks.at(cp) if cp is not None else []
        if under:
            suggestion = under[0]
            self.suggestions.marks.set_current(suggestion)  # the actions below act on the current one
            self.window.view.select_range(suggestion.start, suggestion.end)
            menu.addSeparator()
            menu.addActions([self.accept_action, self.reject_action])

    # -- suggestions -------------------------------------------------------------------------

    def _toggle_suggestions(self, on: bool) -> None:
        save_settings(self.window.project, suggestions=on)
        self.suggestions.reload_settings()

    def _suggestions_changed(self, count: int) -> None:
        for action in (self.next_action, self.previous_action, self.accept_action, self.reject_action,
                       self.accept_view_action):
            action.setEnabled(count > 0)
