"""Sentence and token boundaries as code-point ranges, without spaCy.

Exporters need sentences (one Hugging Face record per sentence) and tokens (BIO tags) over
the stored article text; the editor needs "select this sentence". Both must be cheap,
deterministic and exact in code points, so this is a small rule-based splitter rather than a
model. Ranges are ``(start, end)``, 0-based, end-exclusive, with whitespace trimmed away.

Tokens: a word is a maximal run of letters/digits (``str.isalnum``) joined by internal hyphens
("Al-Assad", "1996-12-06"); every other non-space character (punctuation, apostrophe, symbol,
emoji) and every CJK ideograph is a token of its own. So "Syria’s" is "Syria", "’", "s": an
entity boundary, which never falls inside a run of letters, always falls on a token boundary.
A token never splits a grapheme: combining marks, ZWJ sequences, variation selectors, skin-tone
modifiers, emoji tag sequences and regional-indicator flag pairs stay with their base character.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

__all__ = ["sentences", "sentence_at", "tokens"]

ZWJ = "\u200d"
HYPHENS = frozenset("-\u2010\u2011")

ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr Prof Gen Col Lt Sgt Capt Maj Sen Rep Gov Pres St Jr Sr Inc Co Corp Ltd vs etc No "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
# "U.S", "E.U", "e.g" (the final period is the candidate break) and single initials ("J. Smith").
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")

_CLOSERS = "”\"’')\\]»」』）】〕"
_OPENERS = frozenset("“\"‘'«„([（「『")
# A Latin/Arabic terminator counts only before whitespace on the same line; what follows the
# whitespace is checked in Python (``_starts_sentence``) because re cannot test letter case.
_LATIN_END = re.compile(rf"[.!?؟]+[{_CLOSERS}]*(?=[^\S\n]+(\S))")
# CJK text has no spaces between sentences, so 。！？ end a sentence wherever they occur.
_CJK_END = re.compile(rf"[。！？]+[{_CLOSERS}]*")

# CJK unified and compatibility ideographs (BMP and supplementary planes).
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_IDEOGRAPH = re.compile(f"[{_IDEOGRAPHS}]")
# re's \w is exactly str.isalnum() plus "_", so this is a run of word characters, ideographs excepted.
_WORD_RUN = re.compile(rf"[^\W_{_IDEOGRAPHS}]+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Code-point ranges of the sentences of ``text``, in order, covering all its non-space text.

    Every "\\n" ends a sentence (paragraphs and the headline are separate). Within a line a
    sentence ends after . ! ? ؟ (and any closing quotes or brackets) when whitespace and then
    an uppercase or caseless letter, a digit or an opening quote follow, unless the period ends
    an abbreviation such as "Mr." or "U.S."; and after 。！？ with nothing required after them.
    """
    cuts = sorted({0, len(text), *_newline_cuts(text), *_latin_cuts(text), *_cjk_cuts(text)})
    ranges = (_trim(text, a, b) for a, b in zip(cuts, cuts[1:]))
    return [r for r in ranges if r is not None]


def sentence_at(bounds: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence in ``bounds`` (as from ``sentences``) that holds ``offset``.

    An offset in the whitespace after a sentence belongs to that sentence, one before the
    first sentence to the first, so every offset of the text has an answer.
    """
    if not bounds:
        raise ValueError("no sentences to search")
    index = bisect_right(bounds, offset, key=lambda bound: bound[0]) - 1
    return bounds[max(index, 0)]


def _newline_cuts(text: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", text)]


def _latin_cuts(text: str) -> list[int]:
    return [
        m.end()
        for m in _LATIN_END.finditer(text)
        if _starts_sentence(m.group(1)) and not _after_abbreviation(text, m)
    ]


def _cjk_cuts(text: str) -> list[int]:
    # A combining mark or ZWJ right after the terminator belongs to it: no cut inside a grapheme.
    return [m.end() for m in _CJK_END.finditer(text) if not _continues_grapheme(text, m.end())]


def _starts_sentence(char: str) -> bool:
    """Could ``char`` begin a new sentence? Lowercase letters and most punctuation cannot."""
    if char.isalpha():
        return not char.islower()  # uppercase, titlecase, or a caseless script (Arabic, CJK…)
    return char.isdigit() or char in _OPENERS


def _after_abbreviation(text: str, match: re.Match[str]) -> bool:
    """True if the terminator is a single "." ending an abbreviation or initial ("Mr.", "U.S.", "J.")."""
    if match.group() != ".":
        return False  # "!", "?", "..." and a period inside closing quotes end the sentence
    start = match.start()
    word_start = start
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:start]
    return word in ABBREVIATIONS or _INITIALISM.fullmatch(word) is not None


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` without surrounding whitespace, or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Code-point ranges of the word and symbol tokens of ``text[start:end]`` (see module docstring).

    Ranges are absolute offsets into ``text``, so tokens of one sentence can be asked for
    without slicing and re-basing.
    """
    end = len(text) if end is None else end
    found: list[tuple[int, int]] = []
    i = start
    while i < end:
        if text[i].isspace():
            i += 1
            continue
        j = _word_end(text, i, end) if _is_word_char(text[i]) else _cluster_end(text, i, end)
        found.append((i, j))
        i = j
    return found


def _word_end(text: str, i: int, end: int) -> int:
    """End of the word starting at ``i``: letter/digit clusters, joined by single inner hyphens."""
    j = i
    while True:
        run = _WORD_RUN.match(text, j, end)  # the plain letters in C; marks and joiners below
        j = _extend(text, run.end() if run else j, end)
        if j < end and _is_word_char(text[j]):
            continue
        if j + 1 < end and text[j] in HYPHENS and _is_word_char(text[j + 1]):
            j += 1
            continue
        return j


def _is_word_char(char: str) -> bool:
    # Ideographs are words of their own: Chinese has no spaces, one character per token
    # is the usual unit, and it keeps every character boundary an annotation boundary.
    return char.isalnum() and not _is_ideograph(char)


def _is_ideograph(char: str) -> bool:
    return _IDEOGRAPH.match(char) is not None


def _cluster_end(text: str, i: int, end: int) -> int:
    """End of the grapheme-like cluster starting at ``i`` (base + marks, ZWJ links, flag pairs)."""
    j = i + 1
    if _is_regional_indicator(text[i]) and j < end and _is_regional_indicator(text[j]):
        j += 1  # two regional indicators make one flag
    return _extend(text, j, end)


def _extend(text: str, j: int, end: int) -> int:
    """Skip the marks, selectors and ZWJ links at ``j`` that belong to the character before it."""
    while j < end:
        if text[j] == ZWJ:
            j += 1
            # ZWJ glues the next character on (👨‍👩‍👧), but never a space or line break.
            if j < end and not text[j].isspace():
                j += 1
        elif _is_extender(text[j]):
            j += 1
        else:
            break
    return j


def _continues_grapheme(text: str, i: int) -> bool:
    return i < len(text) and (text[i] == ZWJ or _is_extender(text[i]))


def _is_extender(char: str) -> bool:
    """Characters that modify the one before them rather than stand alone."""
    cp = ord(char)
    return (
        unicodedata.category(char)[0] == "M"  # combining, spacing and enclosing marks
        or cp == 0x200C  # zero-width non-joiner (inside Persian and Indic words)
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors (emoji vs text presentation)
        or 0x1F3FB <= cp <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags such as England)
        or 0xE0100 <= cp <= 0xE01EF  # variation selectors supplement
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
