"""Reading one file for an importer: bytes from disk, text decoded, lines numbered.

The one place every importer's input passes through, so limits on hostile input (odd file
types, huge or torn reads, encodings) are enforced once for every format.
"""
from __future__ import annotations

import codecs
import errno
import json
import os
import re
import signal
import stat
from typing import Any, Callable, Iterator

from storage.model import InputError
from storage.text import decode

try:
    import fcntl
except ImportError:  # Windows: no leases; the size-and-times check still runs
    fcntl = None  # type: ignore[assignment]

try:  # see parse_json
    from msgspec.json import Decoder as _FastDecoder
    _fast_decode: Callable[[str], Any] | None = _FastDecoder().decode
except ImportError:  # without it every line is read by json alone, as before: slower, the same values
    _fast_decode = None

MAX_ID = 2**63 - 1  # SQLite's largest INTEGER: a larger id cannot be stored
_CHUNK = 1 << 20
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
# Python's JSON type names, as the user would say them.
_JSON_KINDS = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number",
               bool: "true or false", type(None): "null"}


def not_regular(path: str) -> str | None:
    """Why ``path`` cannot be imported without opening it (a named pipe would block ``open()``
    forever), or None for a regular file. Checked before anything opens or sniffs the file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"{kind}, not a regular file: skipped"


def read_bytes(path: str, *, limit: int | None = None) -> bytes:
    """The whole file (or its first ``limit`` bytes), read consistently; an ``InputError`` naming it otherwise.

    Opened non-blocking, so a named pipe that slipped past ``not_regular`` (swapped in since)
    is refused instead of hanging. A file read while another program writes it (an editor
    saving in place) would be stored torn. Where the system allows (Linux, our own files), the
    read holds a read lease: taking one fails while any program has the file open for writing,
    and holding it makes a writer's open wait until the read is done (milliseconds). Elsewhere
    the file's size and times before and after the read must agree. Retried once, then refused.
    """
    for _ in range(2):
        data, steady = _read_once(path, limit)
        if steady:
            return data
    raise InputError(path, "the file was being written while it was read (is it still being saved?); "
                           "import it again once it is saved")


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_LEASES = fcntl is not None and hasattr(fcntl, "F_SETLEASE")  # Linux


def _read_once(path: str, limit: int | None) -> tuple[bytes, bool]:
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise InputError(path, not_regular(path) or "not a regular file: skipped")
        leased = _take_read_lease(fd) if _LEASES else None
        if leased is False:
            return b"", False  # open for writing elsewhere right now
        chunks, size, end = [], 0, before.st_size
        while limit is None or size < limit:
            # Whole: what is left of the file as it stood and a byte more, so a read that comes
            # back short has met its end (a regular file's only short read but a signal's, which
            # the size check below catches) and a small file takes one read, not two.
            want = (end - size + 1 if size <= end else _CHUNK) if limit is None else min(_CHUNK, limit - size)
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if limit is None and size == end and len(chunk) < want:
                break
        after = os.fstat(fd)
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)  # also ends the lease
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    steady = (_signature(before) == _signature(after)
              and (limit is not None or len(data) == after.st_size))
    return data, steady


def _take_read_lease(fd: int) -> bool | None:
    """True when this process now holds a read lease on ``fd``; False when another program has
    the file open for writing; None when leases are not to be had (not Linux, not our file, a
    file system without them)."""
    try:
        # A lease break is announced by a signal, SIGIO unless told otherwise, and SIGIO's default
        # is to end the process: SIGURG's default is to ignore it. The breaker waits for close.
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        if exc.errno == errno.EAGAIN:
            return False
        return None
    return True


def _signature(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns


def parse_json(text: str, path: str, *, line: int | None = None) -> Any:
    """One JSON value; malformed or absurdly nested input is an ``InputError`` naming file and line.

    msgspec's decoder reads a value in about half the time ``json.loads`` takes (a native line is
    an article with 50 span objects: the decoding was a quarter of a native import). Where it
    reads one, it gives the value ``json.loads`` gives (the same types, big integers and floats
    alike; a repeated key keeps its last value); whatever it refuses (NaN, 1e400, a lone surrogate,
    malformed JSON) goes to ``json.loads``, which reads it or gives the message, as before.
    """
    if _fast_decode is not None:
        try:
            return _fast_decode(text)
        except Exception:  # noqa: BLE001 - json decides, and words any refusal
            pass
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"malformed JSON: {exc.msg} (column {exc.colno})", line=line) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply to read (thousands of levels of [ or {)",
                         line=line) from None


def json_kind(value: Any) -> str:
    """What a JSON value is, in words: "an object", "a list", "null"…"""
    return _JSON_KINDS.get(type(value), type(value).__name__)


def read_text(path: str, *, encoding: str | None, allow_empty: bool = False) -> tuple[str, bytes]:
    """The file decoded (UTF-8, UTF-16 with a BOM, or ``encoding``), and its raw bytes.

    An empty (or all-whitespace) file is refused unless ``allow_empty``: a brat ``.ann`` with
    no annotations yet is a document, not a mistake."""
    data = read_bytes(path)
    if encoding is None:
        # The usual file, UTF-8 with text in it, as ``decode`` would read it (no UTF-16 or UTF-32
        # mark is UTF-8): a folder of small files reads two a document. Anything else it words.
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = ""
        if text and "\x00" not in text and not text.isspace():
            return text, data
    if allow_empty and not data.strip():
        return "", data
    return decode(data, path=path, encoding=encoding), data


def head_text(path: str, size: int = 65536) -> str:
    """The first ``size`` bytes as text (undecodable bytes replaced): enough to tell a layout by."""
    try:
        with open(path, "rb") as file:
            return decode_head(file.read(size))
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None


def decode_head(data: bytes) -> str:
    """The start of a file as text, to tell its layout by: decoded as its byte-order mark says
    (UTF-16 too, as the import reads it), else as UTF-8; undecodable bytes (a character the cut
    split) replaced, the mark dropped."""
    name = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    return data.decode(name, errors="replace").lstrip("\ufeff")


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
    number = 1
    for lines in line_batches(path, encoding=encoding):
        for line in lines:
            yield number, line
            number += 1


def stream_long_lines(path: str, *, encoding: str | None) -> Iterator[tuple[int, str]]:
    """``stream_lines`` for a file of long lines (JSON Lines: an article a line), each line found by
    ``str.find``, at memchr speed, where ``split`` tests every character (a tenth of the reading
    of a native import); for short lines ``stream_lines``, whose ``split`` does less per line."""
    number, rest = 1, ""
    for chunk in text_chunks(path, encoding=encoding):
        buffer = rest + chunk if rest else chunk
        find, start = buffer.find, 0
        while (end := find("\n", start)) >= 0:
            yield number, buffer[start:end]
            number += 1
            start = end + 1
        rest = buffer[start:]
    yield number, rest


class LongLine(str):
    """The start of a line ``line_batches`` found longer than its ``longest`` characters (the rest
    was read and dropped, never held); ``length``: how long the whole line was."""

    length: int


def line_batches(path: str, *, encoding: str | None, longest: int | None = None) -> Iterator[list[str]]:
    """The lines of ``stream_lines``, unnumbered, a list per piece read: for a reader whose
    per-line work is so small that a generator step per line would be most of it (token files).
    A line longer than a piece is kept as its pieces until its end comes, then joined once: adding
    each piece to it would copy it again per piece (a 100 MB line: 4 s and three times its size).
    ``longest``: a line of a streamed file found longer than that is kept only as a ``LongLine``
    of its first ``longest`` characters, so a file whose line breaks were lost (a line of 100 MB)
    costs no more memory than an ordinary one; the reader refuses it."""
    pieces: list[str] = []  # the line not ended yet (at most its first ``longest`` characters)
    held = 0  # its length
    for chunk in text_chunks(path, encoding=encoding):
        first = chunk.find("\n")
        if longest is not None and held + (len(chunk) if first < 0 else first) > longest:
            tail = chunk if first < 0 else chunk[:first]
            if held < longest:
                pieces.append(tail[:longest - held])
            held += len(tail)
            if first < 0:
                continue
            lines: list[str] = [_long_line(pieces, held), *chunk[first + 1:].split("\n")]
        else:
            pieces.append(chunk)
            held += len(chunk)
            if first < 0:
                continue
            text = "".join(pieces)
            pieces.clear()
            lines = text.split("\n")
            del text
        pieces[:] = [lines.pop()]
        held = len(pieces[0])
        yield lines
    yield [_long_line(pieces, held) if longest is not None and held > longest else "".join(pieces)]


def _long_line(pieces: list[str], length: int) -> LongLine:
    line = LongLine("".join(pieces))
    line.length = length
    return line


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
    read = 0  # characters yielded; a message's line is counted from them (_line_after), not every piece's
    try:
        with open(path, encoding=chosen, newline="") as file:
            before = os.fstat(file.fileno())
            while chunk := file.read(_CHUNK):
                if "\x00" in chunk:
                    raise InputError(path, "looks like a binary file (it contains NUL bytes)",
                                     line=_line_after(path, chosen, read) + chunk.count("\n", 0, chunk.index("\x00")))
                yield chunk
                read += len(chunk)
            # Too big to hold a lease through: a change during the read is caught here, and the
            # error rolls back what the file's transaction wrote.
            if _signature(before) != _signature(os.fstat(file.fileno())):
                raise InputError(path, "the file was being written while it was read (is it still being "
                                       "saved?); import it again once it is saved")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid {chosen} text ({exc.reason}); give its encoding with --encoding",
                         line=_line_after(path, chosen, read)) from None
    except LookupError:
        raise InputError(path, f"unknown encoding {chosen!r}") from None


def _line_after(path: str, encoding: str, characters: int) -> int:
    """The line the file's text is on after its first ``characters``, read again (they decoded
    before): only a refusal needs it, so pieces read in bulk never count their lines (~1.4 ms a MB)."""
    line = 1
    try:
        with open(path, encoding=encoding, newline="") as file:
            while characters > 0 and (chunk := file.read(min(_CHUNK, characters))):
                line += chunk.count("\n")
                characters -= len(chunk)
    except (OSError, UnicodeError):  # changed since: the line as far as it can still be read
        pass
    return line


def _json_from_chunks(chunks: Iterator[str], path: str, *, piece: int = _CHUNK) -> Iterator[tuple[int, Any]]:
    """The scanner behind ``json_values``: a buffer refilled from ``chunks`` when a value runs past it."""
    decode = _DECODER.raw_decode
    buffer, position, line, done = "", 0, 1, False
    # The newline before which msgspec last refused the text (-2: none in this buffer). Values
    # that end before it (a one-line array's elements, JSON values run together on one line) go
    # to raw_decode at once: trying msgspec on each would copy the rest of the line each time,
    # quadratic in the line's length (a 1 MB one-line array: 0.6 s became 6.4 s).
    refused = -2
    # The first newline at or after position (-1: none left in the buffer), found once per line:
    # searching from each value of a long line again would be quadratic too.
    newline = -2
    whole = True  # the buffer starts where a line does (the file's start, or after a line break)

    def fill() -> bool:
        nonlocal buffer, position, done, refused, newline, whole
        if done:
            return False
        refused = newline = -2  # the buffer is remade: its offsets move
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
        whole = buffer[position - 1] == "\n" if position else whole  # the buffer starts a line
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
            if newline < position and newline != -1:
                newline = buffer.find("\n", position)
            end = newline
            value = _whole_line(buffer, position, end) if end > position and end != refused else _NOT_READ
            if value is _NOT_READ:
                refused = end
                value, end = decode(buffer, position)
            if end == len(buffer) and not done:  # a number or a value cut by the piece: read on
                raise json.JSONDecodeError("cut", buffer, end)
        except json.JSONDecodeError as exc:
            if fill():  # the piece may have cut the value anywhere (inside a string, say): read on
                continue
            # A string is unterminated only when it runs to the end of the file: a JSON string
            # cannot hold a line break, which json reports as an invalid control character.
            if _skip(buffer, exc.pos) >= len(buffer) or exc.msg.startswith("Unterminated string"):
                raise InputError(path, "the JSON value starting on this line is cut off (a truncated file?)",
                                 line=line) from None
            # The column where the line's start is in the buffer (the refill may have cut before it)
            start = buffer.rfind("\n", 0, exc.pos)
            column = f" (column {exc.pos - start})" if start >= 0 or whole else ""
            raise InputError(path, f"malformed JSON: {exc.msg}{column}",
                             line=line + buffer.count("\n", position, exc.pos)) from None
        except RecursionError:
            raise InputError(path, "the JSON is nested too deeply", line=line) from None
        yield line, value
        if buffer.find("\n", position, end) >= 0:  # a JSON Lines value has none: found at memchr speed
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
_NOT_READ = object()


def _whole_line(buffer: str, start: int, end: int) -> Any:
    """The JSON value that is all of ``buffer[start:end]`` (a JSON Lines record), read by msgspec
    (``parse_json`` says why: about half ``json.loads``' time, the same values); ``_NOT_READ``
    when it is not one (an array's element and its comma, a pretty-printed object's first line)
    or msgspec refuses it, for ``raw_decode`` to read or word the refusal. Whitespace around it
    is JSON's, so the value ``raw_decode`` would find at ``start`` is this one."""
    if _fast_decode is None:
        return _NOT_READ
    try:
        return _fast_decode(buffer[start:end])
    except Exception:  # noqa: BLE001 - raw_decode decides, and words any refusal
        return _NOT_READ
_SPACE = re.compile(r"[ \t\r\n\ufeff]*")


def _skip(content: str, position: int) -> int:
    return _SPACE.match(content, position).end()  # type: ignore[union-attr]
