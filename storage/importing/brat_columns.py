"""The usual brat document read over whole columns: a corpus's ``.ann`` files are mostly ``T``
lines of one fragment whose text agrees and ``E`` lines whose arguments are ``T`` ids.

Two regular expressions read every such line of a file at C speed, its offsets are read as one
JSON list and its events' arguments split as one string: no Python step per span or argument.
Offsets, texts, labels, roles and repeats are checked per column (``RecordWriter.add_plain_document``),
and the rows made by ``zip``. Anything else in the file (another kind of line, a discontinuous span, a line the
expressions do not take whole, a label, role or event type the scheme lacks, an id twice, an
argument repeating the trigger…) sends the whole file the line-by-line way (``brat._Document``),
which words what is wrong or adds to the scheme and counts what it drops. So this path decides
nothing the other would decide differently; tests import every file both ways
(tests/storage/importing/test_brat_columns.py).
"""
from __future__ import annotations

import re
import time
from json.encoder import encode_basestring_ascii as _json_ascii
from itertools import repeat
from operator import sub
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping

from storage.importing.foreign import normalised_with_offsets
from storage.importing.report import Outcome
from storage.model import Attribute
from storage.project import now

if TYPE_CHECKING:
    from storage.importing.brat import _Document
    from storage.importing.foreign import ForeignWriter
    from storage.importing.foreign_records import PlainEvents

# A whole line each, of "\n" + the file: the id, type, "start end" and text of a one-fragment span
# (its text runs to the line's end); an event's id, type, trigger and " role:T…" arguments, every
# one a T id. Each starts with its line's "\n" rather than ^ in multi-line mode: a literal start
# lets the search skip to it, which halves the time of reading a file.
_T_LINE = re.compile(r"\n(T[^\t\n]*)\t([^ \t\n]+) ([0-9]+ [0-9]+)\t([^\n]*)")
_E_LINE = re.compile(r"\n(E[^\t\n]*)\t([^ \t\n:]+):(T[^ \t\n]*)((?: [^ \t\n:]+:T[^ \t\n]*)*)(?![^\n])")
try:  # offsets as one JSON list of digits, read by msgspec at a tenth of int()'s cost each
    from msgspec.json import Decoder as _Decoder
    _read_numbers: Callable[[str], list[int]] | None = _Decoder(list[int]).decode
except ImportError:  # int() reads each, as it does the odd ones (leading zeros, which JSON refuses)
    _read_numbers = None


def add_plain(document: _Document, writer: ForeignWriter, ann: str, text: str, meta: dict[str, Any]) -> bool:
    """Queue ``ann``'s document through ``writer`` if it is the usual one; False (nothing queued)
    when the line-by-line reading must decide."""
    if "\r" in ann:
        return False
    lined = "\n" + ann
    spans = _T_LINE.findall(lined)
    first = lined.find("\nE")  # the E lines' expression steps through every character from there
    events = _E_LINE.findall(lined, first) if first >= 0 else []
    if not _every_line(ann, len(spans) + len(events)):  # another kind of line, or an odd one
        return False
    stored = _stored(text)
    if not stored or stored.isspace():  # offsets move (None), or no text: said there
        return False
    if spans:
        idents, types, offsets, shown = zip(*spans)
        numbers = _numbers(offsets)
        starts, ends = numbers[0::2], numbers[1::2]
        # Each text where its span starts, as long as the span (no slice made): offsets out of order
        # or past the text are refused by add_plain_document.
        if not all(map(text.startswith, shown, starts)) or list(map(len, shown)) != list(map(sub, ends, starts)):
            return False
    else:
        idents = types = ()
        starts, ends = [], []
    index = _index(idents)
    if index is None:
        return False
    renamed = document.conf.renamed
    labels = [renamed.get(kind, kind) for kind in types] if renamed else list(types)
    plain_events = _events(document, writer, events, index, labels) if events else None
    if plain_events is False:
        return False
    return writer.writer.add_plain_document(stored, meta, starts, ends, labels, None, traced=("source_id", idents),
                                            events=plain_events)


def _events(document: _Document, writer: ForeignWriter, events: list[tuple[str, ...]], index: Mapping[str, int],
            labels: list[str]) -> PlainEvents | Literal[False]:
    """The ``_E_LINE`` lines as ``add_plain_document``'s columns, each trigger's label set in
    ``labels``; False when one names a T id the file lacks, or an id is twice, or an event's
    attributes are not the plain ones."""
    idents, kinds, trigger_ids, arguments = zip(*events)
    triggers = list(map(index.get, trigger_ids))
    if None in triggers or max(triggers) >= len(labels) or len(set(idents)) != len(idents):
        return False
    # Every argument is " role:T…": one space before it, a colon after its role (and maybe more
    # in its target, which then is no T id of the file).
    written = "".join(arguments)
    counts = list(map(str.count, arguments, repeat(" ")))
    if written.count(":") != sum(counts):
        return False
    parts = written.replace(" ", ":").split(":")  # "", role, target, role, target…
    spans = list(map(index.get, parts[2::2]))
    if None in spans or spans and max(spans) >= len(labels):
        return False
    known = document.role_names  # each brat type and role read once a document reader
    roles = list(map(known.get, parts[1::2]))
    if None in roles:
        roles = [known.get(role) or document.role(role) for role in parts[1::2]]
    found = document.label_types
    typed = list(map(found.get, kinds))
    if None in typed:
        typed = [found.get(kind) or document.label_and_type(kind) for kind in kinds]
    for number, (label, _) in zip(triggers, typed):
        labels[number] = label
    # An event's attributes are its id alone, unless the folder is our export (defaults it left out).
    if not document.conf.ours and _free_text(writer.growth.attributes.get("source_id")):
        attributes = [f'{{"source_id": {_json_ascii(ident)}}}' for ident in idents]
    else:
        attributes = list(map(writer.writer.plain_event_attributes, map(document.event_attributes, idents)))
        if None in attributes:
            return False
    return triggers, [kind for _, kind in typed], attributes, counts, roles, spans  # type: ignore[return-value]


_NAMES: tuple[str, ...] = ()  # "T1", "T2"…, as far as a file has needed them
_NUMBERS: dict[str, int] = {}  # "T1": 0, "T2": 1…, the same
# A file of more spans than this gets a mapping of its own: the shared one lives as long as the
# process (a window), ~100 bytes a name, and a million-span file would have kept ~200 MB.
SHARED_NAMES_UP_TO = 20_000


def _index(idents: tuple[str, ...]) -> Mapping[str, int] | None:
    """Each span's position by its id (an id at or past ``len(idents)`` is not one of them),
    or None when an id is twice. Ids T1, T2… in order, as brat numbers them, are looked up in one
    mapping kept for every file, instead of a new one made and checked for repeats per file."""
    global _NAMES
    count = len(idents)
    if len(_NAMES) < count <= SHARED_NAMES_UP_TO:  # numbers first: a file read meanwhile finds every name
        names = tuple(f"T{number}" for number in range(1, 2 * count + 1))
        _NUMBERS.update(zip(names, range(len(names))))
        _NAMES = names
    if idents == _NAMES[:count]:
        return _NUMBERS
    index = dict(zip(idents, range(count)))
    return index if len(index) == count else None


def _every_line(ann: str, read: int) -> bool:
    """Whether the ``read`` lines are every line of ``ann`` but empty ones: its line breaks
    counted (a file without blank lines, at once) or, where that fails, its lines."""
    if read == ann.count("\n") + (ann[-1:] != "\n"):
        return True
    lines = ann.split("\n")
    return read == len(lines) - lines.count("")


def _stored(text: str) -> str | None:
    """``text`` in stored form when its offsets are the stored text's, else None
    (``normalised_with_offsets``, answered at once for ASCII text without a CR: nothing to change)."""
    if text.isascii() and "\r" not in text:  # no BOM, surrogate, CR or line separator to normalise
        return text
    try:
        stored, mapping = normalised_with_offsets(text)
    except ValueError:
        return None
    return stored if mapping is None else None


def _numbers(offsets: tuple[str, ...]) -> list[int]:
    """Every span's start and end, in turn, from its ``"start end"`` (digits, as the expression took them)."""
    if _read_numbers is not None:
        try:
            return _read_numbers("[" + ",".join(offsets).replace(" ", ",") + "]")
        except ValueError:  # a leading zero: JSON refuses what int() reads
            pass
    return list(map(int, " ".join(offsets).split(" ")))


class PlainRound:
    """The usual files of one round (one ``RowBatch``) read by one writer and one document reader,
    made once for the round's ``annotation.conf`` and the project's scheme as it stands: a
    ``ForeignWriter``, its ``SchemeGrowth`` (a copy of every look-up of the scheme) and a
    ``_Document`` per file cost a tenth of a usual file's import. ``add_plain`` never adds to the
    scheme nor fails, so what they hold stays true until a file read the long way changes the
    scheme, and a new one is made (``brat._plain_round``); each file's counts are what its rows
    added to the writer's."""

    def __init__(self, scheme: Any, writer: ForeignWriter, document: _Document) -> None:
        self.scheme, self.writer, self.document = scheme, writer, document
        self._second: int | None = None  # of the writer's stamp, which is to the second

    def add(self, path: str, ann: str, text: str, meta: dict[str, Any]) -> Outcome | None:
        """``ann``'s document queued and what it added, or None (nothing queued): read it the long way."""
        record = self.writer.writer
        record._path = self.writer.path = self.document.path = path  # what a message would name
        second = int(time.time())
        if second != self._second:  # the file's stamp, as a writer of its own would take it
            record._stamp, self._second = now(), second
        articles, spans, events, duplicates = (record.articles_added, record.spans_added, record.events_added,
                                               len(record.duplicates))
        if not add_plain(self.document, self.writer, ann, text, meta):
            return None
        return Outcome(record.articles_added - articles, record.duplicates[duplicates:],
                       spans_added=record.spans_added - spans, events_added=record.events_added - events)


def _free_text(attribute: Attribute | None) -> bool:
    """An event attribute any string passes unchanged: its JSON needs no check (as
    ``columns.attributes_json`` writes it: keys sorted, ASCII)."""
    return attribute is not None and attribute.kind == "text" and attribute.choices is None and not attribute.multi
