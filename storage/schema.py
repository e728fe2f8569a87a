"""The project file's schema, as numbered sqlite-utils migrations.

Invariants live in SQL as well as in Python (``storage.model``), so a script that writes
to the file directly cannot store a span outside its article's text either.
"""
from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

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
