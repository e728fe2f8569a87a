"""Attributes an article carries as a whole: an event attribute declared ``on_article`` (PLOVER
contexts, usually coded per document) set once for the article, one row per (article, name).

Functions take the project's ``sqlite_utils.Database`` and run inside the caller's transaction;
the declaration is read there too, so the check and the write see the same scheme.
"""
from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from storage import scheme as scheme_store
from storage.model import SchemeError


def set_value(db: Database, article_id: int, name: str, value: Any) -> None:
    """Set (None or [] clears) one article attribute, checked against its declaration."""
    if not db.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone():
        raise KeyError(f"no article {article_id}")
    scheme = scheme_store.load(db)
    attribute = next((a for a in scheme.attributes if a.name == name), None)
    if attribute is None or not attribute.on_article:
        raise SchemeError(f"{name!r} is not an attribute an article can carry")
    if value is None or value == []:
        db.execute("DELETE FROM article_attributes WHERE article_id = ? AND name = ?", [article_id, name])
        return
    attribute.check(value, modes=scheme.all_modes)
    db.execute("INSERT OR REPLACE INTO article_attributes (article_id, name, value) VALUES (?, ?, ?)",
               [article_id, name, json.dumps(value, ensure_ascii=False)])


def values(db: Any, article_ids: list[int]) -> dict[int, dict[str, Any]]:
    """article id -> {name: value} for the articles that carry any (a Database or a sqlite3 connection)."""
    result: dict[int, dict[str, Any]] = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for article_id, name, value in db.execute(
                f"SELECT article_id, name, value FROM article_attributes WHERE article_id IN ({marks}) "
                "ORDER BY article_id, name", chunk):
            result.setdefault(article_id, {})[name] = json.loads(value)
    return result
