"""The open article as the window sees it: one Qt object between the widgets and the store.

Widgets never call the store to change anything; they call the user-level operations here
(``tag``, ``delete_span``, ``relabel``, ``create_event``…), each of which pushes one small
undo command (``gui.commands``). Commands call the store, which commits before returning,
and then tell this object, which updates its cache and emits a signal; views repaint from
the signal. So what the window shows is always what is on disk.
"""
from __future__ import annotations

import gc
import sqlite3
from contextlib import nullcontext
from dataclasses import replace
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from gui.spans import span_order
from storage.model import AnnotatorError, Article, Event, Span, StorageError
from storage.project import Project
from storage.sqlite_errors import plain_error
from storage.team.gc_pause import paused_gc

# What the store can raise when the file, the disk or another program refuses an edit.
STORE_ERRORS = (AnnotatorError, KeyError, sqlite3.Error)


class AnnotationDocument(QObject):
    """The current article, its spans and events, the current selection, and the undo stack."""

    articleOpened = Signal(object)  # Article | None
    spanAdded = Signal(object)  # Span
    spanRemoved = Signal(object)  # Span
    spanChanged = Signal(object)  # Span, after a label change
    eventChanged = Signal(object)  # Event, after create/edit/restore
    eventRemoved = Signal(int)  # event id
    currentSpanChanged = Signal(object)  # Span | None
    currentEventChanged = Signal(object)  # Event | None
    statusChanged = Signal(int, str)  # article id, status
    editRefused = Signal(str)  # a readable reason why an edit did not happen
    fileReopened = Signal(str)  # why the project file was reopened before a write (storage.locks)
    articleAttributesChanged = Signal(object)  # dict: the open article's own attributes (PLOVER contexts)

    def __init__(self, project: Project, *, annotator: str | None = None, layer: str | None = None,
                 status_undoable: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        # Show only this layer's spans and events (the curation view's gold; in a master, the layer
        # the window's chooser shows: gui.layer_view); None: every layer. "" is the unnamed layer.
        self.layer = layer
        self.read_only: str | None = None  # why every edit is refused (all layers shown), or None
        # Whose status the article shows and its status keys set: None, the article's own (an
        # ordinary project, gold); else a recorded annotator layer's (storage.team.layer_status).
        self.status_layer: str | None = None
        # Called with an article's id before its spans are read, to set ``layer``, ``annotator``
        # and ``read_only`` for it (the window's layer chooser): the article is read once.
        self.before_open: Callable[[int], None] | None = None
        # The curation view's gold: the status an edit moves the article to is undone with it (_push).
        self.status_undoable = status_undoable
        self.undo_stack = QUndoStack(self)
        self.article: Article | None = None
        self.spans: dict[int, Span] = {}
        self.events: dict[int, Event] = {}
        self.current_span_id: int | None = None
        self.current_event_id: int | None = None
        # The event-role recommender (gui.assist.roles_ui.RoleAssist: rank, suggest, reject), set by
        # gui/assist; None leaves the frame editor's candidate order as it is and suggests nothing.
        self.role_assist: Any | None = None
        self.article_attributes: dict[str, Any] = {}

    # -- reading -----------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self.article.text if self.article else ""

    def span_text(self, span: Span) -> str:
        return self.text[span.start:span.end]

    def sorted_spans(self) -> list[Span]:
        return sorted(self.spans.values(), key=span_order)

    def sorted_events(self) -> list[Event]:
        return sorted(self.events.values(),
                      key=lambda e: (self.spans[e.trigger_id].start if e.trigger_id in self.spans else 0, e.id))

    def events_with_trigger(self, span_id: int) -> list[Event]:
        return [e for e in self.sorted_events() if e.trigger_id == span_id]

    @property
    def current_span(self) -> Span | None:
        return self.spans.get(self.current_span_id) if self.current_span_id is not None else None

    @property
    def current_event(self) -> Event | None:
        return self.events.get(self.current_event_id) if self.current_event_id is not None else None

    # -- navigation --------------------------------------------------------------------------

    def open_article(self, article_id: int | None) -> None:
        """Load an article (or none); the undo history belongs to one article, so it is cleared.

        The cyclic collector is paused meanwhile (``storage.team.gc_pause``): a big article's spans,
        and what the views build for them on ``articleOpened``, are tens of thousands of small
        objects in no cycle; they are filed with the oldest objects at the end, so the collector
        does not promote them through its young generations in the user's next key press. The
        young garbage is collected first, before and after: a Qt wrapper's cycle filed with the
        oldest would wait for a full collection, which may come after Qt deleted its widget (the
        test suite crashed in one)."""
        gc.collect(1)  # what came before left as garbage, while everything it points to is there
        with paused_gc():
            self._open_article(article_id)
            gc.collect(0)  # what opening left as garbage, before the rest is filed with the oldest

    def _open_article(self, article_id: int | None) -> None:
        self.undo_stack.clear()
        self.current_span_id = None
        self.current_event_id = None
        if article_id is not None and self.before_open is not None:
            self.before_open(article_id)
        if article_id is None:
            self.article, self.spans, self.events = None, {}, {}
        else:
            self.article = self.project.article(article_id, status_layer=self.status_layer)
            self.spans = {s.id: s for s in self.project.spans(article_id, layer=self.layer)}
            self.events = {e.id: e for e in self.project.events(article_id, layer=self.layer)}
        self.article_attributes = self.project.article_attributes(article_id) if article_id is not None else {}
        self.articleOpened.emit(self.article)
        self.currentSpanChanged.emit(None)
        self.currentEventChanged.emit(None)

    def take_in_changes(self) -> bool:
        """Show what another window or process changed in this article; True if anything had.

        Only the differences are signalled, by id, as if this window had made them: views
        update in place (selection and scroll stay) and the undo history stays. An undo whose
        target is gone since says so when it runs (``gui.commands``). A deleted article closes.
        """
        if self.article is None:
            return False
        try:
            article = self.project.article(self.article.id, status_layer=self.status_layer)
        except KeyError:  # deleted elsewhere (MissingError)
            self.open_article(None)
            return True
        spans = {s.id: s for s in self.project.spans(article.id, layer=self.layer)}
        events = {e.id: e for e in self.project.events(article.id, layer=self.layer)}
        # Mirrors the order of the window's own edits: listeners never see an event that names
        # a span they have not been told about, nor a span gone while an event still names it.
        gone_events = [i for i in self.events if i not in events]
        for event_id in gone_events:
            self._event_removed(event_id)
        new_spans = [s for i, s in spans.items() if self.spans.get(i) != s]
        for span in new_spans:
            (self._span_changed if span.id in self.spans else self._span_added)(span)
        new_events = [e for i, e in events.items() if self.events.get(i) != e]
        for event in new_events:
            self._event_changed(event)
        gone_spans = [self.spans.pop(i) for i in list(self.spans) if i not in spans]
        for span in gone_spans:
            if self.current_span_id == span.id:
                self.select_span(None)
            self.spanRemoved.emit(span)
        status_changed = article != self.article
        self.article = article
        if status_changed:
            self.statusChanged.emit(article.id, article.status)
        return bool(gone_events or new_spans or new_events or gone_spans or status_changed)

    def reload(self) -> None:
        """Re-read the article from scratch; the undo history goes (see ``take_in_changes``)."""
        if self.article is not None:
            current_span, current_event = self.current_span_id, self.current_event_id
            self.open_article(self.article.id)
            if current_span in self.spans:
                self.select_span(current_span)
            if current_event in self.events:
                self.select_event(current_event)

    def select_span(self, span_id: int | None) -> None:
        """Make a span current; selecting a trigger makes its (first) event current too."""
        self.current_span_id = span_id if span_id in self.spans else None
        self.currentSpanChanged.emit(self.current_span)
        triggered = self.events_with_trigger(span_id) if span_id is not None else []
        if triggered:
            self.select_event(triggered[0].id)
        elif span_id is not None and self.current_event_id is not None:
            # Selecting an argument of the current event keeps the event selected.
            event = self.current_event
            if event is None or span_id not in {a.span_id for a in event.arguments}:
                self.select_event(None)

    def select_event(self, event_id: int | None) -> None:
        self.current_event_id = event_id if event_id in self.events else None
        self.currentEventChanged.emit(self.current_event)

    def set_status(self, status: str) -> None:
        """Set the article's status (the shown layer's: ``status_layer``); raises AnnotatorError (in
        words) when it cannot be saved, or when every layer is shown at once (``read_only``)."""
        if self.article is None:
            return
        if self.read_only is not None:
            raise AnnotatorError(self.read_only)
        why_not = self.file_unsafe()
        if why_not is not None:
            raise StorageError(f"Not saved: {why_not}")
        try:
            self.project.set_status(self.article.id, status, layer=self.status_layer)
            self.article = self.project.article(self.article.id, status_layer=self.status_layer)
        except sqlite3.Error as exc:
            raise self.plain(exc) from exc
        self.statusChanged.emit(self.article.id, status)

    # -- the file under the edits ------------------------------------------------------------

    def file_unsafe(self) -> str | None:
        """Before a write: None when the project file is safe to write through this connection,
        else why not. Lost locks or a WAL replaced by another program (``storage.locks``: e.g.
        something in this process opened and closed the file) are repaired by reopening the
        file when that works; an edit is never written into a deleted file."""
        problem = self.project.file_problem()
        if problem is None:
            return None
        try:
            self.project.reconnect()
            still = self.project.file_problem()
        except STORE_ERRORS as exc:
            return f"{problem.message}, and reopening it failed: {self.say(exc)}"
        if still is not None:  # e.g. an import of this window still has the file open
            return f"{still.message}; wait for the import or export to end, or reopen the project"
        self.fileReopened.emit(f"{problem.message}; reopened it, nothing was lost")
        return None

    def say(self, exc: BaseException) -> str:
        """A store error in words for the status bar: the open project goes without saying."""
        text = str(self.plain(exc))
        path = self.project.path
        return text.replace(f"{path}: ", "") if path is not None else text

    def plain(self, exc: BaseException) -> AnnotatorError:
        """A store error as our error type, in the user's words."""
        if isinstance(exc, AnnotatorError):
            return exc
        if isinstance(exc, sqlite3.DatabaseError):
            plain = plain_error(self.project.path, exc)
            if isinstance(plain, AnnotatorError):
                return plain
        if isinstance(exc, KeyError):  # a row looked up by id is gone
            return StorageError(f"{exc.args[0] if exc.args else exc} (deleted, perhaps in another window)")
        return StorageError(f"the project could not be read or written ({exc})")

    # -- user-level edits: each pushes one undoable command --------------------------------

    def _push(self, command: Any) -> bool:
        """Run a command once and, if the store accepted it, put it on the undo stack.

        The one place the window's edits reach the store: whatever the store, the disk or
        another program refuses ends here as a message (``editRefused``), never as a traceback.
        """
        if self.read_only is not None:
            self.editRefused.emit(self.read_only)
            return False
        why_not = self.file_unsafe()
        if why_not is not None:
            self.editRefused.emit(f"Not saved: {why_not}")
            return False
        article = self.article
        # The first edit of a ``new`` article makes it ``in_progress``; merely opening it does not.
        # The status is written inside the edit's own transaction (one commit, the status never
        # without the edit, and no second commit rewriting the article's row), and shown with it.
        starting = self.project.starting(article.id, layer=self.status_layer) \
            if article is not None and article.status == "new" else nullcontext()
        try:
            with starting as started:
                command.first()
        except STORE_ERRORS as exc:
            self.editRefused.emit(self.say(exc))
            if not isinstance(exc, AnnotatorError) or isinstance(exc, KeyError):
                self.resync()  # what is shown may be behind the file: show the file
            return False
        if started is None or not (started.committed and started.result) or self.article is None \
                or self.article.id != article.id:
            self.undo_stack.push(command)
            return True
        self.article = replace(self.article, **started.result)  # as written: the 1 MB text is not read again
        if self.status_undoable:
            self._push_with_status(command)
        else:
            # Undo does not turn the article back to ``new``: someone has worked on it, and the
            # list should show that (a status is not an undo step in the main window).
            self.undo_stack.push(command)
        self.statusChanged.emit(article.id, "in_progress")
        return True

    def _push_with_status(self, command: Any) -> None:
        """Push ``command`` and the ``in_progress`` it gave a ``new`` article (both done, by one
        commit) as one undo step: in the curation view one Ctrl+Z takes a decision or an edit
        back completely."""
        from gui.commands import SetStatusCommand

        self.undo_stack.beginMacro(command.text())
        try:
            self.undo_stack.push(command)
            self.undo_stack.push(SetStatusCommand(self, "in_progress", before="new", done=True))
        finally:
            self.undo_stack.endMacro()

    def resync(self) -> None:
        """After a failed step: bring the cache back to what is on disk, if the disk lets us."""
        try:
            self.take_in_changes()
        except STORE_ERRORS as exc:
            self.editRefused.emit(self.say(exc))

    def tag(self, start: int, end: int, label: str) -> bool:
        from gui.commands import AddSpanCommand

        # The file allows the same span once per annotator layer. A document of one layer holds
        # exactly what the file would refuse; one showing every layer (an ordinary project) calls
        # a span it already shows a duplicate, whoever made it: the store checks that inside the
        # write's transaction, by index. Read-only says so in _push.
        return self._push(AddSpanCommand(self, start, end, label, any_layer=self.layer is None))

    def delete_span(self, span_id: int) -> bool:
        from gui.commands import RemoveSpanCommand

        return self._push(RemoveSpanCommand(self, span_id))

    def relabel(self, span_id: int, label: str) -> bool:
        from gui.commands import ChangeLabelCommand

        return self._push(ChangeLabelCommand(self, span_id, label))

    def set_span_attribute(self, span_id: int, name: str, value: Any) -> bool:
        from gui.commands import SetSpanAttributeCommand

        return self._push(SetSpanAttributeCommand(self, span_id, name, value))

    def set_article_attribute(self, name: str, value: Any) -> bool:
        from gui.commands import SetArticleAttributeCommand

        if self.article is None:
            return False
        return self._push(SetArticleAttributeCommand(self, self.article.id, name, value))

    def _article_attributes_changed(self, values: dict[str, Any]) -> None:
        self.article_attributes = dict(values)
        self.articleAttributesChanged.emit(self.article_attributes)

    def create_event(self, trigger_id: int, event_type: str | None = None) -> bool:
        from gui.commands import CreateEventCommand

        return self._push(CreateEventCommand(self, trigger_id, event_type))

    def set_event_type(self, event_id: int, event_type: str | None) -> bool:
        from gui.commands import SetEventTypeCommand

        return self._push(SetEventTypeCommand(self, event_id, event_type))

    def set_event_attribute(self, event_id: int, name: str, value: Any) -> bool:
        from gui.commands import SetAttributeCommand

        return self._push(SetAttributeCommand(self, event_id, name, value))

    def add_argument(self, event_id: int, role: str, span_id: int) -> bool:
        from gui.commands import AddArgumentCommand

        return self._push(AddArgumentCommand(self, event_id, role, span_id))

    def remove_argument(self, event_id: int, role: str, span_id: int) -> bool:
        from gui.commands import RemoveArgumentCommand

        return self._push(RemoveArgumentCommand(self, event_id, role, span_id))

    def delete_event(self, event_id: int) -> bool:
        from gui.commands import RemoveEventCommand

        return self._push(RemoveEventCommand(self, event_id))

    # -- called by commands after the store committed --------------------------------------

    def _span_added(self, span: Span) -> None:
        self.spans[span.id] = span
        self.spanAdded.emit(span)

    def _span_removed(self, span: Span) -> None:
        self.spans.pop(span.id, None)
        dropped = [e.id for e in self.events.values() if e.trigger_id == span.id]
        for event_id in dropped:
            self._event_removed(event_id)
        for event_id, event in list(self.events.items()):
            if any(a.span_id == span.id for a in event.arguments):
                self._event_changed(self.project.event(event_id))
        if self.current_span_id == span.id:
            self.select_span(None)
        self.spanRemoved.emit(span)

    def _span_changed(self, span: Span) -> None:
        self.spans[span.id] = span
        self.spanChanged.emit(span)

    def _event_changed(self, event: Event) -> None:
        self.events[event.id] = event
        self.eventChanged.emit(event)
        if event.id == self.current_event_id:
            self.currentEventChanged.emit(event)

    def _event_removed(self, event_id: int) -> None:
        self.events.pop(event_id, None)
        self.eventRemoved.emit(event_id)
        if self.current_event_id == event_id:
            self.select_event(None)
