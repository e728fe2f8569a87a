"""The "Attributes" dock: the article's own attributes (its PLOVER contexts) and the current span's
(ACTOR code, sector…), edited from the keyboard.

**C** in the article puts the focus in the article's context (a ``gui.choice_list`` field: type to
filter, Enter or Space toggles a context, Backspace takes the last back).

**A** in the article (a span selected) puts the focus in the first attribute; **Tab** moves on,
**Enter** (or leaving a field) saves it as one undoable edit, **Esc** goes back to the article.
A choice attribute completes from its values as you type (``sy`` → ``SYR``); a multi-valued one
takes several, separated by commas or spaces (``GOV, MIL``). Emptying a field clears the value.
What the declaration refuses is said under the field and in the status bar, and nothing changes.

The fields follow the document's signals, never what was typed, so an undo shows at once.
"""
from __future__ import annotations

import re
from contextlib import suppress
from typing import Any, cast

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QCompleter,
    QDockWidget,
    QFormLayout,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.choice_list import ChoiceListField
from gui.document import AnnotationDocument
from gui.plain import quote
from gui.role_slot import plain_label
from storage.model import SchemeError, Span, SpanAttribute

EDIT_ATTRIBUTES_KEY = "A"
EDIT_ARTICLE_KEY = "C"
_SEPARATORS = re.compile(r"[,\s]+")


def shown_value(value: Any) -> str:
    """A stored value as the field shows it: a list as "GOV, MIL"."""
    if value is None:
        return ""
    return ", ".join(value) if isinstance(value, list) else str(value)


def parsed_value(attribute: SpanAttribute, text: str) -> Any:
    """What a field's text means for ``attribute``: None when empty, a list when multi-valued."""
    text = text.strip()
    if not text:
        return None
    values = [part for part in _SEPARATORS.split(text) if part] if attribute.multi else [text]
    if attribute.kind == "choice":  # "syr" and inline completion's "syR" mean SYR
        by_case = {choice.casefold(): choice for choice in attribute.choices or ()}
        values = [by_case.get(value.casefold(), value) for value in values]
    return values if attribute.multi else values[0]


class SpanAttributePanel(QWidget):
    """One field per attribute the current span's label declares."""

    leaveRequested = Signal()

    def __init__(self, document: AnnotationDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.fields: dict[str, QLineEdit] = {}
        self._attributes: dict[str, SpanAttribute] = {}
        self._span: Span | None = None
        self._built_for: tuple[SpanAttribute, ...] | None = None
        self.article_fields: dict[str, ChoiceListField] = {}
        self._article_built_for: tuple[Any, ...] | None = None
        self.article_host = QWidget(self)
        self.article_form = QFormLayout(self.article_host)
        self.article_form.setContentsMargins(0, 0, 0, 0)
        self.title = plain_label("", self)
        self.title.setWordWrap(True)
        self.error = plain_label("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020")
        self.error.hide()
        self.form_host = QWidget(self)
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.keys_help = plain_label("A: edit · Tab: next · Enter: save · empty: clear · Esc: back to the text",
                                     self)
        self.keys_help.setWordWrap(True)
        self.keys_help.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.article_host)
        layout.addWidget(self.title)
        layout.addWidget(self.form_host)
        layout.addWidget(self.error)
        layout.addWidget(self.keys_help)
        # No stretch and no growing: extra height goes to the Events dock, which needs it.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._connect(document)
        self.refresh()

    # -- following the document ---------------------------------------------------------------

    def _signals(self) -> tuple[Any, ...]:
        doc = self.document
        return (doc.currentSpanChanged, doc.spanChanged, doc.articleOpened, doc.articleAttributesChanged)

    def _connect(self, document: AnnotationDocument) -> None:
        self.document = document
        for signal in self._signals():
            signal.connect(self.refresh)

    def set_document(self, document: AnnotationDocument) -> None:
        if document is self.document:
            return
        with suppress(RuntimeError):  # the old document may already be gone
            for signal in self._signals():
                signal.disconnect(self.refresh)
        self._connect(document)
        self._built_for = None
        self.refresh()

    def refresh(self, *_: Any) -> None:
        """Show the article's and the current span's values (fields rebuilt when the scheme changed)."""
        self._refresh_article()
        span = self.document.current_span
        self._span = span
        declared: tuple[SpanAttribute, ...] = ()
        if span is not None:
            with suppress(SchemeError):  # a label another window just deleted
                declared = self.document.project.scheme.label(span.label).attributes
        if declared != self._built_for:
            self._build(declared)
        if span is None:
            self.title.setText("Select a span to see its attributes.")
        elif not declared:
            self.title.setText(f"{span.label} declares no attributes (Project ▸ Labels… adds them).")
        else:
            self.title.setText(f"{span.label} ‘{quote(self.document.span_text(span), 40)}’")
        for name, field in self.fields.items():
            field.setEnabled(span is not None)
            if not field.hasFocus() or span is None:
                field.setText(shown_value(span.attributes.get(name)) if span is not None else "")
        self.keys_help.setVisible(bool(declared))

    def _refresh_article(self) -> None:
        declared = tuple(a for a in self.document.project.scheme.attributes if a.on_article)
        if declared != self._article_built_for:
            while self.article_form.rowCount():
                self.article_form.removeRow(0)
            self.article_fields = {}
            self._article_built_for = declared
            for attribute in declared:
                field = ChoiceListField(attribute.choices or (), self.article_host)
                field.edit.setObjectName(f"article_attribute_{attribute.name}")
                field.setToolTip(attribute.description)
                field.toggled.connect(lambda value, name=attribute.name: self._toggle_article(name, value))
                field.removeLast.connect(lambda name=attribute.name: self._toggle_article(
                    name, (self.document.article_attributes.get(name) or [""])[-1]))
                field.edit.installEventFilter(self)
                label = plain_label(f"Article {attribute.name}", self.article_host)
                self.article_form.addRow(label, field)
                label.show()  # see _build: new children of a shown widget appear only later
                field.show()
                self.article_fields[attribute.name] = field
        for name, field in self.article_fields.items():
            field.set_values(self.document.article_attributes.get(name))
            field.setEnabled(self.document.article is not None)

    def _toggle_article(self, name: str, value: str) -> None:
        current = list(self.document.article_attributes.get(name) or [])
        new = [v for v in current if v != value] if value in current else [*current, value]
        self.document.set_article_attribute(name, new or None)

    def start_article_editing(self) -> bool:
        """Focus the article's first attribute (its context); False when the scheme has none."""
        if not self.article_fields or self.document.article is None:
            return False
        next(iter(self.article_fields.values())).setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def _build(self, declared: tuple[SpanAttribute, ...]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields, self._attributes = {}, {a.name: a for a in declared}
        self._built_for = declared
        for attribute in declared:
            field = QLineEdit(self.form_host)
            field.setObjectName(f"span_attribute_{attribute.name}")
            field.setPlaceholderText(self._placeholder(attribute))
            field.setToolTip(attribute.description or self._placeholder(attribute))
            if attribute.kind == "choice":
                completer = QCompleter(QStringListModel(list(attribute.choices or ()), field), field)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                # Inline: the rest of the first match is typed ahead, selected; no popup steals keys.
                completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
                if not attribute.multi:  # a completer replaces the whole text: one value only
                    field.setCompleter(completer)
            field.editingFinished.connect(lambda name=attribute.name: self.save(name))
            field.installEventFilter(self)
            self.fields[attribute.name] = field
            name = plain_label(attribute.name, self.form_host)
            self.form.addRow(name, field)
            # A layout shows new children of a visible widget only later (a queued call): A pressed
            # right after tagging must find the field focusable already.
            name.show()
            field.show()
        fields = list(self.fields.values())
        for first, second in zip(fields, fields[1:]):
            QWidget.setTabOrder(first, second)

    @staticmethod
    def _placeholder(attribute: SpanAttribute) -> str:
        if attribute.kind == "choice":
            choices = attribute.choices or ()
            shown = ", ".join(choices[:6]) + (", …" if len(choices) > 6 else "")
            return ("several of: " if attribute.multi else "one of: ") + shown
        if attribute.kind == "pattern":
            return f"text matching {attribute.pattern}"
        return "free text"

    # -- editing -------------------------------------------------------------------------------

    def start_editing(self) -> bool:
        """Focus the first field; False when the current span has nothing to edit."""
        if self._span is None or not self.fields:
            return False
        field = next(iter(self.fields.values()))
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()
        return True

    def save(self, name: str) -> bool:
        """Store the field's value if it changed (one undoable edit); False if refused."""
        span, field = self._span, self.fields.get(name)
        if span is None or field is None or span.id not in self.document.spans:
            return False
        value = parsed_value(self._attributes[name], field.text())
        current = self.document.spans[span.id].attributes.get(name)
        if value == current or (value is None and current is None):
            self.error.hide()
            return True
        refused: list[str] = []
        self.document.editRefused.connect(refused.append)
        try:
            done = self.document.set_span_attribute(span.id, name, value)
        finally:
            self.document.editRefused.disconnect(refused.append)
        self.error.setText(refused[0] if refused else "")
        self.error.setVisible(not done)
        return done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress:
            key = cast(QKeyEvent, event).key()
            if key == Qt.Key.Key_Escape:
                name = next((n for n, f in self.fields.items() if f is watched), None)  # a span field
                if name is not None and self._span is not None:  # Esc abandons the typing
                    cast(QLineEdit, watched).setText(shown_value(self._span.attributes.get(name)))
                self.error.hide()
                self.leaveRequested.emit()
                return True
        return super().eventFilter(watched, event)


def install_span_attribute_panel(window: QMainWindow) -> SpanAttributePanel:
    """Add the "Attributes" dock below Annotations, its View menu entries and the A and C keys."""
    host: Any = window
    panel = SpanAttributePanel(host.document, window)
    dock = QDockWidget("Attributes", window)
    dock.setObjectName("span_attributes_dock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    neighbour = getattr(window, "annotation_dock", None)
    if isinstance(neighbour, QDockWidget):
        window.splitDockWidget(neighbour, dock, Qt.Orientation.Vertical)
        # As tall as its fields, no taller: the Events dock below needs the room more.
        events = getattr(getattr(window, "event_panel", None), "dock", None)
        docks, heights = [neighbour, dock], [260, panel.sizeHint().height()]
        if isinstance(events, QDockWidget):
            docks.append(events)
            heights.append(600)
        window.resizeDocks(docks, heights, Qt.Orientation.Vertical)
    action = QAction("Edit span attributes", panel)
    action.setShortcut(QKeySequence(EDIT_ATTRIBUTES_KEY))
    # Only in the article, as E is: the fields and filters take the letter as text.
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

    def edit() -> None:
        dock.show()
        dock.raise_()
        if not panel.start_editing():
            window.statusBar().showMessage("The current span has no attributes to edit", 4000)

    action.triggered.connect(edit)
    host.view.addAction(action)
    article_action = QAction("Edit the article's context", panel)
    article_action.setShortcut(QKeySequence(EDIT_ARTICLE_KEY))
    article_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

    def edit_article() -> None:
        dock.show()
        dock.raise_()
        if not panel.start_article_editing():
            window.statusBar().showMessage("This project's scheme gives articles no attributes", 4000)

    article_action.triggered.connect(edit_article)
    host.view.addAction(article_action)
    panel.article_action = article_action  # type: ignore[attr-defined]
    panel.edit_action = action  # type: ignore[attr-defined]
    panel.dock = dock  # type: ignore[attr-defined]
    panel.leaveRequested.connect(lambda: host.view.setFocus(Qt.FocusReason.ShortcutFocusReason))
    host.view_menu.addAction(dock.toggleViewAction())
    host.view_menu.addAction(action)
    host.view_menu.addAction(article_action)
    host.documentReplaced.connect(panel.set_document)
    host.schemeReloaded.connect(panel.refresh)
    state = host.settings.value("window/state")
    if state is not None:
        window.restoreState(state)  # the window restored its docks before this one existed
    return panel
