"""The usual WebAnno TSV file read as arrays: every row checked at once, only annotated rows made into strings.

A corpus exported by INCEpTION is thousands of files of hundreds of token rows each, and most
rows carry no annotation. Reading them line by line (``webanno._read_lines``) costs a split, a few
regular expressions and an ``int`` per row; here the whole body after the header is one numpy
array of code points, and each rule the line reader applies to a row is applied to every row in
one operation: its shape (the sentence blocks, the columns the header asks for), its token id and
offsets (``digits-digits``), its token (there at its offsets in the text the ``#Text=`` lines
make). Only the rows with an annotation become Python objects, as the line reader would make them.

``read_usual`` answers None for anything off the usual shape (see its docstring); the line reader
then reads the file and names what is wrong, so this path decides nothing the line reader would
decide differently. Tests compare the two on every real file and on near misses
(tests/storage/importing/test_webanno.py).
"""
from __future__ import annotations

from operator import methodcaller
from typing import TYPE_CHECKING

import numpy as np

from storage.importing.webanno import _Reader, unescape

if TYPE_CHECKING:
    from storage.importing.foreign import ForeignWriter

_TAB, _BREAK, _DASH, _HASH, _UNDERSCORE, _BACKSLASH, _ZERO = 9, 10, 45, 35, 95, 92, 48
_TEXT_MARK = np.array([ord(c) for c in "#Text="])
_DASH_TAB_DASH = np.array([_DASH, _TAB, _DASH])
_TABS = methodcaller("split", "\t")
_MAX_DIGITS = 18  # an offset of more digits could overflow int64: the line reader reads it
_BACK = np.arange(_MAX_DIGITS, 0, -1)  # a digit's distance from its number's end


def _positions(begins: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Every index of the ranges ``begins[i] .. begins[i] + lengths[i]``, one range after another."""
    ends = lengths.cumsum()
    return np.arange(int(ends[-1])) + (begins - (ends - lengths)).repeat(lengths)  # (methods: no wrappers)


def _code_points(text: str) -> np.ndarray:
    """``text`` as an array of its code points, one item per character, as narrow as it allows."""
    if text.isascii():  # most files: one byte a character, copied as it is stored
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    if max(text) <= "\uffff":
        return np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def read_usual(content: str, writer: ForeignWriter) -> _Reader | None:
    """The usual file, or None when it is anything else (``_read_lines`` reads that, and names
    what is wrong): the header, then sentences of one #Text= line and rows
    ``1-3<TAB>9-14<TAB>token<TAB>cells…`` as wide as the header says (a trailing tab allowed),
    one blank line between sentences; tokens in order, none a sub-token, empty or escaped; offsets
    without leading zeros; no carriage return; text inside the BMP.

    Inside the BMP a UTF-16 offset is a code point offset, and the text rebuilt from the #Text=
    lines has every sentence at its own offset (each gap is filled with as many characters as
    it spans), so every token is checked where its offsets say, in the whole text at once. Only
    the annotated rows are kept (``reader.rows``); every token's id and place only when a layer
    refers to tokens by id (relations, slot links)."""
    if "\r" in content or not content.startswith("#FORMAT=WebAnno TSV 3"):
        return None
    first_text = content.find("\n#Text=")
    if first_text < 0:
        return None
    reader = _Reader(writer)
    head = content[:first_text].split("\n")
    for number, line in enumerate(head, 1):
        if line and not line.startswith(("#FORMAT=", "#T_SP=", "#T_RL=", "#T_CH=")):
            return None
        if line:
            reader.header(line, number)
    width = reader._width()
    body = content[first_text + 1:].rstrip("\n") + "\n"
    codes = _code_points(body)

    # Lines: a sentence is its #Text= line then rows, one blank line before the next sentence.
    breaks = (codes == _BREAK).nonzero()[0]
    starts_of_lines = np.concatenate(([0], breaks[:-1] + 1))
    first = codes[starts_of_lines]  # a blank line's is its line break
    blank, text_line = first == _BREAK, first == _HASH
    row_line = ~(blank | text_line)
    if (not text_line[0] or (text_line[1:] != blank[:-1]).any()  # a #-line after each blank, only
            or text_line[-1] or not row_line[1:][text_line[:-1]].all()):  # a row after each #-line
        return None
    text_lines = text_line.nonzero()[0]
    text_starts, text_ends = starts_of_lines[text_lines], breaks[text_lines]
    if (text_ends - text_starts < 6).any() or not (
            codes[text_starts[:, None] + np.arange(6)] == _TEXT_MARK).all():
        return None  # a comment, not #Text=
    texts = list(map(body.__getitem__, map(slice, (text_starts + 6).tolist(), text_ends.tolist())))
    if "\t" in "".join(texts):
        return None  # an escaped tab in a #Text= line: the rows' tabs are found by position below

    # Rows: exactly as many tabs as the header's columns ask (one more for a trailing tab).
    rows = row_line.nonzero()[0]
    count = len(rows)
    row_starts, row_ends = starts_of_lines[rows], breaks[rows]
    tabs = (codes == _TAB).nonzero()[0]
    per_row = len(tabs) // count
    if per_row not in (width - 1, width) or len(tabs) != per_row * count:
        return None
    grid = tabs.reshape(count, per_row)
    # Each row's share of the tabs lies inside it, so every row has exactly per_row of them.
    if ((grid[:, 0] < row_starts) | (grid[:, -1] >= row_ends)).any():
        return None
    if per_row == width and (grid[:, -1] != row_ends - 1).any():
        return None  # something after the trailing tab

    def cell(column: int) -> tuple[np.ndarray, np.ndarray]:
        """Where each row's cell ``column`` begins and ends."""
        return (row_starts if column == 0 else grid[:, column - 1] + 1,
                grid[:, column] if column < per_row else row_ends)

    # Token id and offsets: digits-digits<TAB>digits-digits, nothing else.
    lengths = grid[:, 1] - row_starts
    both = codes[_positions(row_starts, lengths)]
    others = (both - _ZERO > 9).nonzero()[0]  # not an ASCII digit (unsigned: below '0' wraps round)
    if len(others) != 3 * count:
        return None
    others = others.reshape(count, 3)
    ends_in_both = lengths.cumsum()
    # Each row's three, in order, with digits between them and at both ends.
    bounds = np.empty((count, 5), dtype=others.dtype)
    bounds[:, 0], bounds[:, 1:4], bounds[:, 4] = ends_in_both - lengths - 1, others, ends_in_both
    if (both[others] != _DASH_TAB_DASH).any() or (bounds[:, 1:] - bounds[:, :-1] < 2).any():
        return None
    # The two offsets' digits, as integers: every digit times its power of ten, summed per number.
    number_begins = (others[:, 1:] + 1).ravel()  # after the tab, after the second dash
    number_ends = bounds[:, 3:].ravel()  # the second dash, the row's end
    digits = number_ends - number_begins
    widest = int(digits.max())
    if widest > _MAX_DIGITS or ((digits > 1) & (both[number_begins] == _ZERO)).any():
        return None  # too long, or a leading zero
    # Each number's last ``widest`` places, right-aligned, those before its first digit counted as
    # zero; then read column by column, most significant first: a few operations on one small table.
    places = number_ends[:, None] - _BACK[-widest:]  # (before the first row's: indexes from the end, masked)
    table = (both[places] - _ZERO) * (places >= number_begins[:, None])
    values = table[:, 0].astype(np.int64)
    for column in range(1, widest):
        values = values * 10 + table[:, column]
    starts, ends = values[0::2], values[1::2]
    if ((starts[1:] < starts[:-1]) | (ends[1:] < ends[:-1])).any():
        return None  # tokens out of order

    token_begins, token_ends = cell(2)
    token_lengths = token_ends - token_begins
    if ((token_lengths <= 0) | (token_lengths != ends - starts)).any():
        return None  # an empty token, or one whose offsets span another length
    if "\\" in body:
        before = np.concatenate(([0], (codes == _BACKSLASH).cumsum()))
        if (before[token_ends] != before[token_begins]).any():
            return None  # an escaped token

    # The text: each sentence where its first token's offset puts it (as the line reader places it).
    firsts = rows.searchsorted(text_lines)  # each sentence's first row
    lasts = np.concatenate((firsts[1:], [count])) - 1
    text = (_placed(texts, starts[firsts], ends[lasts], text_ends - text_starts - 6) if "\\" not in body
            else _placed_one_by_one(body, texts, starts[firsts], ends[lasts], token_begins[firsts], token_ends[firsts]))
    if text is None:
        return None
    reader.parts.append(text)
    if codes.dtype == np.uint32 and max(text) > "\uffff":
        return None  # a character outside the BMP: offsets need the map
    # Every token is in the text at its offsets: each of its characters against the text's.
    in_text = _positions(starts, token_lengths)
    text_codes = _code_points(text)
    if (text_codes[in_text] != codes[in_text + (token_begins - starts).repeat(token_lengths)]).any():
        return None  # a token whose offsets do not hold it
    reader.length = reader.at16 = len(text)

    lines = rows + (len(head) + 1)  # a row's line in the file
    if any(layer.kind == "RL" or layer.role_column is not None for layer in reader.layers):
        ids = map(body.__getitem__, map(slice, row_starts.tolist(), grid[:, 0].tolist()))
        reader.tokens.update(zip(ids, zip(starts.tolist(), ends.tolist(), lines.tolist())))
    # Annotated rows: any annotation cell other than "_".
    annotated = np.zeros(count, dtype=bool)
    for column in range(3, width):
        begins, ends_of_cell = cell(column)
        annotated |= (ends_of_cell - begins != 1) | (codes[begins] != _UNDERSCORE)
    kept = annotated.nonzero()[0]
    if len(kept):
        ids = map(body.__getitem__, map(slice, row_starts[kept].tolist(), grid[kept, 0].tolist()))
        cells = map(_TABS, map(body.__getitem__, map(slice, cell(3)[0][kept].tolist(),
                                                      cell(width - 1)[1][kept].tolist())))
        reader.rows = list(zip(lines[kept].tolist(), ids, starts[kept].tolist(), ends[kept].tolist(), cells))
    return reader


def _placed(texts: list[str], firsts: np.ndarray, lasts: np.ndarray, lengths: np.ndarray) -> str | None:
    """The document's text, each sentence (``texts``, nothing escaped) placed where its first token
    starts (``firsts``); None when one would overlap the text before it or end before its last
    token (``lasts``). Where the line reader finds the first token in its sentence, this takes it
    to open the sentence: ``read_usual`` then checks every token, that one too, at its offsets,
    so a sentence that does not open with it is left to the line reader."""
    finishes = firsts + lengths
    gaps = firsts - np.concatenate(([0], finishes[:-1]))
    if (gaps < 0).any() or (lasts > finishes).any():
        return None
    gap_list = gaps.tolist()
    if gap_list[0] == 0 and gap_list.count(1) == len(gap_list) - 1:  # sentences one separator apart
        return "\n".join(texts)
    fillers = [" " * gap_list[0]] + [("\n" + " " * (gap - 1)) if gap else "" for gap in gap_list[1:]]
    return "".join([piece for pair in zip(fillers, texts) for piece in pair])


def _placed_one_by_one(body: str, texts: list[str], firsts: np.ndarray, lasts: np.ndarray, token_begins: np.ndarray,
                       token_ends: np.ndarray) -> str | None:
    """``_placed`` for sentences that may hold escapes: each unescaped, then placed where its first
    token, found in it, says it starts, as the line reader places it."""
    parts: list[str] = []
    at = 0  # the text placed so far, in UTF-16 units and code points alike
    for text, first_start, token_begin, token_end, last_end in zip(
            texts, firsts.tolist(), token_begins.tolist(), token_ends.tolist(), lasts.tolist()):
        sentence = unescape(text)
        within = sentence.find(body[token_begin:token_end])
        start = first_start - within  # where the sentence starts
        if within < 0 or start < at:
            return None  # a first token that does not fit its #Text line after the text before it
        gap = start - at
        parts += [("\n" + " " * (gap - 1)) if gap and parts else " " * gap, sentence]
        at = start + len(sentence)
        if last_end > at:
            return None  # a token past its sentence's end (starts: from its first token's, in order)
    return "".join(parts)
