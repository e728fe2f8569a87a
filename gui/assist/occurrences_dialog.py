"""The review list of "Annotate all occurrences": every other place the span's words appear, each
with its context and a tick box; Accept all, or untick what is wrong and Accept ticked.

Finding runs in ``storage.assist.occurrences`` (Qt-free); accepting is one ``AddSpansCommand``,
so one Ctrl+Z takes the whole batch back.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.assist.commands import push_spans
from gui.plain import menu_text, quote
from storage.assist.occurrences import CONTEXT_CHARS, Occurrence, find_occurrences
from storage.model import Span

if TYPE_CHECKING:
    from gui.document import AnnotationDocument

SCOPES = ("This article", "Whole project")


def _context(occurrence: Occurrence) -> str:
    """"…text before [match] text after…", with an ellipsis only where the text goes on."""
    before, after = occurrence.before, occurrence.after
    return (("…" if len(before) == CONTEXT_CHARS else "") + f"{before}[{occurrence.match}]{after}"
            + ("…" if len(after) == CONTEXT_CHARS else ""))


class OccurrencesDialog(QDialog):
    """Non-modal review of the occurrences of one span's text; ``accepted_count`` after accepting."""

    def __init__(self, document: "AnnotationDocument", span: Span, *, whole_project: bool = False,
                 done: Callable[[int], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.span, self._done = document, span, done
        self.occurrences: list[Occurrence] = []
        self.accepted_count = 0
        words = document.span_text(span)
        self.setWindowTitle(f"Annotate all ‘{quote(words, 30)}’")
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.scope = QComboBox(self)
        self.scope.addItems(SCOPES)
        self.scope.setCurrentIndex(1 if whole_project else 0)
        self.match_case = QCheckBox("Match &case", self)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Article", "Where"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(self)
        self.accept_all_button = buttons.addButton("Accept &all", QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_ticked_button = buttons.addButton("Accept &ticked", QDialogButtonBox.ButtonRole.ApplyRole)
        self.untick_button = QPushButton("&Untick all", self)
        buttons.addButton(self.untick_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        self.accept_all_button.setDefault(True)  # Enter accepts all: the quick path
        self.accept_all_button.clicked.connect(lambda: self.accept_rows(everything=True))
        self.accept_ticked_button.clicked.connect(lambda: self.accept_rows(everything=False))
        self.untick_button.clicked.connect(lambda: self._tick_all(False))
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.match_case.toggled.connect(lambda _on: self.refresh())
        self.tree.itemChanged.connect(lambda *_: self._update_summary())
        options = QHBoxLayout()
        options.addWidget(QLabel("Look in", self))
        options.addWidget(self.scope)
        options.addWidget(self.match_case)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(options)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(760, 460)
        self.refresh()

    def refresh(self) -> None:
        """Find the occurrences again (scope or case changed) and list them, all ticked."""
        self.occurrences = find_occurrences(self.document.project, self.span,
                                            whole_project=self.scope.currentIndex() == 1,
                                            match_case=self.match_case.isChecked())
        self.tree.blockSignals(True)
        self.tree.clear()
        for occurrence in self.occurrences:
            # Plain QTreeWidgetItem text is never rich text: article words show as typed.
            item = QTreeWidgetItem([quote(occurrence.article_title, 40),
                                    _context(occurrence)])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked)
            self.tree.addTopLevelItem(item)
        self.tree.blockSignals(False)
        self.tree.resizeColumnToContents(0)
        self._update_summary()

    def ticked(self) -> list[Occurrence]:
        return [o for row, o in enumerate(self.occurrences)
                if self.tree.topLevelItem(row).checkState(0) == Qt.CheckState.Checked]

    def _tick_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in range(self.tree.topLevelItemCount()):
            self.tree.topLevelItem(row).setCheckState(0, state)

    def _update_summary(self) -> None:
        total, articles = len(self.occurrences), len({o.article_id for o in self.occurrences})
        ticked = len(self.ticked())
        words = quote(self.document.span_text(self.span), 40)
        if total == 0:
            self.summary.setText(f"No other untagged occurrence of ‘{words}’ in "
                                 f"{'the project' if self.scope.currentIndex() else 'this article'}.")
        else:
            self.summary.setText(
                f"{total} occurrence{'s' if total != 1 else ''} of ‘{words}’ in {articles} "
                f"article{'s' if articles != 1 else ''}, to tag {self.span.label}; {ticked} ticked. "
                "Occurrences that overlap a span are left out.")
        self.accept_all_button.setEnabled(total > 0)
        self.accept_ticked_button.setEnabled(ticked > 0)

    def accept_rows(self, *, everything: bool) -> bool:
        """Tag all (or the ticked) occurrences as one undo step; closes the dialog when stored."""
        chosen = self.occurrences if everything else self.ticked()
        words = quote(self.document.span_text(self.span), 30)
        if not push_spans(self.document, [o.proposal() for o in chosen],
                          f"Tag {len(chosen)} occurrences of ‘{menu_text(words)}’ as "
                          f"{menu_text(self.span.label)}"):
            return False
        self.accepted_count = len(chosen)
        if self._done is not None:
            self._done(len(chosen))
        self.accept()
        return True
