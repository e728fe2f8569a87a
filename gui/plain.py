"""User text (article words, titles, label names) shown by widgets that would otherwise read it
as markup: tooltips turn rich when their text looks like HTML, menus turn "&" into a mnemonic."""
from __future__ import annotations

from PySide6 import QtGui


def quote(text: str, limit: int = 30) -> str:
    """One line of article text, shortened with an ellipsis: for lists, summaries and menus."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as typed: Qt has no plain-text switch for tooltips."""
    return QtGui.Qt.convertFromPlainText(text) if QtGui.Qt.mightBeRichText(text) else text


def menu_text(text: str) -> str:
    """Menu and action text that shows ``text`` as typed ("AT&T", not "ATT" with T underlined)."""
    return text.replace("&", "&&")
