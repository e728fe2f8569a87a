"""The find bar (Ctrl+F): type, Enter jumps to the next match and selects it in the view.

Esc closes the bar and gives the focus back to the view with the match still selected, so
"Ctrl+F damascus Enter Esc 2" tags a LOCATION without touching the mouse. Searching works on
the stored article text in code points, never on the widget's text (see QT-NOTES "Positions").
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from gui.article_view import ArticleView


def find_in_text(text: str, query: str, start: int, *,
                 backwards: bool = False) -> tuple[int, int] | None:
    """The next match of ``query`` in ``text`` from ``start`` (case-insensitive, wrapping round).

    Forwards the match begins at or after ``start``; backwards it begins before ``start``.
    A regular expression with IGNORECASE, not ``lower()``: lowering can change the length
    of a string (İ → i̇), and then the offsets would point at the wrong characters.
    """
    if not query:
        return None
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    if not backwards:
        match = pattern.search(text, start) or pattern.search(text, 0)
        return match.span() if match else None
    before = last = None
    for match in pattern.finditer(text):
        if match.start() < start:
            before = match
        last = match
    found = before or last
    return found.span() if found else None


def count_matches(text: str, query: str, upto: int) -> tuple[int, int]:
    """(number of the match starting at ``upto``, total matches) for "3 of 12"."""
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    starts = [m.start() for m in pattern.finditer(text)]
    return sum(1 for s in starts if s <= upto), len(starts)


class _QueryEdit(QLineEdit):
    """The query line: Enter/Shift+Enter search, Esc closes (a subclass, not an event filter)."""

    searchRequested = Signal(bool)  # backwards
    escapePressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.escapePressed.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.searchRequested.emit(bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class FindBar(QWidget):
    """A one-line search bar over an ``ArticleView``; hidden until ``open()``."""

    closed = Signal()

    def __init__(self, view: ArticleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.edit = _QueryEdit(self)
        self.edit.setPlaceholderText("Find in article (Enter: next, Shift+Enter: previous, Esc: close)")
        self.edit.setClearButtonEnabled(True)
        self.edit.searchRequested.connect(lambda backwards: self.find_next(backwards=backwards))
        self.edit.escapePressed.connect(self.close_bar)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setMinimumWidth(self.status.fontMetrics().horizontalAdvance("No matches") + 8)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel("Find:", self))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.status)
        for text, tip, slot in (("↑", "Previous match (Shift+Enter)", lambda: self.find_next(backwards=True)),
                                ("↓", "Next match (Enter)", self.find_next),
                                ("✕", "Close (Esc)", self.close_bar)):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            layout.addWidget(button)
        self.edit.textChanged.connect(lambda _t: self.status.clear())
        self.hide()

    def open(self) -> None:
        """Show the bar with the focus in it; a selection in the view becomes the query."""
        selected = self.view.selection_range()
        if selected is not None and selected[1] - selected[0] <= 100:
            chosen = self.view.text[selected[0]:selected[1]]
            if "\n" not in chosen:
                self.edit.setText(chosen)
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def close_bar(self) -> None:
        """Hide the bar and return to the view, keeping the match selected for a label key."""
        self.hide()
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.closed.emit()

    def find_next(self, *, backwards: bool = False) -> tuple[int, int] | None:
        """Select the next (or previous) match in the view; report "No matches" otherwise."""
        query, text = self.edit.text(), self.view.text
        selected = self.view.selection_range()
        if selected is None:
            start = 0 if not backwards else len(text)
        else:
            start = selected[0] + 1 if not backwards else selected[0]
        found = find_in_text(text, query, min(start, len(text)), backwards=backwards)
        if found is None:
            self.status.setText("No matches" if query else "")
            return None
        self.view.select_range(*found)
        number, total = count_matches(text, query, found[0])
        self.status.setText(f"{number} of {total}")
        return found
