"""Suggestions computed on demand for any articles (``assist suggest``, the bench): the dictionary
as the window computes it, and the model run live, so articles imported after training get them too."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from storage.assist.dictionary import build_dictionary
from storage.assist.model import load_model, missing_dependency, suggest_texts
from storage.assist.settings import load_settings
from storage.assist.suggestions import Suggestion, keep_new, rejected
from storage.assist.suggestions import article_suggestions
from storage.project import Project


def live_suggestions(project: Project, article_ids: Iterable[int], *, nlp: Any = None) -> Iterator[tuple[int, str, Suggestion]]:
    """(article id, its text, suggestion) for each article in turn, best first per place."""
    settings = load_settings(project)
    dictionary = build_dictionary(project, settings)
    if nlp is None and settings.model and settings.suggestions and missing_dependency() is None:
        nlp = load_model(project)
    no_model = settings.__class__(**{**settings.__dict__, "model": False})
    for article_id in article_ids:
        text = project.article(article_id).text
        spans = [(s.start, s.end) for s in project.spans(article_id)]
        found = article_suggestions(project, article_id, text, spans, settings=no_model, dictionary=dictionary)
        if nlp is not None and settings.suggestions:
            model = [s for s in suggest_texts(nlp, [(article_id, text)]) if s.score >= settings.model_threshold]
            found = keep_new([*found, *model], spans, rejected(project, article_id))
        for suggestion in found:
            yield article_id, text, suggestion
