"""The label scheme stored in a project: labels, event types, roles and attributes.

Functions here take the project's ``sqlite_utils.Database`` and run inside the caller's
transaction; ``storage.project.Project`` wraps each user-visible change in ``db.atomic()``.
"""
from __future__ import annotations

import functools
import json
import sqlite3
from typing import Any, Mapping

from sqlite_utils import Database

import resources

from storage import span_attributes
from storage.model import (
    Attribute,
    EventMode,
    EventType,
    Label,
    LabelInUseError,
    Role,
    Scheme,
    SchemeError,
)


# Okabe–Ito, colour-blind safe, without black (a black tint hides its text): the default labels
# use the first three; a new label (Labels dialog or native import) takes the first unused one.
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#CC79A7", "#009E73", "#D55E00", "#56B4E9",
                            "#F0E442", "#999999")


def free_colour(used: set[str]) -> str:
    """The first palette colour no label has (case-insensitive), cycling once all are taken."""
    taken = {colour.upper() for colour in used}
    free = [colour for colour in PALETTE if colour.upper() not in taken]
    return free[0] if free else PALETTE[len(taken) % len(PALETTE)]


def load(db: Database) -> Scheme:
    declared = span_attributes.load_declarations(db)
    labels = tuple(
        Label(name=r[0], colour=r[1], key=r[2], description=r[3], kind=r[4],
              attributes=declared.get(r[0], ()))
        for r in db.execute(
            "SELECT name, colour, key, description, kind FROM labels ORDER BY position, name"
        )
    )
    event_types = tuple(
        EventType(name=r[0], description=r[1],
                  modes=tuple(EventMode(m["name"], m.get("description", "")) for m in json.loads(r[2])),
                  required_roles=tuple(json.loads(r[3])))
        for r in db.execute("SELECT name, description, modes, required_roles FROM event_types "
                            "ORDER BY position, name")
    )
    role_labels: dict[str, list[str]] = {}
    for role, label in db.execute(
        "SELECT role, label FROM role_labels JOIN labels ON labels.name = label "
        "ORDER BY labels.position, label"
    ):
        role_labels.setdefault(role, []).append(label)
    roles = tuple(
        Role(name=r[0], labels=tuple(role_labels.get(r[0], ())), max_count=r[1], min_count=r[2],
             description=r[3])
        for r in db.execute(
            "SELECT name, max_count, min_count, description FROM roles ORDER BY position, name"
        )
    )
    attributes = tuple(
        Attribute(name=r[0], kind=r[1], choices=tuple(json.loads(r[2])) if r[2] else None,
                  default=r[3], description=r[4], multi=bool(r[5]), on_article=bool(r[6]))
        for r in db.execute(
            "SELECT name, kind, choices, default_value, description, multi, on_article FROM attributes "
            "ORDER BY position, name"
        )
    )
    name, version = identity(db)
    return Scheme(labels=labels, event_types=event_types, roles=roles, attributes=attributes,
                  name=name, version=version)


def seed(db: Database, scheme: Mapping[str, Any]) -> None:
    """Write a scheme dictionary (the shape of ``resources/scheme.json``) into an empty project."""
    for item in scheme.get("labels", ()):
        add_label(db, Label(name=item["name"], colour=item["colour"], key=item.get("key"),
                            description=item.get("description", ""),
                            kind=item.get("kind", "entity")))
        for attribute in item.get("attributes", ()):
            span_attributes.declare(db, item["name"], span_attributes.from_record(attribute))
    for item in scheme.get("event_types", ()):
        add_event_type(db, event_type_from_record(item))
    for item in scheme.get("roles", ()):
        add_role(db, role_from_record(item))
    for item in scheme.get("attributes", ()):
        add_attribute(db, attribute_from_record(item))
    if "name" in scheme:
        set_identity(db, scheme["name"], scheme.get("version"))


def role_from_record(item: Mapping[str, Any]) -> Role:
    return Role(name=item["name"], labels=tuple(item.get("labels", ())), max_count=item.get("max_count"),
                min_count=item.get("min_count", 0), description=item.get("description", ""))


def event_type_from_record(item: Mapping[str, Any]) -> EventType:
    """An event type from the scheme dictionary's shape (modes as names or {"name", "description"})."""
    modes = tuple(EventMode(m) if isinstance(m, str) else EventMode(m["name"], m.get("description", ""))
                  for m in item.get("modes", ()))
    return EventType(item["name"], item.get("description", ""), modes=modes,
                     required_roles=tuple(item.get("required_roles", ())))


def event_type_record(kind: EventType) -> dict[str, Any]:
    """The event type in the scheme dictionary's shape; modes and required roles only when present."""
    record: dict[str, Any] = {"name": kind.name, "description": kind.description}
    if kind.modes:
        record["modes"] = [{"name": m.name, "description": m.description} for m in kind.modes]
    if kind.required_roles:
        record["required_roles"] = list(kind.required_roles)
    return record


def attribute_from_record(item: Mapping[str, Any]) -> Attribute:
    choices = item.get("choices")
    return Attribute(name=item["name"], kind=item.get("kind", "choice"),
                     choices=tuple(choices) if choices else None, default=item.get("default"),
                     description=item.get("description", ""), multi=bool(item.get("multi", False)),
                     on_article=bool(item.get("on_article", False)))


def attribute_record(attribute: Attribute) -> dict[str, Any]:
    record: dict[str, Any] = {
        "name": attribute.name, "kind": attribute.kind,
        "choices": list(attribute.choices) if attribute.choices is not None else None,
        "default": attribute.default, "description": attribute.description}
    if attribute.multi:  # only when set, so schemes without them keep their old shape
        record["multi"] = True
    if attribute.on_article:
        record["on_article"] = True
    return record


# The scheme's name and version (PLOVER 2.0): what a PLOVER export calls its codebook.
_NAME_KEY, _VERSION_KEY = "scheme.name", "scheme.version"


def set_identity(db: Database, name: str | None, version: str | None) -> None:
    for key, value in ((_NAME_KEY, name), (_VERSION_KEY, version)):
        if value is None:
            db.execute("DELETE FROM settings WHERE key = ?", [key])
        else:
            db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, str(value)])


def identity(db: Database) -> tuple[str | None, str | None]:
    """(name, version) of the project's scheme; (None, None) for a project made before names."""
    values = dict(db.execute("SELECT key, value FROM settings WHERE key IN (?, ?)", [_NAME_KEY, _VERSION_KEY]))
    return values.get(_NAME_KEY), values.get(_VERSION_KEY)


def default() -> Scheme:
    """The scheme a new project is seeded with, exactly as ``load`` reads it back."""
    return shipped(resources.default_scheme_name())


@functools.lru_cache(maxsize=4)
def shipped(name: str) -> Scheme:
    """A scheme shipped in ``resources/`` (``resources.scheme_names()``), as ``load`` reads it back."""
    from storage import schema  # schema is only needed here, for a scratch in-memory project

    db = Database(memory=True)
    schema.apply(db)
    seed(db, resources.scheme(name))
    return load(db)


def replace(db: Database, scheme: Mapping[str, Any]) -> None:
    """Put ``scheme`` (a scheme dictionary) in place of the whole current scheme.

    Only for a project without articles: spans and events refer to labels, types and roles.
    """
    if db.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
        raise SchemeError("only a project without articles can take another scheme whole")
    for table in ("role_labels", "roles", "attributes", "event_types", "label_attributes", "labels"):
        db.execute(f"DELETE FROM {table}")
    set_identity(db, None, None)
    seed(db, scheme)


def _next_position(db: Database, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(position), -1) + 1 FROM {table}").fetchone()[0]


def add_label(db: Database, label: Label) -> None:
    if db.execute("SELECT 1 FROM labels WHERE name = ?", [label.name]).fetchone():
        raise SchemeError(f"label {label.name!r} already exists")
    _check_key_free(db, label.key, label.name)
    db.execute(
        "INSERT INTO labels (name, colour, key, description, kind, position) VALUES (?, ?, ?, ?, ?, ?)",
        [label.name, label.colour, label.key, label.description, label.kind,
         _next_position(db, "labels")],
    )


def _check_key_free(db: Database, key: str | None, owner: str) -> None:
    if key is None:
        return
    row = db.execute("SELECT name FROM labels WHERE key = ? AND name != ?", [key, owner]).fetchone()
    if row:
        raise SchemeError(f"key {key!r} is already used by label {row[0]!r}")


def _require_label(db: Database, name: str) -> None:
    if not db.execute("SELECT 1 FROM labels WHERE name = ?", [name]).fetchone():
        raise SchemeError(f"unknown label {name!r}")


def rename_label(db: Database, old: str, new: str) -> None:
    """Rename a label; spans and role definitions follow through ON UPDATE CASCADE."""
    _require_label(db, old)
    Label(name=new, colour="#000000")  # validates the new name
    if old == new:
        return
    if db.execute("SELECT 1 FROM labels WHERE name = ?", [new]).fetchone():
        raise SchemeError(f"label {new!r} already exists")
    db.execute("UPDATE labels SET name = ? WHERE name = ?", [new, old])


def update_label(db: Database, name: str, *, colour: str | None = None, key: str | None | bool = False,
                 description: str | None = None) -> None:
    """Change a label's colour, shortcut key (None clears it; False leaves it) or description."""
    _require_label(db, name)
    current = next(label for label in load(db).labels if label.name == name)
    new = Label(name=name, colour=colour or current.colour,
                key=current.key if key is False else key,  # type: ignore[arg-type]
                description=current.description if description is None else description,
                kind=current.kind)
    _check_key_free(db, new.key, name)
    db.execute("UPDATE labels SET colour = ?, key = ?, description = ? WHERE name = ?",
               [new.colour, new.key, new.description, name])


def delete_label(db: Database, name: str, *, cascade: bool = False) -> int:
    """Delete a label. With spans left, refuse unless ``cascade``; return how many spans went."""
    _require_label(db, name)
    count = db.execute("SELECT count(*) FROM spans WHERE label = ?", [name]).fetchone()[0]
    if count and not cascade:
        raise LabelInUseError(name, count)
    db.execute("DELETE FROM spans WHERE label = ?", [name])
    db.execute("DELETE FROM labels WHERE name = ?", [name])
    return count


def add_event_type(db: Database, event_type: EventType) -> None:
    try:
        db.execute("INSERT INTO event_types (name, description, position, modes, required_roles) "
                   "VALUES (?, ?, ?, ?, ?)",
                   [event_type.name, event_type.description, _next_position(db, "event_types"),
                    json.dumps([{"name": m.name, "description": m.description} for m in event_type.modes]),
                    json.dumps(list(event_type.required_roles))])
    except sqlite3.IntegrityError as exc:
        raise SchemeError(f"event type {event_type.name!r} already exists") from exc


def add_role(db: Database, role: Role) -> None:
    try:
        db.execute(
            "INSERT INTO roles (name, max_count, min_count, description, position) VALUES (?, ?, ?, ?, ?)",
            [role.name, role.max_count, role.min_count, role.description, _next_position(db, "roles")],
        )
    except sqlite3.IntegrityError as exc:
        raise SchemeError(f"role {role.name!r} already exists") from exc
    for label in role.labels:
        _require_label(db, label)
        db.execute("INSERT INTO role_labels (role, label) VALUES (?, ?)", [role.name, label])


def allow_label_in_role(db: Database, role: str, label: str) -> None:
    _require_label(db, label)
    db.execute("INSERT OR IGNORE INTO role_labels (role, label) VALUES (?, ?)", [role, label])


def add_attribute(db: Database, attribute: Attribute) -> None:
    try:
        db.execute(
            "INSERT INTO attributes (name, kind, choices, default_value, description, position, multi, "
            "on_article) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [attribute.name, attribute.kind,
             json.dumps(list(attribute.choices)) if attribute.choices is not None else None,
             attribute.default, attribute.description, _next_position(db, "attributes"),
             int(attribute.multi), int(attribute.on_article)],
        )
    except sqlite3.IntegrityError as exc:
        raise SchemeError(f"attribute {attribute.name!r} already exists") from exc
