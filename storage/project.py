"""The project store: one SQLite file holding articles, the label scheme, spans and event frames.

Every method that changes something runs in one transaction that takes the write lock up front
(``BEGIN IMMEDIATE``) and does its checks and reads inside it, so another window or process
cannot slip a change in between a check and the write it guards. It returns only after COMMIT,
with WAL and ``synchronous=FULL``: an edit the store acknowledged survives a crash of the
application and of the machine. The rules that must hold whatever the interleaving are also
triggers in ``storage.schema``. The window never writes SQL; it calls these.
"""
from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import replace
from types import EllipsisType
from typing import Any, Mapping

from storage.assist.origin import MANUAL, check_origin
from storage import article_status
from storage import scheme as scheme_store
from storage import span_attributes, uids
from storage.attribute_methods import AttributeMethods
from storage.model import (
    STATUSES,
    Argument,
    Article,
    ArticleSummary,
    Attribute,
    DuplicateArticleError,
    DuplicateSpanError,
    Event,
    EventType,
    Label,
    MissingError,
    RemovedSpan,
    Role,
    Scheme,
    SchemeError,
    Span,
)
from storage.project_file import BUSY_TIMEOUT_MS, ProjectFile, RideAlong  # noqa: F401 - BUSY_TIMEOUT_MS re-exported
from storage.text import content_hash

_ARTICLE_COLUMNS = (f"id, text, title, date, source, {article_status.OWN_STATUS}, content_hash, created, "
                    f"{article_status.OWN_UPDATED}")
OWN_STATUS = article_status.OWN_STATUS
_SPAN_COLUMNS = 'id, article_id, start, "end", label, annotator, created, origin'


def now() -> str:
    """A UTC timestamp, second precision, ISO 8601."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class Project(ProjectFile, AttributeMethods):
    """An open project: articles, scheme, spans, events. Create with :meth:`open`; close with
    :meth:`close` (or ``with``). Opening and the one way to write are ``ProjectFile``'s."""

    # -- scheme ----------------------------------------------------------------------------

    @property
    def scheme(self) -> Scheme:
        if self._scheme is None:
            # The version first: a change committed while loading then forces a reload next time.
            self._scheme_version = self._read_data_version()
            self._scheme = scheme_store.load(self.db)
        return self._scheme

    def _scheme_edit(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        with self.transaction():
            result = fn(self.db, *args, **kwargs)
        self._scheme = None
        return result

    def add_label(self, label: Label) -> None:
        self._scheme_edit(scheme_store.add_label, label)

    def rename_label(self, old: str, new: str) -> None:
        self._scheme_edit(scheme_store.rename_label, old, new)

    def update_label(self, name: str, **changes: Any) -> None:
        """Keyword arguments ``colour``, ``key`` (None clears), ``description``."""
        self._scheme_edit(scheme_store.update_label, name, **changes)

    def delete_label(self, name: str, *, cascade: bool = False) -> int:
        """Delete a label; with spans left this needs ``cascade=True``. Returns spans deleted."""
        return self._scheme_edit(scheme_store.delete_label, name, cascade=cascade)

    def allow_label_in_role(self, role: str, label: str) -> None:
        """Let ``role`` be filled by spans of ``label`` as well."""
        self._scheme_edit(scheme_store.allow_label_in_role, role, label)

    def replace_scheme(self, scheme: Mapping[str, Any]) -> None:
        """Adopt a whole scheme (``resources/scheme.json``'s shape); only while there are no articles."""
        self._scheme_edit(scheme_store.replace, scheme)

    def add_event_type(self, event_type: EventType) -> None:
        self._scheme_edit(scheme_store.add_event_type, event_type)

    def add_role(self, role: Role) -> None:
        self._scheme_edit(scheme_store.add_role, role)

    def add_attribute(self, attribute: Attribute) -> None:
        self._scheme_edit(scheme_store.add_attribute, attribute)

    # -- settings ----------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, value])

    # -- articles ----------------------------------------------------------------------------

    def add_article(self, *, text: str, title: str, date: str | None = None,
                    source: str | None = None, status: str = "new") -> Article:
        """Store an article whose text is already normalised (``storage.text.normalise``)."""
        digest = content_hash(text)
        if status not in STATUSES:
            raise ValueError(f"status {status!r} must be one of {STATUSES}")
        stamp = now()
        with self.transaction():
            existing = self.article_id_by_hash(digest)
            if existing is not None:
                raise DuplicateArticleError(existing)
            cursor = self.db.execute(
                "INSERT INTO articles (text, length, title, date, source, content_hash, "
                "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [text, len(text), title, date, source, digest, stamp, stamp],
            )
            if status != article_status.NEW:
                article_status.set_status(self.db.conn, cursor.lastrowid, status, stamp=stamp)
        return self.article(cursor.lastrowid)

    def article_id_by_hash(self, digest: str) -> int | None:
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", [digest]).fetchone()
        return row[0] if row else None

    def article(self, article_id: int, *, status_layer: str | None = None) -> Article:
        """One article; with ``status_layer`` its status is that annotator layer's there (``new``
        where the layer has none yet), as ``storage.team.layer_status`` decides where a status lives."""
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?",
                              [article_id]).fetchone()
        if row is None:
            raise MissingError(f"there is no article {article_id} (deleted, perhaps in another window)")
        article = Article(*row)
        if status_layer is None:
            return article
        found = self.db.execute("SELECT status FROM layer_status WHERE article_id = ? AND layer = ?",
                                [article_id, status_layer]).fetchone()
        return replace(article, status=found[0] if found else "new")

    def _article_filter(self, status: str | None, search: str | None,
                        status_sql: str = OWN_STATUS) -> tuple[str, list[Any]]:
        clauses, params = [], []
        if status:
            clauses.append(article_status.has_status(status_sql, [status]))
        if search:
            clauses.append("(instr(lower(title), lower(?)) > 0 OR instr(lower(text), lower(?)) > 0)")
            params += [search, search]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    # ``status_sql``: where each article's status is read, an SQL expression over ``articles``: its
    # own (``storage.article_status``), or an annotator layer's (``storage.team.layer_status.status_sql``).

    def article_count(self, *, status: str | None = None, search: str | None = None,
                      status_sql: str = OWN_STATUS) -> int:
        where, params = self._article_filter(status, search, status_sql)
        return self.db.execute(f"SELECT count(*) FROM articles{where}", params).fetchone()[0]

    def article_summaries(self, *, status: str | None = None, search: str | None = None,
                          offset: int = 0, limit: int = -1, status_sql: str = OWN_STATUS) -> list[ArticleSummary]:
        """A page of the article list, in id order, without loading texts."""
        where, params = self._article_filter(status, search, status_sql)
        rows = self.db.execute(
            f"SELECT id, title, date, {status_sql}, "
            "(SELECT count(*) FROM spans WHERE spans.article_id = articles.id), length "
            f"FROM articles{where} ORDER BY id LIMIT ? OFFSET ?",
            params + [limit, offset],
        )
        return [ArticleSummary(*row) for row in rows]

    def article_ids(self, *, status: str | None = None) -> list[int]:
        where, params = self._article_filter(status, None)
        return [r[0] for r in self.db.execute(f"SELECT id FROM articles{where} ORDER BY id", params)]

    def last_article_id(self) -> int:
        """The highest article id, 0 when there is none: SQLite gives articles added later higher ids."""
        return self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]

    def first_article_after(self, article_id: int) -> int | None:
        """The lowest article id above ``article_id`` (e.g. the first one an import added), or None."""
        return self.db.execute("SELECT min(id) FROM articles WHERE id > ?", [article_id]).fetchone()[0]

    def set_status(self, article_id: int, status: str, *, layer: str | None = None) -> None:
        """Set the article's own status, or with ``layer`` that annotator layer's status there."""
        if status not in STATUSES:
            raise ValueError(f"status {status!r} must be one of {STATUSES}")
        with self.transaction():
            if self.db.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone() is None:
                raise MissingError(f"there is no article {article_id} (deleted, perhaps in another window)")
            if layer is None:  # one small row, never the article's (its text) again
                article_status.set_status(self.db.conn, article_id, status, stamp=now())
            else:
                self.db.execute("INSERT OR REPLACE INTO layer_status (article_id, layer, status, updated) "
                                "VALUES (?, ?, ?, ?)", [article_id, layer, status, now()])

    def starting(self, article_id: int, *, layer: str | None = None) -> AbstractContextManager[RideAlong]:
        """Within the block, the next write also moves the article from ``new`` to ``in_progress``
        (``layer``'s status, as ``set_status``), in its transaction: one commit, the status never
        without the edit. ``.result``: the ``Article`` fields as written (status, and the own
        status's ``updated``), or None where the article was not ``new`` and is left as it is."""
        from storage.team import layer_status  # storage.team imports this module

        def start(db: Any) -> dict[str, str] | None:
            stamp = now()
            if not layer_status.start(db.conn, article_id, layer=layer, stamp=stamp):
                return None
            return {"status": "in_progress"} if layer is not None else {"status": "in_progress", "updated": stamp}

        return self.also_in_next_commit(start)

    def next_unfinished(self, after_id: int | None = None, *, status_sql: str = OWN_STATUS) -> int | None:
        """The next article (by id, wrapping round) that is new or in progress."""
        unfinished = article_status.has_status(status_sql, ("new", "in_progress"))
        query = f"SELECT id FROM articles WHERE {unfinished} AND id > ? ORDER BY id LIMIT 1"
        row = self.db.execute(query, [after_id if after_id is not None else -1]).fetchone()
        if row is None and after_id is not None:
            row = self.db.execute(query, [-1]).fetchone()
            if row is not None and row[0] == after_id:
                return None
        return row[0] if row else None

    # -- spans -------------------------------------------------------------------------------

    def span(self, span_id: int) -> Span:
        row = self.db.execute(f"SELECT {_SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id]).fetchone()
        if row is None:
            raise MissingError(f"there is no span {span_id} (deleted, perhaps in another window)")
        return Span(*row, attributes=span_attributes.values_of(self.db, [span_id]).get(span_id, {}))

    def spans(self, article_id: int, *, layer: str | None = None) -> list[Span]:
        """The article's spans, every layer's, or only ``layer``'s (e.g. the curator's gold; ``""``:
        the default layer, annotator NULL). The per-layer index leads with the same expression."""
        only = " AND coalesce(annotator, '') = ?" if layer is not None else ""
        rows = self.db.execute(
            f'SELECT {_SPAN_COLUMNS} FROM spans WHERE article_id = ?{only} ORDER BY start, "end" DESC, id',
            [article_id, *([layer] if layer is not None else [])],
        ).fetchall()
        values = span_attributes.values_in_articles(self.db, [article_id])
        return [Span(*row, attributes=values.get(row[0], {})) for row in rows]

    def add_span(self, article_id: int, start: int, end: int, label: str, *,
                 annotator: str | None = None, span_id: int | None = None,
                 created: str | None = None, origin: str = MANUAL,
                 attributes: Mapping[str, Any] | None = None, any_layer: bool = False) -> Span:
        """Tag ``text[start:end]`` with ``label``. Refuses bad offsets, unknown labels, duplicates,
        and ``attributes`` the label does not declare.

        ``origin`` says where the span came from (``storage.assist.origin``): an importer passes
        ``import_origin("conll")``, an accepted suggestion ``suggestion_origin("dictionary")``.
        ``any_layer`` also refuses the span when another layer has it (a window showing every
        layer calls that a duplicate too); a layer never has the same span twice anyway.
        """
        check_origin(origin)
        with self.transaction():
            self.scheme.label(label)
            length = self._article_length(article_id)
            if not (0 <= start < end <= length):
                raise SchemeError(
                    f"span {start}..{end} is outside article {article_id} (0..{length})")
            if any_layer and self._tagged_in_a_layer(article_id, start, end, label):
                raise DuplicateSpanError(f"{start}..{end} is already tagged {label}")
            try:
                cursor = self.db.execute(
                    f"INSERT INTO spans ({_SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [span_id, article_id, start, end, label, annotator, created or now(), origin],
                )
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" in str(exc):
                    raise DuplicateSpanError(
                        f"{start}..{end} is already tagged {label}") from exc
                raise
            if attributes:
                span_attributes.set_values(self.db, cursor.lastrowid, attributes)
        return self.span(cursor.lastrowid)

    def _tagged_in_a_layer(self, article_id: int, start: int, end: int, label: str) -> bool:
        """Whether any layer has this span: the layer index looked up once per layer of the article
        (each found by one index step past the previous), never a walk over its 10,000 spans."""
        return self.db.execute(
            """WITH RECURSIVE layer(name) AS (
                   SELECT min(coalesce(annotator, '')) FROM spans WHERE article_id = :article
                   UNION ALL
                   SELECT (SELECT min(coalesce(annotator, '')) FROM spans
                           WHERE article_id = :article AND coalesce(annotator, '') > layer.name)
                   FROM layer WHERE layer.name IS NOT NULL)
               SELECT 1 FROM layer JOIN spans ON spans.article_id = :article
                   AND coalesce(spans.annotator, '') = layer.name AND spans.start = :start
                   AND spans."end" = :end AND spans.label = :label
               LIMIT 1""",
            {"article": article_id, "start": start, "end": end, "label": label}).fetchone() is not None

    def _article_length(self, article_id: int) -> int:
        row = self.db.execute("SELECT length FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is None:
            raise MissingError(f"there is no article {article_id} (deleted, perhaps in another window)")
        return row[0]

    def change_span_label(self, span_id: int, label: str, *, taken_from: str | None = None) -> Span:
        """Relabel a span, unless an event frame depends on the old label.

        A span copied from another layer (curation's ``taken_from``: a gold span taken from
        annotator X) is no longer X's once its label changes, so its provenance becomes
        ``taken_from``: by default none, made by whoever relabelled it (the curator). The
        curation decision keeps saying where the place's version came from; the undo of a
        relabel passes back what :meth:`span_taken_from` said before it.
        """
        with self.transaction():
            span = self.span(span_id)
            new_label = self.scheme.label(label)
            if label == span.label:
                return span
            if new_label.kind != "trigger" and self._events_triggered_by(span_id):
                raise SchemeError(
                    f"span {span_id} is the trigger of an event; delete the event before relabelling it")
            for (role,) in self.db.execute("SELECT DISTINCT role FROM arguments WHERE span_id = ?",
                                           [span_id]).fetchall():
                if not self.scheme.role(role).accepts(label):
                    raise SchemeError(
                        f"span {span_id} fills the role {role!r}, which does not accept {label}")
            try:
                self.db.execute("UPDATE spans SET label = ?, taken_from = ? WHERE id = ?", [label, taken_from, span_id])
            except sqlite3.IntegrityError as exc:
                raise DuplicateSpanError(
                    f"{span.start}..{span.end} is already tagged {label}") from exc
        return self.span(span_id)

    def span_taken_from(self, span_id: int) -> str | None:
        """Which layer a span was copied from (``agreed``, an annotator), or None: made in its own layer."""
        provenance = self._provenance("spans", span_id)
        return provenance[1] if provenance is not None else None

    def event_taken_from(self, event_id: int) -> str | None:
        """Which layer an event was copied from, as :meth:`span_taken_from` says of a span."""
        provenance = self._provenance("events", event_id)
        return provenance[1] if provenance is not None else None

    def remove_span(self, span_id: int) -> RemovedSpan:
        """Delete a span and what hangs on it (events it triggers, arguments it fills)."""
        with self.transaction():
            span = self.span(span_id)
            provenance = self._provenance("spans", span_id)
            triggered = tuple(self._removable_event(eid) for eid in self._events_triggered_by(span_id))
            filled = tuple(
                (event_id, Argument(role, span_id))
                for event_id, role in self.db.execute(
                    "SELECT event_id, role FROM arguments WHERE span_id = ? ORDER BY event_id, role",
                    [span_id]).fetchall()
                if event_id not in {e.id for e in triggered}
            )
            # ON DELETE CASCADE removes the events and the arguments in the same transaction.
            self.db.execute("DELETE FROM spans WHERE id = ?", [span_id])
        return RemovedSpan(span=span, triggered_events=triggered, filled=filled, provenance=provenance)

    def restore_span(self, removed: RemovedSpan) -> Span:
        """Undo :meth:`remove_span`: the span, its events and arguments come back with their ids."""
        span = removed.span
        with self.transaction():
            self.add_span(span.article_id, span.start, span.end, span.label,
                          annotator=span.annotator, span_id=span.id, created=span.created,
                          origin=span.origin, attributes=span.attributes)
            self._set_provenance("spans", span.id, removed.provenance)
            for event in removed.triggered_events:
                self.restore_event(event)
            for event_id, argument in removed.filled:
                self._insert_argument(event_id, argument)
        return self.span(span.id)

    # -- events ------------------------------------------------------------------------------

    def _provenance(self, table: str, row_id: int) -> tuple[str | None, str | None] | None:
        """A span's or event's (uid, taken_from): what a team merge and curation know it by."""
        row = self.db.execute(f"SELECT taken_from FROM {table} WHERE id = ?", [row_id]).fetchone()
        return (uids.uid_of(self.db.conn, table, row_id), row[0]) if row else None

    def _set_provenance(self, table: str, row_id: int, provenance: tuple[str | None, str | None] | None) -> None:
        if provenance is not None:
            self.db.execute(f"UPDATE {table} SET uid = ?, taken_from = ? WHERE id = ?", [*provenance, row_id])

    def _removable_event(self, event_id: int) -> Event:
        return replace(self.event(event_id), provenance=self._provenance("events", event_id))

    def _events_triggered_by(self, span_id: int) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT id FROM events WHERE trigger_id = ? ORDER BY id", [span_id])]

    def event(self, event_id: int) -> Event:
        row = self.db.execute(
            "SELECT id, article_id, trigger_id, type, attributes, annotator, created "
            "FROM events WHERE id = ?", [event_id]).fetchone()
        if row is None:
            raise MissingError(f"there is no event {event_id} (deleted, perhaps in another window)")
        return self._event_from_row(row, self._arguments_of([event_id]).get(event_id, ()))

    def events(self, article_id: int, *, layer: str | None = None) -> list[Event]:
        """The article's event frames, every layer's, or only ``layer``'s (``""``: the default layer)."""
        only = " AND coalesce(events.annotator, '') = ?" if layer is not None else ""
        rows = self.db.execute(
            "SELECT events.id, events.article_id, trigger_id, type, attributes, events.annotator, "
            "events.created FROM events JOIN spans ON spans.id = trigger_id "
            f"WHERE events.article_id = ?{only} ORDER BY spans.start, events.id",
            [article_id, *([layer] if layer is not None else [])]).fetchall()
        arguments = self._arguments_of([r[0] for r in rows])
        return [self._event_from_row(r, arguments.get(r[0], ())) for r in rows]

    def _arguments_of(self, event_ids: list[int]) -> dict[int, tuple[Argument, ...]]:
        result: dict[int, list[Argument]] = {}
        for chunk_start in range(0, len(event_ids), 500):
            chunk = event_ids[chunk_start:chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for event_id, role, span_id in self.db.execute(
                # Scheme order of roles, then text order: stable across remove/restore.
                "SELECT event_id, role, span_id FROM arguments "
                "JOIN roles ON roles.name = role JOIN spans ON spans.id = span_id "
                f"WHERE event_id IN ({marks}) "
                'ORDER BY event_id, roles.position, spans.start, spans."end", span_id', chunk):
                result.setdefault(event_id, []).append(Argument(role, span_id))
        return {k: tuple(v) for k, v in result.items()}

    @staticmethod
    def _event_from_row(row: tuple, arguments: tuple[Argument, ...]) -> Event:
        return Event(id=row[0], article_id=row[1], trigger_id=row[2], type=row[3],
                     attributes=json.loads(row[4]), arguments=arguments, annotator=row[5],
                     created=row[6])

    def default_attributes(self, article_id: int) -> dict[str, Any]:
        """Attribute values a new frame starts with; the date is the article's date."""
        values: dict[str, Any] = {}
        row = self.db.execute("SELECT date FROM articles WHERE id = ?", [article_id]).fetchone()
        date = row[0] if row else None  # only the date: the article text may be a megabyte
        for attribute in self.scheme.attributes:
            if attribute.kind == "date":
                if date:
                    values[attribute.name] = date
            elif attribute.default is not None:
                values[attribute.name] = attribute.default
        return values

    def _check_attribute(self, name: str, value: Any) -> None:
        attribute = next((a for a in self.scheme.attributes if a.name == name), None)
        if attribute is None:
            raise SchemeError(f"unknown event attribute {name!r}")
        attribute.check(value, modes=self.scheme.all_modes)

    def _check_type(self, event_type: str | None) -> None:
        if event_type is not None and event_type not in {t.name for t in self.scheme.event_types}:
            raise SchemeError(f"unknown event type {event_type!r}")

    def add_event(self, trigger_id: int, *, type: str | None = None,
                  attributes: Mapping[str, Any] | None = None, annotator: str | None = None,
                  event_id: int | None = None, created: str | None = None) -> Event:
        """Make an event frame on a trigger span (a span whose label is of kind ``trigger``)."""
        with self.transaction():
            trigger = self.span(trigger_id)
            if self.scheme.label(trigger.label).kind != "trigger":
                raise SchemeError(f"an event needs a trigger span labelled "
                                  f"{'/'.join(self.scheme.trigger_labels)}, not {trigger.label}")
            self._check_type(type)
            values = self.default_attributes(trigger.article_id) if attributes is None else dict(attributes)
            for name, value in values.items():
                self._check_attribute(name, value)
            cursor = self.db.execute(
                "INSERT INTO events (id, article_id, trigger_id, type, attributes, annotator, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [event_id, trigger.article_id, trigger_id, type, json.dumps(values, sort_keys=True),
                 annotator, created or now()])
        return self.event(cursor.lastrowid)

    def set_event_type(self, event_id: int, event_type: str | None, *, taken_from: str | None = None) -> Event:
        """Change an event's type. Like a relabelled span (:meth:`change_span_label`), an event copied
        from another layer is no longer that layer's once its type changes: its provenance becomes
        ``taken_from`` (default none: made by whoever changed it); undo passes the old one back."""
        with self.transaction():
            self._check_type(event_type)
            if self.event(event_id).type != event_type:
                self.db.execute("UPDATE events SET type = ?, taken_from = ? WHERE id = ?",
                                [event_type, taken_from, event_id])
        return self.event(event_id)

    def set_event_attribute(self, event_id: int, name: str, value: Any, *, taken_from: str | None = None) -> Event:
        """Set one attribute; ``None`` removes it. The others stay as they are in the file now,
        whoever set them: read and written back inside one locked transaction. A change makes a
        copied event its editor's, as :meth:`set_event_type` does."""
        with self.transaction():
            self._check_attribute(name, value)
            before = dict(self.event(event_id).attributes)
            values = dict(before)
            if value is None:
                values.pop(name, None)
            else:
                values[name] = value
            if values != before:
                self.db.execute("UPDATE events SET attributes = ?, taken_from = ? WHERE id = ?",
                                [json.dumps(values, sort_keys=True), taken_from, event_id])
        return self.event(event_id)

    def check_argument(self, event_id: int, role: str, span_id: int) -> None:
        """Raise SchemeError when ``span_id`` may not fill ``role`` in the event."""
        event = self.event(event_id)
        span = self.span(span_id)
        spec = self.scheme.role(role)
        if span.article_id != event.article_id:
            raise SchemeError("an argument must be a span of the same article")
        if span_id == event.trigger_id:
            raise SchemeError("an event's trigger cannot also be its argument")
        if not spec.accepts(span.label):
            raise SchemeError(f"role {role!r} takes {'/'.join(spec.labels) or 'no label'}, not {span.label}")
        filled = event.fillers(role)
        if span_id in filled:
            raise SchemeError(f"that span already fills {role!r}")
        if spec.max_count is not None and len(filled) >= spec.max_count:
            raise SchemeError(f"role {role!r} takes at most {spec.max_count} span(s)")

    def add_argument(self, event_id: int, role: str, span_id: int, *,
                     taken_from: str | None | EllipsisType = ...) -> Event:
        """Fill ``role`` with a span. ``taken_from`` left out keeps the event's provenance (curation
        takes fillers under its own); given, it becomes the event's in the same transaction: a
        window edit passes None (a taken gold frame whose fillers the curator changed is the
        curator's, as a retyped one is: :meth:`set_event_type`), its undo the old one back."""
        with self.transaction():
            self.check_argument(event_id, role, span_id)
            self._insert_argument(event_id, Argument(role, span_id))
            self._retake(event_id, taken_from)
        return self.event(event_id)

    def _retake(self, event_id: int, taken_from: str | None | EllipsisType) -> None:
        if taken_from is not ...:
            self.db.execute("UPDATE events SET taken_from = ? WHERE id = ?", [taken_from, event_id])

    def _insert_argument(self, event_id: int, argument: Argument) -> None:
        self.db.execute("INSERT INTO arguments (event_id, role, span_id) VALUES (?, ?, ?)",
                        [event_id, argument.role, argument.span_id])

    def remove_argument(self, event_id: int, role: str, span_id: int, *,
                        taken_from: str | None | EllipsisType = ...) -> Event:
        """Empty one filler of ``role``; ``taken_from`` as :meth:`add_argument` takes it."""
        with self.transaction():
            cursor = self.db.execute(
                "DELETE FROM arguments WHERE event_id = ? AND role = ? AND span_id = ?",
                [event_id, role, span_id])
            if cursor.rowcount == 0:
                raise SchemeError(f"span {span_id} does not fill {role!r} in event {event_id}")
            self._retake(event_id, taken_from)
        return self.event(event_id)

    def remove_event(self, event_id: int) -> Event:
        """Delete an event frame (its trigger span stays). Returns it whole, for undo."""
        with self.transaction():
            event = self._removable_event(event_id)
            self.db.execute("DELETE FROM events WHERE id = ?", [event_id])
        return event

    def restore_event(self, event: Event) -> Event:
        """Put back an event returned by :meth:`remove_event`, with the same id and arguments."""
        with self.transaction():
            self.add_event(event.trigger_id, type=event.type, attributes=event.attributes,
                           annotator=event.annotator, event_id=event.id, created=event.created)
            self._set_provenance("events", event.id, event.provenance)
            for argument in event.arguments:
                self._insert_argument(event.id, argument)
        return self.event(event.id)
