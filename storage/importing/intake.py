"""Reading one file for an importer: bytes from disk, text decoded, lines numbered.

The one place every importer's input passes through, so limits on hostile input (odd file
types, huge or torn reads, encodings) are enforced once for every format.
"""
from __future__ import annotations

import json
import re
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
    decode = _DECODER.raw_decode
    length = len(content)
    position = _skip(content, 0)
    line = 1 + content.count("\n", 0, position)
    in_array = position < length and content[position] == "["
    if in_array:
        position = _skip(content, position + 1)
    while position < length:
        if in_array and content[position] == "]":
            if _skip(content, position + 1) < length:
                raise InputError(path, "unexpected text after the closing ]",
                                 line=line + content.count("\n", position, _skip(content, position + 1)))
            return
        try:
            value, end = decode(content, position)
        except json.JSONDecodeError as exc:
            if _skip(content, exc.pos) >= length:  # the value runs to the end of the file
                raise InputError(path, "the JSON value starting on this line is cut off (a truncated file?)",
                                 line=line) from None
            raise InputError(path, f"malformed JSON: {exc.msg}",
                             line=line + content.count("\n", position, exc.pos)) from None
        except RecursionError:
            raise InputError(path, "the JSON is nested too deeply", line=line) from None
        yield line, value
        after = _skip(content, end)
        if in_array:
            if after < length and content[after] == ",":
                after = _skip(content, after + 1)
            elif after >= length or content[after] != "]":
                raise InputError(path, "expected , or ] between the array's elements",
                                 line=line + content.count("\n", position, after))
        line += content.count("\n", position, after)
        position = after
    if in_array:
        raise InputError(path, "the JSON array is not closed (a truncated file?)", line=line)


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\r\n\ufeff]*")


def _skip(content: str, position: int) -> int:
    return _SPACE.match(content, position).end()  # type: ignore[union-attr]
