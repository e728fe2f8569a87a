"""WebAnno / INCEpTION TSV v3 (``#FORMAT=WebAnno TSV 3.x``): named-entity and relation layers.

The header declares layers (``#T_SP=`` spans, ``#T_RL=`` relations, ``#T_CH=`` chains), each
taking one column per ``|``-separated item after its type name, after the three fixed columns
(``1-3`` token id, ``9-14`` offsets, the token). ``_`` is no annotation, ``*`` one without a
value; stacked annotations are joined by ``|``; a multi-token annotation carries the same number
in brackets on each of its tokens (``PER[2]``). Sub-token rows (``1-2.3``) carry their own offsets.

The text is rebuilt from the ``#Text=`` lines (several for a sentence with line breaks, joined by
``\\n``), unescaped, and each sentence is placed at its first token's offset; the gap between
sentences (the source's whitespace, lost by the format) becomes ``\\n`` then spaces. Offsets count
UTF-16 code units (INCEpTION is Java): they are converted to code points here, and every token's
text is checked against the rebuilt text.

Span layers: the NamedEntity layer and custom layers (``webanno.custom.*``) become spans labelled
by their first feature's value (the layer's short name for ``*``); other built-in layers (POS,
lemma, …) are counted. Relations whose base layer is imported are read as ``ForeignWriter``
reads relations (from a trigger label: an event argument; the rest counted). Slot links
(``ROLE_`` features: roles ``p1;p2`` in one column, their targets' token ids ``1-2;1-3`` in the
next) are read the same way, from the host span to the target layer's span at that token, the
role as the relation's type: INCEpTION's event-argument encoding. Chains are counted. One file is
one article.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from itertools import takewhile
from typing import Any, Iterator

from storage.importing.batch import RowBatch
from storage.importing.foreign import ForeignWriter
from storage.importing.intake import STREAM_ABOVE, numbered_lines, read_text, stream_lines
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Outcome
from storage.model import InputError
from storage.project import Project

_NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
_TOKEN_ID = re.compile(r"^(\d+)-(\d+)(?:\.(\d+))?$")
_OFFSETS = re.compile(r"^(\d+)-(\d+)$")
_VALUE = re.compile(r"^(.*?)(?:\[(\d+)\])?$", re.S)
_REFERENCE = re.compile(r"^(\d+-\d+(?:\.\d+)?)(?:\[(\d+)_(\d+)\])?$")
# WebAnno TSV escapes these with a backslash, in #Text= lines and in feature values.
# Files of a round read together (webanno_columns.read_many): enough that numpy's cost per
# operation is shared, few enough that the arrays stay in the processor's caches.
_READ_TOGETHER = 8
_UNESCAPE = re.compile(r"\\([\\\[\]|_*;\t\n]|->)")


def looks_like(head: str) -> bool:
    return head.lstrip("\ufeff").startswith("#FORMAT=WebAnno TSV 3")


def unescape(value: str) -> str:
    return _UNESCAPE.sub(lambda m: m.group(1), value) if "\\" in value else value


def _split(value: str, separator: str) -> list[str]:
    """``value`` split at ``separator`` where it is not escaped."""
    if "\\" not in value:  # nothing escaped (most cells)
        return value.split(separator)
    return re.split(r"(?<!\\)" + re.escape(separator), value)


class _Layer:
    def __init__(self, kind: str, spec: str) -> None:
        parts = spec.split("|")
        self.kind, self.type, self.features = kind, parts[0], parts[1:]
        self.short = self.type.rsplit(".", 1)[-1]
        self.imported = kind == "SP" and (self.type == _NAMED_ENTITY or self.type.startswith("webanno.custom."))
        self.slot = any(f.startswith("ROLE_") for f in self.features)
        # a slot feature takes two columns, its roles and then its targets (named by the target layer)
        self.role_column = next((i for i, f in enumerate(self.features) if f.startswith("ROLE_")), None)
        self.target = self.features[self.role_column + 1] if self.role_column is not None else None
        self.value_column = next((i for i, f in enumerate(self.features) if not f.startswith("ROLE_")
                                  and (i == 0 or not self.features[i - 1].startswith("ROLE_"))), None)
        self.base = next((f[3:] for f in self.features if f.startswith("BT_")), None)


@lru_cache(maxsize=256)
def _layer(kind: str, spec: str) -> _Layer:
    """The layer a header line declares: the files of a corpus repeat the same few, read once (never changed)."""
    return _Layer(kind, spec)


class _Reader:
    """One file's lines into tokens (with code-point offsets), text and per-column cells."""

    def __init__(self, writer: ForeignWriter) -> None:
        self.writer = writer
        self.layers: list[_Layer] = []
        self.parts: list[str] = []  # the document's text, in code points
        self.at16 = 0  # how many UTF-16 units of text have been placed
        self.sentence: list[str] | None = None  # #Text= lines of the sentence being read
        self.sentence_text = ""  # those lines joined, once its first token is read
        self.placed = False  # whether the sentence being read has been placed (its first token read)
        # UTF-16 offset in the sentence → code point offset (-1 inside a pair); None when they are
        # the same (no character outside the BMP: most text), up to ``local_end``.
        self.local: list[int] | None = None
        self.local_end = 0
        self.width = 0  # columns of a token row, from the header (0: not yet counted)
        self.base16 = self.base = 0  # where the current sentence starts: UTF-16 units, code points
        self.length = 0  # code points of text placed
        self.tokens: dict[str, tuple[int, int, int]] = {}  # token id → (start, end, line)
        # (line, token id, start, end, annotation cells): every token row (the line reader) or
        # every annotated one (the column reader)
        self.rows: list[tuple[int, str, int, int, list[str]]] = []

    def header(self, line: str, number: int) -> None:
        self.width = 0
        for kind in ("SP", "RL", "CH"):
            if line.startswith(f"#T_{kind}="):
                self.layers.append(_layer(kind, line[len(kind) + 4:]))
                return
        if not line.startswith("#FORMAT="):
            raise self.writer.fail(f"unknown header line {line[:40]!r}", number)

    def text_line(self, line: str) -> None:
        if self.sentence is None or self.placed:  # a new sentence (its tokens not yet read)
            self.sentence = []
            self.placed = False
        value = line[len("#Text="):]
        self.sentence.append(unescape(value) if "\\" in value else value)

    def token(self, line: str, number: int) -> None:
        fields = line.split("\t")
        width = self.width or self._width()
        if len(fields) < width or any(fields[width:]):
            raise self.writer.fail(f"expected {width} tab-separated columns (from the header), found "
                                   f"{len(fields)}: {line[:60]!r}", number)
        token_id, offsets, shown = fields[0], _OFFSETS.match(fields[1]), fields[2]
        if "\\" in shown:
            shown = unescape(shown)
        if not _TOKEN_ID.match(token_id) or offsets is None:
            raise self.writer.fail(f"expected a token id and offsets like 1-3 and 9-14, found "
                                   f"{fields[0]!r} and {fields[1]!r}", number)
        if self.sentence is None:
            raise self.writer.fail("a token row before any #Text= line", number)
        if not self.placed:
            self.sentence_text = "\n".join(self.sentence)
            self._place(self.sentence_text, int(offsets.group(1)), shown, number)
        text = self.sentence_text
        start, end = self._code_point(int(offsets.group(1)), token_id, number), self._code_point(
            int(offsets.group(2)), token_id, number)
        if end < start or text[start - self.base:end - self.base] != shown:
            raise self.writer.fail(f"token {token_id} {shown!r}: offsets {fields[1]} (UTF-16 units) hold "
                                   f"{text[start - self.base:end - self.base]!r} in the #Text line", number)
        self.tokens[token_id] = (start, end, number)
        self.rows.append((number, token_id, start, end, fields[3:width]))

    def _place(self, text: str, first16: int, first: str, number: int) -> None:
        """Put the sentence into the document where its first token's offset says it starts."""
        within = text.find(first)
        start16 = first16 - len(text[:max(within, 0)].encode("utf-16-le")) // 2
        if within < 0 or start16 < self.at16:
            raise self.writer.fail(f"the first token {first!r} at {first16} does not fit its #Text line "
                                   f"after the text before it (ends at {self.at16})", number)
        gap = start16 - self.at16
        filler = ("\n" + " " * (gap - 1)) if gap and self.parts else " " * gap
        self.parts += [filler, text]
        self.base = self.length + len(filler)  # where the sentence starts, in code points
        self.length = self.base + len(text)
        self.base16 = start16
        self.placed = True
        if text.isascii() or max(text) <= "\uffff":  # every character one UTF-16 unit: offsets agree
            self.local, self.local_end = None, len(text)
        else:
            self.local = []
            for index, ch in enumerate(text):
                self.local.append(index)
                if ord(ch) > 0xFFFF:
                    self.local.append(-1)  # the second half of a surrogate pair: no code point starts here
            self.local.append(len(text))
            self.local_end = len(self.local) - 1
        self.at16 = start16 + self.local_end

    def _width(self) -> int:
        self.width = 3 + sum(len(layer.features) for layer in self.layers)
        return self.width

    def _code_point(self, offset16: int, token_id: str, number: int) -> int:
        local = offset16 - self.base16
        if not 0 <= local <= self.local_end or (self.local is not None and self.local[local] < 0):
            raise self.writer.fail(f"token {token_id}: offset {offset16} (UTF-16 units) is outside its sentence "
                                   "or inside a character", number)
        return self.base + (local if self.local is None else self.local[local])


def run(project: Project, job: Job, options: ImportOptions, *, batch: RowBatch | None = None) -> Outcome:
    """Import one TSV file, one article (the caller holds the transaction; with ``batch``, the
    rows wait there for the caller to write them with other files')."""
    writer = ForeignWriter(project, job.path, "webanno", layer=options.annotator, batch=batch)
    content, reader = (batch.read_ahead.pop(job.path, None) if batch is not None else None) or _read(
        job, options, batch)
    if reader is not None:
        reader.writer = writer
    else:
        reader = _read_lines(writer, numbered_lines(content) if content is not None
                             else stream_lines(job.path, encoding=options.encoding))
    text = "".join(reader.parts)
    plain = _plain_spans(reader, writer)
    if plain is not None:  # the usual file: spans only, as [start, end, label]
        writer.add_plain(text, plain, line=1, meta={"source": job.source})
    else:
        spans, relations = _annotations(reader, writer)
        events = writer.relation_events(spans, relations, line=1)
        writer.add(text, spans, line=1, events=events, meta={"source": job.source})
    return writer.finish()


def _read(job: Job, options: ImportOptions, batch: RowBatch | None) -> tuple[str | None, _Reader | None]:
    """The file's content (None: too big, read in pieces) and its reading by the column reader (None:
    the line reader's). In a round, the round's next WebAnno files are read with it, in one pass
    (``webanno_columns.read_many``), and wait in ``batch.read_ahead``; a file that cannot be read
    is left out, to be read (and refused) in its turn."""
    jobs, at = batch.upcoming if batch is not None else ((), 0)
    following = list(takewhile(lambda other: other.format is job.format and other.problem is None,
                               jobs[at + 1:at + _READ_TOGETHER])) if at < len(jobs) and jobs[at] is job else []
    paths, contents = [], []
    for other in [job, *following]:
        try:
            content = _content(other.path, options.encoding)
        except InputError:
            if other is job:
                raise
            continue
        if content is not None:
            paths.append(other.path)
            contents.append(content)
        elif other is job:
            return None, None
    from storage.importing.heap import keep_freed_memory
    from storage.importing.webanno_columns import read_many  # numpy: loaded only for a WebAnno import

    keep_freed_memory()  # numpy's temporaries, reused from one pass to the next (storage.importing.heap)
    readings = list(zip(contents, read_many(contents)))
    if batch is not None:
        batch.read_ahead.update(zip(paths[1:], readings[1:]))
    return readings[0]


def _content(path: str, encoding: str | None) -> str | None:
    """The file's text when it is of ordinary size (one document), else None: read it in pieces."""
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # read_text says why it cannot be read
    return read_text(path, encoding=encoding)[0] if size < STREAM_ABOVE else None


def _read_lines(writer: ForeignWriter, lines: Iterator[tuple[int, str]]) -> _Reader:
    """Every line in turn: what any file may hold, each problem named with its line."""
    reader = _Reader(writer)
    first = True
    for number, raw in lines:
        line = raw.rstrip("\r")
        if first:
            if not looks_like(line):
                raise writer.fail("not WebAnno TSV 3: the first line should be #FORMAT=WebAnno TSV 3.x", number)
            line, first = line.lstrip("\ufeff"), False
        if not line:
            continue
        if line.startswith("#Text="):
            reader.text_line(line)
        elif line.startswith("#"):
            reader.header(line, number)
        else:
            reader.token(line, number)
    if first:
        raise writer.fail("the file is empty", 1)
    return reader


def _plain_spans(reader: _Reader, writer: ForeignWriter) -> list[list[Any]] | None:
    """``_annotations``' spans as ``[start, end, label]`` for the usual file, or None for any other:
    one layer, imported, of one column (no relations or slot links to read), no cell stacked
    (``|``) or escaped. The same reading, without a dict and a source id per span: a corpus's
    spans are most of its annotations, and relations need neither here."""
    if len(reader.layers) != 1 or not reader.layers[0].imported or len(reader.layers[0].features) != 1:
        return None
    short = reader.layers[0].short
    spans: list[list[Any]] = []
    parts: dict[str, list[Any]] = {}  # "[n]" id → its multi-token span
    for number, token_id, start, end, (value,) in reader.rows:
        if value == "_":  # no annotation (the line reader keeps every row)
            continue
        if "|" in value or "\\" in value:
            return None
        if value[-1:] == "]":
            head, bracket, number_id = value[:-1].rpartition("[")
            if bracket and number_id.isdecimal():  # part [n] of a multi-token annotation
                label = short if head in ("*", "") else head
                span = parts.get(number_id)
                if span is None:
                    parts[number_id] = span = [start, end, label]
                    spans.append(span)
                elif span[2] != label:
                    raise writer.fail(f"annotation [{number_id}] is {span[2]!r} on one token and {label!r} "
                                      f"on token {token_id}", number)
                else:  # sub-token rows may reach before or after the tokens before them
                    if start < span[0]:
                        span[0] = start
                    if end > span[1]:
                        span[1] = end
                continue
        spans.append([start, end, short if value in ("*", "") else value])
    kept = [span for span in spans if span[0] != span[1]]
    if len(kept) != len(spans):
        writer.dropped["zero-width span"] += len(spans) - len(kept)
    return kept


def _annotations(reader: _Reader, writer: ForeignWriter) -> tuple[list[dict[str, Any]], list[tuple[Any, Any, Any]]]:
    """Spans of the imported layers and relations between them, from every row's cells."""
    spans: list[dict[str, Any]] = []
    by_key: dict[tuple[int, str], dict[str, Any]] = {}  # (layer, "[number]" id) → span
    at_token: dict[tuple[int, str], list[dict[str, Any]]] = {}  # (layer, token id) → spans covering it
    relations: list[tuple[Any, Any, Any]] = []
    pending = []  # relation cells, read once every span is known: a governor may come later in the file
    slots: list[tuple[_Layer, list[dict[str, Any]], str, str, int]] = []  # likewise
    # Spans at each token are looked up only by relations and slot links.
    track = any(layer.kind == "RL" or layer.role_column is not None for layer in reader.layers)
    plan, column = [], 0
    for index, layer in enumerate(reader.layers):
        plan.append((index, layer, column, column + len(layer.features)))
        column += len(layer.features)
    for number, token_id, start, end, cells in reader.rows:
        if cells.count("_") == len(cells):  # most tokens: no annotation on any layer
            continue
        for index, layer, low, high in plan:
            mine = cells[low:high]
            if mine.count("_") == len(mine):
                continue
            if layer.kind == "SP" and layer.imported:
                value = mine[layer.value_column] if layer.value_column is not None else "*"
                if not track and "|" not in value and "\\" not in value:
                    # One annotation, nothing escaped (most cells): _span_cells' reading, inline.
                    head, bracket, number_id = value[:-1].rpartition("[") if value[-1:] == "]" else ("", "", "")
                    if not bracket or not number_id.isdecimal():  # a single-token annotation
                        spans.append({"id": len(spans) + 1, "start": start, "end": end,
                                      "label": layer.short if value in ("*", "_", "") else value,
                                      "source_id": f"{layer.short}@{token_id}"})
                        continue
                    label = layer.short if head in ("*", "") else head
                    span = by_key.get((index, number_id))
                    if span is None:  # part [n] of a multi-token annotation: its first token
                        by_key[(index, number_id)] = span = {
                            "id": len(spans) + 1, "start": start, "end": end, "label": label,
                            "source_id": f"{layer.short}[{number_id}]"}
                        spans.append(span)
                    elif span["label"] != label:
                        raise writer.fail(f"annotation [{number_id}] is {span['label']!r} on one token and "
                                          f"{label!r} on token {token_id}", number)
                    else:  # sub-token rows may reach before or after the tokens before them
                        if start < span["start"]:
                            span["start"] = start
                        if end > span["end"]:
                            span["end"] = end
                    continue
                hosts = _span_cells(writer, layer, index, "*" if value == "_" else value, token_id, start, end,
                                    number, spans, by_key, at_token if track else None)
                if layer.role_column is not None and mine[layer.role_column] != "_":
                    slots.append((layer, hosts, mine[layer.role_column], mine[layer.role_column + 1], number))
            elif layer.kind == "RL":
                pending.append((layer, mine, token_id, number))
            else:
                what = {"CH": "chain link", "RL": "relation"}.get(layer.kind, "slot link" if layer.slot else "span")
                writer.dropped[f"{what} on layer {layer.short}"] += len(_split(mine[0], "|"))
    for layer, mine, token_id, number in pending:
        relations += _relation_cells(writer, reader, layer, mine, token_id, number, at_token)
    for layer, hosts, roles, targets, number in slots:
        relations += _slot_links(writer, reader, layer, hosts, roles, targets, number, at_token)
    kept = [span for span in spans if span["start"] != span["end"]]
    if len(kept) != len(spans):
        writer.dropped["zero-width span"] += len(spans) - len(kept)
    if relations:
        ids = {span["id"] for span in kept}
        for head, child, kind in relations:
            if head not in ids or child not in ids:
                writer.dropped["relation to a zero-width span"] += 1
        relations = [r for r in relations if r[0] in ids and r[1] in ids]
    return kept, relations


def _span_cells(writer: ForeignWriter, layer: _Layer, index: int, cell: str, token_id: str, start: int, end: int,
                number: int, spans: list[dict[str, Any]], by_key: dict[tuple[int, str], dict[str, Any]],
                at_token: dict[tuple[int, str], list[dict[str, Any]]] | None) -> list[dict[str, Any]]:
    """The spans one cell holds at this token: new ones, and multi-token ones (``[n]``) it extends."""
    found = []
    for item in (cell.split("|") if "\\" not in cell else _split(cell, "|")):
        # value[n] (n: digits) is part n of a multi-token annotation; anything else is all value
        value, bracket, number_id = item[:-1].rpartition("[") if item[-1:] == "]" else ("", "", "")
        if not bracket or not number_id.isdecimal():
            value, number_id = item, ""
        label = layer.short if value in ("*", "") else unescape(value)
        span = by_key.get((index, number_id)) if number_id else None
        if span is None:
            span = {"id": len(spans) + 1, "start": start, "end": end, "label": label,
                    "source_id": f"{layer.short}[{number_id}]" if number_id else f"{layer.short}@{token_id}"}
            if number_id:
                by_key[(index, number_id)] = span
            spans.append(span)
        else:
            if span["label"] != label:
                raise writer.fail(f"annotation [{number_id}] is {span['label']!r} on one token and {label!r} "
                                  f"on token {token_id}", number)
            if start < span["start"]:
                span["start"] = start
            if end > span["end"]:
                span["end"] = end
        if at_token is not None:
            at_token.setdefault((index, token_id), []).append(span)
        found.append(span)
    return found


def _slot_links(writer: ForeignWriter, reader: _Reader, layer: _Layer, hosts: list[dict[str, Any]], roles: str,
                targets: str, number: int, at_token: dict[tuple[int, str], list[dict[str, Any]]]
                ) -> list[tuple[Any, Any, Any]]:
    """(host span, target span, role) of each slot link on this row; stacked hosts split at ``|``."""
    role_groups, target_groups = _split(roles, "|"), _split(targets, "|")
    if len(role_groups) != len(target_groups) or len(role_groups) > len(hosts):
        raise writer.fail(f"slot roles {roles!r} and targets {targets!r} do not pair up", number)
    base = next((i for i, other in enumerate(reader.layers) if other.type == layer.target), None)
    found = []
    for host, role_group, target_group in zip(hosts, role_groups, target_groups):
        pairs = list(zip(_split(role_group, ";"), _split(target_group, ";")))
        if len(_split(role_group, ";")) != len(pairs) or len(_split(target_group, ";")) != len(pairs):
            raise writer.fail(f"slot roles {role_group!r} and targets {target_group!r} do not pair up", number)
        for role, target in pairs:
            match = _VALUE.match(target)
            token = match.group(1)  # type: ignore[union-attr]
            if token not in reader.tokens:
                raise writer.fail(f"slot target {target!r} is not a token of this file", number)
            if base is None or not reader.layers[base].imported:
                writer.dropped[f"slot link on layer {layer.short} (its targets are not imported)"] += 1
                continue
            span = _pick(at_token.get((base, token), []), match.group(2))  # type: ignore[union-attr]
            if span is None:
                raise writer.fail(f"slot target {target!r}: no {layer.target} annotation there", number)
            found.append((host["id"], span["id"], layer.short if role in ("*", "") else unescape(role)))
    return found


def _relation_cells(writer: ForeignWriter, reader: _Reader, layer: _Layer, cells: list[str], token_id: str,
                    number: int, at_token: dict[tuple[int, str], list[dict[str, Any]]]) -> list[tuple[Any, Any, Any]]:
    """(governor span, dependent span, type) of each relation on this (the dependent's) row."""
    values, references = _split(cells[0], "|"), _split(cells[-1], "|")
    if len(values) != len(references):
        raise writer.fail(f"{len(values)} relation value(s) but {len(references)} governor(s)", number)
    base = next((i for i, other in enumerate(reader.layers) if other.type == layer.base), None)
    found = []
    for value, reference in zip(values, references):
        match = _REFERENCE.match(reference)
        if match is None or match.group(1) not in reader.tokens:
            raise writer.fail(f"relation governor {reference!r} is not a token of this file", number)
        if base is None or not reader.layers[base].imported:
            writer.dropped[f"relation on layer {layer.short} (its ends are not imported)"] += 1
            continue
        heads = at_token.get((base, match.group(1)), [])
        children = at_token.get((base, token_id), [])
        head = _pick(heads, match.group(2))
        child = _pick(children, match.group(3))
        if head is None or child is None:
            raise writer.fail(f"relation {value!r}: no {layer.base.rsplit('.', 1)[-1]} annotation at "
                              f"{match.group(1) if head is None else token_id}", number)
        kind = layer.short if value in ("*", "") else unescape(value)
        found.append((head["id"], child["id"], kind))
    return found


def _pick(candidates: list[dict[str, Any]], number_id: str | None) -> dict[str, Any] | None:
    if number_id and number_id != "0":
        return next((s for s in candidates if s["source_id"].endswith(f"[{number_id}]")), None)
    return candidates[0] if candidates else None
