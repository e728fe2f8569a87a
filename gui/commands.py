"""One small QUndoCommand per user action, with mirror-image redo/undo (Orange Canvas style).

The first execution happens in ``first()``, *before* the command is pushed: PySide swallows
exceptions raised inside a C++-called ``redo()``, so a refused edit (duplicate span, wrong
label for a role) must fail there, outside the stack. Re-done commands reuse the ids the
first run got, so later commands that name those ids stay valid.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand

from gui.document import STORE_ERRORS, AnnotationDocument
from gui.plain import menu_text, quote
from storage.model import Event, RemovedSpan, SchemeError, Span, StorageError


def _quote(text: str) -> str:
    # The Edit menu shows this text: a literal "&" must not become a mnemonic.
    return menu_text(f"‘{quote(text, 40)}’")


class StoreCommand(QUndoCommand):
    """Base: ``_do``/``_undo`` talk to the store and then tell the document.

    Undo and redo run inside ``QUndoStack``, which moves its index whatever happens, so a step
    the store refuses is handled here (``_guarded``): when its target is gone or no longer fits
    (another window deleted the span, changed the scheme) the command leaves the stack and the
    status bar says why; when the refusal may pass (the disk is full, another program holds the
    lock) the stack is put back where it was, so the same Ctrl+Z tries again.
    """

    def __init__(self, doc: "AnnotationDocument", text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self._skip_next_redo = False
        self._skip_next_undo = False

    def first(self) -> None:
        """Run the edit once; raises AnnotatorError when the store refuses it."""
        self._do()
        self._skip_next_redo = True

    def redo(self) -> None:
        if self._skip_next_redo:  # push() calls redo() right after first() already ran
            self._skip_next_redo = False
            return
        self._guarded(self._do, "redo")

    def undo(self) -> None:
        if self._skip_next_undo:  # a refused redo being taken back: nothing was done
            self._skip_next_undo = False
            return
        self._guarded(self._undo, "undo")

    def _guarded(self, step: Any, verb: str) -> None:
        doc = self.doc
        why_not = doc.file_unsafe()
        try:
            if why_not is not None:
                raise StorageError(why_not)
            step()
        except STORE_ERRORS as exc:
            what = self.text().replace("&&", "&")  # the Edit menu's text, shown here as typed
            if isinstance(exc, (KeyError, SchemeError)):  # gone, or no longer fits: it never will
                doc.editRefused.emit(f"Cannot {verb} “{what}”: {doc.say(exc)}")
                self.setObsolete(True)  # QUndoStack drops it; the commands around it stay
                doc.resync()
            else:
                doc.editRefused.emit(f"Could not {verb} “{what}” yet: {doc.say(exc)} "
                                     f"(it stays on the undo stack)")
                QTimer.singleShot(0, lambda: self._step_back(verb))

    def _step_back(self, verb: str) -> None:
        """Move the stack back over this command without running it (its step was refused)."""
        stack = self.doc.undo_stack
        if verb == "undo" and stack.index() < stack.count() and stack.command(stack.index()) is self:
            self._skip_next_redo = True
            stack.redo()
        elif verb == "redo" and stack.index() > 0 and stack.command(stack.index() - 1) is self:
            self._skip_next_undo = True
            stack.undo()

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class SetStatusCommand(StoreCommand):
    """The article's status, undone back to what it was (a part of the curation view's edits)."""

    def __init__(self, doc: "AnnotationDocument", status: str, *, before: str | None = None,
                 done: bool = False) -> None:
        """``done``: the status was already written (with the edit it belongs to), from ``before``."""
        super().__init__(doc, f"Mark {status.replace('_', ' ')}")
        self.before = before if before is not None else doc.article.status if doc.article else status
        self.status = status
        self._skip_next_redo = done  # push() calls redo() at once: nothing to do again

    def _do(self) -> None:
        self.doc.set_status(self.status)

    def _undo(self) -> None:
        self.doc.set_status(self.before)


class AddSpanCommand(StoreCommand):
    def __init__(self, doc: "AnnotationDocument", start: int, end: int, label: str, *,
                 any_layer: bool = False) -> None:
        super().__init__(doc, f"Tag {_quote(doc.text[start:end])} as {label}")
        self.article_id = doc.article.id if doc.article else -1
        self.start, self.end, self.label = start, end, label
        self.any_layer = any_layer  # the tag is refused if another layer has the span (Project.add_span)
        self.span: Span | None = None

    def _do(self) -> None:
        span = self.doc.project.add_span(
            self.article_id, self.start, self.end, self.label, annotator=self.doc.annotator,
            span_id=self.span.id if self.span else None,
            created=self.span.created if self.span else None,
            any_layer=self.any_layer and self.span is None)  # the tag itself, not its redo
        self.span = span
        self.doc._span_added(span)
        self.doc.select_span(span.id)

    def _undo(self) -> None:
        assert self.span is not None
        self.doc.project.remove_span(self.span.id)
        self.doc._span_removed(self.span)


class RemoveSpanCommand(StoreCommand):
    def __init__(self, doc: "AnnotationDocument", span_id: int) -> None:
        span = doc.spans[span_id]
        super().__init__(doc, f"Delete {span.label} {_quote(doc.span_text(span))}")
        self.span_id = span_id
        self.removed: RemovedSpan | None = None

    def _do(self) -> None:
        self.removed = self.doc.project.remove_span(self.span_id)
        self.doc._span_removed(self.removed.span)

    def _undo(self) -> None:
        assert self.removed is not None
        span = self.doc.project.restore_span(self.removed)
        self.doc._span_added(span)
        for event in self.removed.triggered_events:
            self.doc._event_changed(self.doc.project.event(event.id))
        for event_id, _argument in self.removed.filled:
            self.doc._event_changed(self.doc.project.event(event_id))
        self.doc.select_span(span.id)


class ChangeLabelCommand(StoreCommand):
    def __init__(self, doc: "AnnotationDocument", span_id: int, label: str) -> None:
        span = doc.spans[span_id]
        super().__init__(doc, f"Relabel {_quote(doc.span_text(span))} as {label}")
        self.span_id, self.old, self.new = span_id, span.label, label
        # A gold span taken from an annotator is the curator's once relabelled; undo says "taken" again.
        self.old_taken_from = doc.project.span_taken_from(span_id)

    def _set(self, label: str, taken_from: str | None = None) -> None:
        self.doc._span_changed(self.doc.project.change_span_label(self.span_id, label, taken_from=taken_from))

    def _do(self) -> None:
        self._set(self.new)

    def _undo(self) -> None:
        self._set(self.old, self.old_taken_from)


class CreateEventCommand(StoreCommand):
    def __init__(self, doc: "AnnotationDocument", trigger_id: int, event_type: str | None) -> None:
        trigger = doc.spans[trigger_id]
        super().__init__(doc, f"Create event on {_quote(doc.span_text(trigger))}")
        self.trigger_id, self.event_type = trigger_id, event_type
        self.event: Event | None = None

    def _do(self) -> None:
        if self.event is None:
            self.event = self.doc.project.add_event(
                self.trigger_id, type=self.event_type, annotator=self.doc.annotator)
        else:
            self.event = self.doc.project.restore_event(self.event)
        self.doc._event_changed(self.event)
        self.doc.select_event(self.event.id)

    def _undo(self) -> None:
        assert self.event is not None
        self.event = self.doc.project.remove_event(self.event.id)
        self.doc._event_removed(self.event.id)


class RemoveEventCommand(StoreCommand):
    def __init__(self, doc: "AnnotationDocument", event_id: int) -> None:
        event = doc.events[event_id]
        trigger = doc.spans.get(event.trigger_id)
        super().__init__(doc, f"Delete event {_quote(doc.span_text(trigger)) if trigger else event_id}")
        self.event = event

    def _do(self) -> None:
        self.event = self.doc.project.remove_event(self.event.id)
        self.doc._event_removed(self.event.id)

    def _undo(self) -> None:
        event = self.doc.project.restore_event(self.event)
        self.doc._event_changed(event)
        self.doc.select_event(event.id)


class SetEventTypeCommand(StoreCommand):
    def __init__(self, doc: "AnnotationDocument", event_id: int, event_type: str | None) -> None:
        super().__init__(doc, f"Set event type to {event_type or 'none'}")
        self.event_id, self.old, self.new = event_id, doc.events[event_id].type, event_type
        self.old_taken_from = doc.project.event_taken_from(event_id)  # a taken gold frame: the curator's once changed

    def _do(self) -> None:
        self.doc._event_changed(self.doc.project.set_event_type(self.event_id, self.new))

    def _undo(self) -> None:
        self.doc._event_changed(self.doc.project.set_event_type(self.event_id, self.old,
                                                                taken_from=self.old_taken_from))


class SetAttributeCommand(StoreCommand):
    def __init__(self, doc: "AnnotationDocument", event_id: int, name: str, value: Any) -> None:
        super().__init__(doc, f"Set {name} to {value if value is not None else 'none'}")
        self.event_id, self.name = event_id, name
        self.old, self.new = doc.events[event_id].attributes.get(name), value
        self.old_taken_from = doc.project.event_taken_from(event_id)

    def _do(self) -> None:
        self.doc._event_changed(self.doc.project.set_event_attribute(self.event_id, self.name, self.new))

    def _undo(self) -> None:
        self.doc._event_changed(self.doc.project.set_event_attribute(self.event_id, self.name, self.old,
                                                                     taken_from=self.old_taken_from))


class AddArgumentCommand(StoreCommand):
    """One filler added; a taken gold frame becomes the curator's (``taken_from`` cleared), and undo
    gives its provenance back, as a retyped frame's (``SetEventTypeCommand``)."""

    def __init__(self, doc: "AnnotationDocument", event_id: int, role: str, span_id: int) -> None:
        super().__init__(doc, f"Add {_quote(doc.span_text(doc.spans[span_id]))} as {role}")
        self.event_id, self.role, self.span_id = event_id, role, span_id
        self.old_taken_from = doc.project.event_taken_from(event_id)

    def _add(self, taken_from: str | None) -> None:
        self.doc._event_changed(self.doc.project.add_argument(self.event_id, self.role, self.span_id,
                                                              taken_from=taken_from))

    def _remove(self, taken_from: str | None) -> None:
        self.doc._event_changed(self.doc.project.remove_argument(self.event_id, self.role, self.span_id,
                                                                 taken_from=taken_from))

    def _do(self) -> None:
        self._add(None)

    def _undo(self) -> None:
        self._remove(self.old_taken_from)


class RemoveArgumentCommand(AddArgumentCommand):
    def __init__(self, doc: "AnnotationDocument", event_id: int, role: str, span_id: int) -> None:
        super().__init__(doc, event_id, role, span_id)
        self.setText(f"Remove {role} {_quote(doc.span_text(doc.spans[span_id]))}")

    def _do(self) -> None:
        self._remove(None)

    def _undo(self) -> None:
        self._add(self.old_taken_from)


class SetSpanAttributeCommand(StoreCommand):
    def __init__(self, doc: "AnnotationDocument", span_id: int, name: str, value: Any) -> None:
        span = doc.spans[span_id]
        shown = ", ".join(value) if isinstance(value, list) else value
        super().__init__(doc, f"Set {name} of {_quote(doc.span_text(span))} to "
                              f"{menu_text(str(shown)) if shown else 'none'}")
        self.span_id, self.name = span_id, name
        self.old, self.new = span.attributes.get(name), value

    def _set(self, value: Any) -> None:
        self.doc._span_changed(self.doc.project.set_span_attribute(self.span_id, self.name, value))

    def _do(self) -> None:
        self._set(self.new)

    def _undo(self) -> None:
        self._set(self.old)


class SetArticleAttributeCommand(StoreCommand):
    """The open article's own attribute (its PLOVER contexts)."""

    def __init__(self, doc: "AnnotationDocument", article_id: int, name: str, value: Any) -> None:
        shown = ", ".join(value) if isinstance(value, list) else value
        super().__init__(doc, f"Set the article's {name} to {menu_text(str(shown)) if shown else 'none'}")
        self.article_id, self.name = article_id, name
        self.old, self.new = doc.article_attributes.get(name), value

    def _set(self, value: Any) -> None:
        self.doc._article_attributes_changed(self.doc.project.set_article_attribute(self.article_id, self.name, value))

    def _do(self) -> None:
        self._set(self.new)

    def _undo(self) -> None:
        self._set(self.old)
