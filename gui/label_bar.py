"""Applying labels: the label bar (one coloured button per label, "1 ACTOR"), the label keys,
and ``SpanEditor``, which turns keys, clicks and the view's context menu into document edits.

The buttons and the one-key shortcuts are the same ``QAction``s, added to the window as well
as to the bar, so the keys keep working when the user hides the toolbar. Alt+key tags the
exact characters selected instead of snapping to words. A key on a selection that is exactly
an existing span relabels that span (brat and INCEpTION users expect it); Shift+key stacks a
second label on the same words on purpose.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QToolBar, QToolButton, QWidget

from gui.annotation_list import add_span_actions
from gui.article_view import ArticleView, snap_selection
from gui.colours import readable_text_colour
from gui.document import AnnotationDocument
from gui.plain import menu_text, plain_tooltip
from gui.span_labels import LABEL_DISPLAY_KEY
from storage.model import Label, Span


def label_button_style(colour: QColor | str) -> str:
    """A stylesheet for a button filled with a label's colour and black or white text.

    The fill is the label's own colour (not a tint) so the bar doubles as the legend;
    ``readable_text_colour`` keeps the text at WCAG AA contrast on it in light and dark themes.
    """
    fill = QColor(colour)
    text = readable_text_colour(fill).name()
    pressed = fill.darker(125).name()
    return (
        f"QToolButton {{ background-color: {fill.name()}; color: {text}; border: 1px solid {pressed};"
        " border-radius: 4px; padding: 3px 10px; font-weight: bold; }"
        f" QToolButton:pressed {{ background-color: {pressed}; }}"
    )


LABEL_DISPLAY_CHOICES = (("full", "&Full names"), ("short", "&Short names (ACT, LOC…)"), ("hidden", "&Hidden"))


def add_label_display_menu(menu: QMenu, view: ArticleView, settings: QSettings) -> dict[str, QAction]:
    """View ▸ Span labels: the label written above each span in full, short, or not at all.

    The choice is the user's, not the project's, so it lives in QSettings and comes back next time.
    """
    submenu = menu.addMenu("Span &labels")
    group = QActionGroup(submenu)
    actions: dict[str, QAction] = {}
    for display, text in LABEL_DISPLAY_CHOICES:
        action = submenu.addAction(text)
        action.setCheckable(True)
        group.addAction(action)

        def choose(_checked: bool = False, display: str = display) -> None:
            view.set_label_display(display)
            settings.setValue(LABEL_DISPLAY_KEY, display)

        action.triggered.connect(choose)
        actions[display] = action
    submenu.addSeparator()
    cycle = submenu.addAction("&Next label style")
    cycle.setShortcut(QKeySequence("Ctrl+L"))
    displays = [display for display, _ in LABEL_DISPLAY_CHOICES]
    cycle.triggered.connect(lambda _c=False: actions[
        displays[(displays.index(view.label_display) + 1) % len(displays)]].trigger())
    stored = str(settings.value(LABEL_DISPLAY_KEY, "full"))
    stored = stored if stored in actions else "full"
    actions[stored].setChecked(True)
    view.set_label_display(stored)
    return actions


class LabelBar(QToolBar):
    """A toolbar of label buttons; ``labelTriggered(name, precise, stack)`` when a button or key is used."""

    labelTriggered = Signal(str, bool, bool)

    def __init__(self, host: QWidget, parent: QWidget | None = None) -> None:
        super().__init__("Labels", parent)
        self.setObjectName("label_bar")  # saveState() needs a name to restore the toolbar
        self.host = host
        self.label_actions: dict[str, QAction] = {}
        self._key_actions: list[QAction] = []  # Alt+key and Shift+key: window shortcuts, no button
        self.addWidget(QLabel(" Tag selection as: ", self))

    def set_labels(self, labels: Sequence[Label]) -> None:
        """Rebuild buttons and shortcuts from the scheme's labels (after the scheme changed)."""
        for action in [*self.label_actions.values(), *self._key_actions]:
            self.host.removeAction(action)
            self.removeAction(action)
            action.deleteLater()
        self.label_actions, self._key_actions = {}, []
        for label in labels:
            self._add_label(label)

    def _add_label(self, label: Label) -> None:
        name = menu_text(label.name)
        action = QAction(f"Tag as {name}", self)
        action.setIconText(f"{label.key} {name}" if label.key else name)  # the button's text
        tip = f"Tag the selection as {label.name}"
        if label.key:
            action.setShortcut(QKeySequence(label.key))
            tip += (f" (key {label.key}; Alt+{label.key} keeps the exact characters;"
                    f" Shift+{label.key} or Shift+click adds it on top of a label the words already have)")
        if label.description:
            tip += f"\n{label.description}"
        # A tooltip is rich text when its first line looks like markup, and label names are user
        # text: a label called "<b>" must show as typed.
        action.setToolTip(plain_tooltip(tip))
        # Shift+click on the button stacks, as Shift+key does.
        action.triggered.connect(lambda _c=False, name=label.name: self.labelTriggered.emit(
            name, False, bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)))
        self.addAction(action)
        self.host.addAction(action)
        button = self.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setStyleSheet(label_button_style(label.colour))
            # Clicking must not take focus from the view, or its selection would look inactive.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.label_actions[label.name] = action
        if label.key:
            self._key_action(f"Tag exactly as {name}", f"Alt+{label.key}", label.name, precise=True)
            self._key_action(f"Add {name} on top (stack)", f"Shift+{label.key}", label.name, stack=True)

    def _key_action(self, text: str, key: str, label: str, *, precise: bool = False, stack: bool = False) -> None:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _c=False: self.labelTriggered.emit(label, precise, stack))
        self.host.addAction(action)
        self._key_actions.append(action)


class SpanEditor(QObject):
    """Turns label keys, Delete, clicks and the context menu in the article view into document edits.

    A label key tags the view's selection (snapped to words unless ``precise``); with nothing
    selected it relabels the current (clicked) span. A click on plain text forgets the current
    span, so a later key cannot relabel a span the user is no longer looking at.
    """

    def __init__(self, view: ArticleView, document: Callable[[], AnnotationDocument], *,
                 precise: QAction, refuse: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view, self._document = view, document  # a getter: opening a project replaces the document
        self.precise_action, self.refuse = precise, refuse
        view.viewport().installEventFilter(self)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._context_menu)
        view.spanClicked.connect(lambda span_id: self.document.select_span(span_id))
        # Other capabilities add to the view's context menu: (menu, code point or None, span or None).
        self.menu_hooks: list[Callable[[QMenu, int | None, Span | None], None]] = []

    @property
    def document(self) -> AnnotationDocument:
        return self._document()

    def apply_label(self, label: str, *, precise: bool = False, stack: bool = False) -> None:
        """Tag the selection with ``label``, or relabel the current span when nothing is selected.

        A selection (after snapping) that is exactly the extent of a span already there relabels
        that span, one undo step, instead of adding a second one on the same words: a newcomer's
        "wrong key, press the right one" must not leave LOCATION and ACTOR stacked. ``stack``
        (Shift+key) adds the label on top, to the selection or else to the current span's words.
        """
        selected = self.view.selection_range()
        current = self.document.current_span
        if self.document.article is None:
            self.refuse("Open an article first")
        elif selected is not None:
            exact = precise or self.precise_action.isChecked()
            snapped = snap_selection(self.document.text, *selected, precise=exact)
            if snapped is None:
                self.refuse("The selection holds only spaces and punctuation: nothing to tag")
            elif stack:
                self.document.tag(*snapped, label)
            else:
                self._tag_or_relabel(*snapped, label)
        elif current is not None and stack:
            self.document.tag(current.start, current.end, label)
        elif current is not None:
            if current.label != label:
                self.document.relabel(current.id, label)
        else:
            self.refuse("Select some text to tag it, or click a span to change its label")

    def _tag_or_relabel(self, start: int, end: int, label: str) -> None:
        same = [s for s in self.view.spans_at(start) if s.start == start and s.end == end]
        if not same or any(s.label == label for s in same):
            self.document.tag(start, end, label)  # new, or refused as a duplicate with a clear reason
            return
        # Several stacked on these words: the one the user clicked last, else the newest; but not the
        # trigger of an event while another one is free (the store refuses to relabel a trigger).
        current, doc = self.document.current_span_id, self.document
        target = max(same, key=lambda s: (not doc.events_with_trigger(s.id), s.id == current, s.id))
        if self.document.relabel(target.id, label):
            self.document.select_span(target.id)
            key = next((l.key for l in self.document.project.scheme.labels if l.name == label and l.key), None)
            stack = f"; Shift+{key} adds {label} on top instead" if key else ""
            # Said in the status bar: a newcomer expecting a second span learns what happened and why.
            self.refuse(f"Relabelled {target.label} → {label} (the selection is exactly that span{stack})")

    def delete_current(self) -> None:
        span = self.document.current_span
        if span is None:
            self.refuse("Click a span to delete it")
        else:
            self.document.delete_span(span.id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # The event type first: Qt also calls filters while widgets are being destroyed, when
        # touching Python attributes can fail, and an exception there crashes PySide.
        if event.type() != QEvent.Type.MouseButtonPress or not isinstance(event, QMouseEvent):
            return False
        if event.button() == Qt.MouseButton.LeftButton and watched is self.view.viewport():
            cp = self.view.code_point_at(event.position().toPoint())
            if cp is None or not self.view.spans_at(cp):
                self.document.select_span(None)
        return False

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self.view)
        if self.view.selection_range() is not None:
            for label in self.document.project.scheme.labels:
                action = menu.addAction(f"Tag as {menu_text(label.name)}")
                action.triggered.connect(lambda _c=False, name=label.name: self.apply_label(name))
        cp = self.view.code_point_at(pos)
        under = self.view.spans_at(cp) if cp is not None else []
        span = self.document.spans.get(under[0].id) if under else None
        if span is not None:
            self.document.select_span(span.id)  # the menu's actions apply to the span it names
            menu.addSeparator()
            add_span_actions(menu, self.document, span)
        for hook in self.menu_hooks:
            hook(menu, cp, span)
        if not menu.isEmpty():
            menu.popup(self.view.viewport().mapToGlobal(pos))
