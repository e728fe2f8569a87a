"""The model's suggestions on demand: ``python -m storage.assist.suggest_process --project FILE``.

The training process stores suggestions for the articles unfinished at the time; an article
imported later (or suggested by an older model) has none for the current model. The window
(``gui.assist.live_model``) starts this process the first time it opens such an article and writes
article ids to its stdin, one per line; for each, this process runs the model and stores the
suggestions in one transaction that checks the model is still the one it loaded (after a retrain
it loads the new one), then prints ``{"stage": "suggested", "article": ID, "count": N}``. It ends
when stdin closes. So spaCy never runs in the window, which keeps opening an article within 50 ms.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from storage.assist.model import load_model, model_version, needs_suggestions, store_article_suggestions, suggest_texts
from storage.model import AnnotatorError
from storage.project import Project


def _emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def serve(project: Project, requests: TextIO) -> None:
    """Answer each article id read from ``requests`` until it ends."""
    nlp: Any = None
    loaded: str | None = None
    for line in requests:
        try:
            article_id = int(line)
        except ValueError:
            continue
        try:
            count = 0
            for _ in range(2):  # a retrain between loading and storing: load the new model, once
                version = model_version(project)
                if version is None or not needs_suggestions(project, article_id):
                    break
                if version != loaded:
                    nlp, loaded = load_model(project), version
                found = suggest_texts(nlp, [(article_id, project.article(article_id).text)])
                if store_article_suggestions(project, version, found, [article_id]):
                    count = len(found)
                    break
            _emit({"stage": "suggested", "article": article_id, "count": count})
        except (AnnotatorError, KeyError) as exc:
            _emit({"stage": "error", "article": article_id, "message": str(exc)})


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage.assist.suggest_process")
    parser.add_argument("--project", required=True)
    args = parser.parse_args(argv)
    try:
        with Project.open(args.project) as project:
            serve(project, sys.stdin)
    except AnnotatorError as exc:
        _emit({"stage": "error", "message": str(exc)})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run())
