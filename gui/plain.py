"""User text (article words, titles, label names) shown by widgets that would otherwise read it
as markup: tooltips turn rich when their text looks like HTML, menus turn "&" into a mnemonic."""
from __future__ import annotations

import re
from typing import Sequence

from PySide6 import QtGui

_SPACE = re.compile(r"\s")  # compiled with the module, not by the first excerpt (a view's first open)


def quote(text: str, limit: int = 30) -> str:
    """One line of article text, shortened with an ellipsis: for lists, summaries and menus."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def excerpt(text: str, start: int, end: int, *, width: int = 60) -> str:
    """``text[start:end]`` marked ⟦…⟧ on one line, with about ``width`` characters each side cut at a
    word's edge (never "the northern bo…"); "…" only where the text goes on."""
    first, last = max(0, start - width), min(len(text), end + width)
    if first > 0 and not text[first - 1].isspace():  # cut inside a word: start after it
        gap = _SPACE.search(text[first:start])
        first = first + gap.end() if gap else first
    if last < len(text) and not text[last].isspace():  # cut inside a word: stop before it
        gap = [m.start() for m in _SPACE.finditer(text[end:last])]
        last = end + gap[-1] if gap and gap[-1] > 0 else last
    shown = f"{'…' if first > 0 else ''}{text[first:start]}⟦{text[start:end]}⟧{text[end:last].rstrip()}"
    return " ".join(shown.splitlines()) + ("…" if last < len(text) else "")


def key_line(items: Sequence[str]) -> str:
    """Keys and what they do, "N next · P previous", for a word-wrapped label: a line breaks only
    after a "·" (an "F" at a line's end with "gold's frame" on the next read as two things)."""
    return "\u00a0· ".join(item.replace(" ", "\u00a0") for item in items)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as typed: Qt has no plain-text switch for tooltips."""
    return QtGui.Qt.convertFromPlainText(text) if QtGui.Qt.mightBeRichText(text) else text


def menu_text(text: str) -> str:
    """Menu and action text that shows ``text`` as typed ("AT&T", not "ATT" with T underlined)."""
    return text.replace("&", "&&")
