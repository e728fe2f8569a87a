"""Reading one file for an importer: bytes from disk, text decoded, lines numbered.

The one place every importer's input passes through, so limits on hostile input (odd file
types, huge or torn reads, encodings) are enforced once for every format.
"""
from __future__ import annotations

from typing import Iterator

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
