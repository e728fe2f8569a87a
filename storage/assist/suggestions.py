"""Suggestions: spans a recommender proposes, shown apart from annotations until accepted.

Dictionary suggestions are computed when an article opens (they must follow every span the
project gains, and matching is fast: see ``dictionary``); the model's are computed by the training
process for every unfinished article and stored in ``assist_suggestions`` (running spaCy in the
window would stall it on a long article). Neither is an annotation: exports read ``spans`` only,
so a suggestion reaches an export only once accepted, as a span with origin
``suggestion:<recommender>``. A rejection is stored (``assist_rejections``) and never proposed again.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

from storage.assist.batch import Proposal
from storage.assist.dictionary import RECOMMENDER as DICTIONARY, Dictionary
from storage.assist.origin import suggestion_origin
from storage.assist.overlap import Taken
from storage.assist.settings import AssistSettings
from storage.project import Project, now

MODEL = "model"


class Suggestion(NamedTuple):
    article_id: int
    start: int
    end: int
    label: str
    recommender: str
    score: float

    def proposal(self) -> Proposal:
        return Proposal(self.article_id, self.start, self.end, self.label, suggestion_origin(self.recommender))


def rejected(project: Project, article_id: int) -> set[tuple[int, int, str]]:
    return {tuple(row) for row in project.db.execute(  # type: ignore[misc]
        'SELECT start, "end", label FROM assist_rejections WHERE article_id = ?', [article_id])}


def reject(project: Project, suggestions: Iterable[Suggestion]) -> None:
    """Remember that the user said no: these are not proposed again (one transaction)."""
    stamp = now()
    with project.transaction():
        project.db.conn.executemany(
            'INSERT OR IGNORE INTO assist_rejections (article_id, start, "end", label, recommender, created) '
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(s.article_id, s.start, s.end, s.label, s.recommender, stamp) for s in suggestions])


def unreject(project: Project, suggestions: Iterable[Suggestion]) -> None:
    """Undo ``reject``."""
    with project.transaction():
        project.db.conn.executemany(
            'DELETE FROM assist_rejections WHERE article_id = ? AND start = ? AND "end" = ? AND label = ?',
            [(s.article_id, s.start, s.end, s.label) for s in suggestions])


def stored_suggestions(project: Project, article_id: int, *, recommender: str = MODEL,
                       threshold: float = 0.0) -> list[Suggestion]:
    return [Suggestion(*row) for row in project.db.execute(
        'SELECT article_id, start, "end", label, recommender, score FROM assist_suggestions '
        'WHERE article_id = ? AND recommender = ? AND score >= ? ORDER BY start, "end"',
        [article_id, recommender, threshold])]


def store_suggestions(project: Project, suggestions: Iterable[Suggestion], *, recommender: str = MODEL,
                      article_ids: Iterable[int] | None = None) -> None:
    """Replace ``recommender``'s stored suggestions (for ``article_ids``, default all) in one transaction."""
    with project.transaction():
        if article_ids is None:
            project.db.execute("DELETE FROM assist_suggestions WHERE recommender = ?", [recommender])
        else:
            project.db.conn.executemany("DELETE FROM assist_suggestions WHERE recommender = ? AND article_id = ?",
                                   [(recommender, a) for a in article_ids])
        project.db.conn.executemany(
            'INSERT OR REPLACE INTO assist_suggestions (article_id, start, "end", label, recommender, score) '
            "VALUES (?, ?, ?, ?, ?, ?)", [tuple(s) for s in suggestions])


def keep_new(suggestions: Iterable[Suggestion], spans: Iterable[tuple[int, int]],
             rejections: set[tuple[int, int, str]]) -> list[Suggestion]:
    """Drop what the user has settled: suggestions overlapping a span, rejected ones, and repeats
    of one (start, end, label) by several recommenders (the best score stays). Text order."""
    taken = Taken(spans)
    best: dict[tuple[int, int, str], Suggestion] = {}
    for suggestion in suggestions:
        key = (suggestion.start, suggestion.end, suggestion.label)
        if key in rejections or taken.overlaps(suggestion.start, suggestion.end):
            continue
        if key not in best or suggestion.score > best[key].score:
            best[key] = suggestion
    return sorted(best.values(), key=lambda s: (s.start, -s.end, s.label))


def article_suggestions(project: Project, article_id: int, text: str, spans: Iterable[tuple[int, int]], *,
                        settings: AssistSettings, dictionary: Dictionary | None) -> list[Suggestion]:
    """What the enabled recommenders suggest for one article, minus what the user has settled."""
    if not settings.suggestions:
        return []
    found: list[Suggestion] = []
    if settings.dictionary and dictionary is not None:
        found.extend(Suggestion(article_id, start, end, label, DICTIONARY, score)
                     for start, end, label, score in dictionary.match(text))
    if settings.model:
        found.extend(stored_suggestions(project, article_id, threshold=settings.model_threshold))
    return keep_new(found, spans, rejected(project, article_id))
