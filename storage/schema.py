"""The project file's schema, as numbered sqlite-utils migrations.

Invariants live in SQL as well as in Python (``storage.model``), so a script that writes
to the file directly cannot store a span outside its article's text either.
"""
from __future__ import annotations

import re
import sqlite3
from typing import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from storage import span_attribute_runs
from storage.model import ProjectFileError

migrations = Migrations("event_annotator")

_STATUS_CHECK = "status IN ('new', 'in_progress', 'done', 'skipped')"


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    _run_script(db, f"""
        CREATE TABLE labels (
            name TEXT PRIMARY KEY CHECK (length(name) > 0 AND name = trim(name)),
            colour TEXT NOT NULL CHECK (colour GLOB '#[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]'),
            key TEXT UNIQUE CHECK (key IS NULL OR length(key) = 1),
            description TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'entity' CHECK (kind IN ('entity', 'trigger')),
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE event_types (
            name TEXT PRIMARY KEY CHECK (length(name) > 0),
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE roles (
            name TEXT PRIMARY KEY CHECK (length(name) > 0),
            max_count INTEGER CHECK (max_count IS NULL OR max_count > 0),
            min_count INTEGER NOT NULL DEFAULT 0 CHECK (min_count >= 0),
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE role_labels (
            role TEXT NOT NULL REFERENCES roles(name) ON UPDATE CASCADE ON DELETE CASCADE,
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE ON DELETE CASCADE,
            PRIMARY KEY (role, label)
        );
        CREATE TABLE attributes (
            name TEXT PRIMARY KEY CHECK (length(name) > 0),
            kind TEXT NOT NULL DEFAULT 'choice' CHECK (kind IN ('choice', 'date', 'text')),
            choices TEXT,
            default_value TEXT,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        );
        -- text is the last column: the span-bounds triggers read length, and SQLite reads a
        -- row's columns in order, so a 1 MB text before it would be walked on every span insert.
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            length INTEGER NOT NULL CHECK (length = length(text) AND length > 0),
            title TEXT NOT NULL,
            date TEXT CHECK (date IS NULL OR date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            source TEXT,
            status TEXT NOT NULL DEFAULT 'new' CHECK ({_STATUS_CHECK}),
            content_hash TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX articles_status ON articles(status);
        CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL CHECK ("end" > start),
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
            annotator TEXT,
            created TEXT NOT NULL,
            UNIQUE (article_id, start, "end", label)
        );
        -- A CHECK cannot look at another table: the end bound is a trigger over the stored length.
        CREATE TRIGGER spans_within_text_insert BEFORE INSERT ON spans
        WHEN NEW."end" > (SELECT length FROM articles WHERE id = NEW.article_id)
        BEGIN SELECT RAISE(ABORT, 'span end is past the end of the article text'); END;
        CREATE TRIGGER spans_within_text_update BEFORE UPDATE OF start, "end", article_id ON spans
        WHEN NEW."end" > (SELECT length FROM articles WHERE id = NEW.article_id)
        BEGIN SELECT RAISE(ABORT, 'span end is past the end of the article text'); END;
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            trigger_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            type TEXT REFERENCES event_types(name) ON UPDATE CASCADE,
            attributes TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(attributes)),
            annotator TEXT,
            created TEXT NOT NULL
        );
        CREATE INDEX events_article ON events(article_id);
        CREATE INDEX events_trigger ON events(trigger_id);
        CREATE TABLE arguments (
            event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            role TEXT NOT NULL REFERENCES roles(name) ON UPDATE CASCADE,
            span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            PRIMARY KEY (event_id, role, span_id)
        );
        CREATE INDEX arguments_span ON arguments(span_id);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        """)


@migrations(name="0002_assist")
def _assist(db: Database) -> None:
    """Span origins (issue 11) and what the assistance remembers: rejected suggestions, the user's
    dictionary entries, trained models. Existing spans were all typed by hand: ``manual``."""
    _run_script(db, """
        ALTER TABLE spans ADD COLUMN origin TEXT NOT NULL DEFAULT 'manual'
            CHECK (origin = 'manual' OR origin GLOB 'suggestion:?*' OR origin GLOB 'import:?*'
                   OR origin GLOB 'merge:?*');
        CREATE TABLE assist_rejections (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            recommender TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (article_id, start, "end", label)
        );
        CREATE TABLE assist_dictionary (
            text TEXT NOT NULL CHECK (length(text) > 0),
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE ON DELETE CASCADE,
            source TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (text, label)
        );
        CREATE TABLE assist_models (
            name TEXT PRIMARY KEY,
            trained TEXT NOT NULL,
            articles INTEGER NOT NULL,
            report TEXT NOT NULL CHECK (json_valid(report)),
            model BLOB NOT NULL
        );
        """)


@migrations(name="0003_span_attributes")
def _span_attributes(db: Database) -> None:
    # Declarations per label (storage.span_attributes) and one row per (span, attribute):
    # a row per value keeps "change one attribute" one upsert, and leaves the spans table (the
    # hot path of imports and exports) as it was. value is JSON: a string, or a list when multi.
    _run_script(db, """
        CREATE TABLE label_attributes (
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE ON DELETE CASCADE,
            name TEXT NOT NULL CHECK (length(name) > 0 AND name = trim(name)),
            kind TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('choice', 'text', 'pattern')),
            choices TEXT CHECK (choices IS NULL OR json_valid(choices)),
            pattern TEXT,
            multi INTEGER NOT NULL DEFAULT 0 CHECK (multi IN (0, 1)),
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (label, name)
        );
        CREATE TABLE span_attributes (
            span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            name TEXT NOT NULL CHECK (length(name) > 0),
            value TEXT NOT NULL CHECK (json_valid(value)),
            PRIMARY KEY (span_id, name)
        ) WITHOUT ROWID;
        """)


# Messages of the rule triggers below start with this, so the store can tell them from other
# constraint failures and show the rest as it is (SQLite's RAISE takes only a literal message).
RULE_PREFIX = "rule: "


@migrations(name="0003_frame_rules")
def _frame_rules(db: Database) -> None:
    """The scheme's rules for event frames, in the file itself.

    The store checks them in Python inside its write transaction; these triggers make them hold
    for any writer, whatever the interleaving of two windows. Rows already in an older file are
    left as they are: a frame that breaks a rule is shown as incomplete, never lost.
    """
    _run_script(db, f"""
        CREATE TRIGGER arguments_follow_the_scheme BEFORE INSERT ON arguments
        BEGIN
            SELECT RAISE(ABORT, '{RULE_PREFIX}the span or the event no longer exists (deleted, perhaps in another window)')
            WHERE NOT EXISTS (SELECT 1 FROM spans WHERE id = NEW.span_id)
               OR NOT EXISTS (SELECT 1 FROM events WHERE id = NEW.event_id);
            SELECT RAISE(ABORT, '{RULE_PREFIX}an argument must be a span of the same article as its event')
            WHERE (SELECT article_id FROM spans WHERE id = NEW.span_id)
                  IS NOT (SELECT article_id FROM events WHERE id = NEW.event_id);
            SELECT RAISE(ABORT, '{RULE_PREFIX}an event''s trigger cannot also be its argument')
            WHERE NEW.span_id = (SELECT trigger_id FROM events WHERE id = NEW.event_id);
            SELECT RAISE(ABORT, '{RULE_PREFIX}the role does not accept the label of that span')
            WHERE NOT EXISTS (SELECT 1 FROM role_labels JOIN spans ON spans.label = role_labels.label
                              WHERE spans.id = NEW.span_id AND role_labels.role = NEW.role);
            SELECT RAISE(ABORT, '{RULE_PREFIX}the role already holds as many spans as it takes')
            WHERE (SELECT max_count FROM roles WHERE name = NEW.role)
                  <= (SELECT count(*) FROM arguments WHERE event_id = NEW.event_id AND role = NEW.role);
        END;
        CREATE TRIGGER events_have_a_trigger_span BEFORE INSERT ON events
        BEGIN
            SELECT RAISE(ABORT, '{RULE_PREFIX}the trigger span no longer exists (deleted, perhaps in another window)')
            WHERE NOT EXISTS (SELECT 1 FROM spans WHERE id = NEW.trigger_id);
            SELECT RAISE(ABORT, '{RULE_PREFIX}an event''s trigger must be a span of the same article')
            WHERE (SELECT article_id FROM spans WHERE id = NEW.trigger_id) IS NOT NEW.article_id;
            SELECT RAISE(ABORT, '{RULE_PREFIX}an event needs a trigger span (labelled EVENT or another trigger label)')
            WHERE (SELECT kind FROM labels JOIN spans ON spans.label = labels.name
                   WHERE spans.id = NEW.trigger_id) IS NOT 'trigger';
        END;
        CREATE TRIGGER events_keep_their_trigger_span BEFORE UPDATE OF trigger_id, article_id ON events
        BEGIN
            SELECT RAISE(ABORT, '{RULE_PREFIX}an event''s trigger must be a span of the same article')
            WHERE (SELECT article_id FROM spans WHERE id = NEW.trigger_id) IS NOT NEW.article_id;
            SELECT RAISE(ABORT, '{RULE_PREFIX}an event needs a trigger span (labelled EVENT or another trigger label)')
            WHERE (SELECT kind FROM labels JOIN spans ON spans.label = labels.name
                   WHERE spans.id = NEW.trigger_id) IS NOT 'trigger';
        END;
        -- A relabel, not a rename of the label itself: a rename cascades into spans.label too,
        -- after the old name is gone from labels, and changes no frame's meaning.
        CREATE TRIGGER spans_relabel_keeps_frames BEFORE UPDATE OF label ON spans
        WHEN NEW.label IS NOT OLD.label AND EXISTS (SELECT 1 FROM labels WHERE name = OLD.label)
        BEGIN
            SELECT RAISE(ABORT, '{RULE_PREFIX}the span is the trigger of an event; delete the event before relabelling it')
            WHERE EXISTS (SELECT 1 FROM events WHERE trigger_id = NEW.id)
              AND (SELECT kind FROM labels WHERE name = NEW.label) IS NOT 'trigger';
            SELECT RAISE(ABORT, '{RULE_PREFIX}the span fills a role that does not accept the new label')
            WHERE EXISTS (SELECT 1 FROM arguments
                          WHERE span_id = NEW.id AND NOT EXISTS (
                              SELECT 1 FROM role_labels WHERE role_labels.role = arguments.role
                                                          AND role_labels.label = NEW.label));
        END;
        """)


@migrations(name="0005_event_modes_and_contexts")
def _event_modes(db: Database) -> None:
    # PLOVER 2.0 (issue 12): modes per event type, roles a type requires, integer and multi-valued
    # attributes, and attributes an article carries (a document's contexts). A CHECK cannot be
    # altered in SQLite, so the attributes table is rebuilt with the wider kind list.
    _run_script(db, """
        ALTER TABLE event_types ADD COLUMN modes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(modes));
        ALTER TABLE event_types ADD COLUMN required_roles TEXT NOT NULL DEFAULT '[]'
            CHECK (json_valid(required_roles));
        CREATE TABLE attributes_new (
            name TEXT PRIMARY KEY CHECK (length(name) > 0),
            kind TEXT NOT NULL DEFAULT 'choice'
                CHECK (kind IN ('choice', 'date', 'text', 'integer', 'mode')),
            choices TEXT,
            default_value TEXT,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0,
            multi INTEGER NOT NULL DEFAULT 0 CHECK (multi IN (0, 1)),
            on_article INTEGER NOT NULL DEFAULT 0 CHECK (on_article IN (0, 1))
        );
        INSERT INTO attributes_new (name, kind, choices, default_value, description, position)
            SELECT name, kind, choices, default_value, description, position FROM attributes;
        DROP TABLE attributes;
        ALTER TABLE attributes_new RENAME TO attributes;
        CREATE TABLE article_attributes (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            name TEXT NOT NULL CHECK (length(name) > 0),
            value TEXT NOT NULL CHECK (json_valid(value)),
            PRIMARY KEY (article_id, name)
        ) WITHOUT ROWID;
        """)


@migrations(name="0006_assist_suggestions")
def _assist_suggestions(db: Database) -> None:
    """What the trained model suggests for each unfinished article, written by the training
    process after training, so opening an article never runs the model in the window."""
    _run_script(db, """
        CREATE TABLE assist_suggestions (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL CHECK ("end" > start),
            label TEXT NOT NULL,
            recommender TEXT NOT NULL,
            score REAL NOT NULL,
            PRIMARY KEY (article_id, recommender, start, "end", label)
        );
        """)


def _run_script(db: Database, script: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT the migration's open transaction."""
    pending = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            db.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending!r}")


def check_is_project(db: Database) -> None:
    """Refuse a database that this app did not make, or that a newer version has migrated further.

    Called before anything is written, so a mistyped ``--project`` never adds our tables (or
    turns on WAL) in another program's SQLite file. An empty file is a new project.
    """
    tables = set(db.table_names())
    if not tables:
        return
    applied = {m.name for m in migrations.applied(db)} if Migrations.migrations_table in tables else set()
    if not applied:
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise ProjectFileError(f"this is another program's SQLite database (tables {shown}), "
                               "not an Event Annotator project")
    known = {m.name for m in migrations.pending(Database(memory=True))}  # every migration we have
    newer = sorted(applied - known)
    if newer:
        raise ProjectFileError(f"a newer Event Annotator has changed this project (schema {', '.join(newer)}); "
                               "update Event Annotator to open it")


def pending(db: Database) -> bool:
    """True when the file lacks one of our migrations (a new or older project)."""
    return bool(migrations.pending(db))


def apply(db: Database) -> None:
    """Bring the file's schema up to date; each migration is a savepoint of the caller's transaction."""
    migrations.apply(db)


# -- annotator layers (teams) --------------------------------------------------------------------

_LAYER_STATUS_CHECK = "status IN ('new', 'in_progress', 'done', 'skipped', 'curated')"
_LAYER_TABLES = ("arguments", "events", "spans")  # children first: dropping them cascades nothing


@migrations(name="0100_annotator_layers")
def _annotator_layers(db: Database) -> None:
    """Annotator layers: a span's or event's layer is its ``annotator`` (NULL: the default layer).

    * The same span may now exist once per layer: UNIQUE (article, layer, start, end, label).
      SQLite cannot drop a table's UNIQUE, so spans, events and arguments are copied aside,
      recreated from their own CREATE statements (columns other migrations added come along)
      and refilled with the same ids; every trigger and index on them is recreated from its SQL.
    * ``uid``: an id that never collides across files (random 128 bits, set by SQLite itself,
      so no INSERT of ours has to change), kept by hand-out and merge; ``taken_from`` names the
      layer a gold annotation was taken from (NULL: made in its own layer).
    * ``layers`` records each merged layer's provenance, ``layer_status`` each layer's status per
      article, and ``curated`` is a status (CHECK edited in place: widening a CHECK is one of the
      changes SQLite documents as safe through writable_schema).
    """
    one_per_article = re.compile(r',\s*UNIQUE\s*\(article_id, start, "end", label\)')

    def with_layers(table: str, create: str) -> str:
        if table == "spans":
            create, found = one_per_article.subn("", create)
            if found != 1:
                raise _unexpected("spans has not the UNIQUE this migration replaces")
        return _with_columns(create, _TEAM_COLUMNS) if table in ("spans", "events") else create
    _rebuild_layer_tables(db, with_layers)
    _run_script(db, f"""
        CREATE UNIQUE INDEX spans_unique_in_layer
            ON spans(article_id, coalesce(annotator, ''), start, "end", label);
        CREATE TABLE layers (
            name TEXT PRIMARY KEY CHECK (length(name) > 0),
            kind TEXT NOT NULL DEFAULT 'annotator' CHECK (kind IN ('annotator', 'gold')),
            packet TEXT,
            packet_digest TEXT,
            merged TEXT
        );
        CREATE TABLE layer_status (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            layer TEXT NOT NULL,
            status TEXT NOT NULL CHECK ({_LAYER_STATUS_CHECK}),
            updated TEXT NOT NULL,
            PRIMARY KEY (article_id, layer)
        );
        """)
    _widen_status_check(db)


def _unexpected(what: str) -> sqlite3.DatabaseError:
    """A table not as the migrations before left it (edited by hand, or a migration's record lost):
    SQLite's own words for a damaged file, so opening it says so in one plain line."""
    return sqlite3.DatabaseError(f"malformed database schema ({what})")


def _rebuild_layer_tables(db: Database, edit: Callable[[str, str], str]) -> None:
    """Recreate spans, events and arguments from ``edit(table, their CREATE statement)``, same rows and ids.

    SQLite cannot drop a column's UNIQUE or NOT NULL: the tables are copied aside, dropped,
    recreated (columns other migrations added come along) and refilled; every trigger and index
    on them is recreated from its SQL. Tables whose rows hang on spans or events (span
    attributes, role rejections…) are dropped first and recreated as they were: the foreign keys
    are on, and dropping spans under them would cascade into them, or fail on an events table
    already gone.
    """
    dependents = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        if name not in _LAYER_TABLES and any(
            fk[2] in _LAYER_TABLES for fk in db.execute(f"PRAGMA foreign_key_list('{name}')"))]
    tables = (*dependents, *_LAYER_TABLES)  # children first
    marks = ",".join("?" * len(tables))
    saved = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE type IN ('trigger', 'index') AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})", tables)]
    creates = dict(db.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ({marks})",
                              tables).fetchall())
    columns = {table: ", ".join(f'"{row[1]}"' for row in db.execute(f"PRAGMA table_info({table})"))
               for table in tables}
    for table in tables:
        db.execute(f"CREATE TEMP TABLE old_{table} AS SELECT * FROM main.{table}")
        db.execute(f"DROP TABLE main.{table}")
    for table in reversed(tables):  # parents first
        db.execute(edit(table, creates[table]) if table in _LAYER_TABLES else creates[table])
        db.execute(f"INSERT INTO main.{table} ({columns[table]}) SELECT {columns[table]} FROM temp.old_{table}")
        db.execute(f"DROP TABLE temp.old_{table}")
    for sql in saved:
        db.execute(sql)


def has_layer_tables(conn: sqlite3.Connection) -> bool:
    """Whether the file has annotator layers and curation decisions (migrations 0100 and 0101):
    a read-only older file has not."""
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                        "AND name IN ('layer_status', 'curation_decisions')").fetchone()[0] == 2


_TEAM_COLUMNS = ("uid TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16))))", "taken_from TEXT")


def _with_columns(create: str, columns: tuple[str, ...]) -> str:
    """``CREATE TABLE t (…)`` with more columns before its closing parenthesis."""
    body = create.rstrip().rstrip(";").rstrip()
    if not body.endswith(")"):
        raise ValueError(f"unexpected table definition: {create[:60]!r}")
    return body[:-1].rstrip() + ",\n    " + ",\n    ".join(columns) + "\n)"


def _widen_status_check(db: Database) -> None:
    """Let articles.status be ``curated`` too, without copying every article text."""
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone()
    if _STATUS_CHECK not in sql:
        raise ValueError("articles.status CHECK is not the one this migration widens")
    (version,) = db.execute("PRAGMA schema_version").fetchone()
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'articles'",
                   [sql.replace(_STATUS_CHECK, _LAYER_STATUS_CHECK)])
        db.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")


@migrations(name="0101_curation_decisions")
def _curation_decisions(db: Database) -> None:
    """What the curator decided for each disagreement (storage.team.curation), so a resolved one
    stays resolved: ``took:<layer>``, ``rejected`` or ``agreed`` (merged automatically)."""
    _run_script(db, """
        CREATE TABLE curation_decisions (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('rejected', 'agreed') OR decision GLOB 'took:?*'),
            created TEXT NOT NULL,
            PRIMARY KEY (article_id, start, "end")
        );
        """)


@migrations(name="0102_assist_roles_and_versions")
def _assist_roles_and_versions(db: Database) -> None:
    """Issue 11, continued. ``assist_role_rejections``: a role filler the event-role recommender
    proposed and the user rejected, never proposed again for that event and role (gone with the
    event or the span). ``assist_suggested``: which model version (its ``trained`` stamp) has
    suggested for an article, even when it found nothing, so an article imported after training
    is known to need the model's suggestions when it opens."""
    _run_script(db, """
        CREATE TABLE assist_role_rejections (
            event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            created TEXT NOT NULL,
            PRIMARY KEY (event_id, role, span_id)
        );
        CREATE INDEX assist_role_rejections_span ON assist_role_rejections(span_id);
        CREATE TABLE assist_suggested (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            recommender TEXT NOT NULL,
            version TEXT NOT NULL,
            PRIMARY KEY (article_id, recommender)
        );
        """)


@migrations(name="0103_curation_frame_decisions")
def _curation_frame_decisions(db: Database) -> None:
    """What the curator decided for each event-frame disagreement (storage.team.curation_frames),
    apart from span decisions: a trigger is also a span, and the two are decided separately."""
    _run_script(db, """
        CREATE TABLE curation_frame_decisions (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('rejected', 'agreed') OR decision GLOB 'took:?*'),
            created TEXT NOT NULL,
            PRIMARY KEY (article_id, start, "end")
        );
        """)


_STORED_UID = "uid TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16))))"


@migrations(name="0104_derived_uids")
def _derived_uids(db: Database) -> None:
    """A bulk import's spans and events may leave ``uid`` NULL: derived from ``uid_ranges`` (storage.uids).

    A stored uid per imported row was a third of a big import's SQL time (~40 MB of table and
    UNIQUE index per 500,000 spans). The column loses NOT NULL (its default still makes a random
    uid for every other writer), its UNIQUE becomes a partial unique index over stored uids (a
    UNIQUE column would index every NULL too), and triggers keep a NULL uid meaningful: only a
    row with a range at or below its id may have one, and a row's uid never changes by an update
    (neither a stored uid set to NULL nor a derived one's id renumbered). Existing rows keep their
    stored uids; the tables are rebuilt like 0100's, same ids.
    """
    def derivable(table: str, create: str) -> str:
        if table == "arguments":
            return create
        if create.count(_STORED_UID) != 1:
            raise _unexpected(f"{table} has not the uid column this migration loosens")
        return create.replace(_STORED_UID, "uid TEXT DEFAULT (lower(hex(randomblob(16))))")
    _rebuild_layer_tables(db, derivable)
    _run_script(db, """
        CREATE TABLE uid_ranges (
            tbl TEXT NOT NULL CHECK (tbl IN ('spans', 'events')),
            first_id INTEGER NOT NULL CHECK (first_id > 0),
            prefix TEXT NOT NULL CHECK (length(prefix) = 16 AND NOT prefix GLOB '*[^0-9a-f]*'),
            PRIMARY KEY (tbl, first_id)
        ) WITHOUT ROWID;
        """)
    for table in ("spans", "events"):
        _run_script(db, f"""
            CREATE UNIQUE INDEX {table}_uid ON {table}(uid) WHERE uid IS NOT NULL;
            CREATE TRIGGER {table}_uid_derivable BEFORE INSERT ON {table} WHEN NEW.uid IS NULL
            BEGIN
                SELECT RAISE(ABORT, 'a uid may be left NULL only by an import that recorded its range (uid_ranges)')
                WHERE NOT EXISTS (SELECT 1 FROM uid_ranges WHERE tbl = '{table}' AND first_id <= NEW.id);
            END;
            CREATE TRIGGER {table}_uid_kept BEFORE UPDATE OF id, uid ON {table}
            WHEN NEW.uid IS NULL AND (OLD.uid IS NOT NULL OR NEW.id IS NOT OLD.id)
            BEGIN SELECT RAISE(ABORT, 'an annotation''s uid cannot change: set it, never clear it'); END;
            """)


@migrations(name="0105_span_attribute_runs")
def _span_attribute_runs(db: Database) -> None:
    """One text attribute of a document's consecutive spans as one row (a brat file's T ids):
    ``storage.span_attribute_runs`` says how every reader sees them as span attributes."""
    _run_script(db, f"""
        CREATE TABLE {span_attribute_runs.RUNS_TABLE} (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            name TEXT NOT NULL CHECK (length(name) > 0),
            first_id INTEGER NOT NULL,
            last_id INTEGER NOT NULL,
            "values" TEXT NOT NULL CHECK (json_valid("values") AND json_array_length("values") = last_id - first_id + 1),
            PRIMARY KEY (article_id, name, first_id)
        ) WITHOUT ROWID;
        {span_attribute_runs.DELETE_TRIGGER}
        """)


@migrations(name="0106_runs_left_whole")
def _runs_left_whole(db: Database) -> None:
    """A deleted span turns its article's runs into rows once, not its run's array per span (quadratic)."""
    _run_script(db, f"DROP TRIGGER IF EXISTS spans_leave_their_runs; {span_attribute_runs.DELETE_TRIGGER}")


@migrations(name="0107_article_status")
def _article_status(db: Database) -> None:
    """An article's status off its row into ``article_status``: an UPDATE rewrites a whole row, and
    a 1 MB article's status copied its text (5-13 ms, in the first key press). No row is ``new``;
    statuses other than ``new`` (or set again later) keep their ``updated``; the column goes."""
    _run_script(db, f"""
        CREATE TABLE article_status (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            status TEXT NOT NULL CHECK ({_LAYER_STATUS_CHECK}),
            updated TEXT NOT NULL
        );
        INSERT INTO article_status (article_id, status, updated)
            SELECT id, status, updated FROM articles WHERE status != 'new' OR updated != created;
        CREATE INDEX article_status_status ON article_status(status);
        DROP INDEX IF EXISTS articles_status;
        ALTER TABLE articles DROP COLUMN status;
        """)
