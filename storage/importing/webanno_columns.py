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
from typing import TYPE_CHECKING, Any

import numpy as np

from storage.importing.webanno import _Reader, unescape

if TYPE_CHECKING:
    from storage.importing.foreign import ForeignWriter

_TAB, _BREAK, _DASH, _HASH, _UNDERSCORE, _BACKSLASH, _ZERO = 9, 10, 45, 35, 95, 92, 48
# (as bytes: compared with ASCII code points without a conversion on the way)
_TEXT_MARK = np.array([ord(c) for c in "#Text="], dtype=np.uint8)
_DASH_TAB_DASH = np.array([_DASH, _TAB, _DASH], dtype=np.uint8)
_TABS = methodcaller("split", "\t")
_MAX_DIGITS = 18  # an offset of more digits could overflow int64: the line reader reads it
_BACK = np.arange(_MAX_DIGITS, 0, -1)  # a digit's distance from its number's end


def _positions(begins: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Every index of the ranges ``begins[i] .. begins[i] + lengths[i]`` (none empty), one range
    after another: a running sum of steps of one, and at each range's start the jump to it (a
    sum rather than ``repeat``, which copies item by item)."""
    ends = lengths.cumsum()
    steps = np.ones(int(ends[-1]), dtype=np.intp)
    steps[0] = begins[0]
    steps[ends[:-1]] = begins[1:] - (begins[:-1] + lengths[:-1]) + 1
    return steps.cumsum()


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
    reader = read_many([content])[0]
    if reader is not None:
        reader.writer = writer
    return reader


def read_many(contents: list[str]) -> list[_Reader | None]:
    """``read_usual`` of each of ``contents`` (the readers' ``writer`` left for the caller to set).

    Files with the same header are read in one pass over their bodies joined (a blank line
    between them, as between sentences): a few hundred rows make a small array, and each numpy
    operation costs about a microsecond before its first item, so a round of files read
    together costs a fraction of reading them one by one. A pass that meets anything unusual
    is read again in halves, down to the file that is (None: the line reader's)."""
    results: list[_Reader | None] = [None] * len(contents)
    groups: dict[str, tuple[list[Any], list[int], list[str]]] = {}
    for index, content in enumerate(contents):
        if "\r" in content or not content.startswith("#FORMAT=WebAnno TSV 3"):
            continue
        first_text = content.find("\n#Text=")
        if first_text < 0:
            continue
        head = content[:first_text]
        if head not in groups:
            groups[head] = (_header(head), [], [])
        groups[head][1].append(index)
        groups[head][2].append(content[first_text + 1:].rstrip("\n") + "\n")
    for head, (layers, indexes, bodies) in groups.items():
        if layers is not None:
            _read_halving(layers, head.count("\n") + 1, bodies, indexes, results)
    return results


def _header(head: str) -> list[Any] | None:
    """The layers a header declares, or None for a header of lines the usual file does not have."""
    reader = _Reader(None)  # type: ignore[arg-type]  # (fails only on a line kept out here)
    for number, line in enumerate(head.split("\n"), 1):
        if line and not line.startswith(("#FORMAT=", "#T_SP=", "#T_RL=", "#T_CH=")):
            return None
        if line:
            reader.header(line, number)
    return reader.layers


def _read_halving(layers: list[Any], head_lines: int, bodies: list[str], indexes: list[int],
                  results: list[_Reader | None]) -> None:
    readers = _read_bodies(layers, head_lines, bodies)
    if readers is not None:
        for index, reader in zip(indexes, readers):
            results[index] = reader
    elif len(bodies) > 1:
        half = len(bodies) // 2
        _read_halving(layers, head_lines, bodies[:half], indexes[:half], results)
        _read_halving(layers, head_lines, bodies[half:], indexes[half:], results)


def _read_bodies(layers: list[Any], head_lines: int, bodies: list[str]) -> list[_Reader] | None:
    """The readers of ``bodies`` (each from its first #Text= line, ending with a line break) under
    a header of ``head_lines`` lines declaring ``layers``; None if any of them is unusual."""
    width = 3 + sum(len(layer.features) for layer in layers)
    body = "\n".join(bodies)
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

    # Where each file begins: its first line, sentence and row.
    first_lines = breaks.searchsorted(np.cumsum([0] + [len(part) + 1 for part in bodies[:-1]]))
    first_sentences, first_rows = text_lines.searchsorted(first_lines), rows.searchsorted(first_lines)
    rows_per_file = np.diff(np.append(first_rows, count))

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
    # The two offsets' digits, as integers.
    number_begins = (others[:, 1:] + 1).ravel()  # after the tab, after the second dash
    number_ends = bounds[:, 3:].ravel()  # the second dash, the row's end
    digits = number_ends - number_begins
    widest = int(digits.max())
    if widest > _MAX_DIGITS or ((digits > 1) & (both[number_begins] == _ZERO)).any():
        return None  # too long, or a leading zero
    # Each number's last ``widest`` places, right-aligned, those before its first digit counted as
    # zero; then read place by place, most significant first: a few operations on one small table,
    # a row per place, made 64-bit once (a mixed operation would convert its bytes in each).
    places = number_ends - _BACK[-widest:, None]  # (before the first row's: indexes from the end, masked)
    table = np.where(places >= number_begins, both[places] - _ZERO, 0).astype(np.int64)
    values = table[0]
    for place in table[1:]:
        values = values * 10 + place
    starts, ends = values[0::2], values[1::2]
    backwards = (starts[1:] < starts[:-1]) | (ends[1:] < ends[:-1])
    backwards[first_rows[1:] - 1] = False  # each file's offsets start again
    if backwards.any():
        return None  # tokens out of order

    token_begins, token_ends = cell(2)
    token_lengths = token_ends - token_begins
    if ((token_lengths <= 0) | (token_lengths != ends - starts)).any():
        return None  # an empty token, or one whose offsets span another length
    if "\\" in body:
        before = np.concatenate(([0], (codes == _BACKSLASH).cumsum()))
        if (before[token_ends] != before[token_begins]).any():
            return None  # an escaped token

    # Each file's text: each sentence where its first token's offset puts it (as the line reader
    # places it), the first of each file from the file's start.
    firsts = rows.searchsorted(text_lines)  # each sentence's first row
    lasts = np.concatenate((firsts[1:], [count])) - 1
    sentence_bounds = list(zip(first_sentences.tolist(), first_sentences[1:].tolist() + [len(texts)]))
    if "\\" in body:  # unescaped one by one, as the line reader does
        file_texts = [_placed_one_by_one(body, texts[begin:end], starts[firsts[begin:end]], ends[lasts[begin:end]],
                                         token_begins[firsts[begin:end]], token_ends[firsts[begin:end]])
                      for begin, end in sentence_bounds]
        if None in file_texts:
            return None
    else:
        sentence_starts = starts[firsts]
        sentence_ends = sentence_starts + (text_ends - text_starts - 6)
        ends_before = np.concatenate(([0], sentence_ends[:-1]))
        ends_before[first_sentences] = 0
        gaps = sentence_starts - ends_before
        if (gaps < 0).any() or (ends[lasts] > sentence_ends).any():
            return None  # a sentence over the one before it, or a token past its sentence's end
        gap_list = gaps.tolist()
        file_texts = [_placed(texts[begin:end], gap_list[begin:end]) for begin, end in sentence_bounds]
    text = "".join(file_texts)
    if codes.dtype == np.uint32 and max(text) > "\uffff":
        return None  # a character outside the BMP: offsets need the map
    # Every token is in the text at its offsets: each of its characters against the text's.
    text_bases = np.cumsum([0] + list(map(len, file_texts[:-1]))).repeat(rows_per_file)
    text_codes = _code_points(text)
    if (text_codes[_positions(starts + text_bases, token_lengths)]
            != codes[_positions(token_begins, token_lengths)]).any():
        return None  # a token whose offsets do not hold it

    readers = []
    for text in file_texts:
        reader = _Reader(None)  # type: ignore[arg-type]  # (the caller's writer, set by the caller)
        reader.layers, reader.width, reader.parts = list(layers), width, [text]
        reader.length = reader.at16 = len(text)
        readers.append(reader)
    file_rows = first_rows.tolist() + [count]
    lines = rows + (head_lines + 1 - first_lines).repeat(rows_per_file)  # a row's line in its file
    if any(layer.kind == "RL" or layer.role_column is not None for layer in layers):
        ids = list(map(body.__getitem__, map(slice, row_starts.tolist(), grid[:, 0].tolist())))
        places_of_tokens = list(zip(starts.tolist(), ends.tolist(), lines.tolist()))
        for reader, begin, end in zip(readers, file_rows, file_rows[1:]):
            reader.tokens.update(zip(ids[begin:end], places_of_tokens[begin:end]))
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
        annotated_rows = list(zip(lines[kept].tolist(), ids, starts[kept].tolist(), ends[kept].tolist(), cells))
        kept_rows = kept.searchsorted(file_rows).tolist()
        for reader, begin, end in zip(readers, kept_rows, kept_rows[1:]):
            reader.rows = annotated_rows[begin:end]
    return readers


def _placed(texts: list[str], gaps: list[int]) -> str:
    """One file's text, its sentences (``texts``, nothing escaped) each ``gaps[i]`` UTF-16 units
    after the end of the one before (the first: after the file's start), the gap filled as the
    line reader fills it. ``_read_bodies`` places each sentence where its first token starts, where
    the line reader finds that token in the sentence: it then checks every token, that one too,
    at its offsets, so a sentence that does not open with it is left to the line reader."""
    if gaps[0] == 0 and gaps.count(1) == len(gaps) - 1:  # sentences one separator apart: the usual
        return "\n".join(texts)
    fillers = [" " * gaps[0]] + [("\n" + " " * (gap - 1)) if gap else "" for gap in gaps[1:]]
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
