"""Import of our native JSONL: one article per line with its spans and event frames, ids included.

This reads back what ``storage.exporting.native`` writes. An optional first line
``{"scheme": {...}}`` (the shape of ``resources/scheme.json``) carries label colours, keys,
kinds and role definitions: a new project adopts it whole, so they round-trip exactly, and a
project with articles gains what it lacks. Labels, roles, event types and attributes that neither
the project nor that line defines are added as the records use them. ``storage.scheme_growth``
does both and reports every addition.

Ids in the file are kept when they are free in the project, so native → import into an empty
project → native export reproduces the file; a taken id gets the next free one (what SQLite would
assign) and every reference in the record follows. The caller runs one file inside one
``project.transaction()``: any ``InputError`` raised here rolls the whole file back.

Speed: a corpus has hundreds of thousands of spans. Each is validated in Python against sets and
dicts, then rows go in with ``executemany`` every few hundred articles; ``Project.add_span`` per
span would re-read the article and open a savepoint for every row.
"""
from __future__ import annotations

import json
from operator import itemgetter
from typing import Any, Iterator, NoReturn

from storage.article_status import NEW
from storage.assist.origin import check_origin, import_origin
from storage.importing import layers
from storage.importing.batch import RowBatch
from storage.importing.columns import attributes_json, native_columns
from storage.importing.foreign_records import ForeignRecords
from storage.importing.intake import MAX_ID, json_kind, numbered_lines, parse_json, stream_long_lines
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Duplicate, Outcome
from storage.model import InputError, SchemeError, is_iso_date
from storage.project import Project, now
from storage.scheme_growth import SchemeGrowth
from storage.team.gc_pause import paused_gc
from storage.text import content_hash, normalise, parse_article

_FLUSH_EVERY = 500  # articles per executemany round: bounds memory, keeps statements few
_SPAN_KEY = itemgetter(2, 3, 4, 5)  # (start, end, label, annotator) of a span row: unique per layer
_SPAN_LABEL = itemgetter(4)
_json_string = json.encoder.encode_basestring  # a str as JSON, non-ASCII kept: json.dumps(s, ensure_ascii=False)
_FIRST = itemgetter(0)
# A span without "origin" (a file from before origins were recorded) came in by this import.
_NO_ORIGIN = import_origin("native")
# Keys other tools keep annotations under. A record with one of them is another format's: read
# as native, its text would import and its annotations vanish without a word.
_FOREIGN_KEYS = {"label": "doccano", "labels": "doccano", "entities": "doccano", "relations": "doccano",
                 "ner_tags": "Hugging Face", "annotations": "Label Studio", "completions": "Label Studio",
                 "eventText": "PLOVER", "trigger": "event-record"}
# The --format that reads such a record, for the refusal to name (detection chose native: the
# first record was unusual, or the format was forced).
_FOREIGN_FORMATS = {"doccano": "doccano", "Hugging Face": "hf", "Label Studio": "label-studio", "PLOVER": "plover"}


def run(project: Project, job: Job, options: ImportOptions) -> Outcome:
    """Import one native JSONL file (the caller holds its transaction)."""
    return import_native_lines(project, job.path, stream_long_lines(job.path, encoding=options.encoding),
                               SchemeGrowth(project), layer=options.annotator)


def import_native(project: Project, path: str, content: str, scheme: SchemeGrowth) -> Outcome:
    """Validate and write every record of a native JSONL file's decoded ``content``."""
    return import_native_lines(project, path, numbered_lines(content), scheme)


def import_native_lines(project: Project, path: str, lines: Iterator[tuple[int, str]],
                        scheme: SchemeGrowth, *, layer: str | None = None) -> Outcome:
    """Validate and write every record of numbered native JSONL ``lines``, as they are read.

    The cyclic collector is paused meanwhile: a record is some fifty dicts and lists, none in a
    cycle, freed by reference counting once its rows are queued, and the queue holds tens of
    thousands of row tuples, which the collector would scan again and again."""
    reader = RecordWriter(project, path, scheme, layer=layer)
    first = True
    with paused_gc():
        for line, record_text in lines:
            if record_text and not record_text.isspace():  # blank lines are not records
                reader.read(line, record_text, first=first)
                first = False
        if first:
            raise InputError(path, "the file holds no JSON records")
        reader.flush()
    return Outcome(reader.articles_added, reader.duplicates, scheme.additions,
                   spans_added=reader.spans_added, events_added=reader.events_added, layer=layer,
                   articles_received=reader.articles_received, spans_received=reader.spans_received)


def _span_name(file_id: Any, index: int) -> str:
    return f"span {file_id}" if file_id is not None else f"spans[{index}]"


def _event_name(file_id: Any, index: int) -> str:
    return f"event {file_id}" if file_id is not None else f"events[{index}]"


class RecordWriter(ForeignRecords):
    """Reads records one by one and writes them in rounds; raises InputError naming the line.

    Native files keep their ids where free (``native=True``). Foreign importers hand it records
    of the same shape built from their own format (``native=False``): their span and event ids
    are local references only, so every row gets a fresh id, and ``origin`` is what a span
    without one came in by.

    ``layer`` (``import --annotator NAME``): every span and event goes into that annotator layer,
    whatever the file says, and an article whose text is already in the project receives them
    instead of being skipped, unless that layer already has annotations there (refused: a second
    import would double them, and replacing them silently would lose work).

    ``batch``: rows queue there, shared with the writers of other files in the same transaction,
    and its owner writes them (``RowBatch.flush``); without one, this writer writes its own rows
    every few hundred articles and on ``flush``. Counts are kept as rows are queued.
    """

    def __init__(self, project: Project, path: str, scheme: SchemeGrowth, *, native: bool = True,
                 origin: str | None = None, layer: str | None = None, batch: RowBatch | None = None) -> None:
        if layer is not None and not layer.strip():
            raise InputError(path, "the annotator layer name is empty; give --annotator NAME")
        self._path = path
        self._layer = layer
        self._native = native
        self._no_origin = origin or _NO_ORIGIN
        self._scheme = scheme
        self._conn = project.db.conn
        self._stamp = now()
        self._origins: set[str] = set()
        self._attribute_sets: dict[tuple[Any, ...], str] = {}  # event attributes checked: their JSON
        self._owns_batch = batch is None
        # Annotator layers (storage.importing.layers): import --annotator NAME records NAME like a
        # merged packet's layer; a native file's own layers, statuses and provenance come back.
        self._batch = batch = RowBatch(self._conn) if batch is None else batch
        self._layer_tables = batch.layer_tables
        self._ids, self._rows = batch.ids, batch.rows
        # Articles queued in this batch, for duplicates within the file (and, in a shared batch,
        # across its files; a layer's import never shares one: see storage.importing.import_paths).
        self._hashes = batch.hashes
        # A native file's uids are kept (RowBatch.flush gives a fresh one where that would repeat
        # one); a layer's import makes new annotations, and foreign ids are only local references.
        self._keep_uids = native and layer is None and batch.uid_prefix is not None
        self._line = 0
        self.articles_added = 0
        self.spans_added = 0
        self.events_added = 0
        self.articles_received = 0  # articles already in the project that received this file's layer
        self.spans_received = 0  # of spans_added, those on such articles
        self._receiving: set[int] = set()  # their ids, so their spans are counted apart
        self.duplicates: list[Duplicate] = []

    def _fail(self, message: str) -> NoReturn:
        raise InputError(self._path, message, line=self._line)

    def read(self, line: int, record_text: str, *, first: bool) -> None:
        self._line = line
        record = parse_json(record_text, self._path, line=line)
        if not isinstance(record, dict):
            self._fail(f"expected a JSON object (one article per line), not {json_kind(record)}")
        self.add(record, line, first=first)

    def add(self, record: dict[str, Any], line: int | None, *, first: bool = False) -> None:
        """Validate one record (already parsed) and queue its rows; ``line`` names it in errors."""
        self._line = line
        try:
            if "scheme" in record:
                if not first or "text" in record:
                    self._fail('a "scheme" record may only be the first line, on its own')
                self._scheme.add_from_record(record["scheme"])
                if "layers" in record and self._layer_tables and self._layer is None:
                    layers.write_provenance(self._conn, record["layers"], self._fail)
                if "team" in record and self._layer is None:
                    layers.write_identity(self._conn, record["team"], self._fail)
            else:
                self._read_article(record)
        except SchemeError as exc:  # from the slow paths that extend the scheme
            self._fail(str(exc))
        if self._owns_batch and len(self._batch.lines) >= _FLUSH_EVERY:
            self.flush()

    def _read_article(self, record: dict[str, Any]) -> None:
        foreign = next((key for key in _FOREIGN_KEYS if key in record), None) if self._native else None
        if foreign is not None:
            tool = _FOREIGN_KEYS[foreign]
            hint = (f"; to read it as {tool}, import it with --format {_FOREIGN_FORMATS[tool]}"
                    if tool in _FOREIGN_FORMATS else "")
            what = (f'an event record ("{foreign}", as export --format events writes)' if tool == "event-record"
                    else f'a {tool} record ("{foreign}")')
            self._fail(f'this looks like {what}; only native '
                       "JSONL (export --format native) keeps its annotations on import, so the file is "
                       f"refused rather than imported without them{hint}")
        text = record.get("text")
        if not isinstance(text, str) or not text:
            self._fail('missing "text"' if "text" not in record else '"text" must be a non-empty string')
        if self._native:  # a foreign importer hands over text it normalised itself
            self._check_normal(text)
        digest = content_hash(text)
        existing, received = self._existing(digest)
        if existing is not None and not received:
            return
        meta, spans, events = record.get("meta", {}), record.get("spans", []), record.get("events", [])
        for key, value, kind in (("meta", meta, dict), ("spans", spans, list), ("events", events, list)):
            if not isinstance(value, kind):
                self._fail(f'"{key}" must be {"an object" if kind is dict else "a list"}')
        if received:
            article_id = self._receive(existing, digest)
        else:
            article_id = self._new_article(text, digest, meta, self._id(record.get("id"), "article")
                                           if self._native else None)
            if "attributes" in record:  # the article's own, not a layer's: a received article keeps its
                self._read_article_attributes(article_id, record["attributes"])
        self._layer_status(article_id, meta)
        if self._layer_tables and self._layer is None and not received:  # a native file's own layers
            if "layers" in record:
                self._rows["layer_status"].extend(layers.status_rows(article_id, record["layers"], self._fail,
                                                                     self._stamp))
            if "curation" in record:
                self._rows["curation_decisions"].extend(layers.decision_rows(article_id, record["curation"],
                                                                             self._fail))
        span_ids, span_labels = self._read_spans(article_id, text, spans, events)
        self._read_events(article_id, events, span_ids, span_labels)
        self._batch.lines.append(self._line)

    def _queued(self, line: int | None) -> None:
        self._batch.lines.append(line)  # type: ignore[arg-type]
        if self._owns_batch and len(self._batch.lines) >= _FLUSH_EVERY:
            self.flush()

    def _existing(self, digest: str) -> tuple[int | None, bool]:
        """The article already holding this text (in the project or queued), and whether this
        file's layer annotates it (``--annotator``); otherwise it is counted a duplicate."""
        existing = self._hashes.get(digest)
        in_file = existing is not None and self._owns_batch  # a shared batch's hashes are other files' too
        if existing is None and self._ids["articles"].table_had_rows:
            row = self._conn.execute("SELECT id FROM articles WHERE content_hash = ?", [digest]).fetchone()
            existing = row[0] if row else None
        received = existing is not None and self._layer is not None and digest not in self._hashes
        if existing is not None and not received:
            self.duplicates.append(Duplicate(existing, self._line, in_file))
        return existing, received

    def _new_article(self, text: str, digest: str, meta: dict[str, Any], file_id: int | None) -> int:
        if "\x00" in text:  # SQLite's length() stops there: the stored length would be wrong
            self._fail(f"the text holds a NUL character (\\u0000) at offset {text.index(chr(0))}, "
                       "which a stored text cannot hold")
        (article_id,) = self._claim("articles", [file_id])
        row = self._article_row(article_id, text, digest, meta)
        self._rows["articles"].append(row)
        status = self._status(meta)
        if status != NEW:  # no row is new (storage.article_status): a corpus of new articles writes none
            self._rows["article_status"].append((article_id, status, row[-1]))
        self.articles_added += 1
        self._hashes[digest] = article_id
        return article_id

    def _layer_status(self, article_id: int, meta: dict[str, Any]) -> None:
        """With ``--annotator``: the layer's status on the article, the file's (``meta.status``)."""
        if self._layer_tables and self._layer is not None:
            self._rows["layer_status"].append((article_id, self._layer, self._status(meta),
                                               self._optional_str(meta.get("updated"), "meta updated") or self._stamp))

    def _uid(self, item: dict[str, Any], name: str) -> str | None:
        uid = item.get("uid") if self._keep_uids else None
        if uid is not None and (type(uid) is not str or not 0 < len(uid) <= 64):
            self._fail(f'{name}: "uid" must be a string of 1 to 64 characters, not {uid!r}')
        return uid

    def _status(self, meta: dict[str, Any]) -> str:
        return layers.check_status(meta.get("status", "new"), self._fail)

    def _receive(self, article_id: int, digest: str) -> int:
        """An article already in the project that this file's layer annotates; refused when the
        layer already has spans or events there (checked inside the file's transaction)."""
        taken = self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM spans WHERE article_id = ?1 AND annotator = ?2) "
            "OR EXISTS (SELECT 1 FROM events WHERE article_id = ?1 AND annotator = ?2)",
            [article_id, self._layer]).fetchone()[0]
        if taken:
            self._fail(f"article {article_id} (the same text) already has annotations in layer "
                       f"{self._layer!r}; import into another layer (--annotator) or remove them first")
        self._receiving.add(article_id)
        self.articles_received += 1
        self._hashes[digest] = article_id
        return article_id

    def _check_normal(self, text: str) -> None:
        try:
            _, report = normalise(text)
        except ValueError as exc:
            self._fail(f'"text" has a {exc}')
        if report.changed:
            self._fail(f'"text" is not in stored form ({report.describe()}); span offsets count the '
                       "stored text, so they would drift: re-export the file rather than edit it")

    def _id(self, value: Any, what: str) -> int | None:
        if value is not None and (type(value) is not int or not 0 < value <= MAX_ID):
            self._fail(f"{what} id {value!r} must be a whole number from 1 to {MAX_ID}")
        return value

    def _claim(self, table: str, wanted: list[int | None]) -> list[int]:
        try:
            return self._ids[table].claim(wanted)
        except SchemeError as exc:
            self._fail(str(exc))

    def _optional_str(self, value: Any, what: str) -> Any:
        if value is not None and not isinstance(value, str):
            self._fail(f"{what} must be a string, not {value!r}")
        return value

    def _read_article_attributes(self, article_id: int, values: Any) -> None:
        """The article's own attributes (PLOVER contexts): each must be declared for articles."""
        if not isinstance(values, dict):
            self._fail('"attributes" must be an object')
        for name, value in values.items():
            attribute = self._scheme.attributes.get(name)
            if attribute is None or not attribute.on_article:
                self._fail(f"article attribute {name!r} is not one the scheme lets an article carry")
            try:
                attribute.check(value, modes=self._scheme.modes)
            except SchemeError as exc:
                self._fail(f"article attribute {exc}")
            self._rows["article_attributes"].append((article_id, name, json.dumps(value, ensure_ascii=False)))

    def _article_row(self, article_id: int, text: str, digest: str, meta: dict[str, Any]) -> tuple[Any, ...]:
        title = self._optional_str(meta.get("title"), "meta title")
        date = self._optional_str(meta.get("date"), "meta date")
        if date is not None and not is_iso_date(date):
            self._fail(f"meta date {date!r} must be a real date written YYYY-MM-DD")
        created = self._optional_str(meta.get("created"), "meta created") or self._stamp
        return (article_id, text, len(text), parse_article(text).title if title is None else title, date,
                self._optional_str(meta.get("source"), "meta source"), digest, created,
                self._optional_str(meta.get("updated"), "meta updated") or created)

    def _read_spans(self, article_id: int, text: str, spans: list[Any],
                    events: list[Any]) -> tuple[dict[Any, int], dict[Any, str]]:
        """Validate spans; return file span id -> stored id, and file span id -> label."""
        length, kinds, stamp, known_origins = len(text), self._scheme.kinds, self._stamp, self._origins
        columns = native_columns(spans, text, kinds, known_origins, no_origin=self._no_origin, stamp=stamp,
                                 layer=self._layer)
        if columns is not None:  # the usual record: checked over whole columns (storage.importing.columns)
            file_ids, labels = columns[0], columns[3]
            stored = self._claim("spans", file_ids if self._native else [None] * len(file_ids))
            self._rows["span_blocks"].append((stored, article_id, *columns[1:]))  # a SpanBlock
            self.spans_added += len(stored)
            if article_id in self._receiving:
                self.spans_received += len(stored)
            return dict(zip(file_ids, stored)), dict(zip(file_ids, labels))
        rows: list[tuple[Any, ...]] = []
        attributes: list[tuple[int, list[tuple[str, str]]]] = []  # (span index, [(name, JSON value)])
        for index, span in enumerate(spans):
            # The hot loop (every span of the corpus): one combined test, messages only on failure,
            # checks that need the whole list (repeats) done after it at C speed.
            if type(span) is not dict:
                self._fail(f"spans[{index}] must be an object")
            file_id, start, end = span.get("id"), span.get("start"), span.get("end")
            label, annotator, created = span.get("label"), span.get("annotator"), span.get("created")
            if (type(file_id) is not int or not 0 < file_id <= MAX_ID
                    or type(start) is not int or type(end) is not int or not 0 <= start < end <= length
                    or type(label) is not str or label not in kinds
                    or (annotator is not None and type(annotator) is not str)
                    or (created is not None and type(created) is not str)):
                self._check_span(index, span, length, events)
            origin = span.get("origin")
            if origin is None:
                origin = self._no_origin
            elif origin not in known_origins:
                known_origins.add(self._origin(origin, _span_name(file_id, index)))
            shown = span.get("text")
            if shown is not None and shown != text[start:end]:
                self._fail(f"{_span_name(file_id, index)}: \"text\" is {shown!r} but the text at "
                           f"{start}..{end} is {text[start:end]!r}")
            taken = span.get("taken_from")  # a gold span's source layer (storage/team)
            if taken is not None and type(taken) is not str:
                self._fail(f"{_span_name(file_id, index)}: \"taken_from\" must name a layer, not {taken!r}")
            rows.append((file_id, article_id, start, end, label, annotator if self._layer is None else self._layer,
                         created or stamp, origin, taken,
                         self._uid(span, _span_name(file_id, index)) if "uid" in span else None))
            if "attributes" in span:
                attributes.append((index, self._span_attributes(file_id, index, label, span["attributes"])))
        file_ids = list(map(_FIRST, rows))
        if len(set(file_ids)) != len(file_ids) or len(set(map(_SPAN_KEY, rows))) != len(rows):
            self._find_repeat(file_ids, rows)
        stored = self._claim("spans", file_ids if self._native else [None] * len(file_ids))
        if stored != file_ids:
            rows = [(new_id, *row[1:]) for new_id, row in zip(stored, rows)]
        self._queue_spans(article_id, rows, stored, attributes)
        return dict(zip(file_ids, stored)), dict(zip(file_ids, map(_SPAN_LABEL, rows)))

    def _queue_spans(self, article_id: int, rows: list[tuple[Any, ...]], stored: list[int],
                     attributes: list[tuple[int, list[tuple[str, str]]]]) -> None:
        """Queue an article's span rows and their attributes (by span index) and count them."""
        self._rows["spans"].extend(rows)
        self.spans_added += len(rows)
        if article_id in self._receiving:
            self.spans_received += len(rows)
        self._rows["span_attributes"].extend(
            (stored[index], name, value) for index, values in attributes for name, value in values)

    def _origin(self, origin: Any, name: str) -> str:
        """A span's ``origin`` as the file gives it, if well formed (checked once per distinct value)."""
        try:
            return check_origin(origin)
        except SchemeError as exc:
            self._fail(f"{name}: {exc}")

    def _span_attributes(self, file_id: Any, index: int, label: str, values: Any) -> list[tuple[str, str]]:
        """A span's attributes as (name, JSON) rows, checked against its label's declarations."""
        if not isinstance(values, dict):
            self._fail(f"{_span_name(file_id, index)}: \"attributes\" must be an object")
        result = []
        declared = self._scheme.span_attributes.get(label, {})
        for name, value in values.items():
            attribute = declared.get(name)
            if (attribute is not None and attribute.kind == "text" and not attribute.multi
                    and type(value) is str and value.strip()):
                result.append((name, _json_string(value)))  # the hot path: free text, a foreign id
                continue
            try:
                checked = self._scheme.check_span_attribute(label, name, value)
            except SchemeError as exc:
                self._fail(f"{_span_name(file_id, index)}: {exc}")
            if checked is not None:
                result.append((name, json.dumps(checked, ensure_ascii=False)))
        return result

    def _check_span(self, index: int, span: dict[str, Any], length: int, events: list[Any]) -> None:
        """The slow path of ``_read_spans``: fail with a precise message, or add a new label."""
        file_id = self._id(span.get("id"), "span")
        name = _span_name(file_id, index)
        start, end = span.get("start"), span.get("end")
        if type(start) is not int or type(end) is not int:
            self._fail(f"{name}: start and end must be integers, not {start!r} and {end!r}")
        if start >= end:
            self._fail(f"{name}: start {start} must be less than end {end}")
        if not 0 <= start < end <= length:
            self._fail(f"{name}: offsets {start}..{end} are outside the text (0..{length})")
        label = span.get("label")
        if type(label) is not str or label not in self._scheme.kinds:
            # A new label anchors events when a span of it is an event's trigger.
            trigger = file_id is not None and any(
                isinstance(e, dict) and type(e.get("trigger")) is int and e["trigger"] == file_id
                for e in events)
            self._scheme.add_label(label, kind="trigger" if trigger else "entity")
        self._optional_str(span.get("annotator"), f"{name} annotator")
        self._optional_str(span.get("created"), f"{name} created")

    def _find_repeat(self, file_ids: list[Any], rows: list[tuple[Any, ...]]) -> None:
        """Fail on a span id or a (start, end, label) used twice; spans without ids may be many."""
        ids: set[int] = set()
        keys: dict[tuple[int, int, str], int] = {}
        for index, (file_id, row) in enumerate(zip(file_ids, rows)):
            if file_id is not None:
                if file_id in ids:
                    self._fail(f"span id {file_id} is used twice in this article")
                ids.add(file_id)
            key = _SPAN_KEY(row)
            if key in keys:
                self._fail(f"{_span_name(file_id, index)}: {key[0]}..{key[1]} is tagged {key[2]} "
                           f"twice (also {_span_name(file_ids[keys[key]], keys[key])})")
            keys[key] = index

    def _read_events(self, article_id: int, events: list[Any], span_ids: dict[Any, int],
                     span_labels: dict[Any, str]) -> None:
        # Every event of the corpus passes here: the usual case is tested inline, an event's name
        # for a message is made only when there is a message to give.
        scheme = self._scheme
        kinds, types, layer, stamp = scheme.kinds, scheme.types, self._layer, self._stamp
        wanted: list[int | None] = []
        rows: list[tuple[Any, ...]] = []
        fillers: list[list[tuple[str, int]]] = []
        for index, event in enumerate(events):
            if type(event) is not dict:
                self._fail(f"events[{index}] must be an object")
            file_id = event.get("id")
            if file_id is not None and (type(file_id) is not int or not 0 < file_id <= MAX_ID or file_id in wanted):
                self._id(file_id, "event")
                self._fail(f"event id {file_id} is used twice in this article")
            trigger = event.get("trigger")
            if type(trigger) is not int or trigger not in span_ids:
                self._fail(f"{_event_name(file_id, index)}: trigger {trigger!r} is not the id of a span in this "
                           "article")
            event_type, attributes = event.get("type"), event.get("attributes", {})
            try:
                if kinds[span_labels[trigger]] != "trigger":
                    scheme.require_trigger(span_labels[trigger])
                if event_type is not None and (type(event_type) is not str or event_type not in types):
                    scheme.add_event_type(event_type)
                if type(attributes) is not dict:
                    raise SchemeError('"attributes" must be an object')
                encoded = attributes_json(scheme, self._attribute_sets, attributes)
            except SchemeError as exc:
                self._fail(f"{_event_name(file_id, index)}: {exc}")
            fillers.append(self._read_arguments(file_id, index, event, trigger, span_ids, span_labels))
            wanted.append(file_id)
            annotator, created, taken = event.get("annotator"), event.get("created"), event.get("taken_from")
            # (--annotator's layer replaces the file's annotator unread, as it always did.)
            if ((layer is None and annotator is not None and type(annotator) is not str)
                    or (created is not None and type(created) is not str)
                    or (taken is not None and type(taken) is not str)):
                name = _event_name(file_id, index)
                if layer is None:
                    self._optional_str(annotator, f"{name} annotator")
                self._optional_str(created, f"{name} created")
                self._optional_str(taken, f"{name} taken_from")
            rows.append((article_id, span_ids[trigger], event_type, encoded, annotator if layer is None else layer,
                         created or stamp, taken,
                         self._uid(event, _event_name(file_id, index)) if "uid" in event else None))
        fresh = self._claim("events", wanted if self._native else [None] * len(wanted))
        for event_id, row, arguments in zip(fresh, rows, fillers):
            self._rows["events"].append((event_id, *row))
            self.events_added += 1
            self._rows["arguments"].extend((event_id, role, span) for role, span in arguments)

    def _read_arguments(self, file_id: Any, index: int, event: dict[str, Any], trigger: int,
                        span_ids: dict[Any, int], span_labels: dict[Any, str]) -> list[tuple[str, int]]:
        """(role, stored span id) pairs of one event, checked against the scheme's roles."""
        arguments = event.get("arguments", [])
        if type(arguments) is not list:
            self._fail(f'{_event_name(file_id, index)}: "arguments" must be a list')
        result: list[tuple[str, int]] = []
        counts: dict[str, int] = {}
        role_labels, role_max = self._scheme.role_labels, self._scheme.role_max
        for argument in arguments:
            if type(argument) is not dict:
                self._fail(f"{_event_name(file_id, index)}: each argument must be an object with a role and a span")
            span = argument.get("span")
            if type(span) is not int or span not in span_ids:
                self._fail(f"{_event_name(file_id, index)}: argument span {span!r} is not the id of a span in this "
                           "article")
            if span == trigger:
                self._fail(f"{_event_name(file_id, index)}: span {span} is the trigger and cannot also be an argument")
            role = argument.get("role")
            if type(role) is not str or span_labels[span] not in role_labels.get(role, ()):
                try:  # a role to add or widen, or the message why not
                    role = self._scheme.require_role(role, span_labels[span])
                except SchemeError as exc:
                    self._fail(f"{_event_name(file_id, index)}: {exc}")
            pair = (role, span_ids[span])
            if pair in result:
                self._fail(f"{_event_name(file_id, index)}: span {span} fills {role!r} twice")
            counts[role] = count = counts.get(role, 0) + 1
            limit = role_max[role]
            if limit is not None and count > limit:
                self._fail(f"{_event_name(file_id, index)}: role {role!r} takes at most {limit} span(s)")
            result.append(pair)
        return result

    def flush(self) -> None:
        """Write the rows queued so far (a shared batch is written by its owner instead)."""
        if self._owns_batch:
            layered = self._layer_tables and bool(self._rows["layer_status"])
            self._batch.flush(self._path)
            if layered and self._layer is not None:
                layers.record_import(self._conn, self._layer, self._path, self._stamp)
