"""The event-role recommender in the window: the frame editor asks ``document.role_assist`` for
each role's candidate order and, when a frame shows, for one likely filler per empty role.

A suggested filler is drawn in its slot as a suggestion (dashed outline, italic, not numbered
while the slot is unfocused) and is never an argument until accepted: **Enter** or
**Alt+Return** in the slot accepts it (one ordinary undoable argument edit), **Alt+Shift+Return**
accepts every role's suggestion as one undo step, **Alt+Delete** rejects it. A rejection is kept
in the project (``assist_role_rejections``) and undoable; the next likely span, if any, is
offered in its place.
"""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from gui.candidates import Candidate
from gui.commands import StoreCommand
from gui.plain import menu_text, quote
from storage.assist.roles import (Filler, RoleHistory, RoleSuggestion, done_articles, likely_fillers, rank,
                                  reject_filler, rejected_fillers, role_history, unreject_filler)
from storage.assist.settings import AssistSettings
from storage.model import Event

if TYPE_CHECKING:
    from gui.document import AnnotationDocument


class RoleAssist:
    """What the frame editor asks of the event-role recommender; ``settings()`` gives the current
    switches (the master ``suggestions`` and ``roles``)."""

    def __init__(self, document: "AnnotationDocument", settings: Callable[[], AssistSettings]) -> None:
        self.document, self.settings = document, settings
        self._history: tuple[object, RoleHistory] | None = None

    @property
    def on(self) -> bool:
        settings = self.settings()
        return settings.roles and settings.suggestions

    def history(self) -> RoleHistory:
        """The done frames' counts, read again only when they can have changed: the done articles
        changed, or a frame of the open article changed while it is done (the frames of unfinished
        articles, where editing happens, do not count, so filling a role never rereads them all)."""
        project, article = self.document.project, self.document.article
        done = done_articles(project)
        editing_done = article is not None and article.status in ("done", "curated")
        key = (done, article.id if editing_done else None,
               tuple(sorted((e.id, e.type, e.arguments) for e in self.document.events.values())) if editing_done else ())
        if self._history is None or self._history[0] != key:
            self._history = (key, role_history(project))
        return self._history[1]

    def rank(self, event: Event, role: str, found: list[Candidate]) -> list[Candidate]:
        """Candidates that filled this role in done frames first; today's order otherwise."""
        if not self.on or len(found) < 2:
            return found
        text = self.document.text
        try:
            history = self.history()
        except sqlite3.ProgrammingError:  # the window is closing its project: widgets still ask
            return found
        return rank(found, lambda c: text[c.span.start:c.span.end], history, event_type=event.type, role=role)

    def suggest(self, event: Event, found: Mapping[str, Sequence[Candidate]]) -> dict[str, RoleSuggestion]:
        """One likely filler per role in ``found`` (each empty role's candidates, today's order)."""
        if not self.on:
            return {}
        trigger = self.document.spans.get(event.trigger_id)
        if trigger is None:
            return {}
        text = self.document.text
        slots = {role: [Filler(c.span.id, text[c.span.start:c.span.end], c.span.label, c.span.start < trigger.start,
                               c.same_sentence) for c in candidates]
                 for role, candidates in found.items()}
        try:
            return likely_fillers(self.history(), event.type, slots,
                                  rejected=rejected_fillers(self.document.project, event.id))
        except sqlite3.ProgrammingError:  # the window is closing its project: widgets still ask
            return {}

    def reject(self, event: Event, role: str, span_id: int) -> bool:
        """Reject ``span_id`` as ``role`` of ``event``: remembered in the project, one undo step."""
        return self.document._push(RejectFillerCommand(self.document, event.id, role, span_id))


class RejectFillerCommand(StoreCommand):
    """Remember a "no" to a suggested role filler; undo forgets it. The frame is told (its event
    "changed") so it offers the next likely filler, or the rejected one again after undo."""

    def __init__(self, doc: "AnnotationDocument", event_id: int, role: str, span_id: int) -> None:
        span = doc.spans.get(span_id)
        words = doc.text[span.start:span.end] if span is not None else "?"
        super().__init__(doc, f"Reject ‘{menu_text(quote(words, 30))}’ as {menu_text(role)}")
        self.event_id, self.role, self.span_id = event_id, role, span_id

    def _do(self) -> None:
        reject_filler(self.doc.project, self.event_id, self.role, self.span_id)
        self._tell()

    def _undo(self) -> None:
        unreject_filler(self.doc.project, self.event_id, self.role, self.span_id)
        self._tell()

    def _tell(self) -> None:
        event = self.doc.events.get(self.event_id)
        if event is not None:
            self.doc._event_changed(event)
