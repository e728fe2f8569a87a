"""The Events dock: the current event's frame, the article's events, and the ways into them.

Keys and clicks:

* ``E`` (or ``Enter``) in the article view, ``E`` in the events table: edit the current event's
  frame — or, when the current span is an EVENT trigger without a frame, create one first. Focus
  goes to the type filter; ``Tab`` walks the role slots and attributes; ``Esc`` goes back to the
  article. (``E`` is no label key, and Enter alone is unused in the view; Ctrl+Enter is "done".)
* ``Shift+Delete`` in the article view or the panel: delete the current event (its trigger stays).
* ``Ctrl+click`` on an ACTOR/LOCATION span in the article: add it to the current event, asking
  which role with a small menu when several roles accept it (source and target both take ACTOR).
* With "Open frame when tagging EVENT" (QSettings ``open_frame_on_tag``, default on), tagging or
  relabelling a span as EVENT creates its event and opens the frame at once.

The panel only reads the document and calls its undoable operations; it never touches the store.
"""
from __future__ import annotations

from contextlib import suppress
from typing import Any, Callable, Protocol, cast

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    SignalInstance,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.article_view import ArticleView
from gui.commands import AddSpanCommand, ChangeLabelCommand
from gui.document import AnnotationDocument
from gui.event_list_model import EventListModel
from gui.event_marks import event_marks
from gui.frame_editor import FrameEditor
from gui.plain import menu_text, quote
from gui.role_slot import plain_label
from gui.table_model import show_whose_column
from storage.frames import frame_problems
from storage.model import Event, Span

OPEN_FRAME_ON_TAG = "open_frame_on_tag"
EDIT_FRAME_KEY = "E"
DELETE_EVENT_KEY = "Shift+Delete"
_SEEN = "_event_panel_seen"  # marks undo commands already looked at, so redo is not taken for a new tag


class EventWindow(Protocol):
    """What ``install_event_panel`` needs of the main window."""

    document: AnnotationDocument
    view: ArticleView
    view_menu: QMenu
    settings: QSettings
    confirm_done: Callable[[], bool] | None
    documentReplaced: SignalInstance  # emits the new AnnotationDocument after open_project


class EventPanel(QWidget):
    """Frame editor on top (or a hint / "Create event" when there is no event), events table below."""

    HINT, CREATE, FRAME = range(3)

    def __init__(self, document: AnnotationDocument, view: ArticleView, *,
                 settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.view = document, view
        self.settings = settings if settings is not None else QSettings()
        self.dock: QDockWidget | None = None  # set by install_event_panel; shown when a frame opens
        self.open_on_tag_action: QAction | None = None
        self.events_model = EventListModel(document, self)
        self._all_layers = False  # a master shows every layer (gui.layer_view)
        self._create_pages()
        self._create_shortcuts()
        self._connect(document)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)  # Ctrl+click
        self.events_table.installEventFilter(self)  # Esc
        self.refresh()

    def _create_pages(self) -> None:
        self.hint = plain_label("Select an EVENT span to see its frame; tag one with its label key.", self)
        self.hint.setWordWrap(True)
        self.create_label = plain_label("", self)
        self.create_label.setWordWrap(True)
        self.create_button = QPushButton(f"Create event ({EDIT_FRAME_KEY})", self)
        self.create_button.clicked.connect(self.open_frame)
        self.frame = FrameEditor(self.document, self)
        self.frame.leaveRequested.connect(self.leave)
        self.frame_scroll = QScrollArea(self)
        self.frame_scroll.setWidgetResizable(True)
        self.frame_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.frame_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frame_scroll.setWidget(self.frame)
        self.stack = QStackedWidget(self)  # in HINT, CREATE, FRAME order
        self.stack.addWidget(self._page(self.hint))
        self.stack.addWidget(self._page(self.create_label, self.create_button))
        self.stack.addWidget(self.frame_scroll)
        self.events_table = self._events_table()
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.stack)
        events_caption = plain_label("Events in this article (Enter: go to)", self)
        events_caption.setWordWrap(True)  # the dock may be narrow: wrap, never widen it
        splitter.addWidget(self._page(events_caption, self.events_table, stretch=False))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([600, 150])  # scaled to the dock's height: the frame gets the most room
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

    def _create_shortcuts(self) -> None:
        view = self.view
        self.edit_frame_action = QAction("Edit event frame", self)
        self.edit_frame_action.setShortcut(QKeySequence(EDIT_FRAME_KEY))
        # Only where no text is typed: the article view and the events table.
        self.edit_frame_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.edit_frame_action.triggered.connect(self.open_frame)
        view.addAction(self.edit_frame_action)
        self.events_table.addAction(self.edit_frame_action)  # not Enter there: it goes to the row
        for key in ("Return", "Enter"):
            enter = QShortcut(QKeySequence(key), view)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(self.open_frame)
        for widget, context in ((view, Qt.ShortcutContext.WidgetShortcut),
                                (self, Qt.ShortcutContext.WidgetWithChildrenShortcut)):
            shortcut = QShortcut(QKeySequence(DELETE_EVENT_KEY), widget)
            shortcut.setContext(context)  # PySide ignores a context= keyword here; both would be window-wide
            shortcut.activated.connect(self.delete_current_event)

    def _signals(self) -> tuple[Any, ...]:
        doc = self.document
        return (doc.currentSpanChanged, doc.currentEventChanged, doc.eventChanged, doc.eventRemoved,
                doc.articleOpened, doc.spanAdded, doc.spanRemoved, doc.spanChanged)

    def _connect(self, document: AnnotationDocument) -> None:
        self.document = document
        for signal in self._signals():
            signal.connect(self.refresh)
        document.undo_stack.indexChanged.connect(self._after_command)

    def set_document(self, document: AnnotationDocument) -> None:
        """Follow a new document (opening another project makes one); its scheme may differ."""
        if document is self.document:
            return
        with suppress(RuntimeError):  # the old document may already be gone
            for signal in self._signals():
                signal.disconnect(self.refresh)
            self.document.undo_stack.indexChanged.disconnect(self._after_command)
        self.events_model.set_document(document)
        self._connect(document)
        self.frame.scheme_parts = None  # another project: build the editor for its scheme
        self.refresh()

    def _page(self, *widgets: QWidget, stretch: bool = True) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget)
        if stretch:
            layout.addStretch(1)
        return page

    def _events_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("events_table")
        table.setModel(self.events_model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab leaves the table, like every other stop in the panel
        table.setWordWrap(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        for column in (EventListModel.WARNING_COLUMN, EventListModel.TYPE_COLUMN,
                       EventListModel.TRIGGER_COLUMN, EventListModel.LAYER_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(EventListModel.ARGUMENTS_COLUMN, QHeaderView.ResizeMode.Stretch)
        table.setColumnHidden(EventListModel.LAYER_COLUMN, True)  # shown by _show_layer_column
        self.events_model.modelReset.connect(self._show_layer_column)
        table.activated.connect(self.go_to_event)
        table.clicked.connect(self.go_to_event)
        return table

    # -- what is shown -------------------------------------------------------------------------

    def _trigger_without_event(self) -> Span | None:
        span = self.document.current_span
        if span is None or self.document.current_event is not None:
            return None
        if span.label not in self.document.project.scheme.trigger_labels:
            return None
        return span if not self.document.events_with_trigger(span.id) else None

    def _rebuild_frame_if_scheme_changed(self) -> None:
        scheme = self.document.project.scheme
        if self.frame.scheme_parts != (scheme.event_types, scheme.roles, scheme.attributes):
            self.frame = FrameEditor(self.document, self)
            self.frame.leaveRequested.connect(self.leave)
            self.frame_scroll.setWidget(self.frame)  # deletes the old editor

    def show_all_layers(self, on: bool) -> None:
        """A master shows all its layers at once (``gui.layer_view``): the Layer column says whose each event is."""
        self._all_layers = on
        self._show_layer_column()
        self.events_table.viewport().update()  # names shown or hidden again (H in the curation view)

    def _show_layer_column(self) -> None:
        show_whose_column(self.events_table, EventListModel.LAYER_COLUMN, all_layers=self._all_layers,
                          annotators=self.events_model.annotators())

    def refresh(self, *_: Any) -> None:
        """Show the current event's frame, or what can be done without one; mark it in the article."""
        self._rebuild_frame_if_scheme_changed()  # the labels dialog or another program may edit it
        event = self.document.current_event
        trigger = self._trigger_without_event()
        if event is not None:
            self.frame.set_event(event)
            self.stack.setCurrentIndex(self.FRAME)
        elif trigger is not None:
            self.frame.set_event(None)
            self.create_label.setText(
                f"‘{quote(self.document.span_text(trigger), 40)}’ has no event frame yet.")
            self.stack.setCurrentIndex(self.CREATE)
        else:
            self.frame.set_event(None)
            self.stack.setCurrentIndex(self.HINT)
        marks = self.marks(event)
        has_trigger = event is not None and event.trigger_id in self.document.spans
        self.view.set_marks(marks, hub=0 if has_trigger else None)  # trigger → each argument
        self._select_row(event)

    def marks(self, event: Event | None) -> list[tuple[int, int, Any, str]]:
        """Outlines for the article: the trigger and each argument, named and coloured by role."""
        return event_marks(event, self.document.spans, self.document.project.scheme.roles)

    def _select_row(self, event: Event | None) -> None:
        row = self.events_model.row_of(event.id) if event is not None else None
        selection = self.events_table.selectionModel()
        if row is None:
            selection.clearSelection()
            return
        index = self.events_model.index(row, 0)
        if self.events_table.currentIndex().row() != row:
            selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect
                                      | selection.SelectionFlag.Rows)
        else:
            selection.select(index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows)

    # -- keyboard ways in and out ---------------------------------------------------------------

    def open_frame(self) -> bool:
        """Edit the current event's frame (creating it on a bare trigger); False if there is none."""
        trigger = self._trigger_without_event()
        if trigger is not None:
            self.document.create_event(trigger.id)
        if self.document.current_event is None:
            return False
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()
        self.frame.start_editing()
        return True

    def leave(self) -> None:
        """Back to the article, the event still selected."""
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def delete_current_event(self) -> None:
        event = self.document.current_event
        if event is not None:
            had_focus = self.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
            self.document.delete_event(event.id)
            if had_focus:
                self.leave()

    def go_to_event(self, index: QModelIndex) -> None:
        """Select the event of a table row in the article and scroll its trigger into view."""
        if not index.isValid():
            return
        event = self.events_model.event_at(index.row())
        trigger = self.document.spans.get(event.trigger_id)
        if trigger is None:
            return
        self.document.select_span(trigger.id)
        self.document.select_event(event.id)  # a trigger may anchor several events
        # Caret to the trigger's end, no selection (as the window does for a clicked span): it
        # scrolls the trigger into view, and a label key then relabels nothing unexpected.
        self.view.select_range(trigger.end, trigger.end)

    def _after_command(self, index: int) -> None:
        """After a new tag or relabel as EVENT: create its event and open the frame (if the setting is on)."""
        stack = self.document.undo_stack
        command = stack.command(index - 1) if index > 0 else None
        if command is None or getattr(command, _SEEN, False):
            return  # undo/redo move over commands seen when they were pushed
        setattr(command, _SEEN, True)
        if not self.open_frame_on_tag():
            return
        if isinstance(command, AddSpanCommand) and command.span is not None:
            span_id = command.span.id
        elif isinstance(command, ChangeLabelCommand):
            span_id = command.span_id
        else:
            return
        span = self.document.spans.get(span_id)
        if span is None or span.label not in self.document.project.scheme.trigger_labels:
            return
        if not self.document.events_with_trigger(span.id):
            self.document.select_span(span.id)
            self.open_frame()

    def open_frame_on_tag(self) -> bool:
        return bool(self.settings.value(OPEN_FRAME_ON_TAG, True, type=bool))

    def set_open_frame_on_tag(self, on: bool) -> None:
        self.settings.setValue(OPEN_FRAME_ON_TAG, on)

    # -- mouse: Ctrl+click a span to make it an argument -------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.events_table and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # ours, not the window's "forget current span"
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.leave()
                return True
        # The stored viewport, not self.view.viewport(): while the window is torn down the
        # viewport outlives the view's Python wrapper and still sends events here.
        if (isinstance(event, QMouseEvent) and watched is self._viewport
                and event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)
                and event.button() == Qt.MouseButton.LeftButton
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
                and self.document.current_event is not None):
            return self.add_argument_at(event.position().toPoint())
        return False

    def add_argument_at(self, pos: QPoint) -> bool:
        """Ctrl+click at viewport ``pos``: add the span there to a role; True if a span was taken."""
        event = self.document.current_event
        cp = self.view.code_point_at(pos)
        if event is None or cp is None:
            return False
        scheme = self.document.project.scheme
        for shown in self.view.spans_at(cp):  # innermost first
            span = self.document.spans.get(shown.id)
            accepting = [r for r in scheme.roles if span is not None and r.accepts(span.label)]
            if span is None or span.id == event.trigger_id or not accepting:
                continue
            free = [r.name for r in accepting if span.id not in event.fillers(r.name)
                    and (r.max_count is None or len(event.fillers(r.name)) < r.max_count)]
            if not free:  # let the store say why (already there, role full)
                self.document.add_argument(event.id, accepting[0].name, span.id)
                return True
            role = free[0] if len(free) == 1 else self.choose_role(
                free, span, self.view.viewport().mapToGlobal(pos))
            if role is not None:
                self.document.add_argument(event.id, role, span.id)
            return True
        return False

    def choose_role(self, roles: list[str], span: Span, global_pos: QPoint) -> str | None:
        """Ask which role ``span`` fills: a popup menu, the first letter of a role picks it, Esc
        cancels. Tests may replace it."""
        menu = QMenu(self)
        menu.setObjectName("choose_role")
        # A popup never shows its title (only a submenu does): say what is asked in a dead first row.
        question = menu.addAction(menu_text(f"‘{quote(self.document.span_text(span))}’ as…"))
        question.setEnabled(False)
        menu.addSeparator()
        for name in roles:
            action = menu.addAction("&" + menu_text(name))
            action.setData(name)
        chosen = menu.exec(global_pos)
        return chosen.data() if chosen is not None else None

    # -- marking the article done -----------------------------------------------------------------

    def incomplete_frames(self) -> list[tuple[Event, list[str]]]:
        scheme, spans = self.document.project.scheme, self.document.spans
        found = [(e, frame_problems(e, spans, scheme)) for e in self.document.sorted_events()]
        return [(e, problems) for e, problems in found if problems]

    def confirm_done(self) -> bool:
        """True when every frame is complete or the user agrees to mark the article done anyway."""
        incomplete = self.incomplete_frames()
        if not incomplete:
            return True
        lines = []
        for event, problems in incomplete:
            trigger = self.document.spans.get(event.trigger_id)
            name = quote(self.document.span_text(trigger)) if trigger else f"event {event.id}"
            lines.append(f"• ‘{name}’ ({event.type or 'no type'}): {'; '.join(problems)}")
        count = len(incomplete)
        text = (f"{count} event frame{'s are' if count > 1 else ' is'} incomplete:\n"
                + "\n".join(lines) + "\n\nMark the article done anyway?")
        return self.ask_confirm("Incomplete event frames", text)

    def ask_confirm(self, title: str, text: str) -> bool:
        """Yes/no question; tests override it. Plain text: the message quotes article text."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes


def install_event_panel(window: QMainWindow) -> EventPanel:
    """Add the "Events" dock to ``window`` (an ``EventWindow``), its menu entries, and ``confirm_done``."""
    host = cast(EventWindow, window)
    panel = EventPanel(host.document, host.view, settings=host.settings)
    dock = QDockWidget("Events", window)
    dock.setObjectName("events_dock")  # saveState/restoreState find docks by name
    dock.setWidget(panel)
    dock.setMinimumWidth(300)
    panel.dock = dock
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    neighbour = getattr(window, "annotation_dock", None)
    if isinstance(neighbour, QDockWidget) and window.dockWidgetArea(neighbour) == window.dockWidgetArea(dock):
        # Below the span list, with the larger share: a frame has more rows than a list needs.
        window.resizeDocks([neighbour, dock], [320, 600], Qt.Orientation.Vertical)
    menu = host.view_menu
    menu.addSeparator()
    menu.addAction(dock.toggleViewAction())
    menu.addAction(panel.edit_frame_action)
    open_on_tag = QAction("Open frame when tagging EVENT", panel)
    open_on_tag.setCheckable(True)
    open_on_tag.setChecked(panel.open_frame_on_tag())
    open_on_tag.toggled.connect(panel.set_open_frame_on_tag)
    menu.addAction(open_on_tag)
    panel.open_on_tag_action = open_on_tag
    host.confirm_done = panel.confirm_done
    # Opening another project makes a new document: follow it.
    host.documentReplaced.connect(panel.set_document)
    host.schemeReloaded.connect(panel.refresh)  # a changed scheme rebuilds the open frame at once
    state = host.settings.value("window/state")
    if state is not None:
        window.restoreState(state)  # the window restored its docks before this one existed
    return panel
