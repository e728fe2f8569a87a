"""A field holding several values from a list, driven from the keyboard: PLOVER modes and contexts.

While it has focus it is a filter over the choices: typing narrows the list (names starting with
the text first, then names containing it), Up/Down move, **Enter** or **Space** toggles the
highlighted value, **Backspace** in an empty filter takes back the last value. Without focus it
shows the chosen values ("crowd-control, firearms"). It never changes anything itself: it emits
``toggled(value)`` and shows what ``set_values`` gives it, so the owner stores the change (one
undoable edit) and the field redraws from the document like every other part of the frame.
"""
from __future__ import annotations

from typing import Sequence, cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Space, *_ENTER)  # what the field claims


def ranked(choices: Sequence[str], needle: str) -> list[str]:
    """Choices matching ``needle`` (case-insensitive): those starting with it first, then the others."""
    needle = needle.strip().casefold()
    if not needle:
        return list(choices)
    starts = [c for c in choices if c.casefold().startswith(needle)]
    return starts + [c for c in choices if needle in c.casefold() and c not in starts]


class ChoiceListField(QWidget):
    """A filter line and, while it has focus, the checkable list of choices under it."""

    toggled = Signal(str)  # a value to add or remove
    removeLast = Signal()  # Backspace in an empty filter

    def __init__(self, choices: Sequence[str] = (), parent: QWidget | None = None,
                 descriptions: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the filter keeps focus; arrows drive it
        self.list.itemClicked.connect(lambda item: self.toggled.emit(item.text()))
        self.list.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self.setFocusProxy(self.edit)
        self._choices: list[str] = []
        self._descriptions = descriptions or {}
        self._values: list[str] = []
        self.edit.textEdited.connect(self._filter)
        self.edit.installEventFilter(self)
        self.set_choices(choices)

    @property
    def values(self) -> list[str]:
        return list(self._values)

    def set_choices(self, choices: Sequence[str], descriptions: dict[str, str] | None = None) -> None:
        """What may be chosen (the modes of the event's current type, the contexts…)."""
        if descriptions is not None:
            self._descriptions = descriptions
        self._choices = list(choices)
        self._show_placeholder()
        self._filter(self.edit.text() if self.edit.hasFocus() else "")

    def _show_placeholder(self) -> None:
        if not self._choices:
            text = "none for this type"
        elif self.edit.hasFocus():
            text = "type to filter · Enter or Space: choose"
        else:
            text = "none"
        self.edit.setPlaceholderText(text)

    def set_values(self, values: Sequence[str] | None) -> None:
        """Show the stored values (checked in the list, listed in the line when it has no focus)."""
        self._values = list(values or [])
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.text() in self._values else Qt.CheckState.Unchecked)
        if not self.edit.hasFocus():
            self.edit.setText(", ".join(self._values))

    def _filter(self, text: str) -> None:
        current = self.list.currentItem().text() if self.list.currentItem() else None
        self.list.clear()
        # A stored value the choices no longer offer (a mode of the previous type) stays visible.
        extra = [v for v in self._values if v not in self._choices]
        for name in ranked([*self._choices, *extra], text):
            item = QListWidgetItem(name, self.list)
            item.setCheckState(Qt.CheckState.Checked if name in self._values else Qt.CheckState.Unchecked)
            item.setToolTip(self._descriptions.get(name, "not offered for this type" if name in extra else ""))
        if self.list.count():
            keep = self.list.findItems(current, Qt.MatchFlag.MatchExactly) if current and not text else []
            self.list.setCurrentItem(keep[0] if keep else self.list.item(0))
        rows = min(self.list.count(), 8)
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * rows + 6 if rows else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if watched is self.edit and kind == QEvent.Type.FocusIn:
            self.edit.clear()
            self._filter("")
            self.list.setVisible(bool(self.list.count()))
            self._show_placeholder()
        elif watched is self.edit and kind == QEvent.Type.FocusOut:
            self.list.hide()
            self.edit.setText(", ".join(self._values))
            self._show_placeholder()
        elif watched is self.edit and kind == QEvent.Type.ShortcutOverride:
            if cast(QKeyEvent, event).key() in KEYS:
                event.accept()  # a key press for the field, not a window shortcut
                return True
        elif watched is self.edit and kind == QEvent.Type.KeyPress:
            return self._key(cast(QKeyEvent, event).key())
        return super().eventFilter(watched, event)

    def _key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.list.currentRow() + (-1 if key == Qt.Key.Key_Up else 1)
            self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
            return True
        if key in (*_ENTER, Qt.Key.Key_Space):
            item = self.list.currentItem()
            if item is not None:
                value = item.text()  # _filter deletes the items
                self.edit.clear()
                self._filter("")  # back to every choice, still on the one just toggled
                self.list.setCurrentItem(self.list.findItems(value, Qt.MatchFlag.MatchExactly)[0])
                self.toggled.emit(value)
            return True
        if key == Qt.Key.Key_Backspace and not self.edit.text() and self._values:
            self.removeLast.emit()
            return True
        return False
