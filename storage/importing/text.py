"""One article from a plain-text file, the house header (" date YYYY-MM-DD headline") parsed."""
from __future__ import annotations

import dataclasses

from storage.importing.intake import read_text
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Duplicate, Outcome
from storage.model import InputError
from storage.project import Project, now
from storage.text import content_hash, has_bom, normalise, parse_article


def run(project: Project, job: Job, options: ImportOptions) -> Outcome:
    """Import one ``.txt`` file (the caller holds the transaction)."""
    content, data = read_text(job.path, encoding=options.encoding)
    return import_text(project, job.path, job.source, content, bom=has_bom(data, options.encoding))


def import_text(project: Project, path: str, source: str, content: str, *, bom: bool) -> Outcome:
    """Insert the article of ``content`` (decoded), or report it as a duplicate; no transaction here.

    One statement, so the file is atomic without a savepoint: ``Project.add_article`` would spend
    a savepoint, a look-up and a re-read on every file of a ten-thousand-file folder.
    """
    try:
        text, changes = normalise(content)
    except ValueError as exc:
        raise InputError(path, str(exc)) from None
    if bom:  # decode() already dropped the encoding's mark; say so like any other change
        changes = dataclasses.replace(changes, bom=changes.bom + 1)
    article = parse_article(text)
    if not article.text or article.text.isspace():
        raise InputError(path, "there is no article text after the date line")
    stamp, digest = now(), content_hash(article.text)
    cursor = project.db.execute(
        "INSERT INTO articles (text, length, title, date, source, content_hash, created, "
        "updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (content_hash) DO NOTHING",
        [article.text, len(article.text), article.title, article.date, source, digest, stamp, stamp])
    if cursor.rowcount == 0:
        existing = project.article_id_by_hash(digest)
        assert existing is not None
        return Outcome(duplicates=[Duplicate(existing)])
    return Outcome(articles_added=1, notes=[changes.describe()] if changes.changed else [],
                   warnings=[article.warning] if article.warning else [])
