"""The assistance in the window: the Assist menu and its keys, wired to the open document.

Keys (also in Help ▸ Keyboard shortcuts, which reads them from the actions):
``Ctrl+Shift+A`` annotate all occurrences of the current span; the suggestion keys are described
in ``gui.assist.suggestions_ui``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from gui.assist.occurrences_dialog import OccurrencesDialog
from gui import file_dialogs
from gui.assist.settings_dialog import RecommendersDialog
from gui.assist.suggestions_ui import SuggestionController
from gui.assist.training import TrainingRunner
from storage.assist import dictionary as dictionary_store
from storage.assist import model as model_store
from gui.assist.roles_ui import RoleAssist
from storage.assist.settings import load_settings, save_settings
from storage.model import AnnotatorError
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
        self.runner = TrainingRunner(self)
        self.runner.progressed.connect(lambda text, _p: window.statusBar().showMessage(text, 6000))
        self.runner.finished.connect(self._trained)
        self.recommenders_dialog: RecommendersDialog | None = None
        self.recommenders_action = self._action("&Recommenders…", self.show_recommenders,
                                                tip="Dictionary, model and event-role suggestions: on/off, settings, training")
        self.train_action = self._action("&Train model now", self.train,
                                         tip="Train the model on the done articles, in a separate process")
        self.import_dictionary_action = self._action("&Import dictionary…", self.import_dictionary)
        self.missing_action = QAction(self._missing_text(), self.window)
        self.missing_action.setEnabled(False)
        self.missing_action.setVisible(bool(self._missing_text()))
        self.train_action.setEnabled(model_store.missing_dependency() is None)
        window.installEventFilter(self)  # a closing window ends its training process
        self._bind_document(window.document)
        window.documentReplaced.connect(self._bind_document)
        self.show_action = QAction("&Show suggestions", self.window, checkable=True)
        self.show_action.setChecked(s.settings.suggestions)
        self.show_action.toggled.connect(self._toggle_suggestions)
        self.menu = QMenu("A&ssist", window)
        window.menuBar().insertMenu(window.help_menu.menuAction(), self.menu)
        self.menu.addAction(self.occurrences_action)
        self.menu.addSeparator()
        self.menu.addActions([self.show_action, self.next_action, self.previous_action, self.accept_action,
                              self.reject_action, self.accept_view_action])
        self.menu.addSeparator()
        self.menu.addActions([self.recommenders_action, self.train_action, self.import_dictionary_action,
                              self.missing_action])
        window.span_editor.menu_hooks.append(self._context_menu)

    @property
    def document(self) -> "AnnotationDocument":
        return self.window.document

    def _action(self, text: str, slot, *keys: str, tip: str = "") -> QAction:
        # The window's own helper: a window-wide action whose keys work with its menus hidden.
        return self.window._action(text, slot, *keys, tip=tip)

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
        self.window.event_panel.refresh()

    def _suggestions_changed(self, count: int) -> None:
        for action in (self.next_action, self.previous_action, self.accept_action, self.reject_action,
                       self.accept_view_action):
            action.setEnabled(count > 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # The type first: Qt also calls filters while widgets are destroyed (see gui.label_bar).
        if event.type() == QEvent.Type.Close and watched is self.window:
            self.runner.stop()
            self.suggestions.stop()
        return False

    # -- recommenders ------------------------------------------------------------------------

    def _bind_document(self, document: "AnnotationDocument") -> None:
        document.statusChanged.connect(self._status_changed)
        document.role_assist = RoleAssist(document, lambda: self.suggestions.settings)

    @staticmethod
    def _missing_text() -> str:
        """What cannot run, in the user's words (shown greyed in the Assist menu)."""
        return "; ".join(p for p in (dictionary_store.missing_dependency(), model_store.missing_dependency()) if p)

    def show_recommenders(self) -> RecommendersDialog:
        if self.recommenders_dialog is not None:
            self.recommenders_dialog.close()
        self.recommenders_dialog = RecommendersDialog(self, self.window)
        self.recommenders_dialog.open()
        return self.recommenders_dialog

    def settings_changed(self) -> None:
        self.suggestions.reload_settings()
        self.show_action.setChecked(self.suggestions.settings.suggestions)
        self.window.event_panel.refresh()  # the frame's suggested fillers follow the switches

    def train(self) -> bool:
        """Start training in a separate process (refused, with why, if it cannot run)."""
        problem = model_store.missing_dependency()
        if problem:
            self.window.refused(problem)
            return False
        if self.window.project.path is None or not self.runner.start(self.window.project.path):
            self.window.refused("A training is already running")
            return False
        return True

    def _status_changed(self, _article_id: int, status: str) -> None:
        """Retrain after every N newly done articles, when the model is on and spaCy is there."""
        settings = load_settings(self.window.project)
        if (status == "done" and settings.model and settings.model_retrain_after and not self.runner.running
                and model_store.missing_dependency() is None
                and model_store.newly_done(self.window.project) >= settings.model_retrain_after):
            self.train()

    def _trained(self, report: model_store.TrainingReport | None, error: str) -> None:
        if error:
            self.window.refused(f"Training failed: {error}")
            return
        if report is None:
            self.window.statusBar().showMessage("Training cancelled; the project is unchanged", 6000)
            return
        self.window.take_in_own_changes()  # the training process wrote the model and its suggestions
        self.suggestions.reload_settings()
        scores = ", ".join(f"{name} P {s.precision:.2f} R {s.recall:.2f}" for name, s in sorted(report.labels.items()))
        self.window.statusBar().showMessage(f"Model trained ({report.seconds:.0f} s): {scores}", 10000)

    def import_dictionary(self) -> int | None:
        path = file_dialogs.open_file(self.window, "Import a dictionary", self._folder(),
                                      "Dictionaries (*.csv *.tsv *.jsonl);;All files (*)")
        if path is None:
            return None
        return self.import_dictionary_file(path)

    def import_dictionary_file(self, path) -> int | None:
        try:
            added = dictionary_store.import_entries(self.window.project, path)
        except AnnotatorError as exc:
            self.window.refused(str(exc))
            return None
        self.suggestions.reload_settings()
        self.window.statusBar().showMessage(f"Added {added} dictionary entries from {path.name}", 6000)
        return added

    def _folder(self):
        path = self.window.project.path
        return path.parent if path is not None else "."
