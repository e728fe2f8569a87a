"""Shared helpers of the importer tests: where the real interop files are, and the project read back."""
from __future__ import annotations

from pathlib import Path

from storage.model import Event, Span
from storage.project import Project

_REPO = Path(__file__).resolve().parents[3]


def _interop() -> Path:
    """``../shared/interop`` beside the checkout (CI), or beside a folder above it (a worktree)."""
    for folder in (_REPO, *_REPO.parents):
        candidate = folder.parent / "shared" / "interop" if folder == _REPO else folder / "shared" / "interop"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the tests read other tools' files from shared/interop beside the checkout, "
                            f"and there is none beside {_REPO} or a folder above it (README: Install and run "
                            "the tests)")


INTEROP = _interop()


def documents(project: Project) -> list[tuple[str, list[Span], list[Event]]]:
    """(text, spans, events) of every article, in id order."""
    return [(project.article(i).text, project.spans(i), project.events(i)) for i in project.article_ids()]


def by_source(project: Project) -> dict[str, tuple[str, list[Span], list[Event]]]:
    return {project.article(i).source: (project.article(i).text, project.spans(i), project.events(i))
            for i in project.article_ids()}
