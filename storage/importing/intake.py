"""Reading one file for an importer: bytes from disk, text decoded, lines numbered.

The one place every importer's input passes through, so limits on hostile input (odd file
types, huge or torn reads, encodings) are enforced once for every format.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import stat
from typing import Any, Iterator

from storage.model import InputError
from storage.text import decode


def read_bytes(path: str) -> bytes:
    """The whole file; an unreadable one is an ``InputError`` naming it."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None


def read_text(path: str, *, encoding: str | None, allow_empty: bool = False) -> tuple[str, bytes]:
    """The file decoded (UTF-8, UTF-16 with a BOM, or ``encoding``), and its raw bytes.

    An empty (or all-whitespace) file is refused unless ``allow_empty``: a brat ``.ann`` with
    no annotations yet is a document, not a mistake."""
    data = read_bytes(path)
    if allow_empty and not data.strip():
        return "", data
    return decode(data, path=path, encoding=encoding), data


def head_text(path: str, size: int = 65536) -> str:
    """The first ``size`` bytes as text (undecodable bytes replaced): enough to tell a layout by."""
    try:
        with open(path, "rb") as file:
            return file.read(size).decode("utf-8", errors="replace")
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None


def numbered_lines(content: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) split on "\\n" only: a raw U+2028 may sit inside a JSON string."""
    start, number = 0, 1
    while start <= len(content):
        end = content.find("\n", start)
        if end < 0:
            end = len(content)
        yield number, content[start:end]
        start, number = end + 1, number + 1


def json_values(content: str, path: str) -> Iterator[tuple[int, Any]]:
    """(line, value) of every JSON value in ``content``: JSON Lines, pretty-printed objects one
    after another, or the elements of one top-level array, whichever the file holds.

    One scanner for all three, so a ``.jsonl`` that is really one pretty-printed object (doccano's
    own example) or a ``.json`` array of tasks (Label Studio) reads the same way, an element at
    a time, and an error names the line where the bad value starts.
    """
    return _json_from_chunks(iter((content,)), path)


def stream_json(path: str, *, encoding: str | None) -> Iterator[tuple[int, Any]]:
    """``json_values`` of the file at ``path``, read a piece at a time when it is big."""
    return _json_from_chunks(text_chunks(path, encoding=encoding), path)


def stream_lines(path: str, *, encoding: str | None) -> Iterator[tuple[int, str]]:
    """``numbered_lines`` of the file at ``path``, read a piece at a time when it is big."""
    number, rest = 1, ""
    for chunk in text_chunks(path, encoding=encoding):
        pieces = (rest + chunk).split("\n")
        rest = pieces.pop()
        for piece in pieces:
            yield number, piece
            number += 1
    yield number, rest


STREAM_ABOVE = 16 * 1024 * 1024  # bytes: a bigger file is decoded in pieces, so memory stays flat
_CHUNK = 1 << 20  # characters per piece
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def text_chunks(path: str, *, encoding: str | None) -> Iterator[str]:
    """The file's text: whole (``read_text``, every check of ``storage.text.decode``) for a file
    of ordinary size, in pieces for a big one (its BOM or ``encoding`` decides, UTF-8 otherwise;
    undecodable bytes and NULs still refuse it), so a corpus of any size imports in bounded memory."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None
    if size < STREAM_ABOVE or not stat.S_ISREG(os.stat(path).st_mode):
        yield read_text(path, encoding=encoding)[0]
        return
    with open(path, "rb") as raw:
        head = raw.read(4)
    chosen = encoding or next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8")
    line = 1
    try:
        with open(path, encoding=chosen, newline="") as file:
            while chunk := file.read(_CHUNK):
                if "\x00" in chunk:
                    raise InputError(path, "looks like a binary file (it contains NUL bytes)",
                                     line=line + chunk.count("\n", 0, chunk.index("\x00")))
                yield chunk
                line += chunk.count("\n")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid {chosen} text ({exc.reason}); give its encoding with --encoding",
                         line=line) from None
    except LookupError:
        raise InputError(path, f"unknown encoding {chosen!r}") from None


def _json_from_chunks(chunks: Iterator[str], path: str, *, piece: int = _CHUNK) -> Iterator[tuple[int, Any]]:
    """The scanner behind ``json_values``: a buffer refilled from ``chunks`` when a value runs past it."""
    decode = _DECODER.raw_decode
    buffer, position, line, done = "", 0, 1, False

    def fill() -> bool:
        nonlocal buffer, position, done
        if done:
            return False
        wanted = max(len(buffer) - position, piece)  # at least double what is pending: linear overall
        pieces = [buffer[position:]]
        got = 0
        for chunk in chunks:
            pieces.append(chunk)
            got += len(chunk)
            if got >= wanted:
                break
        else:
            done = True
        buffer, position = "".join(pieces), 0
        return True

    def skip() -> None:
        nonlocal position, line
        while True:
            end = _skip(buffer, position)
            line += buffer.count("\n", position, end)
            position = end
            if position < len(buffer) or not fill():
                return

    fill()
    skip()
    in_array = position < len(buffer) and buffer[position] == "["
    if in_array:
        position += 1
        skip()
    while position < len(buffer):
        if in_array and buffer[position] == "]":
            position += 1
            skip()
            if position < len(buffer):
                raise InputError(path, "unexpected text after the closing ]", line=line)
            return
        try:
            value, end = decode(buffer, position)
            if end == len(buffer) and not done:  # a number or a value cut by the piece: read on
                raise json.JSONDecodeError("cut", buffer, end)
        except json.JSONDecodeError as exc:
            if fill():  # the piece may have cut the value anywhere (inside a string, say): read on
                continue
            if _skip(buffer, exc.pos) >= len(buffer):
                raise InputError(path, "the JSON value starting on this line is cut off (a truncated file?)",
                                 line=line) from None
            raise InputError(path, f"malformed JSON: {exc.msg}",
                             line=line + buffer.count("\n", position, exc.pos)) from None
        except RecursionError:
            raise InputError(path, "the JSON is nested too deeply", line=line) from None
        yield line, value
        line += buffer.count("\n", position, end)
        position = end
        skip()
        if in_array:
            if position < len(buffer) and buffer[position] == ",":
                position += 1
                skip()
            elif position >= len(buffer):
                break  # the end of the file inside the array: said below
            elif buffer[position] != "]":
                raise InputError(path, "expected , or ] between the array's elements", line=line)
    if in_array:
        raise InputError(path, "the JSON array is not closed (a truncated file?)", line=line)


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\r\n\ufeff]*")


def _skip(content: str, position: int) -> int:
    return _SPACE.match(content, position).end()  # type: ignore[union-attr]
