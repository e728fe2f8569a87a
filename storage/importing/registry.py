"""Which importer reads which file: formats by name, detected by extension and content.

Each format names the module and function that import one file of it, imported only when a file
of that format is met, so starting the command line does not load every parser. ``detect`` looks
at the extension first, then, where one extension is shared by several tools, at the content:
the first kilobyte of a ``.txt``/``.tsv`` (``-DOCSTART-`` or token/tag lines, WebAnno's
``#FORMAT``, PLOVER's JSON keys; else plain text), the first record of a ``.jsonl``/``.json`` (the
keys a tool writes tell them apart).
"""
from __future__ import annotations

import functools
import importlib
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

from storage.importing.intake import decode_head, read_bytes
from storage.model import InputError

SNIFF_BYTES = 65536  # how much of a file detection reads: enough for a first record of any sane size
# A first record longer than that (one whole book on a line) is read up to this much: bounded, so
# detection never holds a huge file; past it the reader of the extension's loosest format says why.
LONG_RECORD_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Format:
    """One importable format: its ``--format`` name, how to spot it, and where its importer lives."""

    name: str
    title: str  # what the user reads, e.g. "brat standoff"
    suffixes: tuple[str, ...]
    runner: str  # "module:function", imported on first use
    sniff: Callable[[Any], bool] | None = None  # given the first JSON record, for shared suffixes
    # One small document per file: many files per transaction (a savepoint each); the runner of
    # one with annotations takes ``batch=`` (a RowBatch its rows wait in, written by the round).
    shared_round: bool = False
    head_sniff: Callable[[str], bool] | None = None  # given the file's first characters, for .txt/.tsv
    companion: str | None = None  # brat: "<name>.txt" beside "<name>.ann" is its text, not an article
    # "module:function" a round tries first, with no savepoint: it imports the usual file with
    # nothing written to the project (its rows only queue in the batch), giving an Outcome, or
    # gives None (nothing queued) for the runner to import the file in a savepoint of its own.
    usual: str | None = None

    def load(self) -> Callable[..., Any]:
        return _runner(self.runner)

    def load_usual(self) -> Callable[..., Any] | None:
        return _runner(self.usual) if self.usual is not None else None


@functools.cache
def _runner(runner: str) -> Callable[..., Any]:
    """The function ``runner`` names, imported once: a folder of ten thousand brat files asks ten
    thousand times (importlib's look-up in Python was ~1% of their import)."""
    module, function = runner.split(":")
    return getattr(importlib.import_module(module), function)


def _is_plover(record: Any) -> bool:
    """A PLOVER event record (ours: actor/text_info; the gold standard's: source/eventText), or a list of them."""
    if isinstance(record, list):
        record = next((r for r in record if isinstance(r, dict) and r.get("event") != "DOCUMENT"), None)
    return isinstance(record, dict) and "event" in record and (
        "actor" in record or "text_info" in record or "eventText" in record)


_TAG = re.compile(r"O|[BIESLU]-\S+")


def _looks_like_token_tags(head: str) -> bool:
    """CoNLL-style token lines: a ``-DOCSTART-`` first, or every whole line of the head a token with
    a tag last (before a ``+``/``-`` space-after flag), some tag not ``O``. ``#`` lines that are not
    such a line are GermEval's comments. Prose, our ``.txt`` header and WebAnno's ``#FORMAT`` fail."""
    head = head.lstrip("\ufeff \t\r\n")
    if head.startswith("-DOCSTART-"):
        return True
    if head.startswith("#FORMAT="):
        return False
    lines = head.splitlines()[:-1] if len(head) >= 1024 else head.splitlines()  # the last may be cut
    tagged = 0
    for line in lines:
        fields = line.split()
        if not fields or fields[0] == "-DOCSTART-":
            continue
        if fields[-1] in ("+", "-") and len(fields) >= 3:
            fields = fields[:-1]
        if len(fields) < 2 or not _TAG.fullmatch(fields[-1]):
            if line.startswith("#"):
                continue
            return False
        tagged += any(field != "O" and _TAG.fullmatch(field) for field in fields[1:])  # GermEval: outer, inner
    return tagged > 0


def _looks_like_plover_json(head: str) -> bool:
    """PLOVER's gold-standard records ship as ``.txt``: a JSON array or object with PLOVER's keys."""
    head = head.lstrip("\ufeff \t\r\n")
    return head[:1] in ("[", "{") and '"event"' in head and any(
        key in head for key in ('"eventText"', '"text_info"', '"event_text"'))


def _is_native(record: Any) -> bool:
    return isinstance(record, dict) and ("scheme" in record or "text" in record)


@dataclass(frozen=True)
class ImportOptions:
    """Choices that apply to a whole import; each format reads the ones it understands."""

    encoding: str | None = None  # forced text encoding (default: UTF-8, or UTF-16 with a BOM)
    format: str | None = None  # forced format name (default: detected per file)
    discontinuous: str = "split"  # brat "0 5;10 15": "split" into one span per fragment, or "refuse"
    answers: str = "accept"  # Prodigy: "accept" imports accepted tasks only; "all" the others too, by status
    text_key: str | None = None  # Label Studio: the data field holding the text (default: detected)
    labels: str | None = None  # Hugging Face integer ner_tags: names in id order, "O,B-PER,…" or a JSON file
    predictions: bool = False  # Label Studio: import predictions too (as their model's layer)
    annotator: str | None = None  # every annotation into this layer; articles already here receive them


@dataclass(frozen=True)
class Job:
    """One file to import, or a path that is an error before anything is read."""

    path: str  # as the user gave it (or the folder given joined with the file's relative path)
    source: str  # stored as the article's source: the path relative to the folder given
    format: Format | None = None
    problem: str | None = None


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("text", "plain text", (".txt",), "storage.importing.text:run", shared_round=True),
    Format("native", "native JSONL", (".jsonl",), "storage.importing.native:run", sniff=_is_native),
    Format("doccano", "doccano JSONL", (".jsonl", ".json1l"), "storage.importing.doccano:run",
           sniff=lambda record: _load("doccano", "looks_like")(record)),
    Format("prodigy", "Prodigy / spaCy JSONL", (".jsonl",), "storage.importing.prodigy:run",
           sniff=lambda record: _load("prodigy", "looks_like")(record)),
    Format("spacy-v2", "spaCy v2 TRAIN_DATA JSON", (".json",), "storage.importing.prodigy:run_train_data",
           sniff=lambda record: _load("prodigy", "looks_like_train_data")(record)),
    Format("hf", "Hugging Face JSONL (tokens + ner_tags)", (".jsonl",), "storage.importing.conll:run_hf",
           sniff=lambda record: _load("conll", "looks_like_hf")(record)),
    Format("conll", "CoNLL-2003 / IOB / BIOES token columns",
           # eng.train, eng.testa, eng.testb: how CoNLL-2003 (and flair, and many a corpus after it) names its files
           (".conll", ".conll2003", ".iob", ".bio", ".txt", ".tsv", ".train", ".dev", ".test", ".testa", ".testb"),
           "storage.importing.conll:run",
           head_sniff=_looks_like_token_tags),
    Format("label-studio", "Label Studio JSON / JSON-MIN", (".json",), "storage.importing.label_studio:run",
           sniff=lambda record: _load("label_studio", "looks_like")(record)),
    Format("docbin", "spaCy DocBin (needs spaCy)", (".spacy",), "storage.importing.docbin:run"),
    Format("brat", "brat standoff, a .txt beside each", (".ann",), "storage.importing.brat:run", companion=".txt",
           shared_round=True, usual="storage.importing.brat:run_usual"),
    Format("webanno", "WebAnno / INCEpTION TSV v3", (".tsv",), "storage.importing.webanno:run",
           head_sniff=lambda head: _load("webanno", "looks_like")(head), shared_round=True),
    Format("plover", "PLOVER event records", (".jsonl", ".json", ".txt"), "storage.importing.plover:run",
           sniff=_is_plover, head_sniff=_looks_like_plover_json),
)}

# Tried in this order when an extension is shared; the first whose sniff accepts the record wins,
# so the most specific shapes come first and native (the loosest) last.
_SNIFF_ORDER: tuple[str, ...] = ("hf", "doccano", "prodigy", "spacy-v2", "label-studio", "native")


def _load(module: str, function: str) -> Callable[..., Any]:
    return getattr(importlib.import_module(f"storage.importing.{module}"), function)


def suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def importable_suffixes() -> tuple[str, ...]:
    return tuple(sorted({s for f in FORMATS.values() for s in f.suffixes}))


def detect(path: str) -> Format | None:
    """The format of the file at ``path`` by its extension and, if shared, its first record."""
    candidates = [f for f in FORMATS.values() if suffix(path) in f.suffixes]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    if not os.path.isfile(path):  # a pipe or device: reading ahead would consume what the import needs
        return next((f for f in candidates if f.head_sniff is None and f.sniff is None), candidates[-1])
    sniffing_head = [f for f in candidates if f.head_sniff is not None]
    if sniffing_head:
        head = _head(path, 1024)  # a first line is enough, and every .txt of a folder is looked at
        found = next((f for f in sniffing_head if f.head_sniff(head)), None)  # type: ignore[misc]
        if found is not None:
            return found
        candidates = [f for f in candidates if f.head_sniff is None]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:  # .tsv: nothing recognised, the last (WebAnno) says what it expected
            return sniffing_head[-1]
    record = first_record(path)
    ordered = sorted(candidates, key=lambda f: _SNIFF_ORDER.index(f.name) if f.name in _SNIFF_ORDER else -1)
    for candidate in ordered:
        if candidate.sniff is not None and candidate.sniff(record):
            return candidate
    return ordered[-1]  # nothing recognised: the loosest reader gives the clearest error


def _head(path: str, size: int = SNIFF_BYTES) -> str:
    try:
        # Never a plain open(): a named pipe would block it for good.
        return decode_head(read_bytes(path, limit=size))
    except InputError:
        return ""


def first_record(path: str) -> Any:
    """The first record of a JSON or JSON Lines file (an array's first element), or None."""
    from storage.importing.intake import json_values  # intake imports nothing heavy, but later

    for size in (SNIFF_BYTES, LONG_RECORD_BYTES):
        try:
            for _, value in json_values(_head(path, size), path):
                return value
        except Exception:  # a malformed or cut-off head: a longer one, else the reader says what is wrong
            if size == SNIFF_BYTES and os.path.getsize(path) <= size:
                return None
            continue
    return None
