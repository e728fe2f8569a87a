"""The scheme's fingerprint: what must match for a packet's annotations to mean the same in the master.

Offline copies only merge when the configuration matches exactly (INCEpTION #3292), so every
packet records the fingerprint of the scheme it was handed out with, and a merge refuses a
packet whose scheme differs, naming the difference. Only meaning counts: label names and
kinds, event types, roles (which labels, how many), event attributes (kind, choices) and span
attribute declarations. Colours, keys, descriptions and order are the user's to change.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlite_utils import Database

from storage import scheme as scheme_store
from storage import span_attributes


def summary(db: Database) -> dict[str, Any]:
    """The meaningful part of the file's scheme, as plain sorted data."""
    scheme = scheme_store.load(db)
    declared = span_attributes.load_declarations(db)
    return {
        "labels": {label.name: {"kind": label.kind,
                                "attributes": {a.name: _meaning(span_attributes.to_record(a))
                                               for a in declared.get(label.name, ())}}
                   for label in scheme.labels},
        "event types": sorted(t.name for t in scheme.event_types),
        "roles": {role.name: {"labels": sorted(role.labels), "min": role.min_count, "max": role.max_count}
                  for role in scheme.roles},
        "event attributes": {a.name: {"kind": a.kind, "choices": sorted(a.choices) if a.choices else None}
                             for a in scheme.attributes},
    }


def fingerprint(db: Database) -> str:
    """A short hash of :func:`summary`: equal schemes, equal fingerprints."""
    canonical = json.dumps(summary(db), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def differences(master: dict[str, Any], packet: dict[str, Any], *, limit: int = 5) -> list[str]:
    """What differs between two summaries, in words: "label PERSON only in the packet"…"""
    found: list[str] = []
    singular = {"labels": "label", "roles": "role", "event attributes": "event attribute"}
    for part, noun in singular.items():
        ours, theirs = master[part], packet[part]
        for name in sorted(ours.keys() - theirs.keys()):
            found.append(f"{noun} {name} only in the master")
        for name in sorted(theirs.keys() - ours.keys()):
            found.append(f"{noun} {name} only in the packet")
        for name in sorted(ours.keys() & theirs.keys()):
            if ours[name] != theirs[name]:
                found.append(f"{noun} {name} is {_short(ours[name])} in the master, "
                             f"{_short(theirs[name])} in the packet")
    ours_types, theirs_types = set(master["event types"]), set(packet["event types"])
    found += [f"event type {t} only in the master" for t in sorted(ours_types - theirs_types)]
    found += [f"event type {t} only in the packet" for t in sorted(theirs_types - ours_types)]
    if len(found) > limit:
        found = found[:limit] + [f"and {len(found) - limit} more"]
    return found


def _meaning(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "description"}


def _short(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
