"""A spaCy DocBin read one Doc at a time, in memory that does not grow with the file.

``DocBin.from_bytes`` inflates the whole file and unpacks its MessagePack at once: the token table
alone is 8 bytes per token and attribute (a 20 MB file of 10,000 news articles holds a 650 MB
table), and both the inflated bytes and the unpacked copy are alive together. The format is one
zlib stream holding one MessagePack map (``spacy/tokens/_serialize.py``)::

    {"version", "attrs", "tokens": <uint64 rows, one per token>, "spaces": <one bool per token>,
     "lengths": <int32 tokens per doc>, "strings", "cats", "flags", "span_groups", "user_data"?}

so it is read in two passes over the file. The first inflates the stream once, piece by piece,
keeping only what is small (version, attrs, lengths; the strings go into the vocab as spaCy's own
``get_docs`` puts them) and, where each per-document part begins, a copy of the decompressor
(``zlib``'s ``copy()``: a few tens of KB) so the second pass resumes there without inflating again.
The second pass reads each document's rows, spaces, cats, flags, span groups and user data from
those places in step and hands them to spaCy's own ``DocBin.get_docs`` as a DocBin of one, so a
Doc is built exactly as spaCy builds it. Here we only find where values begin and end (MessagePack
headers); the values themselves are decoded by srsly's MessagePack, as spaCy decodes them.

The checks ``from_bytes`` makes (zlib, MessagePack, the keys it needs, the table's shape) are all
made, plus one it does not: a format version other than the one this spaCy writes is refused
rather than guessed at. Each failure is a ``DocBinError`` with a plain reason.
"""
from __future__ import annotations

import zlib
from typing import Any, BinaryIO, Iterator

_PIECE = 1 << 18  # compressed bytes read at a time
_OUT = 1 << 20  # most inflated bytes made from one piece, so one step never balloons
_SMALL = 1 << 24  # bytes: more than any part name, string, cat or span group of a real DocBin
_NEEDED = ("attrs", "tokens", "spaces", "lengths", "strings", "cats")  # what from_bytes cannot do without
_PER_DOC = ("cats", "flags", "span_groups", "user_data")  # arrays with one value per document


class DocBinError(ValueError):
    """The file is not a DocBin this spaCy can read; the message says why, in a few words."""


class _Inflated:
    """The inflated bytes of the zlib stream in ``file``, read forward; ``fork`` starts another
    reader at the same point, which then goes its own way."""

    def __init__(self, file: BinaryIO, *, offset: int = 0, inflater: Any = None, pending: bytes = b"",
                 out: bytes = b"") -> None:
        self.file = file
        self.offset = offset  # of the next compressed byte to read from the file
        self.inflater = inflater if inflater is not None else zlib.decompressobj()
        self.pending = pending  # compressed bytes read but not yet inflated
        self.out = out  # inflated bytes, consumed up to ``at``
        self.at = 0
        self.exhausted = False  # the file has no more compressed bytes

    def fork(self) -> "_Inflated":
        return _Inflated(self.file, offset=self.offset, inflater=self.inflater.copy(), pending=self.pending,
                         out=self.out[self.at:])

    def _more(self) -> None:
        """Inflate some more onto ``out``; the stream's end, or the file's, is an error here."""
        if not self.pending and not self.inflater.eof:
            self.file.seek(self.offset)
            self.pending = self.file.read(_PIECE)
            self.offset += len(self.pending)
            self.exhausted = not self.pending
        try:
            made = self.inflater.decompress(self.pending, _OUT)
        except zlib.error as exc:
            raise DocBinError(f"not zlib-compressed DocBin data ({exc})") from None
        self.pending = self.inflater.unconsumed_tail
        if not made:
            if self.inflater.eof:
                raise DocBinError("its data ends before the DocBin does")
            if self.exhausted:
                raise DocBinError("the file ends before its compressed data does (cut short?)")
        self.out = self.out[self.at:] + made
        self.at = 0

    def read(self, size: int) -> bytes:
        while len(self.out) - self.at < size:
            self._more()
        piece = self.out[self.at:self.at + size]
        self.at += size
        return piece

    def read_some(self, size: int) -> bytes:
        """Up to ``size`` bytes, fewer only at the end of the stream (a file's ``read``, for msgpack)."""
        if self.at >= len(self.out):
            if self.inflater.eof:
                return b""
            self.out, self.at = b"", 0
            self._more()
        piece = self.out[self.at:self.at + size]
        self.at += len(piece)
        return piece

    def skip(self, size: int) -> None:
        while size > 0:
            if self.at >= len(self.out):
                self.out, self.at = b"", 0
                self._more()
            step = min(size, len(self.out) - self.at)
            self.at += step
            size -= step

    def at_end(self) -> bool:
        """True when nothing follows what was read: the stream is complete and consumed."""
        while self.at >= len(self.out):
            if self.inflater.eof:
                return True
            self.out, self.at = b"", 0
            self._more()
        return False


class _File:
    """An ``_Inflated`` reader as the file-like object msgpack's ``Unpacker`` reads from."""

    def __init__(self, reader: _Inflated) -> None:
        self.read = reader.read_some


# -- MessagePack: where a value begins and ends (msgpack's own spec, "Formats") --------------

_SIZED = {0xc4: 1, 0xc5: 2, 0xc6: 4, 0xd9: 1, 0xda: 2, 0xdb: 4}  # bin8-32, str8-32: length bytes
_EXT = {0xc7: 1, 0xc8: 2, 0xc9: 4}  # ext8-32: length bytes, then a type byte
_FIXED = {0xc0: 0, 0xc2: 0, 0xc3: 0, 0xca: 4, 0xcb: 8, 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8, 0xd0: 1,
          0xd1: 2, 0xd2: 4, 0xd3: 8, 0xd4: 2, 0xd5: 3, 0xd6: 5, 0xd7: 9, 0xd8: 17}  # bytes after the type
_COUNTED = {0xdc: (2, 1), 0xdd: (4, 1), 0xde: (2, 2), 0xdf: (4, 2)}  # array16/32, map16/32: (length bytes, values each)


def _number(data: bytes) -> int:
    return int.from_bytes(data, "big")


def _header(reader: _Inflated) -> tuple[str, int, bytes]:
    """The next value's kind ("str", "bin", "array", "map" or "other"), its payload size (bytes;
    for an array or map the number of values in it) and the header bytes read."""
    head = reader.read(1)
    code = head[0]
    if code <= 0x7f or code >= 0xe0:
        return "other", 0, head
    if 0x80 <= code <= 0x8f:
        return "map", 2 * (code & 0x0f), head
    if 0x90 <= code <= 0x9f:
        return "array", code & 0x0f, head
    if 0xa0 <= code <= 0xbf:
        return "str", code & 0x1f, head
    if code in _SIZED:
        length = reader.read(_SIZED[code])
        return ("bin" if code <= 0xc6 else "str"), _number(length), head + length
    if code in _COUNTED:
        width, each = _COUNTED[code]
        length = reader.read(width)
        return ("array" if code <= 0xdd else "map"), each * _number(length), head + length
    if code in _EXT:
        length = reader.read(_EXT[code])
        return "other", _number(length) + 1, head + length
    if code in _FIXED:
        return "other", _FIXED[code], head
    raise DocBinError(f"not MessagePack (byte 0x{code:02x})")


def _value(reader: _Inflated, *, keep: bool) -> bytes:
    """Read past one whole value (however nested); its bytes when ``keep``, else b""."""
    parts: list[bytes] = []
    kept = 0
    remaining = 1
    while remaining:
        remaining -= 1
        kind, size, head = _header(reader)
        if kind in ("array", "map"):
            remaining += size
            size = 0
        if keep:
            kept += size
            if kept > _SMALL:  # kept values are the small parts: a huge one is a damaged header
                raise DocBinError(f"a part claims {kept:,} bytes where a few are expected")
            parts += [head, reader.read(size)]
        else:
            reader.skip(size)
    return b"".join(parts)


def _string(reader: _Inflated, what: str) -> str:
    kind, size, _ = _header(reader)
    if kind != "str":
        raise DocBinError(f"{what} is not text")
    if size > _SMALL:
        raise DocBinError(f"{what} claims {size:,} bytes")
    return reader.read(size).decode("utf-8")


# -- the DocBin ---------------------------------------------------------------------------------

def read_docs(file: BinaryIO, vocab: Any) -> Iterator[Any]:
    """The DocBin in ``file`` (open, binary, seekable) as spaCy ``Doc`` objects, one at a time."""
    import numpy
    import srsly
    from spacy.attrs import ORTH
    from spacy.tokens import DocBin

    reader = _Inflated(file)
    kind, entries, _ = _header(reader)
    if kind != "map":
        raise DocBinError("the data is not a DocBin's map of parts")
    small: dict[str, Any] = {}
    places: dict[str, tuple[_Inflated, int]] = {}  # where each big part's values begin, and how many
    for _ in range(entries // 2):
        key = _string(reader, "a part's name")
        if key in ("tokens", "spaces", "lengths"):
            kind, size, _ = _header(reader)
            if kind != "bin":
                raise DocBinError(f"its {key!r} part is not bytes")
            if key == "lengths":
                if size > 4 * _SMALL:
                    raise DocBinError(f"its 'lengths' part claims {size:,} bytes")
                small[key] = numpy.frombuffer(reader.read(size), dtype="int32")
            else:
                places[key] = (reader.fork(), size)
                reader.skip(size)
        elif key in _PER_DOC:
            kind, count, _ = _header(reader)
            if kind != "array":
                raise DocBinError(f"its {key!r} part is not a list")
            places[key] = (reader.fork(), count)
            for _ in range(count):
                _value(reader, keep=False)
        elif key == "strings":  # into the vocab now, as DocBin.get_docs does first
            kind, count, _ = _header(reader)
            if kind != "array":
                raise DocBinError("its 'strings' part is not a list")
            for _ in range(count):
                vocab[_string(reader, "a string")]
            small[key] = count
        else:  # version, attrs and any part this spaCy does not know: small, decoded as spaCy would
            small[key] = srsly.msgpack_loads(_value(reader, keep=True))
    if not reader.at_end():
        raise DocBinError("there is more data after the DocBin")
    missing = [key for key in _NEEDED if key not in small and key not in places]
    if missing:
        raise DocBinError(f"it has no {', '.join(map(repr, missing))} part")
    version = small.get("version")
    if version is not None and version != DocBin().version:
        raise DocBinError(f"format version {version!r}; this spaCy writes and reads {DocBin().version!r}")
    attrs, lengths = small["attrs"], small["lengths"]
    if not isinstance(attrs, list) or ORTH not in attrs:
        raise DocBinError("its attributes do not include the words (ORTH)")
    docs = len(lengths)
    if (lengths < 0).any():
        raise DocBinError("it gives a document a negative number of tokens")
    rows = int(lengths.sum(dtype="int64"))
    tokens, table_size = places["tokens"]
    spaces, spaces_size = places["spaces"]
    if table_size != rows * len(attrs) * 8 or spaces_size != rows:
        raise DocBinError(f"its token table does not fit its {docs} documents of {rows} tokens")
    for key in _PER_DOC:
        if key in places and places[key][1] != docs:
            raise DocBinError(f"its {key!r} part has {places[key][1]} entries for {docs} documents")
    # srsly's Unpacker decodes as spaCy's msgpack_loads does (its hooks looked up once, not per value)
    per_doc = {key: srsly.msgpack.Unpacker(_File(places[key][0]), raw=False, use_list=True)
               for key in _PER_DOC if key in places}
    one = DocBin(attrs=[])  # a DocBin of one document at a time, so spaCy builds each Doc its own way
    one.attrs = attrs
    one.strings = set()  # already in the vocab
    for length in map(int, lengths):
        row = numpy.frombuffer(tokens.read(length * len(attrs) * 8), dtype="uint64").reshape(length, len(attrs))
        one.tokens = [row]
        one.spaces = [numpy.frombuffer(spaces.read(length), dtype=bool).reshape(length, 1)]
        parts = {key: unpacker.unpack() for key, unpacker in per_doc.items()}
        one.cats = [parts["cats"]]
        one.flags = [parts.get("flags", {})]
        one.span_groups = [parts.get("span_groups", b"")]
        one.user_data = [parts.get("user_data")]
        yield from one.get_docs(vocab)
