"""Rows waiting to be written: what ``RecordWriter`` queues, and one ``executemany`` per table to write it.

A ``RowBatch`` holds the rows of one file, or of many small files (a brat folder) that share a
transaction: their ids are handed out here, so rows of several files can wait together and go
in with one ``executemany`` per table, row triggers set aside. A file that fails while its rows
wait is taken back out with ``rewind``, so the files before it still go in, and it alone not.
"""
from __future__ import annotations

import secrets
import sqlite3
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, Callable, Iterable, Sequence

from storage import article_status, uids
from storage import span_attribute_runs as runs
from storage.importing import layers
from storage.importing.intake import MAX_ID
from storage.model import InputError, SchemeError

SUSPEND_FROM = 2000  # spans in one round from which row triggers are set aside (see _suspend_triggers)
_SQL_CHUNK = 900  # ids per IN (...) query, under SQLite's default variable limit
# "span_blocks": a document's spans as columns, ``SpanBlock`` (RecordWriter.add_plain_spans).
# "span_attribute_runs": one text attribute of a document's consecutive spans, (first span id, name,
# [value per span], article id): a foreign id on every span of a file, written as one row of
# span_attribute_runs (storage.span_attribute_runs) instead of a span_attributes row per span.
# "article_status": (article id, status, updated) of the articles whose own status is not new.
TABLES = ("articles", "article_status", "spans", "span_blocks", "events", "arguments", "span_attributes",
          "span_attribute_runs", "article_attributes", "layer_status", "curation_decisions")
_RUN_COLUMNS = f'INSERT OR FAIL INTO {runs.RUNS_TABLE} (article_id, name, first_id, last_id, "values")'


class IdPool:
    """Hands out ids for one table: the file's id when free, else one above every id in use."""

    def __init__(self, conn: sqlite3.Connection, table: str) -> None:
        self._conn = conn
        self._table = table
        self._db_max: int = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        self._top = self._db_max  # >= every id in the table and every id claimed by this file
        self._claimed: set[int] = set()
        self.table_had_rows = self._db_max > 0

    def claim(self, wanted: list[int | None]) -> list[int]:
        """One id per entry of ``wanted`` (None: no preference), all distinct and unused.

        The wanted ids must be distinct (callers reject repeats with a message first).
        """
        if wanted and wanted[0] is None and not any(wanted):  # no preferences: the next ids up
            result = list(range(self._top + 1, self._top + 1 + len(wanted)))
            self._top += len(wanted)
            self._check_top()
            return result
        if wanted and None not in wanted and min(wanted) > self._top:  # type: ignore[type-var]
            # The usual case (an export's ids only grow): all free, and checked at C speed.
            self._claimed.update(wanted)  # type: ignore[arg-type]
            self._top = max(self._top, max(wanted))  # type: ignore[type-var]
            return wanted  # type: ignore[return-value]
        # Ids above the table's max at the start cannot be in the table: only those below need a query.
        low = [w for w in wanted if w is not None and w <= self._db_max]
        taken = self._taken(low) if low else set()
        result = []
        for want in wanted:
            if want is None or want in taken or want in self._claimed:
                want = self._top + 1
            self._claimed.add(want)
            self._top = max(self._top, want)
            result.append(want)
        self._check_top()
        return result

    def _check_top(self) -> None:
        if self._top > MAX_ID:
            singular = self._table.rstrip("s")
            raise SchemeError(f"no {singular} id is free for a {singular} whose id is missing or taken: "
                              f"the ids in use reach {MAX_ID}, the largest SQLite stores; renumber the file's ids")

    def _taken(self, ids: list[int]) -> set[int]:
        taken: set[int] = set()
        for at in range(0, len(ids), _SQL_CHUNK):
            chunk = ids[at:at + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            taken.update(r[0] for r in self._conn.execute(
                f"SELECT id FROM {self._table} WHERE id IN ({marks})", chunk))
        return taken


Mark = tuple[tuple[int, ...], int, int, tuple[int, ...], int]
# One document's spans as columns: (ids, article id, starts, ends, labels, annotator, created,
# origin), each of the last three one value shared by its spans or a list of one per span; no uid
# of their own, no taken_from.
SpanBlock = tuple[list[int], int, list[int], list[int], list[str], "str | None | list[str | None]",
                  "str | list[str]", "str | list[str]"]


_ARTICLE_COLUMNS = ("id", "text", "length", "title", "date", "source", "content_hash", "created", "updated")
_SPAN_COLUMNS = ("id", "article_id", "start", '"end"', "label", "annotator", "created", "origin", "taken_from", "uid")
_EVENT_COLUMNS = ("id", "article_id", "trigger_id", "type", "attributes", "annotator", "created", "taken_from", "uid")
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_LAST = itemgetter(-1)
_PER_SPAN = object()  # in a SpanBlock's grouping key: a column given span by span (a list)
# Columns a whole round often gives one value: NULL (no annotator, taken_from or uid), or the
# import's stamp, origin and --annotator layer.
_OFTEN_SAME = {"annotator", "created", "origin", "taken_from", "uid"}


def _literal(value: Any) -> str | None:
    """``value`` as an SQL literal (None, or a string SQL text can hold), else None."""
    if value is None:
        return "NULL"
    if type(value) is not str or "\x00" in value or not value.isascii() and not _encodes(value):
        return None
    return "'" + value.replace("'", "''") + "'"


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: bound, sqlite3 says what is wrong
        return False
    return True


def _insert(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], *,
            uid: str | None = None) -> None:
    """``rows`` (one value per column) into ``table``, by ``_write_rows``.

    A column with the same value in every row (NULL, the import's stamp, its origin) is written
    as a literal in the statement, not bound: Python's sqlite3 binds each value through its
    adapter lookup, ~0.25-0.4 µs a value, which for five such columns cost more than the rows'
    insert (~0.4 s per 500,000 spans for the three NULL ones alone). ``uid``: the SQL of the uid
    column (the last) where a row gives none, ``?1`` being the row's id; None: NULL.
    """
    if not rows:
        return
    same: dict[int, str] = {}
    for index, name in enumerate(columns):
        if name in _OFTEN_SAME:
            column = list(map(itemgetter(index), rows))
            literal = _literal(column[0]) if column.count(column[0]) == len(column) else None
            if literal is not None:
                same[index] = literal
    kept = [index for index in range(len(columns)) if index not in same]
    number = {index: place for place, index in enumerate(kept, 1)}
    pieces: list[str | int] = []
    for index, name in enumerate(columns):
        value: list[str | int] = [same[index] if index in same else number[index]]
        if uid is not None and name == "uid":
            value = _with_id(uid) if value == ["NULL"] else ["coalesce(", *value, ", ", *_with_id(uid), ")"]
        pieces += [", "] + value if pieces else value
    if same:
        rows = list(map(itemgetter(*kept), rows))  # type: ignore[arg-type]
    elif set(map(len, rows)) != {len(columns)}:  # a row out of shape would shift every value after it
        raise ValueError(f"{table} rows must have {len(columns)} values each")
    _write_rows(conn, f"INSERT OR FAIL INTO {table} ({', '.join(columns)})", pieces, len(kept), rows)


_ROWS_PER_STATEMENT = 100
_MAX_VARIABLES = 999  # parameters SQLite takes in one statement (the limit of builds before 3.32)


def _write_rows(conn: sqlite3.Connection, head: str, pieces: list[str | int], width: int,
                rows: Iterable[Sequence[Any]]) -> None:
    """``rows`` (``width`` values each) inserted by ``head`` (``INSERT OR FAIL INTO t (columns)``), each
    row's ``VALUES`` made of ``pieces``: SQL text, or the number of one of its values (from 1).

    Up to a hundred rows go in one statement, ``VALUES (...), (...), ...``: the sqlite3 module
    binds, steps, resets and hands the GIL back and forth once per statement, which per row
    cost about a third of a span's insert (cachegrind: 100,000 spans, 17k -> 11k instructions a
    row). The rows left over go one per statement.

    Values used once each, in order, are written ``?`` rather than ``?N``: the sqlite3 module asks
    SQLite each parameter's name as it binds it, a search through the statement's numbered names,
    which over a statement of 500 of them cost ~1.5% of a brat folder's import.

    ``OR FAIL``: a statement of many rows that may break a UNIQUE index would otherwise have
    SQLite copy every page it changes to a statement journal first (a temporary file once past
    64 KiB), to take back its earlier rows if a later one fails: for 500,000 spans ~80,000
    writes to /var/tmp, ~0.3 s of system time. A refusal here is never kept in part: it
    raises, and the file's transaction or savepoint (or the round's, redone file by file)
    rolls back all the file wrote."""
    _write_flat(conn, head, pieces, width, list(chain.from_iterable(rows)))


def _write_flat(conn: sqlite3.Connection, head: str, pieces: list[str | int], width: int, flat: list[Any]) -> None:
    """``_write_rows`` of rows given one after another in ``flat``, ``width`` values each."""
    per = max(1, min(_ROWS_PER_STATEMENT, _MAX_VARIABLES // width))
    step = per * width
    whole = len(flat) - len(flat) % step
    in_order = [piece for piece in pieces if type(piece) is not str] == list(range(1, width + 1))
    for size, first, last in ((step, 0, whole), (width, whole, len(flat))):
        if first < last:
            values = (", ".join(repeat(_row_sql(pieces, 0, anonymous=True), size // width)) if in_order  # rows alike
                      else ", ".join(_row_sql(pieces, at) for at in range(0, size, width)))
            sql = f"{head} VALUES {values}"
            conn.executemany(sql, map(flat.__getitem__, map(slice, range(first, last, size),
                                                            range(first + size, last + 1, size))))


def _row_sql(pieces: list[str | int], offset: int, *, anonymous: bool = False) -> str:
    """``(...)`` of one row whose values are parameters ``offset + 1`` up (``anonymous``: each
    written ``?``, the pieces' numbers being 1, 2, 3… in order)."""
    if anonymous:
        return "(" + "".join(piece if type(piece) is str else "?" for piece in pieces) + ")"
    return "(" + "".join(piece if type(piece) is str else f"?{piece + offset}" for piece in pieces) + ")"


def _with_id(uid: str) -> list[str | int]:
    """The pieces of ``uid`` SQL (see ``RowBatch._uid_sql``), the row's id (``?1``) as value 1."""
    first, *rest = uid.split("?1")
    pieces: list[str | int] = [first]
    for part in rest:
        pieces += [1, part]
    return pieces


class RowBatch:
    """Rows queued by one or more ``RecordWriter``s of one transaction, written by ``flush``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ids = {table: IdPool(conn, table) for table in ("articles", "spans", "events")}
        self.rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLES}
        self._queues = [self.rows[table] for table in TABLES]  # for mark(): the same lists, in TABLES' order
        self._pools = list(self.ids.values())
        self._claimed_sets = [pool._claimed for pool in self._pools]
        self.hashes: dict[str, int] = {}  # content hash -> article id, of every article queued here
        self.lines: list[int] = []  # the line of each queued article, for the message of a refusal
        # What an importer's files of one round share, by importer (brat: its reader of the usual
        # file, made once per round instead of per file): gone with the batch.
        self.shared: dict[str, Any] = {}
        columns = {row[1] for row in conn.execute("PRAGMA table_info(spans)")}
        # Asked once per batch, not per file of a folder sharing it: a query on the schema each.
        self.layer_tables = layers.has_layer_tables(conn)
        # uid: this batch's random 64-bit prefix and the row's id (unique in its table), still 128
        # bits and unique across files. Rows above the table's ids leave it NULL, derived from the
        # batch's range in uid_ranges (storage.uids); the others store it, ascending, so the
        # UNIQUE index grows at one end instead of at a random page per row.
        self.uid_prefix = secrets.token_hex(8) if "uid" in columns else None
        self._derive = self.uid_prefix is not None and uids.has_ranges(conn)
        self._first: dict[str, int | None] = {"spans": None, "events": None}  # each table's range, once recorded
        self._written = False  # rows went in already: a uid of a later round may repeat one of them
        # The round's jobs and the index of the one being imported (set by its round), and what an
        # importer read of the ones after it, by path: WebAnno reads a round's files together.
        self.upcoming: tuple[Sequence[Any], int] = ((), 0)
        self.read_ahead: dict[str, Any] = {}

    def mark(self) -> Mark:
        """Where the queue stands: ``rewind`` takes it back here (a file that failed, shared batch).

        Taken before every file of a round, so counted over lists made once (the queues and sets
        only ever change in place), without a generator: ~2% of a brat folder's import it was."""
        pools = self._pools
        return (tuple(map(len, self._queues)), len(self.hashes), len(self.lines),
                (pools[0]._top, pools[1]._top, pools[2]._top), sum(map(len, self._claimed_sets)))

    def rewind(self, mark: Mark) -> None:
        """Drop what was queued since ``mark``. Only for fresh ids (foreign files: no claimed ids)."""
        lengths, hashes, lines, tops, claimed = mark
        assert claimed == sum(len(p._claimed) for p in self.ids.values()), "rewind after claiming wanted ids"
        for table, length in zip(TABLES, lengths):
            del self.rows[table][length:]
        for digest in list(self.hashes)[hashes:]:
            del self.hashes[digest]
        del self.lines[lines:]
        for pool, top in zip(self.ids.values(), tops):
            pool._top = top

    def _suspend_triggers(self) -> list[str]:
        """Drop the row triggers that re-check inserts of spans, events and arguments; return
        their SQL, which ``flush`` runs again before it returns.

        Every row of a round was checked by ``RecordWriter`` against the same rules (offsets within
        the text, a trigger span of a trigger label in the same article, a role that takes the
        span's label, its maximum, no trigger as argument), and per row those triggers cost more
        than the insert itself. Dropping and re-creating them happens inside the import's
        transaction: other connections never see them missing, and a failed file rolls back to
        them intact. UNIQUE indexes and NOT NULL stay on as the last guard; the CHECKs are set
        aside for the same round (``flush``), and a file in a transaction of its own, or a batched
        round of small files, writes with foreign keys off (``storage.importing._import_one``,
        ``_shared_round``), for the same reason: every rule they
        state was checked on these rows first (offsets, origins, dates, statuses, a text's length,
        JSON written by ``json.dumps``; ids of rows queued here, or of articles, labels, roles and
        event types read or added inside this transaction).
        """
        saved = [(name, sql) for name, sql in self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL "
            "AND tbl_name IN ('spans', 'events', 'arguments') AND sql LIKE '%BEFORE INSERT ON%'")]
        for name, _ in saved:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        return [sql for _, sql in saved]

    def _free_uids(self, rows: list[tuple[Any, ...]], table: str) -> list[tuple[Any, ...]]:
        """``rows`` with each given uid (the last column) kept where no other row has it, in this
        batch or already in the project, else None (a fresh one): ids never collide across files,
        and a copy imported beside its original becomes annotations of its own."""
        given = {row[-1] for row in rows if row[-1] is not None}
        if not given:
            return rows
        taken = uids.taken(self.conn, table, given) if self.ids[table].table_had_rows or self._written else set()
        result = []
        for row in rows:
            uid = row[-1]
            if uid is not None:
                if uid in taken:
                    row = (*row[:-1], None)
                taken.add(uid)
            result.append(row)
        return result

    def _uid_sql(self, table: str, rows: list[tuple[Any, ...]]) -> str | None:
        """The SQL of the uid of a row of ``rows`` that gives none (``?1``: its id; None: NULL).

        Derived (NULL) for ids from this batch's range up, recorded here the first time (or again
        when another import recorded one since): it starts above every id of the table, so no row
        but this batch's ever takes its prefix. Rows below it (a native file's free ids among
        the project's) store the same ``prefix || id`` instead.
        """
        return self._uid_sql_below(table, None in map(_LAST, rows), lambda: min(map(_FIRST, rows)))

    def _uid_sql_below(self, table: str, missing: bool, lowest: Callable[[], int]) -> str | None:
        """``_uid_sql`` of rows of which some (``missing``) give no uid, ``lowest()`` their least id."""
        made = f"'{self.uid_prefix}' || printf('%016x', ?1)"
        if not self._derive or not missing:
            return made
        first, latest = self._first[table], uids.latest_range(self.conn, table)
        if first is None or latest != (first, self.uid_prefix):
            (top,) = self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
            first = self._first[table] = max(top, latest[0] if latest else 0) + 1
            uids.record_range(self.conn, table, first, self.uid_prefix)  # type: ignore[arg-type]
        if lowest() >= first:
            return None
        return f"CASE WHEN ?1 >= {first} THEN NULL ELSE {made} END"

    def _write_blocks(self, blocks: list[SpanBlock]) -> None:
        """Spans queued as columns: one ``_write_flat`` per kind of block, grouped by their shared
        annotator, created and origin (the same for a whole import, usually), which are written as
        literals; a column that varies from span to span is bound. The statements' values are laid
        into one flat list a column at a time (slice assignment, at C speed), with no row tuple per
        span: ~0.5 µs a span less than ``_insert``'s rows."""
        groups: dict[tuple[Any, ...], list[SpanBlock]] = {}
        for block in blocks:
            groups.setdefault(tuple(_PER_SPAN if type(value) is list else value for value in block[5:]),
                              []).append(block)
        columns = _SPAN_COLUMNS if self.uid_prefix is not None else _SPAN_COLUMNS[:8]
        for shared, group in groups.items():
            # A value SQL text cannot hold (a NUL, a lone surrogate) is bound too: sqlite3 says what is wrong.
            literals = [None if value is _PER_SPAN else _literal(value) for value in shared]
            bound = [5 + index for index, literal in enumerate(literals) if literal is None]
            sizes = [len(block[0]) for block in group]
            width = 5 + len(bound)
            flat: list[Any] = [None] * (sum(sizes) * width)
            flat[1::width] = list(chain.from_iterable(map(repeat, map(_SECOND, group), sizes)))
            for place, index in ((0, 0), (2, 2), (3, 3), (4, 4), *enumerate(bound, 5)):
                flat[place::width] = list(chain.from_iterable(
                    block[index] if type(block[index]) is list else repeat(block[index], size)
                    for block, size in zip(group, sizes)))
            pieces: list[str | int] = [1, ", ", 2, ", ", 3, ", ", 4, ", ", 5]
            for index, literal in enumerate(literals, 5):  # annotator, created, origin
                pieces += [", ", literal if literal is not None else 6 + bound.index(index)]
            if len(columns) > 8:  # taken_from, and the uid: derived, or made from the id (see _uid_sql)
                uid = self._uid_sql_below("spans", True, lambda: min(map(min, map(_FIRST, group))))
                pieces += [", NULL, ", *_with_id(uid or "NULL")]
            _write_flat(self.conn, f"INSERT OR FAIL INTO spans ({', '.join(columns)})", pieces, width, flat)

    def flush(self, path: str) -> None:
        """Write the rows queued so far; parents first, as the foreign keys and triggers need.

        A refusal by SQLite is an ``InputError`` naming ``path`` and the queued lines.
        """
        if not self.lines:
            return
        rows, conn = self.rows, self.conn
        big = len(rows["spans"]) + sum(len(block[0]) for block in rows["span_blocks"]) >= SUSPEND_FROM
        suspended = self._suspend_triggers() if big else []
        if big:  # ~0.1 s per 500,000 spans and events, for rules checked already (see above)
            conn.execute("PRAGMA ignore_check_constraints = ON")
        try:
            _insert(conn, "articles", _ARTICLE_COLUMNS, rows["articles"])
            if rows["article_status"]:  # no row is new (storage.article_status): most imports write none
                article_status.write_new(conn, rows["article_status"])
            if self.uid_prefix is not None:
                spans = self._free_uids(rows["spans"], "spans")
                _insert(conn, "spans", _SPAN_COLUMNS, spans, uid=self._uid_sql("spans", spans))
            else:  # a file from before annotator layers: no uid, no taken_from
                _insert(conn, "spans", _SPAN_COLUMNS[:8], [row[:8] for row in rows["spans"]])
            self._write_blocks(rows["span_blocks"])
            conn.executemany("INSERT INTO span_attributes (span_id, name, value) VALUES (?, ?, ?)",
                             rows["span_attributes"])
            _write_rows(conn, _RUN_COLUMNS, [1, ", ", 2, ", ", 3, ", ", 4, ", ", 5], 5, (
                (article_id, name, first, first + len(values) - 1, runs.encode(values))
                for first, name, values, article_id in rows["span_attribute_runs"]))
            conn.executemany("INSERT INTO article_attributes (article_id, name, value) VALUES (?, ?, ?)",
                             rows["article_attributes"])
            if self.uid_prefix is not None:
                events = self._free_uids(rows["events"], "events")
                _insert(conn, "events", _EVENT_COLUMNS, events, uid=self._uid_sql("events", events))
            else:
                _insert(conn, "events", _EVENT_COLUMNS[:7], [row[:7] for row in rows["events"]])
            _write_rows(conn, "INSERT OR FAIL INTO arguments (event_id, role, span_id)", [1, ", ", 2, ", ", 3], 3,
                        rows["arguments"])  # a hundred rows a statement, as the other tables
            if rows["layer_status"]:  # annotator layers' statuses and curation (storage.importing.layers)
                layers.write_statuses(conn, rows["layer_status"])
            if rows["curation_decisions"]:
                layers.write_decisions(conn, rows["curation_decisions"])
            for sql in suspended:
                conn.execute(sql)
        except sqlite3.IntegrityError as exc:
            # Validation before queueing should make this unreachable; the SQL checks are the last guard.
            lines = [line for line in self.lines if line is not None]  # a brat file's record has none
            if not lines:
                raise InputError(path, f"the project refused its records: {exc}") from exc
            raise InputError(path, f"the project refused the records on lines {lines[0]}-{lines[-1]}: {exc}",
                             line=lines[0]) from exc
        finally:
            if big:
                conn.execute("PRAGMA ignore_check_constraints = OFF")
        self.lines.clear()
        self._written = True
        for batch in rows.values():
            batch.clear()
