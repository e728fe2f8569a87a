"""Undo for the assistance: many spans added as ONE undo step (accept all occurrences, accept all
suggestions in view), each span durable the moment the batch's transaction commits."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from gui.commands import StoreCommand
from gui.plain import menu_text, quote
from storage.assist.batch import Proposal, add_spans, remove_spans, restore_spans
from storage.assist.suggestions import Suggestion, reject, unreject
from storage.model import Span

if TYPE_CHECKING:
    from gui.document import AnnotationDocument


class AddSpansCommand(StoreCommand):
    """Tag every proposal in one transaction; undo deletes them in one; redo restores the same ids.

    Spans in other articles than the open one are written too; the document is told only about
    its own article's spans (the others are not on screen).
    """

    def __init__(self, doc: "AnnotationDocument", proposals: Sequence[Proposal], text: str) -> None:
        super().__init__(doc, text)
        self.proposals = list(proposals)
        self.spans: list[Span] | None = None

    def _here(self) -> list[Span]:
        article = self.doc.article
        return [s for s in self.spans or [] if article is not None and s.article_id == article.id]

    def _do(self) -> None:
        project = self.doc.project
        if self.spans is None:
            self.spans = add_spans(project, self.proposals, annotator=self.doc.annotator)
        else:
            self.spans = restore_spans(project, self.spans)
        for span in self._here():
            self.doc._span_added(span)

    def _undo(self) -> None:
        remove_spans(self.doc.project, self.spans or [])
        for span in self._here():
            self.doc._span_removed(span)


def push_spans(doc: "AnnotationDocument", proposals: Sequence[Proposal], text: str) -> bool:
    """Run an ``AddSpansCommand`` and put it on the undo stack; False (and why, via
    ``editRefused``) if the store refused any of the spans, in which case none was written."""
    if not proposals:
        return False
    return doc._push(AddSpansCommand(doc, proposals, text))  # the document's one way onto its stack


class RejectSuggestionsCommand(StoreCommand):
    """Remember a "no" to suggestions (stored in the project); undo forgets it. ``changed`` is
    called after either, so the overlay re-reads what is left to suggest."""

    def __init__(self, doc: "AnnotationDocument", suggestions: Sequence[Suggestion],
                 changed: Callable[[], None]) -> None:
        words = doc.text[suggestions[0].start:suggestions[0].end] if suggestions else ""
        super().__init__(doc, f"Reject suggestion ‘{menu_text(quote(words, 30))}’" if len(suggestions) == 1
                         else f"Reject {len(suggestions)} suggestions")
        self.suggestions, self.changed = list(suggestions), changed

    def _do(self) -> None:
        reject(self.doc.project, self.suggestions)
        self.changed()

    def _undo(self) -> None:
        unreject(self.doc.project, self.suggestions)
        self.changed()
