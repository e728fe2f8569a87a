"""Data files that ship with the application, and a Qt-free loader for them."""
from __future__ import annotations

import json
from importlib import resources as _resources
from typing import Any


def read_text(name: str) -> str:
    """Return the text of a file in this package (works from a wheel or a checkout)."""
    return _resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def default_scheme() -> dict[str, Any]:
    """The label scheme a new project is seeded with: labels, PLOVER event types, roles, attributes."""
    return json.loads(read_text("scheme.json"))
