"""One role of an event frame in the frame editor: a caption and a list of the spans filling it,
plus, while it has the focus, the numbered candidates that could fill it.

Each filled row has a swatch in the role's colour (the same colour outlines it in the article,
``gui.event_marks``) and a × button; the editor owns the keys (digits, Enter, Backspace/Delete)
and asks the document for every change. A filler the event-role recommender suggests
(``gui.assist.roles_ui``) is a candidate row drawn as a suggestion: italic, a dashed outline in the
role's colour, and "suggested" in words, so it never passes for an argument.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.candidates import Candidate, role_rules
from gui.colours import visible_on
from gui.plain import plain_tooltip, quote
from gui.spans import SpanLike
from storage.model import Role

__all__ = ["CANDIDATE", "FILLED", "KIND", "SPAN_ID", "SUGGESTED", "RoleSlot", "plain_label"]

KIND, SPAN_ID = Qt.ItemDataRole.UserRole + 1, Qt.ItemDataRole.UserRole + 2
SUGGESTED = Qt.ItemDataRole.UserRole + 3  # True on the row of the recommender's suggested filler
FILLED, CANDIDATE = "filled", "candidate"
SUGGESTION_KEYS = "Enter or Alt+Return accepts, Alt+Delete rejects"


class SuggestionOutline(QStyledItemDelegate):
    """Draws the suggested filler's row with a dashed outline in the role's colour."""

    def __init__(self, colour: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = colour

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        if index.data(SUGGESTED):
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            base = option.palette.color(QPalette.ColorRole.Base)  # dark indigo stays visible on a dark theme
            painter.setPen(QPen(visible_on(self.colour, base), 1.5, Qt.PenStyle.DashLine))
            painter.drawRoundedRect(option.rect.adjusted(2, 2, -2, -2), 3, 3)
            painter.restore()


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never interprets article text as rich text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


class RoleSlot(QWidget):
    """One role: a caption, and a list of its fillers (plus candidates while it has focus)."""

    removeRequested = Signal(str, int)  # role, span id (the × button)

    MAX_VISIBLE_ROWS = 7

    def __init__(self, role: Role, colour: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role, self.colour = role, colour
        self.caption = plain_label("", self)
        self.caption.setWordWrap(True)  # a narrow Events dock wraps the caption instead of clipping it
        self.list = QListWidget(self)
        self.list.setObjectName(f"slot_{role.name}")
        self.list.setAccessibleName(f"{role.name} role")
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        # Rows take the viewport's width and elide; a sideways scroll would hide the × buttons.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setItemDelegate(SuggestionOutline(colour, self.list))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.list)

    def candidate_rows(self) -> list[QListWidgetItem]:
        return [item for item in self._all_rows() if item.data(KIND) == CANDIDATE]

    def filled_rows(self) -> list[QListWidgetItem]:
        return [item for item in self._all_rows() if item.data(KIND) == FILLED]

    def _all_rows(self) -> list[QListWidgetItem]:
        return list(map(self.list.item, range(self.list.count())))

    def suggested_row(self) -> QListWidgetItem | None:
        return next((item for item in self._all_rows() if item.data(SUGGESTED)), None)

    def show_arguments(self, fillers: list[tuple[int, str]], found: list[Candidate] | None,
                       text: str, *, suggested: tuple[SpanLike, float] | None = None) -> None:
        """Redraw: ``fillers`` as (span id, text); ``found`` candidates, or None when not focused
        (the suggested filler is then shown alone); ``suggested`` the recommender's (span, score)."""
        role = self.role
        state = "" if fillers else " — empty"
        if found is not None:
            state += " — pick 1–9" if found else " — no candidates: tag one in the text"
        if suggested is not None:  # the row is outlined; the caption says it in words
            state += " — suggested: Alt+Return"
        self.caption.setText(f"{role.name.capitalize()} ({role_rules(role)}){state}")
        current = self.list.currentItem()
        keep = (current.data(KIND), current.data(SPAN_ID)) if current is not None else None
        self.list.clear()
        for span_id, span_text in fillers:
            item = self._add_row(quote(span_text, 60))
            item.setData(KIND, FILLED)
            item.setData(SPAN_ID, span_id)
            item.setData(Qt.ItemDataRole.DecorationRole, self.colour)
            item.setToolTip(plain_tooltip(f"{role.name}: {span_text}\nBackspace/Delete or × removes it"))
            self.list.setItemWidget(item, self._remove_button(span_id, span_text))
        if found is None and suggested is not None:
            self._suggestion_row(f"   {quote(text[suggested[0].start:suggested[0].end], 44)}", suggested)
        for n, candidate in enumerate(found or [], start=1):
            span = candidate.span
            number = f"{n}" if n <= 9 else " "
            where = "same sentence" if candidate.same_sentence else "other sentence"
            words = quote(text[span.start:span.end], 50)
            if suggested is not None and span.id == suggested[0].id:
                self._suggestion_row(f"{number}  {quote(text[span.start:span.end], 44)}", suggested)
                continue
            item = self._add_row(f"{number}  {words}")
            item.setData(KIND, CANDIDATE)
            item.setData(SPAN_ID, span.id)
            item.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText))
            item.setToolTip(f"{span.label}, {where}, {candidate.distance} characters from the trigger")
        if found is not None:
            self._restore_current(keep)
        else:
            # Unfocused: no highlighted row, or every filled slot would look selected.
            self.list.setCurrentRow(-1)
        rows = max(1, min(self.list.count(), self.MAX_VISIBLE_ROWS))
        fits = self.list.count() <= self.MAX_VISIBLE_ROWS
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fits
                                             else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.list.setFixedHeight(rows * self._row_height() + 2 * self.list.frameWidth() + 2)

    def _suggestion_row(self, text: str, suggested: tuple[SpanLike, float]) -> QListWidgetItem:
        span, score = suggested
        item = self._add_row(text)
        item.setData(KIND, CANDIDATE)  # Enter and its digit fill it like any candidate
        item.setData(SPAN_ID, span.id)
        item.setData(SUGGESTED, True)
        font = item.font()
        font.setItalic(True)
        item.setFont(font)
        item.setToolTip(f"Suggested {self.role.name}: {span.label} at {span.start}–{span.end}, score {score:.2f}; "
                        f"not an argument until accepted: {SUGGESTION_KEYS}")
        return item

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def _add_row(self, text: str) -> QListWidgetItem:
        """A row of the one height shared by filled rows (with their × button) and candidates."""
        item = QListWidgetItem(text)
        # Width 0: the list stretches each row to its viewport, which narrows when the vertical
        # scroll bar appears; a width taken now would then overflow it.
        item.setSizeHint(QSize(0, self._row_height()))
        self.list.addItem(item)
        return item

    def _restore_current(self, keep: tuple[str, int] | None) -> None:
        rows = self._all_rows()
        if keep is None:
            # Arriving (Tab): on the suggested filler (pre-selected: Enter takes it), else on the
            # last filler if there is one, so Backspace/Delete, the keys the help names, act on the
            # highlighted row; digits still pick any candidate.
            target = self.suggested_row() or (self.filled_rows()[-1:] or self.candidate_rows() or [None])[0]
        else:
            same = [it for it in rows if (it.data(KIND), it.data(SPAN_ID)) == keep]
            # After filling, the next candidate is the likely next pick; else stay on the same row.
            target = (same or self.candidate_rows() or rows or [None])[0]
        if target is not None:
            self.list.setCurrentItem(target)

    def _remove_button(self, span_id: int, span_text: str) -> QWidget:
        holder = QWidget()
        button = QToolButton(holder)
        button.setText("×")
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes role to role; Delete removes
        button.setToolTip(plain_tooltip(f"Remove ‘{quote(span_text)}’ from {self.role.name}"))
        button.setAccessibleName(f"Remove {span_text} from {self.role.name}")
        button.clicked.connect(lambda: self.removeRequested.emit(self.role.name, span_id))
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(0, 0, 2, 0)
        layout.addStretch(1)
        layout.addWidget(button)
        return holder
