"""The one place that converts between Qt text positions and stored offsets.

Qt's ``QTextCursor`` positions count UTF-16 code units; the project stores code points
(Python ``str`` indices). They differ by one for every astral character (>= U+10000: most
emoji, some CJK) before the position, so a selection after an emoji would shift by one per
emoji if taken straight from Qt. Every widget converts here, at the boundary, and nowhere else.

Pure Python on purpose: it needs nothing from Qt and so is testable without a display.
Positions are over the stored normalised text; newlines count as one unit on both sides,
matching Qt's block separators (see QT-NOTES.md "Positions").
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

__all__ = ["OffsetMap", "utf16_length"]

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def utf16_length(s: str) -> int:
    """Length of ``s`` in UTF-16 code units (what Qt calls its length)."""
    # surrogatepass: a lone surrogate is one unit in Qt too; counting must not raise on it.
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


class OffsetMap:
    """Converts positions in one text between code points and UTF-16 units in O(log n).

    Keeps the sorted code-point positions of the astral characters: each of them adds one
    UTF-16 unit to every position after it. For the common text with none, both lists are
    empty and every conversion is the identity.
    """

    __slots__ = ("_astral", "_astral_utf16", "_length", "_utf16_length")

    def __init__(self, text: str) -> None:
        if _ASTRAL.search(text) is None:
            astral: list[int] = []
        else:
            astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral = astral
        # Where each astral character starts in UTF-16: its code point plus one per earlier one.
        self._astral_utf16 = [cp + index for index, cp in enumerate(astral)]
        self._length = len(text)
        self._utf16_length = len(text) + len(astral)

    @property
    def length(self) -> int:
        """Length of the text in code points."""
        return self._length

    @property
    def utf16_length(self) -> int:
        """Length of the text in UTF-16 units."""
        return self._utf16_length

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code-point position ``cp`` (0 <= cp <= length)."""
        if not 0 <= cp <= self._length:
            raise IndexError(f"code-point position {cp} outside 0..{self._length}")
        return cp + bisect_left(self._astral, cp)

    def to_code_point(self, u16: int) -> int:
        """Code-point position of UTF-16 position ``u16`` (0 <= u16 <= utf16_length).

        A position between the two halves of a surrogate pair (Qt can report one, e.g. from
        a click) rounds down to the start of that character, so a span never starts or ends
        inside a character.
        """
        if not 0 <= u16 <= self._utf16_length:
            raise IndexError(f"UTF-16 position {u16} outside 0..{self._utf16_length}")
        # Each astral character that starts before u16 accounts for one extra unit; one
        # starting at u16 - 1 is cut in half, which maps to its own start (round down).
        return u16 - bisect_right(self._astral_utf16, u16 - 1)
