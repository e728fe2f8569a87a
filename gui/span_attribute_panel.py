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

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
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
from gui.document import STORE_ERRORS, AnnotationDocument
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


class AttributeForm(QWidget):
    """The fields of one set of attributes (a label's), one per attribute, in a form."""

    def __init__(self, declared: tuple[SpanAttribute, ...], parent: QWidget) -> None:
        super().__init__(parent)
        self.declared = declared
        self.attributes = {a.name: a for a in declared}
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for attribute in declared:
            field = QLineEdit(self)
            field.setObjectName(f"span_attribute_{attribute.name}")
            field.setPlaceholderText(placeholder(attribute))
            field.setToolTip(attribute.description or placeholder(attribute))
            if attribute.kind == "choice":
                completer = QCompleter(QStringListModel(list(attribute.choices or ()), field), field)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                # Inline: the rest of the first match is typed ahead, selected; no popup steals keys.
                completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
                if not attribute.multi:  # a completer replaces the whole text: one value only
                    field.setCompleter(completer)
            self.fields[attribute.name] = field
            form.addRow(plain_label(attribute.name, self), field)
        fields = list(self.fields.values())
        for first, second in zip(fields, fields[1:]):
            QWidget.setTabOrder(first, second)


def placeholder(attribute: SpanAttribute) -> str:
    """What an empty field says it takes."""
    if attribute.kind == "choice":
        choices = attribute.choices or ()
        shown = ", ".join(choices[:6]) + (", …" if len(choices) > 6 else "")
        return ("several of: " if attribute.multi else "one of: ") + shown
    if attribute.kind == "pattern":
        return f"text matching {attribute.pattern}"
    return "free text"


class SpanAttributePanel(QWidget):
    """One field per attribute the current span's label declares.

    Each label's form is built once and kept (hidden while another label's span is current): the
    first tag after opening an article must not wait for a form of completers to be made. The
    forms of the scheme's labels are built when the window is first idle after the scheme is read
    (``_prepare``); a span whose form is not built yet builds it then.
    """

    leaveRequested = Signal()

    def __init__(self, document: AnnotationDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._span: Span | None = None
        self._forms: dict[tuple[SpanAttribute, ...], AttributeForm] = {}
        self._form: AttributeForm | None = None  # the one shown
        self._prepared_for: object = None  # the scheme whose labels' forms are built
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setSingleShot(True)
        self._prepare_timer.timeout.connect(self._prepare)
        self.article_fields: dict[str, ChoiceListField] = {}
        self._article_built_for: tuple[Any, ...] | None = None
        self.article_host = QWidget(self)
        self.article_form = QFormLayout(self.article_host)
        self.article_form.setContentsMargins(0, 0, 0, 0)
        self.title = plain_label("", self)
        self.title.setWordWrap(True)
        # Room for two lines from the start: the dock takes the panel's height once, when the window
        # first shows (one line, "Select a span…"), and a title that wraps later ("EVENT declares no
        # attributes…", a long span's text) was cut in half at 1024×700.
        self.title.setMinimumHeight(2 * self.title.fontMetrics().lineSpacing())
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        self.error = plain_label("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020")
        self.error.hide()
        self.keys_help = plain_label("A: edit · Tab: next · Enter: save · empty: clear · Esc: back to the text",
                                     self)
        self.keys_help.setWordWrap(True)
        self.keys_help.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.article_host)
        layout.addWidget(self.title)
        # The forms (one shown), the error and the keys, spaced as the panel's own rows: what
        # changes with the current span's label changes inside this one widget (_show_form).
        self.form_host = QWidget(self)
        self._forms_layout = QVBoxLayout(self.form_host)
        self._forms_layout.setContentsMargins(0, 0, 0, 0)
        self._forms_layout.setSpacing(layout.spacing())
        self._forms_layout.addWidget(self.error)
        self._forms_layout.addWidget(self.keys_help)
        layout.addWidget(self.form_host)
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
        self.refresh()

    def refresh(self, *_: Any) -> None:
        """Show the article's and the current span's values, in the form of the span's label."""
        self._refresh_article()
        span = self.document.current_span
        self._span = span
        declared: tuple[SpanAttribute, ...] = ()
        if span is not None:
            with suppress(SchemeError):  # a label another window just deleted
                declared = self.document.project.scheme.label(span.label).attributes
        self._show_form(declared)
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

    @property
    def fields(self) -> dict[str, QLineEdit]:
        """The shown form's fields by attribute name (none when the current span's label declares none)."""
        return self._form.fields if self._form is not None else {}

    def _show_form(self, declared: tuple[SpanAttribute, ...]) -> None:
        form = self._form_for(declared)
        if form is not self._form:
            old, self._form = self._form, form
            focused = QApplication.focusWidget()
            had_focus = old is not None and focused is not None and old.isAncestorOf(focused)
            # Each show() lays out every dock at once (its ancestors' layouts): the changes are made
            # out of sight, so the dock column is laid out once for them all, not once per widget.
            self.form_host.hide()
            if old is not None:
                old.hide()
            form.show()
            self.keys_help.setVisible(bool(declared))
            self.form_host.show()
            if had_focus:  # its span is no longer current: back to the text, as Esc does
                self.leaveRequested.emit()
        if self._prepared_for is not self.document.project.scheme and not self._prepare_timer.isActive():
            self._prepare_timer.start(0)

    def _form_for(self, declared: tuple[SpanAttribute, ...]) -> AttributeForm:
        form = self._forms.get(declared)
        if form is None:
            form = self._forms[declared] = AttributeForm(declared, self.form_host)
            form.hide()  # explicitly: shown only when it is the current span's
            for name, field in form.fields.items():
                field.editingFinished.connect(lambda form=form, name=name: self._field_done(form, name))
                field.installEventFilter(self)
            self._forms_layout.insertWidget(len(self._forms) - 1, form)  # above the error and the keys
        return form

    def _prepare(self) -> None:
        """Build the forms of the scheme's labels now, while the window is idle, and drop those of
        attributes the scheme no longer declares (a form of completers costs milliseconds)."""
        try:
            scheme = self.document.project.scheme
        except STORE_ERRORS:  # the project was closed before this turn came
            return
        self._prepared_for = scheme
        wanted = {(), *(label.attributes for label in scheme.labels)}
        for declared in wanted:
            self._form_for(declared).ensurePolished()
        for declared in [d for d, form in self._forms.items() if d not in wanted and form is not self._form]:
            self._forms.pop(declared).deleteLater()

    # -- editing -------------------------------------------------------------------------------

    def start_editing(self) -> bool:
        """Focus the first field; False when the current span has nothing to edit."""
        if self._span is None or not self.fields:
            return False
        field = next(iter(self.fields.values()))
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()
        return True

    def _field_done(self, form: AttributeForm, name: str) -> None:
        if form is self._form:  # not a hidden form's field losing the focus as it is hidden
            self.save(name)

    def save(self, name: str) -> bool:
        """Store the field's value if it changed (one undoable edit); False if refused."""
        span, field = self._span, self.fields.get(name)
        if span is None or field is None or self._form is None or span.id not in self.document.spans:
            return False
        value = parsed_value(self._form.attributes[name], field.text())
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
