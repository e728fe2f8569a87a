"""The dictionary recommender: texts the project has tagged (with counts) plus lists the user
imports, matched in an article with an Aho-Corasick automaton (``pyahocorasick``, in C).

Why an automaton rather than spaCy's PhraseMatcher: the PhraseMatcher needs the article tokenized
first, which for a 1 MB article takes longer than the 50 ms an article may take to show its
suggestions; the automaton scans the raw text in one pass (~20 ms for 1 MB and 50,000 entries
here) and we check word boundaries on the few hits.

A text the project tagged with two labels follows the ``dictionary_conflict`` rule: the majority
label (a tie suggests nothing), nothing, or every label. Scores are the label's share of the
text's tags (a user list entry scores 1).
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Iterable, Iterator

from storage.assist.settings import AssistSettings
from storage.model import InputError
from storage.project import Project
from storage.text import decode, normalise

RECOMMENDER = "dictionary"

try:
    import ahocorasick
except ImportError:  # optional: the window works without it and says what is missing
    ahocorasick = None  # type: ignore[assignment]


def missing_dependency() -> str | None:
    """What to install for the dictionary recommender, or None when it can run."""
    return None if ahocorasick is not None else "the dictionary needs pyahocorasick (pip install pyahocorasick)"


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _inside_word(pair: str) -> bool:
    """True when ``pair`` (``text[i - 1:i + 1]``) is two word characters, so position i lies inside
    a word; at either end of the text the slice is shorter and the answer False. ``isalnum`` on
    the pair tests both characters in C; an underscore counts as a word character, as in ``\\w``."""
    return len(pair) == 2 and (pair.isalnum() or ("_" in pair and pair.replace("_", "a").isalnum()))


_WORD_RUN = re.compile(r"\w{2,}")  # \w: str.isalnum() or "_", as _is_word


def _inside_words(text: str) -> bytearray:
    """1 at each position 0..len(text) that lies between two word characters, from one regex pass."""
    inside = bytearray(len(text) + 1)
    for word in _WORD_RUN.finditer(text):
        start, end = word.span()
        inside[start + 1:end] = b"\x01" * (end - start - 1)
    return inside


def _same_length_lower(text: str) -> str:
    """``text`` lower-cased without changing any offset ('İ'.lower() is two code points)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@dataclass
class Dictionary:
    """text -> [(label, score)]; ``match`` finds the entries in an article's text."""

    entries: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    match_case: bool = True
    _automaton: object = None

    def __len__(self) -> int:
        return len(self.entries)

    def _build(self) -> None:
        automaton = ahocorasick.Automaton()
        for text, labels in self.entries.items():
            key = text if self.match_case else _same_length_lower(text)
            existing = automaton.get(key, None)
            automaton.add_word(key, (len(key), (existing[1] if existing else []) + labels))
        if len(automaton):
            automaton.make_automaton()
        self._automaton = automaton

    def match(self, text: str) -> list[tuple[int, int, str, float]]:
        """(start, end, label, score) of whole-word entries, leftmost-longest, in text order."""
        if not self.entries or ahocorasick is None:
            return []
        if self._automaton is None:
            self._build()
        haystack = text if self.match_case else _same_length_lower(text)
        found = self._automaton.iter(haystack)  # type: ignore[attr-defined]
        # Whole words: an entry may not start or end between two word characters. Entries also
        # match inside longer words ("on" in "Monday": millions of hits in a long article with
        # short entries), so hits are streamed, never listed; once they prove dense, one regex
        # pass marking every in-word position beats testing two characters per hit.
        # (start, -end, labels): a plain sort puts the longest entry first at each start, and never
        # compares labels (one automaton key per place).
        dense = len(text) // 50
        first = list(islice(found, dense + 1))
        if len(first) <= dense:
            hits = [(last + 1 - size, -last - 1, labels) for last, (size, labels) in first
                    if not _inside_word(text[last - size:last - size + 2]) and not _inside_word(text[last:last + 2])]
        else:
            inside = _inside_words(text)
            hits = [(last + 1 - size, -last - 1, labels) for last, (size, labels) in chain(first, found)
                    if not inside[last + 1 - size] and not inside[last + 1]]
        hits.sort()
        result: list[tuple[int, int, str, float]] = []
        reached = -1
        for start, end, labels in hits:
            if start < reached:  # inside (or across) a longer entry already taken
                continue
            reached = -end
            if len(labels) == 1:
                result.append((start, reached, *labels[0]))
            else:
                result.extend((start, reached, label, score) for label, score in labels)
        return result


def project_counts(project: Project) -> dict[str, dict[str, int]]:
    """text -> label -> how many spans of the project tag it so (whole words only, see below).

    Sliced in Python, one article text at a time: SQLite's substr() walks a long UTF-8 text from its
    start for every span, which for 100,000 spans in a 1 MB article would take minutes."""
    counts: dict[str, dict[str, int]] = {}
    for (article_id,) in project.db.execute("SELECT DISTINCT article_id FROM spans").fetchall():
        text = project.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        length = len(text)
        for start, end, label in project.db.execute(
                'SELECT start, "end", label FROM spans WHERE article_id = ?', [article_id]).fetchall():
            # Only whole words of two or more characters: a suggestion is always a whole-word match,
            # and a fragment tagged inside a word (Alt+key) would match inside thousands of words.
            if (end - start < 2 or text[start].isspace() or text[end - 1].isspace() or (start > 0 and _is_word(text[start - 1]) and _is_word(text[start]))
                    or (end < length and _is_word(text[end]) and _is_word(text[end - 1]))):
                continue
            labels = counts.setdefault(text[start:end], {})
            labels[label] = labels.get(label, 0) + 1
    return counts


def build_dictionary(project: Project, settings: AssistSettings) -> Dictionary:
    """The project's dictionary under ``settings``: tagged texts (minimum count, conflict rule)
    plus the user's imported entries."""
    entries: dict[str, list[tuple[str, float]]] = {}
    for text, labels in project_counts(project).items():
        if not text.strip():
            continue
        total = sum(labels.values())
        ranked = sorted(labels.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and settings.dictionary_conflict == "skip":
            continue
        if len(ranked) > 1 and settings.dictionary_conflict == "majority":
            if ranked[0][1] == ranked[1][1]:
                continue
            ranked = ranked[:1]
        chosen = [(label, n / total) for label, n in ranked if n >= settings.dictionary_min_count]
        if chosen:
            entries[text] = chosen
    for text, label in project.db.execute("SELECT text, label FROM assist_dictionary ORDER BY text, label"):
        labels = [(l, s) for l, s in entries.get(text, []) if l != label]
        entries[text] = labels + [(label, 1.0)]
    return Dictionary(entries, match_case=settings.dictionary_match_case)


def signature(project: Project) -> tuple[object, ...]:
    """Changes whenever the dictionary could: a cheap key for caching a built ``Dictionary``."""
    return (project.db.execute("SELECT count(*), max(id) FROM spans").fetchone(),
            project.db.execute("SELECT count(*) FROM assist_dictionary").fetchone()[0],
            project.db.execute("SELECT total(length(label)) FROM spans").fetchone()[0])


# -- the user's lists ------------------------------------------------------------------------

def read_entries(path: str | Path) -> Iterator[tuple[int, str, str]]:
    """(line, text, label) from a CSV, TSV or JSON Lines file of ``text,label`` (a header row
    ``text,label`` is skipped). Raises InputError naming the file and line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    content, _ = normalise(decode(raw, path=str(path)))
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        for number, line in enumerate(content.split("\n"), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(str(path), f"not JSON: {exc.msg}", line=number) from exc
            if not isinstance(record, dict) or not isinstance(record.get("text"), str) \
                    or not isinstance(record.get("label"), str):
                raise InputError(str(path), 'each line must be {"text": "…", "label": "…"}', line=number)
            yield number, record["text"], record["label"]
        return
    if suffix not in (".csv", ".tsv", ".txt"):
        raise InputError(str(path), "a dictionary is a .csv, .tsv or .jsonl file of text,label")
    delimiter = "\t" if suffix in (".tsv", ".txt") else ","
    for number, row in enumerate(csv.reader(io.StringIO(content), delimiter=delimiter), 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if number == 1 and [c.strip().lower() for c in row[:2]] == ["text", "label"]:
            continue
        if len(row) != 2:
            raise InputError(str(path), f"expected 2 columns (text, label), found {len(row)}", line=number)
        yield number, row[0], row[1]


def import_entries(project: Project, path: str | Path, *, source: str | None = None) -> int:
    """Add a user list to the project's dictionary, all or nothing; returns entries added.

    A text is stripped of surrounding spaces; the label must be one of the project's labels.
    """
    labels = {label.name for label in project.scheme.labels}
    rows: dict[tuple[str, str], None] = {}
    for number, text, label in read_entries(path):
        text, label = text.strip(), label.strip()
        if not text:
            raise InputError(str(path), "the text is empty", line=number)
        if label not in labels:
            raise InputError(str(path), f"unknown label {label!r} (the project has {', '.join(sorted(labels))})",
                             line=number)
        rows[(text, label)] = None
    name = source if source is not None else Path(path).name
    with project.transaction():
        before = project.db.execute("SELECT count(*) FROM assist_dictionary").fetchone()[0]
        project.db.conn.executemany("INSERT OR IGNORE INTO assist_dictionary (text, label, source) VALUES (?, ?, ?)",
                               [(text, label, name) for text, label in rows])
        after = project.db.execute("SELECT count(*) FROM assist_dictionary").fetchone()[0]
    return after - before


def add_entries(project: Project, entries: Iterable[tuple[str, str]], *, source: str = "") -> None:
    """Add (text, label) pairs to the user's dictionary (bench and tests build big ones this way);
    a label the project lacks is refused by the table's foreign key, and nothing is added."""
    with project.transaction():
        project.db.conn.executemany("INSERT OR IGNORE INTO assist_dictionary (text, label, source) VALUES (?, ?, ?)",
                               [(text, label, source) for text, label in entries])


class DictionaryCache:
    """The project's dictionary under some settings, rebuilt only when its spans or lists (or the
    settings) changed since the last build: the window and the match process each keep one."""

    def __init__(self) -> None:
        self._dictionary: Dictionary | None = None
        self._key: tuple[object, ...] | None = None

    def get(self, project: Project, settings: AssistSettings) -> Dictionary | None:
        """None when the dictionary is off or cannot run (see ``missing_dependency``)."""
        if not settings.dictionary or missing_dependency():
            return None
        key = (signature(project), settings)
        if key != self._key:
            self._dictionary, self._key = build_dictionary(project, settings), key
        return self._dictionary

    def clear(self) -> None:
        self._dictionary, self._key = None, None
