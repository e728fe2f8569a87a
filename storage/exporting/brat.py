"""brat standoff, the reference event format: a folder, not a file.

    <folder>/annotation.conf     the project's scheme as brat's entity, event and attribute types
    <folder>/<article id>.txt    the stored article text, exactly (UTF-8, no newline added)
    <folder>/<article id>.ann    one annotation per line, fields separated by tabs:

    T1	ACTOR 0 10	Insurgents                  a span: type, offsets, its text
    T2	FIGHT 11 18	entered                     an event trigger carries the event's type
    T3	LOCATION 19 27;28 35	Damascus Airport    a span across a line break, in fragments
    E1	FIGHT:T2 source:T1 location:T3          an event frame: type:trigger role:filler…
    A1	polarity E1 negative                    an attribute that differs from its default
    #1	AnnotatorNotes E1	date=2024-12-08     free-text attributes (the event date); "modality=": none
    A2	code T1 SYR                             a span attribute with a list of values
    N1	Reference T1 Wikidata:Q1234	Insurgents  a span's Wikidata id (a pattern attribute Q…)
    #2	AnnotatorNotes T1	alias=the rebels    a span's free-text attributes

Offsets are code points of the ``.txt``, so ``txt[start:end]`` is every fragment's text, as in the
rest of our exports and in brat itself. Decisions, each forced by a rule of brat's:

- **Triggers take the event type.** brat refuses an event whose trigger has another type, so a
  trigger span gets one ``T`` line per distinct type among its events (an untyped event keeps the
  span's label, EVENT); events of the same type share it. A trigger span without events is written
  with its label. Arguments point at a span's first ``T`` line.
- **No line breaks inside a span.** brat reads ``.ann`` files line by line (Python's
  ``splitlines``, so U+0085, U+2028… count too); a span crossing one is written as brat writes a
  discontinuous span: the fragments between the breaks, ``start end;start end``, their texts
  joined by one space. A span of nothing but line breaks cannot be written: it is dropped and
  counted, with any event it triggers and any argument it fills.
- **Repeated roles are numbered** the brat way: ``source:T1 source2:T4 source3:T6``.
- **Attributes**: an attribute with choices (polarity, modality) is an ``A`` line when the value
  differs from the scheme's default, which ``annotation.conf`` records; free-text attributes (the
  event date) go to one ``AnnotatorNotes`` line per event as ``name=value; name=value``. An event
  holding no value of an attribute that has a default (one imported from another tool) gets
  ``name=`` among its notes: our import fills in the defaults left out, and must not there.
- **Span attributes** (declared per label): a choice is an ``A`` line on the span's first ``T``
  (a multi-valued one, one ``A`` line per value; brat's configuration cannot say "several", so
  ``annotation.conf`` notes it); a pattern attribute whose pattern is a Wikidata id (``Q[1-9][0-9]*``)
  is a normalisation ``N … Wikidata:Q…``; other text goes to one ``AnnotatorNotes`` line per span.
- **Names** become brat's storage form (``[A-Za-z0-9_-]``, other characters ``_``), as brat itself
  does; ``annotation.conf`` says which name was changed, and two names that would become the same
  stop the export.
- **Role cardinality** comes from the scheme: ``?`` at most one, ``*`` any, ``+`` at least one,
  ``{min-max}`` otherwise. Spans may overlap and nest, so ``annotation.conf`` lifts brat's overlap
  check with ``<OVERLAP>``.

The folder is built beside the destination and renamed into place only when complete
(``storage.exporting.atomic.AtomicFolder``, which a crash at any step leaves repairable). An
existing destination is replaced only when it is empty or holds nothing but files a brat export
writes (``<digits>.txt``, ``<digits>.ann``, ``annotation.conf``), so a re-export replaces the previous one (articles no longer exported disappear with it) while a folder
holding anything else is refused rather than deleted.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from storage.exporting.batches import ArticleData, ExportContext, ExportError, ExportReport
from storage.model import Attribute, Role, Scheme, SpanAttribute

CONF_NAME = "annotation.conf"
# What a brat export writes, and so what a re-export may replace.
OUR_FILES = re.compile(r"[0-9]+\.(?:txt|ann)|annotation\.conf")
# Every character str.splitlines() breaks at: brat reads .ann files with it.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_NOT_STORAGE = re.compile(r"[^A-Za-z0-9_-]")
WIKIDATA_PATTERN = "Q[1-9][0-9]*"  # a pattern span attribute like this is written as brat's N Wikidata


def storage_form(name: str) -> str:
    """A name as brat stores types, roles and attribute values: [A-Za-z0-9_-], others become "_"."""
    return _NOT_STORAGE.sub("_", name)


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``start..end`` cut at line breaks into the non-empty runs between them."""
    pieces = []
    at = start
    for match in _LINE_BREAKS.finditer(text, start, end):
        if match.start() > at:
            pieces.append((at, match.start()))
        at = match.end()
    if end > at:
        pieces.append((at, end))
    return pieces


def _one_line(value: str) -> str:
    """A free-text value fit for the end of an .ann line: line breaks and tabs become spaces."""
    return re.sub("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", " ", value)


@dataclass(frozen=True)
class Names:
    """The project's names in brat's storage form, checked for clashes once per export."""

    types: dict[str, str]  # label or event type -> brat type
    roles: dict[str, str]
    attributes: dict[str, str]
    values: dict[tuple[str, str], str]  # (attribute, choice) -> brat value

    @classmethod
    def of(cls, scheme: Scheme) -> "Names":
        entity = [label.name for label in scheme.labels if label.kind != "trigger"]
        # A trigger label and an event type of the same name are the same brat event type.
        event = list(dict.fromkeys([label.name for label in scheme.labels if label.kind == "trigger"]
                                   + [kind.name for kind in scheme.event_types]))
        types = _unique("label or event type", entity + event)
        roles = _unique("role", [role.name for role in scheme.roles])
        attributes = _unique("attribute", [a.name for a in scheme.attributes])
        values: dict[tuple[str, str], str] = {}
        for attribute in scheme.attributes:
            choices = _unique(f"value of {attribute.name}", list(attribute.choices or ()))
            for choice, stored in choices.items():
                values[(attribute.name, choice)] = stored
        return cls(types, roles, attributes, values)

    def type(self, name: str) -> str:
        return self.types.get(name) or storage_form(name)

    def value(self, attribute: str, value: Any) -> str:
        return self.values.get((attribute, str(value))) or storage_form(str(value))


def _unique(what: str, names: list[str]) -> dict[str, str]:
    stored: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name in names:
        form = storage_form(name)
        if form in seen and seen[form] != name:
            raise ExportError(f"the brat format cannot be written: the {what} names {seen[form]!r} and "
                              f"{name!r} both become {form!r} in brat (letters, digits, _ and - only); "
                              "rename one of them")
        if form in seen:
            raise ExportError(f"the brat format cannot be written: the {what} name {name!r} is used "
                              "twice (a label and an event type?); rename one of them")
        seen[form] = name
        stored[name] = form
    return stored


def _cardinality(role: Role) -> str:
    low, high = role.min_count, role.max_count
    if high is None:
        return "+" if low >= 1 else "*"
    if (low, high) == (0, 1):
        return "?"
    if (low, high) == (1, 1):
        return ""
    return f"{{{low}-{high}}}" if low != high else f"{{{low}}}"


def annotation_conf(scheme: Scheme, names: Names) -> str:
    """``annotation.conf`` for the scheme: brat validates and offers types with it."""
    lines = ["# brat configuration written by Event Annotator from the project's label scheme.",
             ""]
    renamed = [f"# {form} is the project's {name!r}"
               for mapping in (names.types, names.roles, names.attributes)
               for name, form in mapping.items() if form != name]
    lines += renamed + ([""] if renamed else [])
    lines.append("[entities]")
    lines += [names.type(label.name) for label in scheme.labels if label.kind != "trigger"]
    lines += ["", "[relations]",
              "# No relations: event arguments are the E lines. Spans may overlap and nest.",
              "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
              "", "[events]",
              "# The trigger label is the type of events without one."]
    arguments = ", ".join(
        f"{names.roles[role.name]}{_cardinality(role)}:{'|'.join(names.type(l) for l in role.labels)}"
        for role in scheme.roles if role.labels)
    event_types = dict.fromkeys([names.type(label.name) for label in scheme.labels if label.kind == "trigger"]
                                + [names.type(kind.name) for kind in scheme.event_types])
    lines += [f"{kind}\t{arguments}" if arguments else kind for kind in event_types]
    lines += ["", "[attributes]"]
    for attribute in scheme.attributes:
        lines.append(_attribute_conf(attribute, names))
    lines += _span_attribute_conf(scheme)
    return "\n".join(lines) + "\n"


def _span_attribute_conf(scheme: Scheme) -> list[str]:
    """brat attribute types for span attributes with choices: one per name, over every label using it."""
    by_name: dict[str, tuple[list[str], dict[str, None], bool]] = {}
    for label in scheme.labels:
        for attribute in label.attributes:
            if attribute.kind == "choice":
                labels, values, multi = by_name.setdefault(attribute.name, ([], {}, False))
                labels.append(storage_form(label.name))
                values.update(dict.fromkeys(storage_form(v) for v in attribute.choices or ()))
                by_name[attribute.name] = (labels, values, multi or attribute.multi)
    lines = []
    for name, (labels, values, multi) in by_name.items():
        if multi:
            lines.append(f"# {storage_form(name)} may hold several values: one A line per value")
        lines.append(f"{storage_form(name)}\tArg:{'|'.join(labels)}, Value:{'|'.join(values)}")
    return lines


def span_attribute_lines(t_id: str, span_text: str, declared: tuple[SpanAttribute, ...],
                         values: dict[str, Any], counters: dict[str, int]) -> list[str]:
    """The A, N and AnnotatorNotes lines of one span's attributes; ``counters`` numbers them."""
    lines, notes = [], []
    kinds = {attribute.name: attribute for attribute in declared}
    for name, value in values.items():
        attribute = kinds.get(name)
        for one in value if isinstance(value, list) else [value]:
            if attribute is not None and attribute.kind == "choice":
                counters["A"] += 1
                lines.append(f"A{counters['A']}\t{storage_form(name)} {t_id} {storage_form(one)}\n")
            elif attribute is not None and attribute.pattern == WIKIDATA_PATTERN:
                counters["N"] += 1
                lines.append(f"N{counters['N']}\tReference {t_id} Wikidata:{one}\t{_one_line(span_text)}\n")
            else:
                notes.append(f"{storage_form(name)}={_one_line(str(one))}")
    if notes:
        counters["#"] += 1
        lines.append(f"#{counters['#']}\tAnnotatorNotes {t_id}\t{'; '.join(notes)}\n")
    return lines


def _attribute_conf(attribute: Attribute, names: Names) -> str:
    name = names.attributes[attribute.name]
    if attribute.choices is None:
        return f"# {name}: free text, written as an AnnotatorNotes line \"{name}=value\" on the event"
    values = "|".join(names.value(attribute.name, choice) for choice in attribute.choices)
    line = f"{name}\tArg:<EVENT>, Value:{values}"
    if attribute.multi:
        line = f"# {name} may hold several values: one A line per value\n{line}"
    if attribute.default is not None:
        line = (f"# {name} is written only when it is not {names.value(attribute.name, attribute.default)};"
                f" an event without it has \"{name}=\" in its AnnotatorNotes\n{line}")
    return line


def article_ann(article: ArticleData, scheme: Scheme, names: Names, report: ExportReport) -> str:
    """The ``.ann`` text of one article (see the module docstring); counts into ``report``."""
    text = article.text
    spans = {span.id: span for span in article.spans}
    event_type: dict[int, str] = {}  # event id -> brat type
    trigger_types: dict[int, list[str]] = {}  # span id -> brat types of its events, first seen first
    for event in article.events:
        kind = names.type(event.type if event.type is not None else spans[event.trigger_id].label)
        event_type[event.id] = kind
        types = trigger_types.setdefault(event.trigger_id, [])
        if kind not in types:
            types.append(kind)

    lines: list[str] = []
    counters = {"A": 0, "N": 0, "#": 0}
    declared = {label.name: label.attributes for label in scheme.labels}
    t_of: dict[tuple[int, str], str] = {}  # (span id, brat type) -> T id
    first_t: dict[int, str] = {}  # span id -> its first T id, what arguments point at
    for span in article.spans:
        pieces = fragments(text, span.start, span.end)
        if not pieces:
            report.drop("line-break-only")
            continue
        offsets = ";".join(f"{start} {end}" for start, end in pieces)
        words = " ".join(text[start:end] for start, end in pieces)
        for kind in trigger_types.get(span.id) or [names.type(span.label)]:
            t_id = f"T{len(t_of) + 1}"
            t_of[(span.id, kind)] = t_id
            first_t.setdefault(span.id, t_id)
            lines.append(f"{t_id}\t{kind} {offsets}\t{words}\n")
        report.spans += 1
        if span.id in article.span_attributes:
            lines += span_attribute_lines(first_t[span.id], words, declared.get(span.label, ()),
                                          article.span_attributes[span.id], counters)

    attributes = {attribute.name: attribute for attribute in scheme.attributes}
    e_count = 0
    for event in article.events:
        kind = event_type[event.id]
        trigger = t_of.get((event.trigger_id, kind))
        if trigger is None:
            continue  # its trigger was dropped, and counted, above
        e_count += 1
        e_id = f"E{e_count}"
        fields = [f"{kind}:{trigger}"]
        seen: dict[str, int] = {}
        for role, span_id in event.arguments:
            if span_id not in first_t:
                continue
            seen[role] = seen.get(role, 0) + 1
            name = names.roles.get(role) or storage_form(role)
            fields.append(f"{name}{seen[role] if seen[role] > 1 else ''}:{first_t[span_id]}")
        lines.append(f"{e_id}\t{' '.join(fields)}\n")
        notes = []
        # Scheme order, then any attribute the scheme no longer has (as a note: brat lacks its type).
        for name in [*attributes, *sorted(set(event.attributes) - set(attributes))]:
            value = event.attributes.get(name)
            attribute = attributes.get(name)
            brat_name = names.attributes.get(name) or storage_form(name)
            if value is None or value == "" or value == []:
                if attribute is not None and attribute.choices and attribute.default:
                    # holds none (an event imported from elsewhere): said, or our import of this
                    # folder would give it the default a left-out line stands for
                    notes.append(f"{brat_name}=")
                continue
            if isinstance(value, list) and attribute is not None and attribute.choices is not None:
                for one in value:  # several values (PLOVER contexts): one A line each, as for spans
                    counters["A"] += 1
                    lines.append(f"A{counters['A']}\t{brat_name} {e_id} {names.value(name, one)}\n")
            elif attribute is None or attribute.choices is None:
                shown = ",".join(map(str, value)) if isinstance(value, list) else str(value)
                notes.append(f"{brat_name}={_one_line(shown)}")  # modes: "mode=firearms,aerial"
            elif value != attribute.default:
                counters["A"] += 1
                lines.append(f"A{counters['A']}\t{brat_name} {e_id} {names.value(name, value)}\n")
        if notes:
            counters["#"] += 1
            lines.append(f"#{counters['#']}\tAnnotatorNotes {e_id}\t{'; '.join(notes)}\n")
    report.events += e_count
    return "".join(lines)


def write(articles: Iterable[ArticleData], folder: Path, report: ExportReport,
          context: ExportContext) -> None:
    """Fill ``folder`` (a new, empty, temporary folder) with annotation.conf and a pair per article."""
    names = Names.of(context.scheme)
    _write_file(folder / CONF_NAME, annotation_conf(context.scheme, names))
    for article in articles:
        _write_file(folder / f"{article.id}.txt", article.text)
        _write_file(folder / f"{article.id}.ann", article_ann(article, context.scheme, names, report))
        report.records += 1
        # brat annotates spans, never a whole document: the article's own values (PLOVER contexts) are counted
        left_out = sum(len(v) if isinstance(v, list) else 1 for v in article.attributes.values() if v not in ("", []))
        if left_out:
            report.change("article-level attribute value", "left out (brat annotates spans only)", left_out)


def _write_file(path: Path, content: str) -> None:
    """A new file, flushed to disk: the rename that publishes the folder must not outrun its files."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:  # newline="": the text as stored
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def check_destination(path: Path) -> None:
    """Refuse a destination a brat export would damage: a file, a link, or a folder of other files."""
    if path.is_symlink():
        raise ExportError(f"cannot write {path}: it is a symbolic link; give the folder itself")
    if not path.exists():
        return
    if not path.is_dir():
        raise ExportError(f"cannot write {path}: it is a file, and the brat format writes a folder "
                          "(a .txt and an .ann per article, and annotation.conf)")
    try:
        others = sorted(entry.name for entry in os.scandir(path)
                        if not (OUR_FILES.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)))
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if others:
        shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
        raise ExportError(f"cannot write {path}: the folder holds files a brat export does not write "
                          f"({shown}); give a new or empty folder, or a previous brat export to replace")


def remove_export(folder: Path) -> None:
    """Delete a folder of export files; anything else found in it stays, and so does the folder."""
    try:
        for entry in os.scandir(folder):
            if OUR_FILES.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
        os.rmdir(folder)
    except OSError:
        pass  # e.g. a file appeared meanwhile: not ours to delete
