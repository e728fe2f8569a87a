"""Data files that ship with the application, and a Qt-free loader for them."""
from __future__ import annotations

import json
from importlib import resources as _resources
from typing import Any

# The scheme a new project starts with; "legacy" is the one projects were made with before
# PLOVER 2.0 became the default (PLOVER's older 18 categories, source/target).
SHIPPED_DEFAULT = "plover-2.0"
DEFAULT_SCHEME = SHIPPED_DEFAULT  # what default_scheme_name() reads (the test suite pins "legacy")
SCHEME_FILES: dict[str, str] = {"plover-2.0": "plover-2.0/scheme.json", "legacy": "scheme.json"}


def read_text(name: str) -> str:
    """Return the text of a file in this package (works from a wheel or a checkout)."""
    path = _resources.files(__name__)
    for part in name.split("/"):
        path = path.joinpath(part)
    return path.read_text(encoding="utf-8")


def read_json(name: str) -> Any:
    return json.loads(read_text(name))


def scheme_names() -> tuple[str, ...]:
    """The schemes a project can be created with, the default first."""
    return (DEFAULT_SCHEME, *(name for name in SCHEME_FILES if name != DEFAULT_SCHEME))


def scheme(name: str) -> dict[str, Any]:
    """A shipped scheme by name, its ``choices_from`` lists read in (e.g. the ISO country codes)."""
    if name not in SCHEME_FILES:
        raise KeyError(f"no scheme {name!r}; the shipped ones are {', '.join(scheme_names())}")
    path = SCHEME_FILES[name]
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    data = read_json(path)
    for label in data.get("labels", ()):
        for attribute in label.get("attributes", ()):
            source = attribute.pop("choices_from", None)
            if source is not None:
                attribute["choices"] = country_codes() if source == "countries.json" else read_json(folder + source)
    return data


def country_codes() -> list[str]:
    """What a PLOVER actor's ``code`` may be: ISO 3166 alpha-3, then PLOVER's non-state codes and KOS."""
    data = read_json("plover-2.0/countries.json")
    return [*data["iso_3166_alpha_3"], *data["plover_non_state"], *data["plover_exceptions"]]


def plover_tables() -> dict[str, Any]:
    """PLOVER's quad codes and conflict–cooperation scores (``plover-2.0/tables.json``)."""
    return read_json("plover-2.0/tables.json")


def default_scheme_name() -> str:
    return DEFAULT_SCHEME


def default_scheme() -> dict[str, Any]:
    """The label scheme a new project is seeded with."""
    return scheme(default_scheme_name())
