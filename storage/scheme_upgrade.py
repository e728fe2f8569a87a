"""Upgrade a project's scheme to PLOVER 2.0 in place, annotations kept, with a report of what moved.

For a project made before PLOVER 2.0 became the default (roles source/target, PLOVER's older 18
categories), in one transaction (all or nothing):

* roles ``source`` → ``actor``, ``target`` → ``recipient`` (arguments follow by ON UPDATE CASCADE);
* the 16 categories with their modes and required recipients; the old categories' events moved
  by ``resources/plover-2.0/upgrade.json`` (INVESTIGATE and DISAPPROVE → ACCUSE with the mode
  they imply, DEMAND → REQUEST, FIGHT → ASSAULT), those types then removed; a type PLOVER has no
  mapping for is kept and named in the report;
* PLOVER's attributes added (mode, context, auxiliary, dead, injured, arrested); existing ones kept
  with their values, and ``polarity`` negative / ``modality`` hypothetical also set the matching
  auxiliary mode;
* ACTOR's code, sector and identifier_id declared; the scheme named PLOVER 2.0.

Nothing is deleted that holds an annotation, so the upgrade loses nothing; running it twice
changes nothing the second time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlite_utils import Database

import resources
from storage import scheme as scheme_store
from storage import span_attributes
from storage.model import SchemeError


@dataclass
class UpgradeReport:
    """What the upgrade did, in the user's words, one line per kind of change."""

    lines: list[str] = field(default_factory=list)
    events_moved: dict[str, int] = field(default_factory=dict)  # "FIGHT → ASSAULT" -> events

    @property
    def changed(self) -> bool:
        return bool(self.lines)


def upgrade_to_plover(db: Database) -> UpgradeReport:
    """Upgrade the scheme in ``db`` (inside the caller's transaction); see the module docstring."""
    target = resources.scheme("plover-2.0")
    mapping = resources.read_json("plover-2.0/upgrade.json")
    report = UpgradeReport()
    _roles(db, target, mapping["roles"], report)
    _event_types(db, target, mapping, report)
    _attributes(db, target, report)
    _actor_attributes(db, target, report)
    if scheme_store.identity(db) != (target["name"], target["version"]):
        scheme_store.set_identity(db, target["name"], target["version"])
        report.lines.append(f"scheme named {target['name']} {target['version']}")
    return report


def _roles(db: Database, target: dict, renames: dict[str, str], report: UpgradeReport) -> None:
    names = {r[0] for r in db.execute("SELECT name FROM roles")}
    wanted = {role["name"]: role for role in target["roles"]}
    for old, new in renames.items():
        if old in names and new not in names:
            count = db.execute("SELECT count(*) FROM arguments WHERE role = ?", [old]).fetchone()[0]
            db.execute("UPDATE roles SET name = ?, description = ? WHERE name = ?",
                       [new, wanted[new]["description"], old])
            report.lines.append(f"role {old} → {new} ({count} argument{'s' if count != 1 else ''})")
            names = (names - {old}) | {new}
    for name, role in wanted.items():
        if name not in names:
            missing = [label for label in role["labels"]
                       if not db.execute("SELECT 1 FROM labels WHERE name = ?", [label]).fetchone()]
            if missing:
                raise SchemeError(f"cannot add PLOVER's role {name}: the project has no label {', '.join(missing)}")
            scheme_store.add_role(db, scheme_store.role_from_record(role))
            report.lines.append(f"role {name} added")


def _event_types(db: Database, target: dict, mapping: dict, report: UpgradeReport) -> None:
    existing = {r[0] for r in db.execute("SELECT name FROM event_types")}
    added = []
    for position, item in enumerate(target["event_types"]):
        kind = scheme_store.event_type_from_record(item)
        modes = json.dumps([{"name": m.name, "description": m.description} for m in kind.modes])
        if kind.name in existing:
            db.execute("UPDATE event_types SET description = ?, modes = ?, required_roles = ? WHERE name = ?",
                       [kind.description, modes, json.dumps(list(kind.required_roles)), kind.name])
        else:
            scheme_store.add_event_type(db, kind)
            added.append(kind.name)
        db.execute("UPDATE event_types SET position = ? WHERE name = ?", [position, kind.name])
    if added:
        report.lines.append(f"event types added: {', '.join(added)}")
    plover = {item["name"] for item in target["event_types"]}
    for old in sorted(existing - plover):
        new = mapping["event_types"].get(old)
        if new is None:
            report.lines.append(f"event type {old} kept: PLOVER 2.0 has no category it maps to")
            continue
        mode = mapping["implied_modes"].get(old)
        events = db.execute("SELECT id, attributes FROM events WHERE type = ?", [old]).fetchall()
        for event_id, attributes in events:
            values = json.loads(attributes)
            if mode is not None and not values.get("mode"):
                values["mode"] = [mode]
            db.execute("UPDATE events SET type = ?, attributes = ? WHERE id = ?",
                       [new, json.dumps(values, sort_keys=True), event_id])
        db.execute("DELETE FROM event_types WHERE name = ?", [old])
        moved = f"{old} → {new}" + (f" (mode {mode})" if mode else "")
        report.events_moved[moved] = len(events)
        report.lines.append(f"{moved}: {len(events)} event{'s' if len(events) != 1 else ''}")


def _attributes(db: Database, target: dict, report: UpgradeReport) -> None:
    existing = {r[0] for r in db.execute("SELECT name FROM attributes")}
    added = []
    for item in target["attributes"]:
        if item["name"] not in existing:
            scheme_store.add_attribute(db, scheme_store.attribute_from_record(item))
            added.append(item["name"])
    if added:
        report.lines.append(f"event attributes added: {', '.join(added)}")
    # What the older attributes said that PLOVER says with an auxiliary mode.
    for attribute, value, auxiliary in (("polarity", "negative", "negation"),
                                        ("modality", "hypothetical", "hypothetical")):
        if attribute not in existing:
            continue
        count = 0
        for event_id, attributes in db.execute(
                "SELECT id, attributes FROM events WHERE json_extract(attributes, ?) = ?",
                [f"$.{attribute}", value]).fetchall():
            values = json.loads(attributes)
            if auxiliary not in (values.get("auxiliary") or []):
                values["auxiliary"] = [*(values.get("auxiliary") or []), auxiliary]
                db.execute("UPDATE events SET attributes = ? WHERE id = ?",
                           [json.dumps(values, sort_keys=True), event_id])
                count += 1
        if count:
            report.lines.append(f"auxiliary {auxiliary} set on {count} event{'s' if count != 1 else ''} "
                                f"with {attribute} {value} (kept as well)")


def _actor_attributes(db: Database, target: dict, report: UpgradeReport) -> None:
    for label in target["labels"]:
        if not label.get("attributes") or not db.execute(
                "SELECT 1 FROM labels WHERE name = ?", [label["name"]]).fetchone():
            continue
        declared = {a.name for a in span_attributes.load_declarations(db).get(label["name"], ())}
        added = []
        for item in label["attributes"]:
            if item["name"] not in declared:
                span_attributes.declare(db, label["name"], span_attributes.from_record(item))
                added.append(item["name"])
        if added:
            report.lines.append(f"{label['name']} attributes added: {', '.join(added)}")
