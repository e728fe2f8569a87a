"""Project ▸ Labels…: add, rename, recolour, re-key, describe and delete the project's labels,
and declare the attributes their spans carry (one line each: ``sector: choice+ GOV MIL  # note``).

Every change is one store call (``project.add_label/rename_label/update_label/delete_label``),
committed before the table is rebuilt from ``project.scheme``, so the table always shows
the file. A refused change (``SchemeError``) is shown in a line under the table rather than
in a message box: the user sees why and can try again without dismissing anything.
Every question asked (a name, a colour, "delete N spans?") goes through a small method that
tests replace on the instance.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.plain import plain_tooltip
from storage.model import LABEL_KINDS, AnnotatorError, Label, LabelInUseError
from storage.project import Project
from storage.scheme import free_colour
from storage.span_attributes import AttributeInUseError, format_declarations, parse_declarations

COLUMNS = ("Name", "Colour", "Key", "Kind", "Attributes", "Description")
ATTRIBUTES_HELP = ("One attribute a line: name: kind values-or-pattern  # description\n"
                   "kind is choice (values separated by spaces), text, or pattern (a regular expression "
                   "the whole value must match); a + after the kind allows several values.\n"
                   "e.g.  sector: choice+ GOV MIL REB   ·   identifier_id: pattern Q[1-9][0-9]*")
_KIND_CHOICES = {"entity (fills a role: actor, place…)": "entity",
                 "trigger (the word that expresses an event)": "trigger"}


def swatch(colour: str, size: int = 14) -> QIcon:
    """A small square of the label's colour for the table."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class LabelsDialog(QDialog):
    """A table of the project's labels with buttons for each change; emits ``schemeChanged``."""

    # True when spans changed with the scheme (a rename or a cascading delete): the open article
    # must be re-read, and its undo history, which names the old labels, goes with it.
    schemeChanged = Signal(bool)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Labels")
        self._create_widgets()
        self._layout()
        self.refresh()

    def _create_widgets(self) -> None:
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.Stretch)
        self.table.setWordWrap(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.rename_selected())

        self.add_button = QPushButton("&Add…")
        self.rename_button = QPushButton("&Rename…")
        self.colour_button = QPushButton("&Colour…")
        self.key_button = QPushButton("&Key…")
        self.description_button = QPushButton("D&escription…")
        self.attributes_button = QPushButton("A&ttributes…")
        self.attributes_button.setToolTip("What spans of this label carry (e.g. an actor's country code)")
        self.attributes_button.clicked.connect(self.edit_attributes_selected)
        self.delete_button = QPushButton("&Delete")
        self.add_button.clicked.connect(self.add_label)
        self.rename_button.clicked.connect(self.rename_selected)
        self.colour_button.clicked.connect(self.recolour_selected)
        self.key_button.clicked.connect(self.rekey_selected)
        self.description_button.clicked.connect(self.describe_selected)
        self.delete_button.clicked.connect(self.delete_selected)

        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.PlainText)  # label names are user text, never markup
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.buttons.rejected.connect(self.reject)

    def _layout(self) -> None:
        side = QVBoxLayout()
        for button in (self.add_button, self.rename_button, self.colour_button, self.key_button,
                       self.description_button, self.attributes_button, self.delete_button):
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(720, 320)

    # -- table -------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """Rebuild the table from the store, keeping (or moving to) the selected label."""
        select = select or self.selected_name()
        labels = self.project.scheme.labels
        self.table.setRowCount(len(labels))
        for row, label in enumerate(labels):
            attributes = ", ".join(a.name + ("+" if a.multi else "") for a in label.attributes)
            cells = (label.name, label.colour.upper(), label.key or "", label.kind, attributes,
                     label.description)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == len(cells) - 1:  # the description, user text: shown as typed
                    item.setToolTip(plain_tooltip(text))
                self.table.setItem(row, column, item)
            self.table.item(row, 1).setIcon(swatch(label.colour))
            self.table.item(row, 0).setData(Qt.UserRole, label.name)
            if label.name == select:
                self.table.selectRow(row)
        if self.selected_name() is None and labels:
            self.table.selectRow(0)
        self.table.resizeRowsToContents()
        self._update_buttons()

    def selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.table.item(rows[0].row(), 0).data(Qt.UserRole)

    def select(self, name: str) -> None:
        """Select a label's row by name (keyboard users and tests)."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.UserRole) == name:
                self.table.selectRow(row)
                return
        raise KeyError(name)

    def _update_buttons(self) -> None:
        has = self.selected_name() is not None
        for button in (self.rename_button, self.colour_button, self.key_button,
                       self.description_button, self.attributes_button, self.delete_button):
            button.setEnabled(has)

    # -- questions (replaced in tests) -------------------------------------------------------

    def ask_text(self, title: str, prompt: str, text: str = "") -> str | None:
        """A line of text, or None if cancelled."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setInputMode(QInputDialog.TextInput)
        dialog.setLabelText(prompt)
        dialog.setTextValue(text)
        for label in dialog.findChildren(QLabel):
            label.setTextFormat(Qt.PlainText)  # the prompt quotes label names, which are user text
        accepted = dialog.exec() == QDialog.Accepted
        value = dialog.textValue()
        dialog.deleteLater()
        return value if accepted else None

    def ask_kind(self) -> str | None:
        """"entity" or "trigger" for a new label, or None if cancelled."""
        items = list(_KIND_CHOICES)
        choice, ok = QInputDialog.getItem(self, "Add label", "What does the label mark?", items, 0, False)
        return _KIND_CHOICES.get(choice) if ok else None

    def ask_colour(self, initial: str) -> str | None:
        """A "#rrggbb" colour, or None if cancelled."""
        colour = QColorDialog.getColor(QColor(initial), self, "Label colour")
        return colour.name() if colour.isValid() else None

    def ask_lines(self, title: str, prompt: str, text: str) -> str | None:
        """Several lines of text (the attribute declarations), or None if cancelled."""
        dialog = QDialog(self)
        dialog.setWindowTitle(title)
        label = QLabel(prompt, dialog)
        label.setTextFormat(Qt.PlainText)
        label.setWordWrap(True)
        editor = QPlainTextEdit(dialog)
        editor.setPlainText(text)
        editor.setLineWrapMode(QPlainTextEdit.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, dialog)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        for widget in (label, editor, buttons):
            layout.addWidget(widget)
        dialog.resize(640, 320)
        accepted = dialog.exec() == QDialog.Accepted
        result = editor.toPlainText()
        dialog.deleteLater()
        return result if accepted else None

    def confirm(self, question: str) -> bool:
        """Yes/No, defaulting to No: the question is about deleting annotations."""
        box = QMessageBox(QMessageBox.Question, "Labels", question,
                          QMessageBox.Yes | QMessageBox.No, self)
        box.setDefaultButton(QMessageBox.No)
        box.setTextFormat(Qt.PlainText)
        answer = box.exec()
        box.deleteLater()
        return answer == QMessageBox.Yes

    # -- changes -----------------------------------------------------------------------------

    def _apply(self, change: object, *, select: str | None = None, spans: bool = False) -> bool:
        """Run one store call; on success refresh and emit, on refusal show why."""
        try:
            change()  # type: ignore[operator]
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return False
        self.show_error("")
        self.refresh(select)
        self.schemeChanged.emit(spans)
        return True

    def show_error(self, message: str) -> None:
        """Say why a change was refused, under the table; "" hides the line."""
        # A dark red on a light window, a light red on a dark one: readable in either palette.
        dark = self.palette().color(QPalette.Window).lightness() < 128
        self.error_label.setStyleSheet(f"color: {'#FF8A80' if dark else '#B3261E'};")
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _free_colour(self) -> str:
        return free_colour({label.colour for label in self.project.scheme.labels})

    def _free_key(self) -> str | None:
        used = {label.key for label in self.project.scheme.labels}
        return next((k for k in "123456789" if k not in used), None)

    def add_label(self) -> bool:
        name = self.ask_text("Add label", "Name of the new label:")
        if name is None:
            return False
        kind = self.ask_kind()
        if kind is None or kind not in LABEL_KINDS:
            return False
        try:
            label = Label(name=name.strip(), colour=self._free_colour(), key=self._free_key(), kind=kind)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return False
        return self._apply(lambda: self.project.add_label(label), select=label.name)

    def rename_selected(self) -> bool:
        old = self.selected_name()
        if old is None:
            return False
        new = self.ask_text("Rename label", f"New name for {old} (its spans follow):", old)
        if new is None or new.strip() == old:
            return False
        return self._apply(lambda: self.project.rename_label(old, new.strip()), select=new.strip(),
                           spans=True)

    def recolour_selected(self) -> bool:
        name = self.selected_name()
        if name is None:
            return False
        colour = self.ask_colour(self.project.scheme.label(name).colour)
        if colour is None:
            return False
        return self._apply(lambda: self.project.update_label(name, colour=colour))

    def rekey_selected(self) -> bool:
        name = self.selected_name()
        if name is None:
            return False
        current = self.project.scheme.label(name).key or ""
        key = self.ask_text("Shortcut key", f"One key that tags a selection as {name} (empty: none):",
                            current)
        if key is None:
            return False
        key = key.strip()
        return self._apply(lambda: self.project.update_label(name, key=key or None))

    def describe_selected(self) -> bool:
        name = self.selected_name()
        if name is None:
            return False
        text = self.ask_text("Description", f"What {name} marks (shown as a tooltip):",
                             self.project.scheme.label(name).description)
        if text is None:
            return False
        return self._apply(lambda: self.project.update_label(name, description=text.strip()))

    def edit_attributes_selected(self) -> bool:
        """Edit the selected label's attribute declarations as text; values to clear are confirmed."""
        name = self.selected_name()
        if name is None:
            return False
        text = self.ask_lines(f"Attributes of {name}", ATTRIBUTES_HELP,
                              format_declarations(self.project.scheme.label(name).attributes))
        if text is None:
            return False
        try:
            attributes = parse_declarations(text)
            self.project.replace_span_attributes(name, attributes)
        except AttributeInUseError as exc:
            if not self.confirm(f"{exc.count} value(s) of {', '.join(exc.names)} on {name} spans will be "
                                "cleared. Remove the attributes anyway?"):
                return False
            return self._apply(lambda: self.project.replace_span_attributes(name, attributes, cascade=True),
                               spans=True)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return False
        self.show_error("")
        self.refresh()
        self.schemeChanged.emit(False)
        return True

    def delete_selected(self) -> bool:
        """Delete the label; if it has spans, say how many and delete them only if confirmed."""
        name = self.selected_name()
        if name is None:
            return False
        try:
            self.project.delete_label(name)
        except LabelInUseError as exc:
            spans = f"{exc.span_count} span{'' if exc.span_count == 1 else 's'}"
            if not self.confirm(f"Delete label {name} and its {spans}?"):
                return False
            return self._apply(lambda: self.project.delete_label(name, cascade=True), spans=True)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return False
        self.show_error("")
        self.refresh()
        self.schemeChanged.emit(False)  # the label had no spans
        return True
