"""Where a span came from: typed by hand, accepted from a suggestion, imported, or merged.

Recorded on every span (``spans.origin``) because annotators follow suggestions (Berzak et al.
2016): agreement studies must be able to tell assisted spans from unassisted ones. The value is
``manual`` or ``<kind>:<name>``, e.g. ``suggestion:dictionary``, ``import:conll``,
``merge:alice``.
"""
from __future__ import annotations

import re

from storage.model import SchemeError

MANUAL = "manual"
ORIGIN_KINDS = ("suggestion", "import", "merge")
_ORIGIN = re.compile(rf"manual|(?:{'|'.join(ORIGIN_KINDS)}):[^\s:][^\n]*")


def check_origin(origin: str) -> str:
    """Return ``origin`` if it is well formed; raise SchemeError (a user-facing error) if not."""
    if not isinstance(origin, str) or not _ORIGIN.fullmatch(origin):
        raise SchemeError(f"span origin {origin!r} must be 'manual' or one of "
                          f"{', '.join(k + ':<name>' for k in ORIGIN_KINDS)}")
    return origin


def suggestion_origin(recommender: str) -> str:
    """The origin of a span accepted from ``recommender``'s suggestion."""
    return check_origin(f"suggestion:{recommender}")


def import_origin(format_name: str) -> str:
    """The origin of a span read from a file of ``format_name`` (``conll``, ``brat``…)."""
    return check_origin(f"import:{format_name}")


def merge_origin(annotator: str) -> str:
    """The origin of a span taken from ``annotator``'s layer when merging."""
    return check_origin(f"merge:{annotator}")
