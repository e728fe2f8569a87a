"""A long article's suggestions, computed outside the window: ``python -m storage.assist.match_process --project FILE``.

A dictionary of short entries matches tens of thousands of words in a 1 MB article: ~650 ms of
CPU (measured with the window bench's 2,681-entry dictionary: 81,611 suggestions), which on the
window's thread stalled the first key presses after opening, and on a worker thread competed for
the GIL with the next article's opening. So the window (``gui.assist.match_runner``) writes
requests to this process's stdin, one JSON line each (``{"article": ID, "revision": N, "layer":
null}``), the way ``suggest_process`` serves the model; for each, this process reads the project
(read-only, through SQLite: the spans and rejections committed by then), computes exactly what the
window would (``article_suggestions``, its dictionary kept between requests until the project's
spans or lists change) and prints one JSON line (``SuggestionTable.header`` plus ``"stage":
"suggested"`` and the request's revision) followed by the table's bytes, or ``{"stage": "error",
…}``. The window kills it when the article changes under a computation (a stale one is never
finished), and drops any answer whose article or revision is not the one it waits for.
It ends when stdin closes.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from typing import Any, BinaryIO, Iterable

from storage.assist.dictionary import DictionaryCache
from storage.assist.settings import load_settings
from storage.assist.suggestion_table import SuggestionTable
from storage.assist.suggestions import article_suggestions
from storage.model import AnnotatorError
from storage.project import Project


def _write(out: BinaryIO, header: dict[str, Any], payload: bytes = b"") -> None:
    out.write(json.dumps(header).encode() + b"\n" + payload)
    out.flush()


def answer(project: Project, dictionaries: DictionaryCache, article_id: int, *,
           layer: str | None = None) -> SuggestionTable:
    """The article's suggestions as the window computes them, minus what is settled by now."""
    settings = load_settings(project)
    text = project.article(article_id).text
    spans = [(s.start, s.end) for s in project.spans(article_id, layer=layer)]
    found = article_suggestions(project, article_id, text, spans, settings=settings,
                                dictionary=dictionaries.get(project, settings) if settings.suggestions else None)
    return SuggestionTable.of(found, article_id=article_id)


def serve(project: Project, requests: Iterable[bytes], out: BinaryIO) -> None:
    """Answer each request line until ``requests`` ends."""
    dictionaries = DictionaryCache()
    for line in requests:
        try:
            request = json.loads(line)
            article_id, revision = int(request["article"]), int(request["revision"])
            layer = request.get("layer")
        except (ValueError, KeyError, TypeError):
            continue
        try:
            table = answer(project, dictionaries, article_id, layer=layer)
        except (AnnotatorError, sqlite3.Error) as exc:
            _write(out, {"stage": "error", "article": article_id, "revision": revision, "message": str(exc)})
            continue
        _write(out, {"stage": "suggested", "revision": revision, **table.header()}, table.to_bytes())


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage.assist.match_process")
    parser.add_argument("--project", required=True)
    args = parser.parse_args(argv)
    try:
        with Project.open(args.project, read_only=True) as project:
            serve(project, sys.stdin.buffer, sys.stdout.buffer)
    except AnnotatorError as exc:
        _write(sys.stdout.buffer, {"stage": "error", "message": str(exc)})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run())
