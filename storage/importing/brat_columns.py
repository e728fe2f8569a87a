"""The usual brat document read over whole columns: a corpus's ``.ann`` files are mostly ``T``
lines of one fragment whose text agrees and ``E`` lines whose arguments are ``T`` ids.

Two regular expressions read every such line of a file at C speed; offsets, texts, labels and
repeats are checked per column (``RecordWriter.add_plain_document``), and the rows made by
``zip``. Anything else in the file (another kind of line, a discontinuous span, a line the
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
from typing import TYPE_CHECKING, Any

from storage.importing.foreign import normalised_with_offsets
from storage.importing.report import Outcome
from storage.model import Attribute
from storage.project import now

if TYPE_CHECKING:
    from storage.importing.brat import _Document
    from storage.importing.foreign import ForeignWriter

# A whole line each, of "\n" + the file: the id, type, start, end and text of a one-fragment span;
# an event's id, type, trigger and " role:T…" arguments, every one a T id. Each starts with its
# line's "\n" rather than ^ in multi-line mode: a literal start lets the search skip to it, which
# halves the time of reading a file.
_T_LINE = re.compile(r"\n(T[^\t\n]*)\t([^ \t\n]+) ([0-9]+) ([0-9]+)\t([^\n]*)(?![^\n])")
_E_LINE = re.compile(r"\n(E[^\t\n]*)\t([^ \t\n:]+):(T[^ \t\n]*)((?: [^ \t\n:]+:T[^ \t\n]*)*)(?![^\n])")


def add_plain(document: _Document, writer: ForeignWriter, ann: str, text: str, meta: dict[str, Any]) -> bool:
    """Queue ``ann``'s document through ``writer`` if it is the usual one; False (nothing queued)
    when the line-by-line reading must decide."""
    if "\r" in ann:
        return False
    lined = "\n" + ann
    spans = _T_LINE.findall(lined)
    events = _E_LINE.findall(lined) if "\nE" in lined else []
    lines = ann.split("\n")
    if len(spans) + len(events) != len(lines) - lines.count(""):  # another kind of line, or an odd one
        return False
    try:
        stored, mapping = normalised_with_offsets(text)
    except ValueError:
        return False
    if mapping is not None or not stored or stored.isspace():  # offsets move, or no text: said there
        return False
    idents, types, starts, ends, shown = (list(column) for column in zip(*spans)) if spans else ([],) * 5
    index = {ident: number for number, ident in enumerate(idents)}
    if len(index) != len(idents) or len({event[0] for event in events}) != len(events):
        return False
    starts, ends = list(map(int, starts)), list(map(int, ends))
    # Offsets out of order or past the text slice to "" or less: add_plain_document refuses them.
    if shown != list(map(text.__getitem__, map(slice, starts, ends))):
        return False
    renamed = document.conf.renamed
    labels = [renamed.get(kind, kind) for kind in types] if renamed else types
    plain_events = []
    record = writer.writer
    # An event's attributes are its id alone, unless the folder is our export (defaults it left out).
    free = not document.conf.ours and _free_text(writer.growth.attributes.get("source_id"))
    kinds, roles = document.label_types, document.role_names  # each brat type and role read once a document
    for ident, kind, trigger, arguments in events:
        label, event_type = kinds.get(kind) or document.label_and_type(kind)
        number = index.get(trigger)
        if number is None:
            return False
        labels[number] = label
        pairs = []
        for argument in arguments.split():
            role, _, target = argument.partition(":")
            span = index.get(target)
            if span is None:
                return False
            pairs.append((roles.get(role) or document.role(role), span))
        encoded = (f'{{"source_id": {_json_ascii(ident)}}}' if free
                   else record.plain_event_attributes(document.event_attributes(ident)))
        if encoded is None:
            return False
        plain_events.append((number, event_type, encoded, pairs))
    return record.add_plain_document(stored, meta, starts, ends, labels, None, traced=("source_id", idents),
                                     events=plain_events)


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
