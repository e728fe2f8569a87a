"""Annotate all occurrences: every other place a span's text appears, in one article or the project.

A match must start and end on word boundaries (``Velmora`` is not found inside ``Velmoran``) when
the text's first and last characters are word characters; matching ignores case unless asked not
to. An occurrence that overlaps any existing span is left out: the user has already decided what
that stretch of text is. The window lists what ``find_occurrences`` returns for review, and
``storage.assist.batch.add_spans`` writes the chosen ones in ONE transaction, so they are durable together and
one undo removes them together.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from storage.assist.batch import Proposal
from storage.assist.origin import suggestion_origin
from storage.assist.overlap import Taken
from storage.model import Span
from storage.project import Project

ORIGIN = suggestion_origin("occurrences")
CONTEXT_CHARS = 40  # of text shown either side of an occurrence in the review list


@dataclass(frozen=True)
class Occurrence:
    """One proposed span: where it is, what it would be tagged, and the text around it."""

    article_id: int
    article_title: str
    start: int
    end: int
    label: str
    before: str
    match: str
    after: str

    def proposal(self) -> Proposal:
        return Proposal(self.article_id, self.start, self.end, self.label, ORIGIN)


def pattern(needle: str, *, match_case: bool) -> re.Pattern[str]:
    """A regex for ``needle`` as a whole word (or words): boundaries only where it has word chars."""
    head = r"(?<!\w)" if re.match(r"\w", needle) else ""
    tail = r"(?!\w)" if re.search(r"\w\Z", needle) else ""
    return re.compile(head + re.escape(needle) + tail, 0 if match_case else re.IGNORECASE)


def occurrences_in_text(text: str, needle: str, spans: Iterable[tuple[int, int]], *,
                        match_case: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each whole-word occurrence of ``needle`` in ``text`` overlapping no span."""
    if not needle.strip():
        return []
    taken = Taken(spans)
    found = []
    for match in pattern(needle, match_case=match_case).finditer(text):
        if not taken.overlaps(*match.span()):
            found.append(match.span())
    return found


def find_occurrences(project: Project, span: Span, *, whole_project: bool = False,
                     match_case: bool = False) -> list[Occurrence]:
    """Occurrences of ``span``'s text to tag with its label: in its article, or in every article.

    Articles are pre-filtered in SQL (``instr`` or ``LIKE``), so a large project loads only the
    texts that can hold the words.
    """
    needle = project.article(span.article_id).text[span.start:span.end]
    if whole_project:
        if match_case:
            where, params = "instr(text, ?) > 0", [needle]
        elif needle.isascii():  # LIKE folds ASCII case only
            escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where, params = "text LIKE ? ESCAPE '\\'", [f"%{escaped}%"]
        else:
            where, params = "1", []
        ids = [row[0] for row in project.db.execute(f"SELECT id FROM articles WHERE {where} ORDER BY id",
                                                    params)]
    else:
        ids = [span.article_id]
    result: list[Occurrence] = []
    for article_id in ids:
        article = project.article(article_id)
        spans = [(s.start, s.end) for s in project.spans(article_id)]
        for start, end in occurrences_in_text(article.text, needle, spans, match_case=match_case):
            text = article.text
            result.append(Occurrence(
                article_id, article.title, start, end, span.label,
                text[max(0, start - CONTEXT_CHARS):start].replace("\n", " "), text[start:end],
                text[end:end + CONTEXT_CHARS].replace("\n", " ")))
    return result
