"""What an import needs that the project's scheme lacks: the one policy every importer follows.

``SchemeGrowth`` adds labels (palette colour, no key), roles, event types and attributes that a
file uses or defines, and reports each addition. A native file's scheme line (the shape of
``resources/scheme.json``) is adopted whole by a new project, so native export → import into a
new project → native export gives the same bytes even after labels were renamed or recoloured;
a project with articles keeps its own scheme and only gains what it lacks.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Callable

import resources
from storage import scheme as scheme_store
from storage import span_attributes
from storage.model import Attribute, EventType, Label, Role, Scheme, SchemeError, SpanAttribute
from storage.project import Project
from storage.scheme import free_colour

ATTRIBUTE_KINDS: tuple[str, ...] = ("choice", "date", "text", "integer", "mode")
_FREE_KEYS = "1234567890"  # keys a foreign label may get: digits tag, letters are the window's commands


def _lookups(scheme: Scheme) -> tuple[Callable[[], Any], ...]:
    """For each look-up ``SchemeGrowth`` keeps, a function making a fresh copy of it (C-level
    ``copy`` where nothing inside is changed in place: role labels and span attributes are)."""
    kinds = {label.name: label.kind for label in scheme.labels}
    role_labels = {role.name: frozenset(role.labels) for role in scheme.roles}
    role_max = {role.name: role.max_count for role in scheme.roles}
    types = {event_type.name for event_type in scheme.event_types}
    attributes = {attribute.name: attribute for attribute in scheme.attributes}
    modes = set(scheme.all_modes)
    span_attributes = {label.name: {a.name: a for a in label.attributes} for label in scheme.labels}
    colours = {label.colour.upper() for label in scheme.labels}
    keys = {label.key for label in scheme.labels if label.key}
    return (kinds.copy, lambda: {name: set(labels) for name, labels in role_labels.items()}, role_max.copy,
            types.copy, attributes.copy, modes.copy, lambda: {name: dict(of) for name, of in span_attributes.items()},
            colours.copy, keys.copy)


_LAST: list[Any] = [None, ()]  # the scheme read last (kept, so ``is`` cannot match another) and _lookups of it


class SchemeGrowth:
    """The project's scheme as one file's import sees it: set look-ups, and additions it needs.

    Any importer that meets a label, role, event type or attribute the project lacks adds it
    here, so the policy is the same for every format: new labels get the next palette colour and
    no key, a new role takes the labels of the spans that fill it, and every addition is reported.
    Made per file and used inside that file's transaction, so a failed file's additions roll back
    with it. Problems raise ``SchemeError``; the importer adds the file and line.
    """

    def __init__(self, project: Project, *, widen: bool = False) -> None:
        """``widen``: a role the project has may take a label the file needs, and a label the
        project has as an entity may anchor events, both reported (foreign corpora, imported one
        after another into one project, each bring their own). A native file's scheme is
        authoritative instead, so it refuses rather than redefine the project's."""
        self._project = project
        self._widen = widen
        self._read_scheme()
        # Inferred from use in this file, so later records may still widen them (what a file's
        # scheme record defines, by contrast, is authoritative and never widened).
        self._inferred_labels: set[str] = set()
        self._inferred_roles: set[str] = set()
        self._widened: dict[str, list[str]] = {}  # existing role -> labels this file let it take
        self._added: dict[str, str] = {}  # what was added -> how the report describes it, in order

    def _read_scheme(self) -> None:
        # The project's cached scheme: every scheme edit (ours below included) drops that cache,
        # and a transaction that starts after another process's edit does too, so it is the
        # file's scheme, without re-reading it for every file of a folder of ten thousand. Its
        # look-ups are made once per scheme (_LAST) and copied here, as this file may add to them.
        scheme = self._project.scheme
        if _LAST[0] is not scheme:
            _LAST[:] = [scheme, _lookups(scheme)]
        (self.kinds, self.role_labels, self.role_max, self.types, self.attributes, self.modes,
         self.span_attributes, self._colours, self._keys) = (copy() for copy in _LAST[1])

    @property
    def additions(self) -> list[str]:
        """What this import added, e.g. ["label ORG (entity)", "role place (takes CITY)"]."""
        return list(self._added.values())

    def add_label(self, name: Any, *, colour: str | None = None, key: str | None = None,
                  description: str = "", kind: str = "entity", inferred: bool = True) -> None:
        """Add a label the project lacks; a taken key is dropped, a missing colour is chosen."""
        if not isinstance(name, str):
            raise SchemeError(f"a label must be a string, not {name!r}")
        note = ""
        if key is not None and key in self._keys:
            note, key = f", key {key} is taken so it has none", None
        if colour is None:
            colour = free_colour(self._colours)
        if key is None and self._widen and inferred:  # a foreign label: the next free digit, if any
            key = next((k for k in _FREE_KEYS if k not in self._keys), None)
            note += f", key {key}" if key else ""
        try:
            label = Label(name=name, colour=colour, key=key, description=description, kind=kind)
        except (TypeError, ValueError) as exc:  # Label checks name, colour and key
            raise SchemeError(f"cannot add label {name!r}: {exc}") from None
        self._project.add_label(label)
        self.kinds[name] = kind
        self.span_attributes[name] = {}
        self._colours.add(label.colour.upper())
        if key:
            self._keys.add(key)
        if inferred:
            self._inferred_labels.add(name)
        self._added[f"label {name}"] = f"label {name} ({kind}{note})"

    def require_trigger(self, label: str) -> None:
        """Make sure ``label`` may anchor an event, upgrading a label this file inferred."""
        if self.kinds[label] == "trigger":
            return
        if label not in self._inferred_labels and not self._widen:
            raise SchemeError(f"its trigger is labelled {label}, which is not a trigger label")
        # No Project method changes a label's kind; the project's cached scheme is dropped below.
        self._project.db.execute("UPDATE labels SET kind = 'trigger' WHERE name = ?", [label])
        self._project._scheme = None
        self.kinds[label] = "trigger"
        self._added[f"label {label}"] = (f"label {label} (trigger)" if label in self._inferred_labels
                                         else f"label {label} (now a trigger label)")

    def require_role(self, role: Any, label: str) -> str:
        """Make sure ``role`` exists and takes ``label`` spans (adding or widening an inferred role).

        Returns the role's name, now known to be a string.
        """
        if not isinstance(role, str) or not role:
            raise SchemeError(f"an argument role must be a non-empty string, not {role!r}")
        if role not in self.role_labels:
            self.add_role(Role(name=role, labels=(label,)), inferred=True)
        elif label not in self.role_labels[role]:
            if role not in self._inferred_roles and not self._widen:
                raise SchemeError(f"role {role!r} does not take {label} spans "
                                  f"(it takes {', '.join(sorted(self.role_labels[role])) or 'none'})")
            self._project.allow_label_in_role(role, label)
            self.role_labels[role].add(label)
            if role in self._inferred_roles:
                self._added[f"role {role}"] = f"role {role} (takes {', '.join(sorted(self.role_labels[role]))})"
            else:
                self._widened.setdefault(role, []).append(label)
                self._added[f"role {role}"] = f"role {role} (now also takes {', '.join(self._widened[role])})"
        return role

    def add_role(self, role: Role, *, inferred: bool = False) -> None:
        unknown = [label for label in role.labels if label not in self.kinds]
        if unknown:
            raise SchemeError(f"role {role.name!r} takes label(s) {', '.join(unknown)} "
                              "that the scheme does not define")
        self._project.add_role(role)
        self.role_labels[role.name], self.role_max[role.name] = set(role.labels), role.max_count
        if inferred:
            self._inferred_roles.add(role.name)
        self._added[f"role {role.name}"] = f"role {role.name} (takes {', '.join(role.labels) or 'none'})"

    def add_event_type(self, name: Any, description: str = "") -> None:
        if not isinstance(name, str) or not name:
            raise SchemeError(f"an event type must be a non-empty string, not {name!r}")
        self._project.add_event_type(EventType(name, description))
        self.types.add(name)
        self._added[f"event type {name}"] = f"event type {name}"

    def add_attribute(self, attribute: Attribute) -> None:
        if not attribute.name or attribute.kind not in ATTRIBUTE_KINDS:
            raise SchemeError(f"cannot add attribute {attribute.name!r} of kind {attribute.kind!r}")
        self._project.add_attribute(attribute)
        self.attributes[attribute.name] = attribute
        self._added[f"attribute {attribute.name}"] = f"attribute {attribute.name} ({attribute.kind})"

    def check_attribute(self, name: str, value: Any) -> None:
        """Refuse a value the attribute does not allow; an unknown attribute is added as free text."""
        attribute = self.attributes.get(name)
        if attribute is None:
            self.add_attribute(Attribute(name=name, kind="text"))
            attribute = self.attributes[name]
        attribute.check(value, modes=self.modes)

    def declare_span_attribute(self, label: str, attribute: SpanAttribute) -> None:
        self._project.declare_span_attribute(label, attribute)
        self.span_attributes[label][attribute.name] = attribute
        self._added[f"span attribute {label}.{attribute.name}"] = (
            f"span attribute {label}.{attribute.name} ({attribute.kind}{', multi' if attribute.multi else ''})")

    def check_span_attribute(self, label: str, name: Any, value: Any) -> Any:
        """The value as stored; an attribute the label does not declare is added as free text."""
        if not isinstance(name, str) or not name:
            raise SchemeError(f"a span attribute name must be a non-empty string, not {name!r}")
        attribute = self.span_attributes[label].get(name)
        if attribute is None:
            self.declare_span_attribute(label, SpanAttribute(name=name, kind="text",
                                                             multi=isinstance(value, list)))
            attribute = self.span_attributes[label][name]
        return attribute.check(value)

    def add_from_record(self, scheme: Any) -> None:
        """Take in a scheme record (``resources/scheme.json``'s shape, a native file's first line).

        A new project (no articles, the default scheme untouched) adopts it whole: colours, keys,
        order and renamed labels come back exactly. Any other project keeps what it has (an
        import never recolours or redefines) and gains what it lacks, including labels a known
        role takes in the file, so the file's events still fit.
        """
        if not isinstance(scheme, dict):
            raise SchemeError('"scheme" must be an object')
        if scheme.get("labels") and self._is_new_project():
            self._adopt(scheme)
            return
        try:
            for item in scheme.get("labels", ()):
                if item["name"] not in self.kinds:
                    self.add_label(item["name"], colour=item.get("colour"), key=item.get("key"),
                                   description=item.get("description", ""),
                                   kind=item.get("kind", "entity"), inferred=False)
                for attribute in item.get("attributes", ()):
                    if attribute["name"] not in self.span_attributes[item["name"]]:
                        self.declare_span_attribute(item["name"], span_attributes.from_record(attribute))
            for item in scheme.get("event_types", ()):
                if item["name"] not in self.types:
                    event_type = scheme_store.event_type_from_record(item)
                    self._project.add_event_type(event_type)
                    self.types.add(item["name"])
                    self.modes.update(event_type.mode_names)
                    self._added[f"event type {item['name']}"] = f"event type {item['name']}"
            for item in scheme.get("roles", ()):
                if item["name"] not in self.role_labels:
                    self.add_role(Role(name=item["name"], labels=tuple(item.get("labels", ())),
                                       max_count=item.get("max_count"), min_count=item.get("min_count", 0),
                                       description=item.get("description", "")))
                else:
                    self._widen_role(item["name"], item.get("labels", ()))
            for item in scheme.get("attributes", ()):
                if item["name"] not in self.attributes:
                    self.add_attribute(scheme_store.attribute_from_record(item))
        except (KeyError, TypeError, AttributeError, ValueError, sqlite3.ProgrammingError) as exc:
            raise _malformed(exc) from None
        except sqlite3.IntegrityError as exc:  # e.g. a role's max_count of 0
            raise SchemeError(f"scheme record refused: {exc}") from None

    def _widen_role(self, role: str, labels: Any) -> None:
        """Let a role the project has take the labels the file's scheme gives it as well."""
        missing = [label for label in labels if label not in self.role_labels[role]]
        for label in missing:
            if label not in self.kinds:
                raise SchemeError(f"role {role!r} takes label {label} that the scheme does not define")
            self._project.allow_label_in_role(role, label)
            self.role_labels[role].add(label)
        if missing:
            self._added[f"role {role}"] = f"role {role} (now also takes {', '.join(missing)})"

    def _is_new_project(self) -> bool:
        db = self._project.db
        return (not db.execute("SELECT 1 FROM articles LIMIT 1").fetchone()
                and scheme_store.load(db) in [scheme_store.shipped(name) for name in resources.scheme_names()])

    def _adopt(self, record: dict[str, Any]) -> None:
        try:
            self._project.replace_scheme(record)
        except (KeyError, TypeError, AttributeError, ValueError, sqlite3.ProgrammingError) as exc:
            raise _malformed(exc) from None
        except sqlite3.IntegrityError as exc:
            raise SchemeError(f"scheme record refused: {exc}") from None
        self._read_scheme()
        if scheme_store.load(self._project.db) not in [scheme_store.shipped(n) for n in resources.scheme_names()]:
            self._added["scheme"] = (
                f"the file's whole scheme in place of the new project's default ({len(self.kinds)} labels, "
                f"{len(self.types)} event types, {len(self.role_labels)} roles, "
                f"{len(self.attributes)} attributes)")


def _malformed(exc: Exception) -> SchemeError:
    """A scheme record's structural fault in the user's words (no Python exception names)."""
    if isinstance(exc, KeyError):
        return SchemeError(f'malformed scheme record: an entry lacks "{exc.args[0]}"')
    return SchemeError("malformed scheme record: a value is of the wrong kind (e.g. a list or a number "
                       "where a name belongs)")
