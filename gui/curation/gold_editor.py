"""The gold layer, edited directly inside the curation view with the main window's own tools.

A second ``AnnotationDocument`` shows only the ``gold`` layer and writes as annotator ``gold``;
its commands (``gui.commands``: tag, relabel, delete, event and argument edits) go on the
curation view's undo stack, so one Ctrl+Z walks back decisions and direct edits in the order
they were made. What the curator makes here has no ``taken_from``: made by the curator.

The text and the Events panel are built on first use (**G**, **E** on a frame place, or the
button): opening the view never lays out a long article for a curator who only decides.
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
from PySide6.QtGui import QAction, QColor, QHideEvent, QKeyEvent, QUndoStack
from PySide6.QtWidgets import QPushButton, QSplitter, QVBoxLayout, QWidget

from gui.article_view import ArticleView
from gui.document import AnnotationDocument
from gui.event_panel import EventPanel
from gui.label_bar import SpanEditor
from gui.plain import key_line
from gui.role_slot import plain_label
from storage.project import Project
from storage.team.packets import GOLD

CATCH_UP_MS = 400  # the gold text shows decisions this long after the last one (refresh)
INTRO = ("Gold's text is shown when you ask for it, so the view opens at once even on a long article. "
         "To decide a place you need no more: the table on the left shows gold's version there.\n\n"
         "G (or the button) shows the article here with gold's spans, the current place selected: "
         "a label key tags it or relabels the span, Delete deletes, E opens gold's event frame "
         "(type, roles, attributes); every edit is one Ctrl+Z. Esc goes back to the list.")
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
# A label key alone, with Alt (exact characters) or Shift (stack), as in the main window.
_LABEL_MODIFIERS = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


class GoldEditor(QWidget):
    """Gold text with its spans painted, and the Events panel for gold frames."""

    def __init__(self, project: Project, article_id: int, undo_stack: QUndoStack, *,
                 refuse: Callable[[str], None], leave: Callable[[], None],
                 settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.article_id, self.leave, self.refuse, self.settings = article_id, leave, refuse, settings
        self._place: tuple[int, int] | None = None  # the list's current place, shown once loaded
        self.document = AnnotationDocument(project, annotator=GOLD, layer=GOLD, status_undoable=True, parent=self)
        self.document.undo_stack = undo_stack  # one history with the curation decisions
        self.document.editRefused.connect(refuse)
        # Built on first use (G, E, or a click): the view opens without laying out a megabyte of
        # text and painting thousands of gold spans, which only the curator who edits gold needs.
        self.view: ArticleView | None = None
        self.events: EventPanel | None = None
        self._stale = False  # decisions changed gold since the text last read it (refresh)
        self._catch_up = QTimer(self)
        self._catch_up.setSingleShot(True)
        self._catch_up.setInterval(CATCH_UP_MS)
        self._catch_up.timeout.connect(self.catch_up)
        self.catching_up = False  # True while the text takes in decisions: its signals are not edits
        caption = plain_label("Gold — " + key_line(("G: edit here", "select + label key: tag", "Delete",
                                                     "E: frame", "Esc: back")), self)
        caption.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(caption)
        self._layout.addWidget(self._intro(), 1)

    def _intro(self) -> QWidget:
        """Until G: what G gives, in words, with its button (a lone button looked broken)."""
        self.intro = QWidget(self)
        self.intro.setObjectName("gold_intro")
        hint = plain_label(INTRO, self.intro)
        hint.setObjectName("gold_hint")
        hint.setWordWrap(True)
        self.placeholder = QPushButton("Show gold's text to edit it directly (G)", self.intro)
        self.placeholder.setObjectName("gold_open")
        self.placeholder.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.placeholder.clicked.connect(self.focus_text)
        layout = QVBoxLayout(self.intro)
        layout.setContentsMargins(24, 0, 24, 0)
        layout.addStretch(1)
        layout.addWidget(hint)
        layout.addWidget(self.placeholder, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return self.intro

    @property
    def loaded(self) -> bool:
        return self.view is not None

    def load(self) -> None:
        """Build the gold text and Events panel and read the article's gold layer, once."""
        if self.view is not None:
            return
        self.view = view = ArticleView(self)
        view.setObjectName("gold_text")
        # Gold text is long (a whole article, often one paragraph): a scroll bar that appears once
        # the text is laid out narrows it, and Qt lays the whole paragraph out again for it.
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.precise = QAction("Exact characters", self)  # the window's toggle; here Alt+key does it
        self.precise.setCheckable(True)
        self.spans = SpanEditor(view, lambda: self.document, precise=self.precise, refuse=self.refuse, parent=self)
        self.events = EventPanel(self.document, view, settings=self.settings, parent=self)
        doc = self.document
        doc.articleOpened.connect(self._article_opened)
        doc.spanAdded.connect(view.add_span)
        doc.spanRemoved.connect(lambda span: view.remove_span(span.id))
        doc.spanChanged.connect(view.update_span)
        doc.currentSpanChanged.connect(lambda span: view.set_current_span(span.id if span else None))
        view.installEventFilter(self)
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(view)
        splitter.addWidget(self.events)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.events.stack.currentChanged.connect(self._frame_room)
        self.intro.hide()  # the splitter takes its room
        self._layout.addWidget(splitter, 1)
        splitter.show()  # now, not on the next turn of the loop (Qt's default): G gives it the focus at once
        # Opening an article clears the document's undo stack, which here is the curation view's:
        # a throwaway one stands in meanwhile, so decisions already made stay undoable.
        shared, doc.undo_stack = doc.undo_stack, QUndoStack(self)
        try:
            doc.open_article(self.article_id)
        finally:
            doc.undo_stack.deleteLater()
            doc.undo_stack = shared
        if self._place is not None:
            self.show_place(*self._place)

    def _frame_room(self, page: int) -> None:
        """A frame opened: the Events panel gets most of the height, so its role slots show without
        scrolling at 1024×700 (the text keeps a third: it scrolls to the place). A split the curator
        chose that already gives the frame that much stays as it is."""
        sizes = self.splitter.sizes()
        if page == EventPanel.FRAME and sizes[1] < sum(sizes) * 3 // 5:
            self.splitter.setSizes([sum(sizes) // 3, sum(sizes) - sum(sizes) // 3])

    def _colours(self) -> dict[str, QColor]:
        return {label.name: QColor(label.colour) for label in self.document.project.scheme.labels}

    def _article_opened(self, _article: object) -> None:
        self.view.set_article(self.document.text, self.document.spans.values(), self._colours())

    def show_place(self, start: int, end: int) -> None:
        """Scroll the gold text to a place of the list and select it (a label key then tags it)."""
        self._place = (start, end)
        if self.view is not None and self.document.article is not None and not self.view.hasFocus():
            self.view.select_range(start, end)
            # Again once Qt has laid the text out: on opening, the view has not its size yet.
            QTimer.singleShot(0, self.view.ensureCursorVisible)

    def focus_text(self) -> None:
        self.load()
        self.catch_up()
        assert self.view is not None
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_frame_at(self, start: int, end: int, *, event_id: int | None = None) -> bool:
        """E on a frame in the list: open gold's frame there (``event_id``, else the first), if gold has one."""
        self.load()
        self.catch_up()
        assert self.events is not None
        for event in self.document.sorted_events():
            trigger = self.document.spans.get(event.trigger_id)
            if event_id is not None and event.id != event_id:
                continue
            if trigger is not None and trigger.start < end and trigger.end > start:
                self.document.select_span(trigger.id)
                self.document.select_event(event.id)
                return self.events.open_frame()
        return False

    def refresh(self) -> None:
        """Gold changed through a decision: the gold text shows it once the curator pauses.

        Taking a change into the text re-tints its paragraph, and Qt lays a paragraph out again
        for that: a second for a one-paragraph 1 MB article, on every key of a run of decisions.
        So the text catches up after a pause, or at once when the curator turns to it (G, E, a key
        in it); the list and its versions table show each decision at once.
        """
        if self.loaded:
            self._stale = True
            self._catch_up.start()  # again: a run of keys is one catch-up after the last

    def catch_up(self) -> None:
        """Show what the file has now, if a decision changed it since (the undo history stays)."""
        if self._stale and self.isVisible():  # a closed view's project may be closed too: G catches up
            self._stale = False
            self._catch_up.stop()
            self.catching_up = True
            try:
                self.document.take_in_changes()
            finally:
                self.catching_up = False

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        self._catch_up.stop()  # the view closed: its project may close before the timer would fire
        super().hideEvent(event)

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
        self.catch_up()  # the key acts on what the file has now
        if escape:
            self.leave()
        elif delete:
            self.spans.delete_current()
        elif label is not None:
            self.spans.apply_label(label, precise=bool(modifiers & Qt.KeyboardModifier.AltModifier),
                                   stack=bool(modifiers & Qt.KeyboardModifier.ShiftModifier))
        return True
