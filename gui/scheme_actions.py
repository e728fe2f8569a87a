"""The scheme a project starts with, and Project ▸ Upgrade scheme to PLOVER 2.0….

``ask_new_scheme`` is what File ▸ New project… asks after the file name: PLOVER 2.0 (the default)
or the older scheme. ``SchemeActions`` adds the upgrade to the Project menu: it asks first, runs
``Project.upgrade_scheme_to_plover`` (one transaction, annotations kept), then shows what moved
and redraws the window for the new scheme.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

import resources
from storage.model import AnnotatorError

SCHEME_TITLES = {
    "plover-2.0": "PLOVER 2.0: 16 categories with modes, contexts, actor and recipient (recommended)",
    "legacy": "Older scheme: PLOVER's 18 categories, source and target, polarity and modality",
}


def ask_new_scheme(parent: QWidget) -> str | None:
    """Which shipped scheme a new project starts with; None if cancelled."""
    names = list(resources.scheme_names())
    titles = [SCHEME_TITLES.get(name, name) for name in names]
    title, ok = QInputDialog.getItem(parent, "New project", "Label scheme for the new project:", titles, 0, False)
    return names[titles.index(title)] if ok else None


class SchemeActions(QObject):
    """Project ▸ Upgrade scheme to PLOVER 2.0…, with its confirmation and report."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.upgrade_action = QAction("&Upgrade scheme to PLOVER 2.0…", window)
        self.upgrade_action.setStatusTip("Roles source/target become actor/recipient, older categories "
                                         "move to PLOVER 2.0's; annotations are kept")
        self.upgrade_action.triggered.connect(lambda _checked=False: self.upgrade())
        window.project_menu.addAction(self.upgrade_action)
        window.scheme_actions = self

    def confirm(self, question: str) -> bool:
        """Yes/No (tests replace it)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Upgrade scheme", question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        answer = box.exec()
        box.deleteLater()
        return answer == QMessageBox.StandardButton.Yes

    def upgrade(self) -> bool:
        window = self.window
        scheme = window.project.scheme
        if (scheme.name, scheme.version) == ("PLOVER", "2.0"):
            window.statusBar().showMessage("The scheme is PLOVER 2.0 already", 6000)
            return False
        if not self.confirm("Upgrade this project's scheme to PLOVER 2.0? Roles source and target become "
                            "actor and recipient and events of the older categories move to PLOVER 2.0's; "
                            "every annotation is kept. The undo history of the open article is cleared."):
            return False
        try:
            report = window.project.upgrade_scheme_to_plover()
        except AnnotatorError as exc:
            window.file_actions.show_error("Upgrade scheme", str(exc))
            return False
        window.reload_scheme()
        window.document.reload()
        window.refresh_articles()
        window.file_actions.show_report("Upgrade to PLOVER 2.0", ["the scheme is now PLOVER 2.0", *report.lines])
        return True
