"""The assistance's settings, kept in the project (``settings`` table, key ``assist``) so they
travel with the file: each recommender on or off, and its knobs."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from storage.model import SchemeError
from storage.project import Project

SETTINGS_KEY = "assist"
CONFLICT_RULES = ("majority", "skip", "all")  # a text tagged with two labels: the commoner, none, both


@dataclass(frozen=True)
class AssistSettings:
    suggestions: bool = True  # the master switch: off on articles used to measure agreement
    dictionary: bool = True
    dictionary_min_count: int = 1  # times a text must have been tagged before it is suggested
    dictionary_conflict: str = "majority"
    dictionary_match_case: bool = True
    model: bool = True  # shows the model's suggestions once a model has been trained
    model_threshold: float = 0.5  # suggestions scored below this are not shown
    model_retrain_after: int = 10  # newly done articles that start a retrain in the window (0: never)
    model_language: str = ""  # a spaCy language code; empty: guessed from the script of the texts
    roles: bool = True  # event role slots pre-select likely fillers

    def __post_init__(self) -> None:
        if self.dictionary_min_count < 1:
            raise SchemeError("the dictionary's minimum count must be at least 1")
        if self.dictionary_conflict not in CONFLICT_RULES:
            raise SchemeError(f"dictionary conflict rule must be one of {', '.join(CONFLICT_RULES)}")
        if not 0.0 <= self.model_threshold <= 1.0:
            raise SchemeError("the model's confidence threshold must be between 0 and 1")
        if self.model_retrain_after < 0:
            raise SchemeError("retrain after must be 0 (never) or more articles")


def load_settings(project: Project) -> AssistSettings:
    """The project's settings; unknown keys (a newer version's) are ignored, missing ones default."""
    raw = project.setting(SETTINGS_KEY)
    try:
        stored: dict[str, Any] = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        stored = {}
    known = {f.name: f.type for f in fields(AssistSettings)}
    try:
        return AssistSettings(**{k: v for k, v in stored.items() if k in known})
    except (SchemeError, TypeError):
        return AssistSettings()


def save_settings(project: Project, settings: AssistSettings | None = None, **changes: Any) -> AssistSettings:
    """Store ``settings`` (default: the current ones) with ``changes`` applied; returns what was stored."""
    settings = replace(settings or load_settings(project), **changes)
    project.set_setting(SETTINGS_KEY, json.dumps(asdict(settings), sort_keys=True))
    return settings
