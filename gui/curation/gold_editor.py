"""The gold layer, edited directly inside the curation view with the main window's own tools.

A second ``AnnotationDocument`` shows only the ``gold`` layer and writes as annotator ``gold``;
its commands (``gui.commands``: tag, relabel, delete, event and argument edits) go on the
curation view's undo stack, so one Ctrl+Z walks back decisions and direct edits in the order
they were made. What the curator makes here has no ``taken_from``: made by the curator.

Keys while the gold text has focus (**G** puts it there, **Esc** goes back to the list): the
scheme's label keys tag the selection or relabel the clicked span (Alt: exact characters,
Shift: stack), **Delete** deletes the current gold span, **E** / **Enter** open the current
gold event's frame (the Events panel: type, role slots with numbered candidates, attributes),
**Shift+Delete** deletes the event, Ctrl+click adds a span to the open frame's role. The label
keys are claimed before the view's own shortcuts, so **1**–**9** tag here and take versions
everywhere else.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeyEvent, QUndoStack
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gui.article_view import ArticleView
from gui.document import AnnotationDocument
from gui.event_panel import EventPanel
from gui.label_bar import SpanEditor
from gui.role_slot import plain_label
from storage.project import Project
from storage.team.packets import GOLD

_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
# A label key alone, with Alt (exact characters) or Shift (stack), as in the main window.
_LABEL_MODIFIERS = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


class GoldEditor(QWidget):
    """Gold text with its spans painted, and the Events panel for gold frames."""

    def __init__(self, project: Project, article_id: int, undo_stack: QUndoStack, *,
                 refuse: Callable[[str], None], leave: Callable[[], None],
                 settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.leave = leave
        self.document = AnnotationDocument(project, annotator=GOLD, layer=GOLD, parent=self)
        self.document.undo_stack = undo_stack  # one history with the curation decisions
        self.document.editRefused.connect(refuse)
        self.view = ArticleView(self)
        self.view.setObjectName("gold_text")
        self.precise = QAction("Exact characters", self)  # the window's toggle; here Alt+key does it
        self.precise.setCheckable(True)
        self.spans = SpanEditor(self.view, lambda: self.document, precise=self.precise, refuse=refuse, parent=self)
        self.events = EventPanel(self.document, self.view, settings=settings, parent=self)
        doc = self.document
        doc.articleOpened.connect(self._article_opened)
        doc.spanAdded.connect(self.view.add_span)
        doc.spanRemoved.connect(lambda span: self.view.remove_span(span.id))
        doc.spanChanged.connect(self.view.update_span)
        doc.currentSpanChanged.connect(lambda span: self.view.set_current_span(span.id if span else None))
        self.view.installEventFilter(self)
        caption = plain_label("Gold — G: edit here · select + label key: tag · Delete · E: frame · Esc: back", self)
        caption.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.events)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(caption)
        layout.addWidget(splitter)
        doc.open_article(article_id)

    def _colours(self) -> dict[str, QColor]:
        return {label.name: QColor(label.colour) for label in self.document.project.scheme.labels}

    def _article_opened(self, _article: object) -> None:
        self.view.set_article(self.document.text, self.document.spans.values(), self._colours())

    def show_place(self, start: int, end: int) -> None:
        """Scroll the gold text to a place of the list and select it (a label key then tags it)."""
        if self.document.article is not None and not self.view.hasFocus():
            self.view.select_range(start, end)
            # Again once Qt has laid the text out: on opening, the view has not its size yet.
            QTimer.singleShot(0, self.view.ensureCursorVisible)

    def focus_text(self) -> None:
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_frame_at(self, start: int, end: int) -> bool:
        """E on a frame in the list: open gold's frame there, if gold has one."""
        for event in self.document.sorted_events():
            trigger = self.document.spans.get(event.trigger_id)
            if trigger is not None and trigger.start < end and trigger.end > start:
                self.document.select_span(trigger.id)
                self.document.select_event(event.id)
                return self.events.open_frame()
        return False

    def refresh(self) -> None:
        """Gold changed through a decision: show what the file has now (the undo history stays)."""
        self.document.take_in_changes()

    # -- keys in the gold text ------------------------------------------------------------------

    def _label_for(self, event: QKeyEvent) -> str | None:
        text = event.text().lower() if event.text() else ""
        key = event.key()
        for label in self.document.project.scheme.labels:
            if label.key and (label.key.lower() == text or (len(label.key) == 1 and key == ord(label.key.upper()))):
                return label.name
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # The type first: Qt also calls filters while widgets are being destroyed.
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not isinstance(event, QKeyEvent):
            return False
        if watched is not self.view:
            return False
        modifiers = event.modifiers()
        label = self._label_for(event) if (modifiers | _LABEL_MODIFIERS) == _LABEL_MODIFIERS else None
        delete = event.key() == Qt.Key.Key_Delete and modifiers in _PLAIN
        escape = event.key() == Qt.Key.Key_Escape
        if label is None and not delete and not escape:
            return False  # E, Enter, Shift+Delete: the Events panel's own shortcuts on this view
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # a key press for this view, not the curation view's "take version n"
            return True
        if escape:
            self.leave()
        elif delete:
            self.spans.delete_current()
        elif label is not None:
            self.spans.apply_label(label, precise=bool(modifiers & Qt.KeyboardModifier.AltModifier),
                                   stack=bool(modifiers & Qt.KeyboardModifier.ShiftModifier))
        return True
