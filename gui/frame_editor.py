"""The frame editor: one event's type, role slots and attributes, built to be driven from the keyboard.

Focus order (Tab / Shift+Tab): type filter → one slot per role (scheme order) → each attribute.

* Type filter: typing filters the event types (name first, then description, case-insensitive);
  Up/Down move in the list, Enter picks. The list shows only while the filter has focus.
* Role slot (``gui.role_slot``): lists the spans filling the role (swatch in the role's colour, × to remove);
  while it has focus it also lists candidate spans of the labels the role accepts, the trigger's
  sentence first and nearest first (``gui.candidates``), the first nine numbered. A digit or
  Enter on a candidate fills the role; Backspace/Delete on a filled row empties it. Tab lands on
  the last filled row, and Backspace on a candidate removes the last filler (as in a tag field),
  so the key the help names works wherever the highlight is. With the event-role recommender on
  (``gui.assist.roles_ui``), an empty role shows one likely filler as a suggestion, pre-selected:
  Enter or Alt+Return accepts it, Alt+Shift+Return (or Alt+Return in the type filter) accepts
  every role's, Alt+Delete rejects it.
* Modes, contexts, auxiliary modes (``gui.choice_list``): a filter over the values, Enter or Space
  toggles one; the mode field offers only the chosen type's modes. dead/injured/arrested take
  whole numbers.
* Esc anywhere asks to leave (``leaveRequested``); the panel gives focus back to the article.

Every change goes through the document's undoable operations; the editor redraws from the
document's signals, never from what it just did.
"""
from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QIntValidator, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.candidates import Candidate, matching_types, role_candidates
from gui.choice_list import ChoiceListField
from gui.document import AnnotationDocument
from gui.event_list_model import WARNING
from gui.plain import quote
from gui.event_marks import role_colour
from gui.role_slot import CANDIDATE, FILLED, KIND, SPAN_ID, RoleSlot, plain_label
from storage.assist.roles import RoleSuggestion
from storage.frames import frame_problems
from storage.model import Event, Scheme, is_iso_date
from storage.sentences import sentences

_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_REMOVE = (Qt.Key.Key_Backspace, Qt.Key.Key_Delete)
KEYS_HELP = ("Type to filter, ↑↓ Enter: pick type · Tab: next role · 1–9 or Enter: fill · "
             "Backspace: remove · Alt+Return / Alt+Delete: accept / reject a suggested filler · "
             "Esc: back to the text · E: edit again · Shift+Del: delete event · "
             "Ctrl+click a span in the text: add it")


class FrameEditor(QWidget):
    """Type, roles and attributes of the document's current event."""

    leaveRequested = Signal()  # Esc: the panel returns focus to the article

    def __init__(self, document: AnnotationDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.shown_event: Event | None = None
        self.role_suggestions: dict[str, RoleSuggestion] = {}  # role -> its suggested filler (not an argument)
        self._bounds: tuple[int | None, list[tuple[int, int]]] = (None, [])
        self._refreshing = False
        scheme = document.project.scheme
        # What the widgets were built from: the panel rebuilds the editor when this changes.
        self.scheme_parts: tuple[Any, ...] | None = (scheme.event_types, scheme.roles, scheme.attributes)
        self._create_widgets(scheme)
        self._layout(scheme)
        chain = self.focus_chain()
        for widget in chain:
            widget.installEventFilter(self)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def _create_widgets(self, scheme: Scheme) -> None:
        self.title = plain_label("", self)
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setWordWrap(True)
        self.delete_button = QToolButton(self)
        self.delete_button.setText("Delete event")
        self.delete_button.setToolTip("Delete this event frame (Shift+Delete); its trigger span stays")
        self.delete_button.clicked.connect(self._delete)
        self.type_filter = QLineEdit(self)
        self.type_filter.setObjectName("type_filter")
        self.type_filter.setPlaceholderText("type to choose, e.g. fig → FIGHT")
        self.type_filter.setClearButtonEnabled(False)
        self.type_filter.textEdited.connect(self._filter_types)
        self.type_list = QListWidget(self)
        self.type_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the filter keeps focus; arrows drive it
        self.type_list.itemClicked.connect(lambda item: self.pick_type(item.text()))
        # Six rows and a scroll bar, not all eighteen types: the role slots below stay in view.
        self.type_list.setMaximumHeight(6 * self.type_list.fontMetrics().height() + 8)
        self.type_list.currentItemChanged.connect(self._show_type_description)
        self.type_list.hide()
        self.type_description = plain_label("", self)
        self.type_description.setWordWrap(True)
        self.type_description.hide()
        self.slots = {role.name: RoleSlot(role, role_colour(scheme.roles, role.name), self)
                      for role in scheme.roles}
        for slot in self.slots.values():
            slot.removeRequested.connect(self._remove_argument)
            slot.list.itemActivated.connect(self._fill_from_item)
        self.attribute_widgets: dict[str, QComboBox | QLineEdit] = {}
        self.choice_fields: dict[str, ChoiceListField] = {}  # several values: modes, contexts
        self._mode_type: str | None = None  # the type whose modes the mode field offers
        self._kinds: dict[str, str] = {}
        self.date_error = plain_label("", self)
        self.date_error.setStyleSheet("color: #B00020")
        self.date_error.hide()
        self.problems = plain_label("", self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #A0522D")
        self.keys_help = plain_label(KEYS_HELP, self)
        self.keys_help.setWordWrap(True)
        self.keys_help.setForegroundRole(QPalette.ColorRole.PlaceholderText)

    def _layout(self, scheme: Scheme) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.delete_button)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for attribute in scheme.attributes:
            if attribute.multi or attribute.kind == "mode":
                field = ChoiceListField(attribute.choices or (), self)
                field.toggled.connect(lambda value, name=attribute.name: self._toggle(name, value))
                field.removeLast.connect(lambda name=attribute.name: self._remove_last(name))
                field.setToolTip(attribute.description)
                field.edit.setObjectName(f"attribute_{attribute.name}")
                self.choice_fields[attribute.name] = field
                self.attribute_widgets[attribute.name] = field.edit  # its Tab stop
                self._kinds[attribute.name] = attribute.kind
                form.addRow(f"{attribute.name.capitalize()}:", field)
                continue
            if attribute.choices is not None:
                combo = QComboBox(self)
                combo.addItems(list(attribute.choices))
                combo.currentIndexChanged.connect(
                    lambda _i, name=attribute.name: self._choice_changed(name))
                widget: QComboBox | QLineEdit = combo
            else:
                widget = QLineEdit(self)
                if attribute.kind == "date":
                    widget.setPlaceholderText("YYYY-MM-DD")
                elif attribute.kind == "integer":
                    widget.setValidator(QIntValidator(0, 2**31 - 1, widget))
                    widget.setPlaceholderText("a whole number")
                widget.editingFinished.connect(lambda name=attribute.name: self._text_edited(name))
            self._kinds[attribute.name] = attribute.kind
            widget.setObjectName(f"attribute_{attribute.name}")
            widget.setToolTip(attribute.description)
            self.attribute_widgets[attribute.name] = widget
            form.addRow(f"{attribute.name.capitalize()}:", widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        type_row = QFormLayout()
        type_row.addRow("Type:", self.type_filter)
        layout.addLayout(type_row)
        layout.addWidget(self.type_list)
        layout.addWidget(self.type_description)
        for slot in self.slots.values():
            layout.addWidget(slot)
        layout.addLayout(form)
        layout.addWidget(self.date_error)
        layout.addWidget(self.problems)
        layout.addStretch(1)
        layout.addWidget(self.keys_help)

    def focus_chain(self) -> list[QWidget]:
        """The Tab stops, in order: type filter, role slots, attributes."""
        return [self.type_filter, *(s.list for s in self.slots.values()),
                *self.attribute_widgets.values()]

    # -- showing an event ----------------------------------------------------------------------

    def set_event(self, event: Event | None) -> None:
        """Show ``event`` (the document's current one) or clear the editor."""
        self.shown_event = event
        if event is None:
            return
        self._refreshing = True  # filling widgets must not write back to the store
        try:
            trigger = self.document.spans.get(event.trigger_id)
            trigger_text = self.document.span_text(trigger) if trigger else "?"
            self.title.setText(f"Event on ‘{quote(trigger_text, 40)}’")
            if not self.type_filter.hasFocus() or not self.type_filter.isModified():
                self.type_filter.setText(event.type or "")
                self.type_filter.setModified(False)
            self._filter_types(self.type_filter.text() if self.type_filter.isModified() else "")
            self.role_suggestions = self._suggest(event)
            for slot in self.slots.values():
                self._refresh_slot(slot)
            self._show_attributes(event)
            problems = frame_problems(event, self.document.spans, self.document.project.scheme)
            self.problems.setText(f"{WARNING} " + "; ".join(problems) if problems else "")
            self.problems.setVisible(bool(problems))
        finally:
            self._refreshing = False

    def _show_attributes(self, event: Event) -> None:
        self._offer_modes(event.type)
        for name, field in self.choice_fields.items():
            field.set_values(event.attributes.get(name))
        for name, widget in self.attribute_widgets.items():
            value = event.attributes.get(name)
            if name in self.choice_fields:
                continue
            if self._kinds.get(name) == "integer":
                if not widget.hasFocus():
                    cast(QLineEdit, widget).setText("" if value is None else str(value))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(widget.findText(value) if value is not None else -1)
            elif not widget.hasFocus():
                widget.setText(value or "")
                article = self.document.article
                if self._kinds.get(name) == "date":  # empty means the article's date: show it
                    widget.setPlaceholderText(article.date if article and article.date else "YYYY-MM-DD")
                    self.date_error.hide()

    def _offer_modes(self, event_type: str | None) -> None:
        """The mode field offers the modes of the event's type only (PLOVER modes are per type)."""
        if event_type == self._mode_type:
            return
        self._mode_type = event_type
        kind = self.document.project.scheme.event_type(event_type)
        modes = kind.modes if kind is not None else ()
        for name, field in self.choice_fields.items():
            if self._kinds.get(name) == "mode":
                field.set_choices([m.name for m in modes], {m.name: m.description for m in modes})

    def sentence_bounds(self) -> list[tuple[int, int]]:
        """Sentences of the open article, computed once per article (the candidates need them)."""
        article_id = self.document.article.id if self.document.article else None
        if self._bounds[0] != article_id:
            self._bounds = (article_id, sentences(self.document.text))
        return self._bounds[1]

    def candidates_for(self, role: str) -> list[Candidate]:
        """Spans that could fill ``role`` in the current event, best first."""
        event = self.shown_event
        trigger = self.document.spans.get(event.trigger_id) if event else None
        if event is None or trigger is None:
            return []
        found = role_candidates(event, self.document.project.scheme.role(role), self.document.sorted_spans(),
                                trigger, self.sentence_bounds())
        helper = self.document.role_assist  # the event-role recommender, when on
        return helper.rank(event, role, found) if helper is not None else found

    def _suggest(self, event: Event) -> dict[str, RoleSuggestion]:
        """One likely filler per empty role, from today's candidate order and the done frames."""
        helper = self.document.role_assist
        trigger = self.document.spans.get(event.trigger_id)
        if helper is None or trigger is None:
            return {}
        scheme, spans = self.document.project.scheme, self.document.sorted_spans()
        found = {name: role_candidates(event, scheme.role(name), spans, trigger, self.sentence_bounds())
                 for name in self.slots if not event.fillers(name)}
        return helper.suggest(event, found)

    def _refresh_slot(self, slot: RoleSlot) -> None:
        if self.shown_event is None:
            return
        fillers = [(span_id, self.document.span_text(self.document.spans[span_id]))
                   for span_id in self.shown_event.fillers(slot.role.name) if span_id in self.document.spans]
        found = self.candidates_for(slot.role.name) if slot.list.hasFocus() else None
        suggestion = self.role_suggestions.get(slot.role.name)
        suggested = self.document.spans.get(suggestion.span_id) if suggestion is not None else None
        if found is not None and suggested is not None:  # the suggestion is candidate 1
            found = sorted(found, key=lambda c: c.span.id != suggested.id)
        slot.show_arguments(fillers, found, self.document.text,
                            suggested=(suggested, suggestion.score) if suggested is not None else None)

    # -- the type filter -------------------------------------------------------------------------

    def _filter_types(self, text: str) -> None:
        needle = text.strip()
        self.type_list.clear()
        for event_type in matching_types(self.document.project.scheme.event_types, needle):
            item = QListWidgetItem(event_type.name, self.type_list)
            item.setToolTip(event_type.description)
        if needle:
            self.type_list.setCurrentRow(0)  # Enter takes the best match
            return
        # Nothing typed: the list starts on the event's type, or on nothing, so that a stray
        # Enter never gives an untyped event the first type in the list.
        current = self.shown_event.type if self.shown_event else None
        matches = self.type_list.findItems(current, Qt.MatchFlag.MatchExactly) if current else []
        self.type_list.setCurrentItem(matches[0] if matches else None)

    def _show_type_description(self, item: QListWidgetItem | None) -> None:
        self.type_description.setText(item.toolTip() if item is not None else "")

    def pick_type(self, name: str) -> None:
        """Set the current event's type (one undoable step) and show it in the filter."""
        self.type_filter.setModified(False)
        if self.shown_event is not None and name != self.shown_event.type:
            self.document.set_event_type(self.shown_event.id, name)
        elif self.shown_event is not None:
            self.set_event(self.shown_event)  # unchanged: still put the name back in the filter
        self.type_filter.selectAll()

    def start_editing(self) -> None:
        """Put focus in the type filter, its text selected so typing replaces it."""
        self.type_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.type_filter.selectAll()

    # -- keys ----------------------------------------------------------------------------------------

    def _handles(self, watched: QObject, key: int) -> bool:
        """Keys we use in ``watched``: claimed before window shortcuts (label keys 1/2/3, Delete) see them."""
        if key == Qt.Key.Key_Escape or key in _DIGITS or key in _REMOVE:
            return True  # in a combo they do nothing, which beats tagging or deleting a span unseen
        if watched is self.type_filter:
            return key in (Qt.Key.Key_Up, Qt.Key.Key_Down, *_ENTER)
        return any(watched is slot.list for slot in self.slots.values()) and key in _ENTER

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Delete and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                return True  # unclaimed, so "delete event" wins over a line edit's Shift+Del cut
            if self._handles(watched, event.key()):
                event.accept()  # deliver as a key press to the focused widget, not as a shortcut
                return True
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key_press(watched, event)
        elif kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            focused = kind == QEvent.Type.FocusIn
            if watched is self.type_filter:  # the type list shows while the filter has focus
                self.type_list.setVisible(focused)
                self.type_description.setVisible(focused)
                if not focused and self.shown_event is not None:
                    self.set_event(self.shown_event)  # an abandoned filter shows the type again
            for slot in self.slots.values():
                if watched is slot.list:
                    self._refresh_slot(slot)
        return False

    def _key_press(self, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.leaveRequested.emit()
            return True
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if watched is self.type_filter:
            if modifiers & Qt.KeyboardModifier.AltModifier and key in _ENTER:
                self.accept_suggestions()  # the type is picked: take every suggested filler at once
                return True
            return self._type_filter_key(key)
        for slot in self.slots.values():
            if watched is not slot.list:
                continue
            if modifiers == Qt.KeyboardModifier.NoModifier:
                return self._slot_key(slot, key)
            if modifiers & Qt.KeyboardModifier.AltModifier and (key in _ENTER or key == Qt.Key.Key_Delete):
                self._suggestion_key(slot, key, every=bool(modifiers & Qt.KeyboardModifier.ShiftModifier))
                return True
        return False

    def _type_filter_key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if key == Qt.Key.Key_Up else 1
            row = max(0, min(self.type_list.count() - 1, self.type_list.currentRow() + step))
            self.type_list.setCurrentRow(row)
            return True
        if key in _ENTER:
            item = self.type_list.currentItem()
            if item is not None:
                self.pick_type(item.text())
            return True
        return False

    def _slot_key(self, slot: RoleSlot, key: int) -> bool:
        if key in _DIGITS:
            rows = slot.candidate_rows()
            n = _DIGITS[key]
            if n <= min(len(rows), 9):
                self._fill(slot.role.name, rows[n - 1].data(SPAN_ID))
            return True
        if key in _ENTER:
            self._fill_from_item(slot.list.currentItem())
            return True
        if key in _REMOVE:
            item = slot.list.currentItem()
            if item is not None and item.data(KIND) == FILLED:
                self._remove_argument(slot.role.name, item.data(SPAN_ID))
            elif key == Qt.Key.Key_Backspace and slot.filled_rows():
                # On a candidate (e.g. right after filling), Backspace takes back the last filler,
                # as in a tag field; Delete only ever removes the highlighted row.
                self._remove_argument(slot.role.name, slot.filled_rows()[-1].data(SPAN_ID))
            return True
        return False

    def _suggestion_key(self, slot: RoleSlot, key: int, *, every: bool) -> None:
        """Alt+Return accepts the slot's suggested filler (with Shift: every role's), Alt+Delete rejects it."""
        if key in _ENTER and every:
            self.accept_suggestions()
        elif key in _ENTER:
            self.accept_suggestion(slot.role.name)
        else:
            self.reject_suggestion(slot.role.name)

    def accept_suggestion(self, role: str) -> bool:
        suggestion = self.role_suggestions.get(role)
        if suggestion is None or self.shown_event is None:
            self.document.editRefused.emit(f"No suggested filler for {role}")
            return False
        return self.document.add_argument(self.shown_event.id, role, suggestion.span_id)

    def accept_suggestions(self) -> int:
        """Every role's suggested filler, as one undo step; returns how many were accepted."""
        event, chosen = self.shown_event, list(self.role_suggestions.values())
        if event is None or not chosen:
            self.document.editRefused.emit("No suggested fillers in this frame")
            return 0
        stack = self.document.undo_stack
        stack.beginMacro(f"Accept {len(chosen)} suggested filler{'s' if len(chosen) != 1 else ''}")
        try:
            return sum(self.document.add_argument(event.id, s.role, s.span_id) for s in chosen)
        finally:
            stack.endMacro()

    def reject_suggestion(self, role: str) -> bool:
        suggestion, helper = self.role_suggestions.get(role), self.document.role_assist
        if suggestion is None or self.shown_event is None or helper is None:
            self.document.editRefused.emit(f"No suggested filler for {role}")
            return False
        return helper.reject(self.shown_event, role, suggestion.span_id)

    # -- edits: all through the document ----------------------------------------------------------

    def _fill_from_item(self, item: QListWidgetItem | None) -> None:
        if item is None or item.data(KIND) != CANDIDATE:
            return
        role = next(name for name, slot in self.slots.items() if slot.list is item.listWidget())
        self._fill(role, item.data(SPAN_ID))

    def _fill(self, role: str, span_id: int) -> None:
        if self.shown_event is not None:
            self.document.add_argument(self.shown_event.id, role, span_id)

    def _remove_argument(self, role: str, span_id: int) -> None:
        if self.shown_event is not None:
            self.document.remove_argument(self.shown_event.id, role, span_id)

    def _choice_changed(self, name: str) -> None:
        widget = self.attribute_widgets[name]
        if self._refreshing or self.shown_event is None or not isinstance(widget, QComboBox):
            return
        value = widget.currentText() or None
        if value != self.shown_event.attributes.get(name):
            self.document.set_event_attribute(self.shown_event.id, name, value)

    def _toggle(self, name: str, value: str) -> None:
        """Add ``value`` to a multi-valued attribute, or take it out (one undoable edit)."""
        if self.shown_event is None:
            return
        current = list(self.shown_event.attributes.get(name) or [])
        new = [v for v in current if v != value] if value in current else [*current, value]
        self.document.set_event_attribute(self.shown_event.id, name, new or None)

    def _remove_last(self, name: str) -> None:
        current = list(self.shown_event.attributes.get(name) or []) if self.shown_event else []
        if current:
            self._toggle(name, current[-1])

    def _text_edited(self, name: str) -> None:
        widget = self.attribute_widgets[name]
        if self._refreshing or self.shown_event is None or not isinstance(widget, QLineEdit):
            return
        value: Any = widget.text().strip() or None
        if value is not None and self._kinds.get(name) == "integer":
            value = int(value)  # the validator lets only digits through
        is_date = self._kinds.get(name) == "date"
        if value is not None and is_date and not is_iso_date(value):
            # Refused here rather than by the store: the user is still in the field to fix it.
            self.date_error.setText(f"{name} must be a date like 2024-12-08, not ‘{value}’")
            self.date_error.show()
            return
        self.date_error.hide()
        if value != self.shown_event.attributes.get(name):
            self.document.set_event_attribute(self.shown_event.id, name, value)

    def _delete(self) -> None:
        if self.shown_event is not None:
            self.document.delete_event(self.shown_event.id)
