"""Domain objects: small frozen dataclasses that check their own invariants.

Offsets are Unicode code points, 0-based, end-exclusive, over the stored (normalised)
article text, so ``article.text[span.start:span.end]`` is the span's text. The same
invariants are SQL CHECKs and triggers in ``storage.schema``.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

def is_iso_date(value: object) -> bool:
    """True for a real date written YYYY-MM-DD (``fromisoformat`` alone also takes 20241208)."""
    if not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# "curated": a curator adjudicated the annotators' layers into gold (storage/team).
MAX_COUNT = 1_000_000  # the most spans a role may be declared to take (SQLite stores up to 2**63 - 1)

STATUSES: tuple[str, ...] = ("new", "in_progress", "done", "skipped", "curated")

# Label kinds: an "entity" label tags things that fill roles (ACTOR, LOCATION);
# a "trigger" label (EVENT) tags the word that anchors an event frame.
LABEL_KINDS: tuple[str, ...] = ("entity", "trigger")


class AnnotatorError(Exception):
    """Base class for errors a user can cause; the message is meant for them."""


class InputError(AnnotatorError):
    """Bad input in a file: the message names the file and, where known, the line."""

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class SchemeError(AnnotatorError):
    """An edit that the label scheme does not allow (wrong label for a role, unknown label…)."""


class DuplicateSpanError(SchemeError):
    """A span with the same start, end and label already exists in the article."""


class LabelInUseError(SchemeError):
    """A label still has spans; deleting it needs an explicit cascade."""

    def __init__(self, label: str, span_count: int) -> None:
        self.label = label
        self.span_count = span_count
        super().__init__(
            f"label {label!r} still has {span_count} span(s); delete with cascade to remove them"
        )


class DuplicateArticleError(AnnotatorError):
    """An article with the same text is already in the project."""

    def __init__(self, existing_id: int) -> None:
        self.existing_id = existing_id
        super().__init__(f"the same text is already in the project as article {existing_id}")


class ProjectInUseError(AnnotatorError):
    """Another process holds the write lock on the project longer than we are willing to wait."""


class ProjectFileError(AnnotatorError):
    """The project file cannot be opened: a folder, not SQLite, another program's database, or newer."""


SPAN_ATTRIBUTE_KINDS: tuple[str, ...] = ("choice", "text", "pattern")


@dataclass(frozen=True)
class SpanAttribute:
    """An attribute that spans of one label carry, e.g. an ACTOR's ``code`` or ``sector``.

    ``kind`` "choice" takes one of ``choices``; "text" any non-empty text; "pattern" text that
    ``pattern`` matches whole. ``multi`` makes the value a list of such values (PLOVER sector codes
    combine: ``["GOV", "MIL"]``); a single-valued attribute holds one string.
    """

    name: str
    kind: str = "text"
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    multi: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name or self.name != self.name.strip():
            raise SchemeError(f"attribute name {self.name!r} must be non-empty without surrounding spaces")
        if self.kind not in SPAN_ATTRIBUTE_KINDS:
            raise SchemeError(f"attribute kind {self.kind!r} must be one of {', '.join(SPAN_ATTRIBUTE_KINDS)}")
        if self.kind == "choice" and not self.choices:
            raise SchemeError(f"attribute {self.name!r} lists no values to choose from")
        if self.kind == "pattern":
            try:
                re.compile(self.pattern or "")
            except re.error as exc:
                raise SchemeError(f"attribute {self.name!r}: pattern {self.pattern!r} is not valid: {exc}") from exc
            if not self.pattern:
                raise SchemeError(f"attribute {self.name!r} needs a pattern")

    def check(self, value: Any) -> Any:
        """The value as stored (a string, or a list for ``multi``); None or [] means unset.

        Raises SchemeError for a value the declaration does not allow.
        """
        if value is None or value == [] or value == ():
            return None
        if self.multi:
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, (list, tuple)):
                raise SchemeError(f"{self.name} takes a list of values, not {value!r}")
            checked = [self._check_one(v) for v in values]
            if len(set(checked)) != len(checked):
                raise SchemeError(f"{self.name} lists a value twice: {checked!r}")
            return checked
        return self._check_one(value)

    def _check_one(self, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise SchemeError(f"{self.name} must be non-empty text, not {value!r}")
        if self.kind == "choice" and value not in (self.choices or ()):
            shown = ", ".join((self.choices or ())[:12]) + (", …" if len(self.choices or ()) > 12 else "")
            raise SchemeError(f"{self.name} must be one of {shown}, not {value!r}")
        if self.kind == "pattern" and not re.fullmatch(self.pattern or "", value):
            raise SchemeError(f"{self.name} must match {self.pattern}, not {value!r}")
        return value


class DamagedProjectError(ProjectFileError):
    """SQLite found the project file damaged (flipped bytes, a truncated copy)."""


class StorageError(AnnotatorError):
    """The disk refused a read or write of the project (full, read-only, I/O error)."""


class MissingError(AnnotatorError, KeyError):
    """What an edit refers to is gone: deleted since, perhaps by another window or process.

    A ``KeyError`` too, so callers that looked rows up by id keep working; ``str()`` gives the
    plain message (``KeyError`` alone would wrap it in quotes).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Label:
    name: str
    colour: str  # "#rrggbb"
    key: str | None = None  # one-key shortcut, e.g. "1"
    description: str = ""
    kind: str = "entity"
    attributes: tuple[SpanAttribute, ...] = ()  # what spans of this label carry

    def attribute(self, name: str) -> SpanAttribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    def __post_init__(self) -> None:
        if not self.name or self.name != self.name.strip():
            raise SchemeError(f"label name {self.name!r} must be non-empty without surrounding spaces")
        if not (len(self.colour) == 7 and self.colour.startswith("#")):
            raise SchemeError(f"label colour {self.colour!r} must look like #rrggbb")
        int(self.colour[1:], 16)
        if self.key is not None and len(self.key) != 1:
            raise SchemeError(f"label key {self.key!r} must be a single character")
        if self.kind not in LABEL_KINDS:
            raise SchemeError(f"label kind {self.kind!r} must be one of {LABEL_KINDS}")


@dataclass(frozen=True)
class EventMode:
    """A PLOVER mode: how an event of one type happened (ASSAULT: firearms, aerial…)."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class EventType:
    """An event type; ``modes`` are the ones its events may take, ``required_roles`` roles this
    type needs filled even where the role itself is optional (PLOVER: AID needs a recipient)."""

    name: str
    description: str = ""
    modes: tuple[EventMode, ...] = ()
    required_roles: tuple[str, ...] = ()

    @property
    def mode_names(self) -> tuple[str, ...]:
        return tuple(mode.name for mode in self.modes)


@dataclass(frozen=True)
class Role:
    """An event role: which labels may fill it and how many spans it takes.

    ``max_count`` None means any number; ``min_count`` 1 makes the role required
    (a frame without it is flagged as incomplete, never refused).
    """

    name: str
    labels: tuple[str, ...]
    max_count: int | None = None
    min_count: int = 0
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise SchemeError(f"a role needs a name, not {self.name!r}")
        for field_name, value, low in (("max_count", self.max_count, 1), ("min_count", self.min_count, 0)):
            if value is None and field_name == "max_count":
                continue
            if type(value) is not int or not low <= value <= MAX_COUNT:
                raise SchemeError(f"role {self.name!r}: {field_name} must be a whole number from {low} to "
                                  f"{MAX_COUNT}{' or empty (any number)' if low else ''}, not {value!r}")

    def accepts(self, label: str) -> bool:
        return label in self.labels


@dataclass(frozen=True)
class Attribute:
    """An event attribute. ``choices`` None means free text checked by ``kind`` (e.g. "date").

    ``kind`` "integer" takes a non-negative whole number (PLOVER's dead, injured, arrested);
    "mode" takes the modes of the event's type (their check against the type is a frame problem,
    ``storage.frames``, since changing the type must not be refused). ``multi`` makes the value a
    list (PLOVER contexts); ``on_article`` lets the article carry it too (a document's contexts).
    """

    name: str
    kind: str = "choice"  # "choice" | "date" | "text" | "integer" | "mode"
    choices: tuple[str, ...] | None = None
    default: str | None = None
    description: str = ""
    multi: bool = False
    on_article: bool = False

    def check(self, value: Any, *, modes: Any = None) -> None:
        """Refuse a value this attribute does not allow (None, meaning unset, is always allowed).

        ``modes``: for a "mode" attribute, every mode of the scheme (of any type).
        """
        if value is None:
            return
        if self.multi or self.kind == "mode":
            if not isinstance(value, list) or not value:
                raise SchemeError(f"{self.name} takes a non-empty list of values, not {value!r}")
            if len(set(map(str, value))) != len(value):
                raise SchemeError(f"{self.name} lists a value twice: {value!r}")
            for one in value:
                self._check_one(one, modes)
            return
        self._check_one(value, modes)

    def _check_one(self, value: Any, modes: Any) -> None:
        if self.kind == "integer":
            if type(value) is not int or value < 0:
                raise SchemeError(f"{self.name} must be a whole number 0 or more, not {value!r}")
            return
        if self.kind == "mode":
            if not isinstance(value, str) or (modes is not None and value not in modes):
                raise SchemeError(f"{self.name}: {value!r} is not a mode of any event type")
            return
        if self.choices is not None and value not in self.choices:
            raise SchemeError(f"{self.name} must be one of {', '.join(self.choices)}, not {value!r}")
        if self.kind == "date":
            if not is_iso_date(value):
                raise SchemeError(f"{self.name} must be a real ISO date (YYYY-MM-DD), not {value!r}")
        elif self.choices is None and not isinstance(value, str):
            raise SchemeError(f"{self.name} must be a string, not {value!r}")


@dataclass(frozen=True)
class Scheme:
    labels: tuple[Label, ...]
    event_types: tuple[EventType, ...]
    roles: tuple[Role, ...]
    attributes: tuple[Attribute, ...]
    name: str | None = None  # e.g. "PLOVER"; None for a project made before schemes had names
    version: str | None = None  # e.g. "2.0"

    def label(self, name: str) -> Label:
        for label in self.labels:
            if label.name == name:
                return label
        raise SchemeError(f"unknown label {name!r}")

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise SchemeError(f"unknown role {name!r}")

    @property
    def trigger_labels(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels if label.kind == "trigger")

    def event_type(self, name: str | None) -> EventType | None:
        return next((t for t in self.event_types if t.name == name), None)

    @cached_property  # a scheme never changes (frozen); an import asks once per file
    def all_modes(self) -> frozenset[str]:
        """Every mode of every type: what a "mode" attribute may hold at all."""
        return frozenset(mode.name for kind in self.event_types for mode in kind.modes)


@dataclass(frozen=True)
class Article:
    id: int
    text: str
    title: str
    date: str | None
    source: str | None
    status: str
    content_hash: str
    created: str
    updated: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} must be one of {STATUSES}")


@dataclass(frozen=True)
class ArticleSummary:
    """What the article list shows, without loading the text."""

    id: int
    title: str
    date: str | None
    status: str
    span_count: int
    length: int


@dataclass(frozen=True)
class Span:
    id: int
    article_id: int
    start: int
    end: int
    label: str
    annotator: str | None = None
    created: str | None = None
    origin: str = "manual"  # manual, suggestion:<recommender>, import:<format>, merge:<annotator>
    attributes: Mapping[str, Any] = field(default_factory=dict, hash=False)  # name -> str | list

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise ValueError(f"span offsets must satisfy 0 <= start < end, got {self.start}..{self.end}")


@dataclass(frozen=True)
class Argument:
    role: str
    span_id: int


@dataclass(frozen=True)
class Event:
    id: int
    article_id: int
    trigger_id: int
    type: str | None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    arguments: tuple[Argument, ...] = ()
    annotator: str | None = None
    created: str | None = None
    # (uid, taken_from) as the file had them, set by Project.remove_event so a restore keeps
    # an annotation's team identity and provenance (storage/team); not part of equality.
    provenance: tuple[str | None, str | None] | None = field(default=None, compare=False)

    def fillers(self, role: str) -> tuple[int, ...]:
        return tuple(a.span_id for a in self.arguments if a.role == role)


@dataclass(frozen=True)
class RemovedSpan:
    """Everything that removing a span took with it, so undo can put it all back with the same ids."""

    span: Span
    triggered_events: tuple[Event, ...]  # events whose trigger this span was
    filled: tuple[tuple[int, Argument], ...]  # (event id, argument) the span filled in other events
    provenance: tuple[str | None, str | None] | None = None  # the span's (uid, taken_from), for restore
