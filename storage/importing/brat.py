"""brat standoff: ``<name>.ann`` beside ``<name>.txt``, and ``annotation.conf`` when present.

One document per ``.ann`` (all or nothing); its ``.txt`` is the text, offsets are code points.

- ``T`` spans: the type is the label, added to the scheme when new. A discontinuous span
  (``0 5;10 15``, also written ``0 5; 10 15``) becomes one span per fragment, each with a
  ``note``, or refuses the file with ``discontinuous="refuse"``; fragments separated by nothing
  but line breaks (how brat, and our export, write a span across a line) are one span again.
- ``E`` events: the type is the trigger's type; numbered roles (``Theme2``) are their role
  (``Theme``); an event that is another event's argument is represented there by its trigger
  span (counted). A type the project knows as an event type but not as a label gets the project's
  trigger label when it has exactly one (our own export writes the event type on the trigger).
- ``A``/``M`` attributes: on an event an event attribute, on a span a span attribute (binary
  ones are ``"true"``). Where a foreign ``annotation.conf`` declares one (``Negation Arg:<EVENT>``,
  ``Confidence Arg:<ENTITY>, Value:L1|L2|L3``), it joins the scheme as a choice of those values
  (a binary one: the one value ``true``), on its first use, unless the project has it already;
  a value off the list is refused with its line. ``N`` normalisations are span attributes named by the resource
  (``Wikipedia`` = ``534366``), or the Wikidata pattern attribute our export wrote them from;
  ``#`` AnnotatorNotes are a ``note`` attribute (``name=value; …`` pairs when the folder is our
  own export, whose ``annotation.conf`` says so).
- ``R`` relations, ``*`` equivalences and what hangs on them are counted as not represented.
- The ``T``/``E`` id is kept as the ``source_id`` attribute of the span or event: traceable.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from storage.importing.batch import RowBatch
from storage.importing.brat_columns import PlainRound, add_plain
from storage.importing.foreign import ForeignWriter
from storage.importing.intake import read_text
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Outcome
from storage.model import Attribute, InputError, SchemeError, SpanAttribute
from storage.project import Project

CONF_NAME = "annotation.conf"
OUR_CONF_HEADER = "# brat configuration written by Event Annotator"
WIKIDATA_PATTERN = "Q[1-9][0-9]*"
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_RENAMED = re.compile(r"# (\S+) is the project's '(.*)'$")
_NUMBERED = re.compile(r"^(.*?[^0-9])[0-9]+$")


@dataclass(frozen=True)
class ConfAttribute:
    """One ``[attributes]`` line: the types it applies to and its values (None: binary)."""

    targets: frozenset[str]  # brat type names, or <ENTITY> / <EVENT> for all of a kind
    values: tuple[str, ...] | None


@dataclass
class Conf:
    """What ``annotation.conf`` tells an import: event types, attribute value lists, renamed
    names, whether it is ours."""

    ours: bool = False
    event_types: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    renamed: dict[str, str] = field(default_factory=dict)  # brat storage form -> project name
    attributes: dict[str, list[ConfAttribute]] = field(default_factory=dict)  # by brat name

    def name(self, brat: str) -> str:
        return self.renamed.get(brat, brat)

    def choices(self, brat_name: str, brat_type: str, *, event: bool) -> tuple[str, ...] | None:
        """The values an attribute may take on an annotation of ``brat_type`` (an event's or an
        entity's), as the conf declares them: a binary attribute's one value is ``true``; None
        when the conf does not declare it there. Only a foreign conf is read so: ours says which
        attributes take several values and which value is left out as the default in comments,
        which a plain list of values would lose (the attributes come in as before, as text)."""
        if self.ours:
            return None
        for attribute in self.attributes.get(brat_name, ()):
            if brat_type in attribute.targets or ("<EVENT>" if event else "<ENTITY>") in attribute.targets:
                return attribute.values or ("true",)
        return None


def find_conf(ann_path: str, root: str) -> str | None:
    """``annotation.conf`` in the ``.ann``'s folder or the nearest folder above it, up to ``root``."""
    folder = os.path.dirname(os.path.abspath(ann_path))
    root = os.path.abspath(root)
    while True:
        candidate = os.path.join(folder, CONF_NAME)
        if os.path.isfile(candidate):
            return candidate
        if folder == root or not folder.startswith(root) or os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)


_CONFS: dict[tuple[str, str | None], tuple[tuple[int, int], Conf]] = {}  # read once per folder import


def cached_conf(path: str | None, encoding: str | None) -> Conf:
    """``read_conf``, read again only when the file changed: a folder of ten thousand ``.ann``
    files shares one ``annotation.conf``."""
    if path is None:
        return Conf()
    try:
        info = os.stat(path)
    except OSError:
        return read_conf(path, encoding)  # which says why it cannot be read
    signature = (info.st_size, info.st_mtime_ns)
    known = _CONFS.get((path, encoding))
    if known is not None and known[0] == signature:
        return known[1]
    conf = read_conf(path, encoding)
    if len(_CONFS) > 64:
        _CONFS.clear()
    _CONFS[(path, encoding)] = (signature, conf)
    return conf


def read_conf(path: str | None, encoding: str | None) -> Conf:
    conf = Conf()
    if path is None:
        return conf
    content, _ = read_text(path, encoding=encoding)
    conf.ours = content.startswith(OUR_CONF_HEADER)
    section = ""
    for raw in content.splitlines():
        renamed = _RENAMED.match(raw)
        if renamed:
            conf.renamed[renamed.group(1)] = renamed.group(2)
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "events":
            name, _, arguments = line.partition("\t")
            conf.event_types.add(name.strip().lstrip("!"))
            for argument in arguments.split(","):
                role = argument.split(":", 1)[0].strip().rstrip("?*+").split("{")[0]
                if role:
                    conf.roles.add(role)
        elif section == "attributes":
            _attribute_line(conf, line)
    return conf


def _attribute_line(conf: Conf, line: str) -> None:
    """``Name  Arg:<EVENT>|Type, Value:A|B|C`` (no Value: binary) into ``conf.attributes``."""
    name, _, spec = line.replace("\t", " ").partition(" ")
    fields = {}
    for item in spec.split(","):
        key, colon, value = item.strip().partition(":")
        if colon:
            fields[key.strip()] = [part.strip() for part in value.split("|") if part.strip()]
    targets = fields.get("Arg")
    if name and targets:
        values = tuple(dict.fromkeys(fields.get("Value", ()))) or None
        conf.attributes.setdefault(name.lstrip("!"), []).append(ConfAttribute(frozenset(targets), values))


def run(project: Project, job: Job, options: ImportOptions, *, batch: RowBatch | None = None) -> Outcome:
    """Import one ``.ann`` and its ``.txt`` (the caller holds the transaction; with ``batch``,
    the rows wait there for the caller to write them with other files')."""
    read = batch.shared.pop("brat read", None) if batch is not None else None
    ann, text, conf, meta = read[1] if read is not None and read[0] == job.path else _read(job, options, batch)
    writer = ForeignWriter(project, job.path, "brat", layer=options.annotator, batch=batch)
    document = _Document(job.path, text, conf, writer, project, options)
    # The usual document at C speed where it can (in a round, run_usual tried it already).
    if batch is not None or not add_plain(document, writer, ann, text, meta):
        document.parse(ann)
        spans, events = document.build()
        writer.add(text, spans, line=None, events=events, check_text=False, meta=meta)
    return writer.finish()


def run_usual(project: Project, job: Job, options: ImportOptions, *, batch: RowBatch) -> Outcome | None:
    """A round's file (``registry.Format.usual``), imported when it is the usual one, which writes
    nothing to the project (its rows queue in ``batch``; no scheme change): it needs no savepoint
    of its own. None when ``run`` must read it, in one: what was read is kept for it."""
    ann, text, conf, meta = read = _read(job, options, batch)
    outcome = _plain_round(project, batch, conf, options).add(job.path, ann, text, meta)
    if outcome is None:
        batch.shared["brat read"] = (job.path, read)
    return outcome


def _read(job: Job, options: ImportOptions, batch: RowBatch | None) -> tuple[str, str, Conf, dict[str, Any]]:
    """The ``.ann``, its ``.txt``, the ``annotation.conf`` that applies and the article's meta."""
    stem, extension = os.path.splitext(job.path)
    if extension.lower() != ".ann":  # --format brat forced onto another file: it is not half a pair
        raise InputError(job.path, "not a brat .ann file: brat standoff comes in pairs, NAME.ann with NAME.txt "
                                   "beside it; give the .ann files or a folder of pairs (or leave --format out "
                                   "to detect this file's format)")
    txt_path = stem + ".txt"
    try:  # read first: a stat to see it is there would cost as much as the reading
        text, _ = read_text(txt_path, encoding=options.encoding)
    except InputError:
        if not os.path.isfile(txt_path):
            raise InputError(job.path, f"no {os.path.basename(txt_path)} beside this .ann: brat keeps the "
                                       "text in a .txt of the same name") from None
        raise
    root = job.path[:len(job.path) - len(job.source)] if job.source and job.path.endswith(job.source) else ""
    conf = _conf(job.path, root, options.encoding, batch)
    ann, _ = read_text(job.path, encoding=options.encoding, allow_empty=True)
    source = job.source or os.path.basename(job.path)
    name = source[:-len(extension)] if source.endswith(extension) else os.path.splitext(source)[0]
    return ann, text, conf, {"source": name + ".txt"}


def _plain_round(project: Project, batch: RowBatch, conf: Conf, options: ImportOptions) -> PlainRound:
    """The reader of the round's usual files under ``conf``, made again once the scheme changed."""
    readers = batch.shared.setdefault("brat readers", {})  # by id(conf): each conf lives as long as the round
    scheme = project.scheme
    reader = readers.get(id(conf))
    if reader is None or reader.scheme is not scheme:
        writer = ForeignWriter(project, "", "brat", layer=options.annotator, batch=batch)
        reader = readers[id(conf)] = PlainRound(scheme, writer, _Document("", "", conf, writer, project, options))
    return reader


def _conf(path: str, root: str, encoding: str | None, batch: RowBatch | None) -> Conf:
    """The ``annotation.conf`` that applies to ``path``, looked for once per folder in a round."""
    key = (os.path.dirname(path), root, encoding)
    found = batch.shared.setdefault("brat confs", {}) if batch is not None else {}
    conf = found.get(key)
    if conf is None:
        conf = found[key] = cached_conf(find_conf(path, root or os.path.dirname(path) or "."), encoding)
    return conf


class _Document:
    """One ``.ann`` parsed: every line first (``E`` lines may name ``T`` ids defined later), then built."""

    def __init__(self, path: str, text: str, conf: Conf, writer: ForeignWriter, project: Project,
                 options: ImportOptions) -> None:
        self.path, self.text, self.conf, self.writer, self.options = path, text, conf, writer, options
        scheme = project.scheme
        self.labels = {label.name: label for label in scheme.labels}
        self.event_types = {kind.name for kind in scheme.event_types}
        self.roles = {role.name for role in scheme.roles} | {conf.name(r) for r in conf.roles}
        # What _label_and_type and _role gave, by brat name: the look-ups above never change.
        self.label_types: dict[str, tuple[str, str | None]] = {}
        self.role_names: dict[str, str] = {}
        self.t: dict[str, tuple[int, str, list[tuple[int, int]], str]] = {}  # id -> (line, type, pieces, text)
        self.e: dict[str, tuple[int, str, str, list[tuple[str, str]]]] = {}  # id -> (line, type, trigger, args)
        self.attributes: dict[str, list[tuple[int, str, str]]] = {}  # target id -> [(line, name, value)]
        self.notes: dict[str, list[str]] = {}
        self.norms: dict[str, list[tuple[str, str]]] = {}

    def fail(self, line: int, message: str) -> InputError:
        return InputError(self.path, message, line=line)

    def parse(self, ann: str) -> None:
        text, spans = self.text, self.t
        for number, raw in enumerate(ann.split("\n"), start=1):
            if raw[:1] == "T" and raw[-1:] != "\r":
                # The usual line (every span of a corpus), one fragment whose text agrees: checked
                # here without a call; anything else takes the general path below.
                ident, _, rest = raw.partition("\t")
                head, tab, shown = rest.partition("\t")
                fields = head.split(" ")
                if tab and len(fields) == 3 and fields[1].isdecimal() and fields[2].isdecimal():
                    start, end = int(fields[1]), int(fields[2])
                    if start < end <= len(text) and text[start:end] == shown:
                        spans[ident] = (number, fields[0], [(start, end)], shown)
                        continue
            line = raw.rstrip("\r")
            if not line.strip():
                continue
            ident, _, rest = line.partition("\t")
            kind = ident[:1]
            try:
                if kind == "T":
                    self._span(number, ident, rest)
                elif kind == "E":
                    event_type, _, arguments = rest.strip().partition(" ")
                    name, _, trigger = event_type.partition(":")
                    pairs = [tuple(a.split(":", 1)) for a in arguments.split()]
                    if not trigger or any(len(p) != 2 for p in pairs):
                        raise ValueError
                    self.e[ident] = (number, name, trigger, pairs)  # type: ignore[arg-type]
                elif kind in "AM":
                    fields = rest.split()
                    value = " ".join(fields[2:]) if len(fields) > 2 else "true"
                    self.attributes.setdefault(fields[1], []).append((number, fields[0], value))
                elif kind == "N":
                    head, _, _shown = rest.partition("\t")
                    _, target, reference = head.split()[:3]
                    resource, _, entry = reference.partition(":")
                    self.norms.setdefault(target, []).append((resource, entry))
                elif kind == "#":
                    head, _, note = rest.partition("\t")
                    target = head.split()[1]
                    self.notes.setdefault(target, []).append(note)
                elif kind == "R":
                    self.writer.dropped["brat relation (R)"] += 1
                elif kind == "*":
                    self.writer.dropped["brat equivalence (*)"] += 1
                else:
                    raise self.fail(number, f"unknown annotation {ident!r} (brat lines start with T, E, R, "
                                            "A, M, N, # or *)")
            except (ValueError, IndexError):
                raise self.fail(number, f"malformed {ident} line: {line[:80]!r}") from None

    def _span(self, number: int, ident: str, rest: str) -> None:
        head, tab, shown = rest.partition("\t")
        kind, _, offsets = head.partition(" ")
        pieces = []
        for fragment in offsets.split(";"):
            start, end = fragment.split()
            pieces.append((int(start), int(end)))
        if not tab:
            raise ValueError
        for start, end in pieces:
            if not 0 <= start < end <= len(self.text):
                raise self.fail(number, f"{ident}: offsets {start}..{end} are outside the text "
                                        f"(0..{len(self.text)})")
        written = " ".join(self.text[start:end] for start, end in pieces)
        if _LINE_BREAKS.sub(" ", written) != _LINE_BREAKS.sub(" ", shown):
            raise self.fail(number, f"{ident}: its text is {shown!r} but the text at {offsets} is {written!r}")
        self.t[ident] = (number, kind, _join_line_breaks(self.text, pieces), shown)

    # -- building records --------------------------------------------------------------------

    def _label_and_type(self, brat_type: str) -> tuple[str, str | None]:
        """The span label and event type for an event of brat type ``brat_type``."""
        name = self.conf.name(brat_type)
        label = self.labels.get(name)
        if label is not None and name not in self.event_types:
            return name, None  # a trigger label standing for untyped events (what our export writes)
        if label is None and name in self.event_types:
            triggers = [l.name for l in self.labels.values() if l.kind == "trigger"]
            if len(triggers) == 1:
                return triggers[0], name
        return name, name

    def build(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        trigger_of: dict[str, str] = {}  # E id -> T id
        for ident, (number, _, trigger, _) in self.e.items():
            if trigger not in self.t:
                raise self.fail(number, f"{ident}: trigger {trigger} is not a T annotation of this file")
            trigger_of[ident] = trigger
        event_label: dict[str, tuple[str, str | None]] = {}
        for ident, (_, brat_type, trigger, _) in self.e.items():
            event_label[ident] = self._label_and_type(brat_type)
        trigger_label = {trigger_of[e]: event_label[e][0] for e in self.e}

        spans: list[dict[str, Any]] = []
        first_id: dict[str, int] = {}
        annotated = self.attributes.keys() | self.notes.keys() | self.norms.keys()
        renamed, kinds = self.conf.renamed, self.writer.growth.kinds
        for ident, (number, brat_type, pieces, _) in self.t.items():
            label = trigger_label.get(ident) or renamed.get(brat_type, brat_type)
            if len(pieces) == 1 and label in kinds and ident not in annotated:
                local = first_id[ident] = len(spans) + 1  # the usual span: one fragment, nothing attached
                start, end = pieces[0]
                spans.append({"id": local, "start": start, "end": end, "label": label, "source_id": ident,
                              "attributes": {"source_id": ident}})
                continue
            if label not in self.writer.growth.kinds and brat_type in self.conf.event_types:
                try:  # an event type of annotation.conf with no event in this file is still a trigger
                    self.writer.growth.add_label(label, kind="trigger")
                except SchemeError as exc:
                    raise self.fail(number, f"{ident}: {exc}") from None
            attributes = self._span_attributes(ident, label)
            if len(pieces) > 1:
                if self.options.discontinuous == "refuse":
                    raise self.fail(number, f"{ident} is discontinuous ({len(pieces)} fragments); import "
                                            "without --discontinuous refuse to split it into one span per fragment")
                self.writer.dropped["discontinuous span (split, one span per fragment)"] += 1
            for index, (start, end) in enumerate(pieces):
                local = len(spans) + 1
                first_id.setdefault(ident, local)
                extra = dict(attributes)
                if len(pieces) > 1:
                    extra["note"] = f"fragment {index + 1} of {len(pieces)} of discontinuous {ident}"
                spans.append({"id": local, "start": start, "end": end, "label": label, "source_id": ident,
                              "attributes": extra})
        events = []
        for ident, (number, _, trigger, pairs) in self.e.items():
            arguments, seen = [], set()
            for role_written, target in pairs:
                if target in self.e:
                    self.writer.dropped["event as another event's argument (its trigger fills the role)"] += 1
                    target = trigger_of[target]
                if target not in first_id:
                    raise self.fail(number, f"{ident}: argument {target} is not a T or E annotation of this file")
                role = self._role(role_written)
                key = (role, first_id[target])
                if first_id[target] == first_id[trigger] or key in seen:
                    self.writer.dropped["argument repeating the trigger or another argument"] += 1
                    continue
                seen.add(key)
                arguments.append({"role": role, "span": first_id[target]})
            event = {"trigger": first_id[trigger], "arguments": arguments,
                     "attributes": self._event_attributes(ident)}
            if event_label[ident][1] is not None:
                event["type"] = event_label[ident][1]
            events.append(event)
        for target in set(self.attributes) | set(self.notes) | set(self.norms):
            if target not in self.t and target not in self.e:
                what = "relation" if target.startswith("R") else "missing annotation"
                self.writer.dropped[f"attribute or note on a {what}"] += (
                    len(self.attributes.get(target, ())) + len(self.notes.get(target, ()))
                    + len(self.norms.get(target, ())))
        return spans, events

    def label_and_type(self, brat_type: str) -> tuple[str, str | None]:
        """``_label_and_type``, kept in ``label_types``."""
        found = self.label_types[brat_type] = self._label_and_type(brat_type)
        return found

    def role(self, written: str) -> str:
        """``_role``, kept in ``role_names``."""
        found = self.role_names[written] = self._role(written)
        return found

    def _role(self, written: str) -> str:
        name = self.conf.name(written)
        if name in self.roles:
            return name
        numbered = _NUMBERED.match(written)
        if numbered:
            return self.conf.name(numbered.group(1))
        return name

    def _pairs(self, note: str) -> list[tuple[str, str]] | None:
        """``name=value; name=value`` as our export writes notes (a name once per value of a
        multi-valued span attribute), or None when it is not that."""
        result = []
        for part in note.split("; "):
            name, equals, value = part.partition("=")
            if not equals or not name:
                return None
            result.append((self.conf.name(name), value))
        return result

    def _span_attributes(self, ident: str, label: str) -> dict[str, Any]:
        values: dict[str, Any] = {"source_id": ident}
        growth = self.writer.growth
        brat_type = self.t[ident][1]
        for number, name, _ in self.attributes.get(ident, ()):
            choices = self.conf.choices(name, brat_type, event=False)
            if choices is not None and self.conf.name(name) not in growth.span_attributes.get(label, {}):
                try:
                    if label not in growth.kinds:
                        growth.add_label(label)
                    growth.declare_span_attribute(label, SpanAttribute(
                        name=self.conf.name(name), kind="choice", choices=tuple(map(self.conf.name, choices))))
                except SchemeError as exc:
                    raise self.fail(number, f"{ident}: {exc}") from None
        declared = growth.span_attributes.get(label, {})
        for number, name, value in self.attributes.get(ident, ()):
            name, value = self.conf.name(name), self.conf.name(value)
            attribute = declared.get(name)
            if attribute is not None and attribute.multi:
                values.setdefault(name, []).append(value)
            elif attribute is not None and attribute.kind == "choice":
                if name in values:
                    raise self.fail(number, f"{ident} has a second {name} ({value!r}, after {values[name]!r}), "
                                            "which takes one value")
                values[name] = value
            else:
                values[name] = value if name not in values else f"{values[name]}, {value}"
            _check_choice(self, number, ident, attribute, value)
        for resource, entry in self.norms.get(ident, ()):
            wikidata = [a.name for a in declared.values() if a.pattern == WIKIDATA_PATTERN]
            name = wikidata[0] if resource == "Wikidata" and wikidata else resource
            values[name] = entry if name not in values else f"{values[name]}, {entry}"
        for note in self.notes.get(ident, ()):
            pairs = self._pairs(note) if self.conf.ours else None
            if pairs is not None:
                names = [name for name, _ in pairs]
                for name, value in pairs:  # a name twice: a multi-valued attribute, one entry per value
                    if name in declared and declared[name].multi or names.count(name) > 1:
                        values.setdefault(name, []).append(value)
                    else:
                        values[name] = value
            elif note:
                values["note"] = note if "note" not in values else f"{values['note']}; {note}"
        return values

    def event_attributes(self, ident: str) -> dict[str, Any]:
        """An event's attributes before its own ``A``/``M`` lines and notes: its id, and the
        defaults our export leaves out."""
        values: dict[str, Any] = {"source_id": ident}
        if self.conf.ours:  # our export leaves out a choice that is its default
            scheme = self.writer.growth.attributes
            values.update({name: a.default for name, a in scheme.items() if a.choices and a.default})
        return values

    def _event_attributes(self, ident: str) -> dict[str, Any]:
        values = self.event_attributes(ident)
        scheme = self.writer.growth.attributes
        brat_type = self.e[ident][1]
        for number, name, value in self.attributes.get(ident, ()):
            choices = self.conf.choices(name, brat_type, event=True)
            name, value = self.conf.name(name), self.conf.name(value)
            if choices is not None and name not in scheme:
                try:
                    self.writer.growth.add_attribute(Attribute(name=name, kind="choice",
                                                               choices=tuple(map(self.conf.name, choices))))
                except SchemeError as exc:
                    raise self.fail(number, f"{ident}: {exc}") from None
            if name in scheme and scheme[name].multi:  # one A line per value (PLOVER contexts)
                values.setdefault(name, []).append(value)
            else:
                values[name] = value
            _check_choice(self, number, ident, scheme.get(name), value)
        for note in self.notes.get(ident, ()):
            pairs = self._pairs(note) if self.conf.ours else None
            if pairs is not None:
                for name, value in pairs:  # "name=": the event holds none (not the default left out)
                    if value:
                        values[name] = _typed(scheme.get(name), value)
                    else:
                        values.pop(name, None)
            elif note:
                values["note"] = note if "note" not in values else f"{values['note']}; {note}"
        return values


def _check_choice(document: _Document, number: int, ident: str, attribute: Attribute | SpanAttribute | None,
                  value: str) -> None:
    """Refuse, naming the line, a value its attribute's list of choices lacks."""
    if attribute is not None and attribute.choices is not None and value not in attribute.choices:
        raise document.fail(number, f"{ident}: {attribute.name} is {value!r}, which is not one of its values "
                                    f"({'|'.join(attribute.choices)})")


def _typed(attribute: Attribute | None, value: str) -> Any:
    """A note's value as the scheme holds it: our export writes modes as ``a,b`` and counts as digits."""
    if attribute is not None and attribute.multi:
        return value.split(",")
    if attribute is not None and attribute.kind == "integer" and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return value


def _join_line_breaks(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments apart only by line breaks are one span: brat cannot write a span across a line."""
    joined = [pieces[0]]
    for start, end in pieces[1:]:
        previous_start, previous_end = joined[-1]
        gap = text[previous_end:start]
        if previous_end <= start and gap and _LINE_BREAKS.fullmatch(gap):
            joined[-1] = (previous_start, end)
        else:
            joined.append((start, end))
    return joined
