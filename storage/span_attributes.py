"""Span attributes: what the scheme declares per label, and the values spans carry.

A label declares attributes (``label_attributes``): an ACTOR may carry a ``code`` chosen from a
list, ``sector`` codes (several at once) and an ``identifier_id`` matching a pattern. A span's
values live in ``span_attributes``, one row per (span, attribute), the value JSON: a string, or a
list of strings for a multi-valued attribute; an import's foreign ids may live in runs instead
(``storage.span_attribute_runs``), which the readers here add and the writers here turn into rows
first.

Functions take the project's ``sqlite_utils.Database`` and run inside the caller's transaction;
every check reads the declaration from the file inside that transaction, so a declaration changed
by another window between the check and the write cannot let a bad value in.
``storage.project.Project`` wraps each in one transaction.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping

from sqlite_utils import Database

from storage import span_attribute_runs as runs
from storage.model import SchemeError, SpanAttribute

_CHUNK = 500  # SQLite's default limit on bound parameters is far above this
# values_of reads at most this many spans' run entries one by one (json_extract, a parse of the
# run each); more, and each run of their articles is parsed once in Python.
_FEW = 4


class AttributeInUseError(SchemeError):
    """Removing a declaration would clear values spans hold; it needs an explicit cascade."""

    def __init__(self, label: str, names: list[str], count: int) -> None:
        self.label, self.names, self.count = label, names, count
        super().__init__(f"{count} value(s) of {', '.join(names)} on {label} spans would be cleared; "
                         "remove with cascade to clear them")


def from_record(item: Mapping[str, Any]) -> SpanAttribute:
    """A declaration from the scheme dictionary's shape (``resources/*.json``, native exports)."""
    choices = item.get("choices")
    return SpanAttribute(name=item["name"], kind=item.get("kind", "text"),
                         choices=tuple(choices) if choices else None, pattern=item.get("pattern"),
                         multi=bool(item.get("multi", False)),
                         description=item.get("description", ""))


def to_record(attribute: SpanAttribute) -> dict[str, Any]:
    """The declaration in the scheme dictionary's shape; what :func:`from_record` reads back."""
    record: dict[str, Any] = {"name": attribute.name, "kind": attribute.kind}
    if attribute.choices is not None:
        record["choices"] = list(attribute.choices)
    if attribute.pattern is not None:
        record["pattern"] = attribute.pattern
    record["multi"] = attribute.multi
    record["description"] = attribute.description
    return record


# -- declarations ------------------------------------------------------------------------------

def load_declarations(db: Database) -> dict[str, tuple[SpanAttribute, ...]]:
    """Every label's declared attributes, in their order."""
    result: dict[str, list[SpanAttribute]] = {}
    for label, name, kind, choices, pattern, multi, description in db.execute(
            "SELECT label, name, kind, choices, pattern, multi, description FROM label_attributes "
            "ORDER BY label, position, name"):
        result.setdefault(label, []).append(SpanAttribute(
            name=name, kind=kind, choices=tuple(json.loads(choices)) if choices else None,
            pattern=pattern, multi=bool(multi), description=description))
    return {label: tuple(attributes) for label, attributes in result.items()}


def declaration(db: Database, label: str, name: str) -> SpanAttribute | None:
    row = db.execute("SELECT name, kind, choices, pattern, multi, description FROM label_attributes "
                     "WHERE label = ? AND name = ?", [label, name]).fetchone()
    if row is None:
        return None
    return SpanAttribute(name=row[0], kind=row[1], choices=tuple(json.loads(row[2])) if row[2] else None,
                         pattern=row[3], multi=bool(row[4]), description=row[5])


def _require_label(db: Database, label: str) -> None:
    if not db.execute("SELECT 1 FROM labels WHERE name = ?", [label]).fetchone():
        raise SchemeError(f"unknown label {label!r}")


def declare(db: Database, label: str, attribute: SpanAttribute) -> None:
    """Let spans of ``label`` carry ``attribute``."""
    _require_label(db, label)
    if declaration(db, label, attribute.name) is not None:
        raise SchemeError(f"label {label} already has an attribute {attribute.name!r}")
    position = db.execute("SELECT coalesce(max(position), -1) + 1 FROM label_attributes WHERE label = ?",
                          [label]).fetchone()[0]
    db.execute(
        "INSERT INTO label_attributes (label, name, kind, choices, pattern, multi, description, position) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [label, attribute.name, attribute.kind,
         json.dumps(list(attribute.choices)) if attribute.choices is not None else None,
         attribute.pattern, int(attribute.multi), attribute.description, position])


def redeclare(db: Database, label: str, name: str, attribute: SpanAttribute) -> None:
    """Replace the declaration ``name`` of ``label`` (renaming it if ``attribute.name`` differs).

    Refused while a stored value would not fit the new declaration: the values are checked here,
    inside the caller's transaction, and a rename carries them along.
    """
    if declaration(db, label, name) is None:
        raise SchemeError(f"label {label} has no attribute {name!r}")
    if attribute.name != name and declaration(db, label, attribute.name) is not None:
        raise SchemeError(f"label {label} already has an attribute {attribute.name!r}")
    runs.explode_name(db, name)  # the checks and updates below work on the rows
    misfits = 0
    example = ""
    for (value,) in db.execute(
            "SELECT value FROM span_attributes JOIN spans ON spans.id = span_id "
            "WHERE spans.label = ? AND name = ?", [label, name]):
        try:
            attribute.check(json.loads(value))
        except SchemeError as exc:
            misfits += 1
            example = example or str(exc)
    if misfits:
        raise SchemeError(f"{misfits} {label} span(s) hold a {name} the new declaration refuses "
                          f"(e.g. {example}); change or clear them first")
    db.execute(
        "UPDATE label_attributes SET name = ?, kind = ?, choices = ?, pattern = ?, multi = ?, "
        "description = ? WHERE label = ? AND name = ?",
        [attribute.name, attribute.kind,
         json.dumps(list(attribute.choices)) if attribute.choices is not None else None,
         attribute.pattern, int(attribute.multi), attribute.description, label, name])
    if attribute.name != name:
        db.execute("UPDATE span_attributes SET name = ? WHERE name = ? AND span_id IN "
                   "(SELECT id FROM spans WHERE label = ?)", [attribute.name, name, label])
    if attribute.multi:  # a single value becomes a one-item list
        db.execute("UPDATE span_attributes SET value = json_array(json_extract(value, '$')) "
                   "WHERE name = ? AND json_type(value) = 'text' AND span_id IN "
                   "(SELECT id FROM spans WHERE label = ?)", [attribute.name, label])


def undeclare(db: Database, label: str, name: str, *, cascade: bool = False) -> int:
    """Remove a declaration; spans holding a value need ``cascade``. Returns values removed."""
    if declaration(db, label, name) is None:
        raise SchemeError(f"label {label} has no attribute {name!r}")
    runs.explode_name(db, name)
    count = _values_held(db, label, name)
    if count and not cascade:
        raise AttributeInUseError(label, [name], count)
    db.execute("DELETE FROM span_attributes WHERE name = ? AND span_id IN "
               "(SELECT id FROM spans WHERE label = ?)", [name, label])
    db.execute("DELETE FROM label_attributes WHERE label = ? AND name = ?", [label, name])
    return count


def _values_held(db: Database, label: str, name: str) -> int:
    runs.explode_name(db, name)
    return db.execute("SELECT count(*) FROM span_attributes JOIN spans ON spans.id = span_id "
                      "WHERE spans.label = ? AND name = ?", [label, name]).fetchone()[0]


def replace_declarations(db: Database, label: str, attributes: list[SpanAttribute], *,
                         cascade: bool = False) -> int:
    """Make ``attributes`` (in this order) the label's declarations: what the Labels dialog edits.

    Kept names are redeclared (their values checked), new ones declared, missing ones removed
    (refused with ``AttributeInUseError`` while spans hold values, unless ``cascade``).
    Returns how many values were cleared.
    """
    _require_label(db, label)
    names = [attribute.name for attribute in attributes]
    if len(set(names)) != len(names):
        raise SchemeError(f"an attribute name is given twice: {', '.join(names)}")
    current = {a.name: a for a in load_declarations(db).get(label, ())}
    gone = [name for name in current if name not in names]
    held = sum(_values_held(db, label, name) for name in gone)
    if held and not cascade:
        raise AttributeInUseError(label, gone, held)
    for name in gone:
        undeclare(db, label, name, cascade=True)
    for position, attribute in enumerate(attributes):
        if attribute.name not in current:
            declare(db, label, attribute)
        elif current[attribute.name] != attribute:
            redeclare(db, label, attribute.name, attribute)
        db.execute("UPDATE label_attributes SET position = ? WHERE label = ? AND name = ?",
                   [position, label, attribute.name])
    return held


# -- the one-line-per-attribute text the Labels dialog edits ------------------------------------

_LINE = re.compile(r"\s*(?P<name>[^:]+?)\s*:\s*(?P<kind>choice|text|pattern)(?P<multi>\+?)"
                   r"(?:\s+(?P<spec>.*?))?\s*(?:\s#\s*(?P<description>.*))?$")


def format_declarations(attributes: Iterable[SpanAttribute]) -> str:
    """``name: kind[+] values-or-pattern  # description``, one attribute a line (+: several values)."""
    lines = []
    for attribute in attributes:
        line = f"{attribute.name}: {attribute.kind}{'+' if attribute.multi else ''}"
        if attribute.kind == "choice":
            line += " " + " ".join(attribute.choices or ())
        elif attribute.kind == "pattern":
            line += f" {attribute.pattern}"
        if attribute.description:
            line += f"  # {attribute.description}"
        lines.append(line)
    return "\n".join(lines)


def parse_declarations(text: str) -> list[SpanAttribute]:
    """Read :func:`format_declarations`' text back; SchemeError names the line that is wrong."""
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise SchemeError(f"line {number}: write name: choice|text|pattern[+] …, not {line.strip()!r}")
        spec = (match["spec"] or "").strip()
        kind = match["kind"]
        try:
            result.append(SpanAttribute(
                name=match["name"], kind=kind, multi=bool(match["multi"]),
                choices=tuple(v for v in re.split(r"[\s|,]+", spec) if v) if kind == "choice" else None,
                pattern=spec if kind == "pattern" else None,
                description=(match["description"] or "").strip()))
        except SchemeError as exc:
            raise SchemeError(f"line {number}: {exc}") from None
        if kind == "text" and spec:
            raise SchemeError(f"line {number}: a text attribute takes no values ({spec!r}); "
                              "put a description after #")
    return result


# -- values ------------------------------------------------------------------------------------

def set_value(db: Database, span_id: int, name: str, value: Any) -> None:
    """Set one attribute of one span (None or [] clears it), checked against its label's declaration.

    A value whose declaration is gone (the span was relabelled) can still be cleared, never set.
    """
    row = db.execute("SELECT label, article_id FROM spans WHERE id = ?", [span_id]).fetchone()
    if row is None:
        raise KeyError(f"no span {span_id}")
    runs.explode_articles(db, [row[1]])  # the span's values as rows, the one form edits touch
    attribute = declaration(db, row[0], name)
    if attribute is None:
        if value is None or value == []:
            db.execute("DELETE FROM span_attributes WHERE span_id = ? AND name = ?", [span_id, name])
            return
        raise SchemeError(f"label {row[0]} has no attribute {name!r}")
    checked = attribute.check(value)
    if checked is None:
        db.execute("DELETE FROM span_attributes WHERE span_id = ? AND name = ?", [span_id, name])
    else:
        db.execute("INSERT OR REPLACE INTO span_attributes (span_id, name, value) VALUES (?, ?, ?)",
                   [span_id, name, json.dumps(checked, ensure_ascii=False)])


def set_values(db: Database, span_id: int, values: Mapping[str, Any]) -> None:
    """Set several attributes at once (a new or restored span); each is checked like :func:`set_value`."""
    for name, value in values.items():
        set_value(db, span_id, name, value)


def values_of(db: Database, span_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """span id -> {name: value} for the spans that have any attribute.

    Rows and runs are read in one read transaction: another connection may turn runs into rows
    (an edit) between two statements, and read apart neither would show those values.
    """
    ids = list(span_ids)
    result: dict[int, dict[str, Any]] = {}
    articles: set[int] = set()
    with runs.read_snapshot(db.conn):
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for span_id, name, value in db.execute(
                    f"SELECT span_id, name, value FROM span_attributes WHERE span_id IN ({marks}) "
                    "ORDER BY span_id, name", chunk):
                result.setdefault(span_id, {})[name] = json.loads(value)
            if len(ids) <= _FEW:  # a span or two (project.span): their entries only, not whole runs
                for span_id, name, value in runs.values_at(db, chunk):
                    values = result.setdefault(span_id, {})
                    values[name] = value
                    if len(values) > 1:
                        result[span_id] = dict(sorted(values.items()))
                continue
            articles.update(row[0] for row in db.execute(
                f"SELECT DISTINCT article_id FROM spans WHERE id IN ({marks})", chunk))
        if articles:  # the runs are found by their article
            runs.add_values(result, (run[1:] for run in runs.runs_in_articles(db, sorted(articles))),
                            only=set(ids))
    return result


def values_in_articles(conn: Any, article_ids: list[int]) -> dict[int, dict[str, Any]]:
    """span id -> {name: value} for every span of these articles that has an attribute.

    Takes a plain ``sqlite3`` connection or a ``Database``: exports read through the connection.
    Rows and runs in one read transaction (see :func:`values_of`).
    """
    result: dict[int, dict[str, Any]] = {}
    with runs.read_snapshot(getattr(conn, "conn", conn)):
        for start in range(0, len(article_ids), _CHUNK):
            chunk = article_ids[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for span_id, name, value in conn.execute(
                    "SELECT span_id, name, value FROM span_attributes JOIN spans ON spans.id = span_id "
                    f"WHERE spans.article_id IN ({marks}) ORDER BY span_id, name", chunk):
                result.setdefault(span_id, {})[name] = json.loads(value)
        runs.add_values(result, (run[1:] for run in runs.runs_in_articles(conn, article_ids)))
    return result
