"""Token-per-line files (CoNLL-2003, IOB1/IOB2/BIOES/BILOU, IO) and Hugging Face-style JSONL.

Token files: a ``-DOCSTART-`` line (2 or 4 fields) starts a document, a blank line ends a
sentence; without ``-DOCSTART-`` each sentence is its own article. The token is the first column
(the second after a numeric index column, as GermEval writes), the tag the last column (the one
before it when the last is a ``+``/``-`` space-after flag), and with an index column every
column after the token is a tag layer (GermEval's outer and inner, i.e. nested, entities). The
text is rebuilt by joining tokens with single spaces and sentences with ``\\n`` (what doccano's
CoNLL export splits on), so offsets count that text. ``#`` starts a comment only in files with an
index column (GermEval declares its ``#`` lines so); elsewhere ``#`` is a token like any other.
Every token line has as many columns as the file's first (``-DOCSTART-`` lines aside): a line
with more or fewer is refused, naming it, since its token or its tag is not where the file says
(a space inside a token, lines run together), and reading it anyway would import a wrong token;
so is a line wider than any token format (``MAX_COLUMNS``) or a megabyte long (``MAX_LINE``).

Tags are read leniently, as every reader of IOB1 must: an entity starts at ``B-``/``S-``/``U-``,
or at an ``I-``/``E-``/``L-`` whose type differs from the entity before or that follows ``O``
(an ``I-`` with no ``B-``, what IOB1 means and IOB2 forbids: counted); it ends after
``E-``/``S-``/``L-``/``U-``. BMES/BMEWO (Chinese NER corpora) read the same: ``M-`` is inside,
``W-`` a whole entity. A bare type (``LOC``, an IO file) is ``I-LOC``. Any other one-letter
prefix (``X-MISC``) or a prefix with no type (``B-``) is refused, naming its line: read as a bare
type it would put a label ``X-MISC`` in the scheme.

Hugging Face JSONL: ``tokens`` + ``ner_tags``, tags as strings or as integers named by
``labels`` (``--labels``: names in id order, comma-separated, or a JSON file: a list, or a
``dataset_info.json`` whose ``features.ner_tags`` lists ``names``), else by the
``dataset_info.json`` beside the file (where ``datasets`` keeps it). One article per record.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from itertools import accumulate
from typing import Any, Iterator

from storage.importing.foreign import ForeignWriter
from storage.importing.intake import (LongLine, head_text, line_batches, numbered_lines, read_text,
                                      stream_json, stream_lines)
from storage.importing.registry import ImportOptions, Job
from storage.importing.report import Outcome
from storage.model import InputError
from storage.project import Project
from storage.team.gc_pause import paused_gc

_FIELDS = re.compile(r"[ \t]+")
_EDGE_SPACE = re.compile(r"^[^\S\n]|[^\S\n]$", re.M)  # whitespace at a line's start or end
_ODD_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f"  # ASCII whitespace other than space, tab, line break
_OUTSIDE = frozenset(("O", "_", "-", ""))  # tags of tokens outside every entity
_STARTS = frozenset("BSUW")
_ENDS = frozenset("ESLUW")
_PREFIXES = "BIESLUMW"  # IOB, BIOES, BILOU, BMES/BMEWO
# No token-per-line format comes near this many columns (CoNLL-U has 10, CoNLL-2009/2012 a dozen
# and one per predicate): a wider line is text whose line breaks were lost, and its first and last
# fields are no token and tag. Lines are split at most this far, so such a line costs no memory.
MAX_COLUMNS = 1000
# Nor near this many characters: a longer line is refused for its length, and a streamed file's
# is never held whole (``line_batches``' ``longest``), so a lost line break costs no memory.
MAX_LINE = 1 << 20


class UnparseableTag(ValueError):
    """A tag no scheme of tags writes: the reader names the line it is on."""

    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self.tag = tag
_STR, _INT = frozenset({str}), frozenset({int})


def looks_like_hf(record: Any) -> bool:
    return isinstance(record, dict) and "tokens" in record and "ner_tags" in record


def decode_tags(tags: list[str], repairs: list[int]) -> Iterator[tuple[int, int, str]]:
    """(first token, last token + 1, type) of every entity in one sentence's tags."""
    current: tuple[int, str] | None = None  # (first token, type) of the open entity
    previous = -1  # the last token inside an entity
    # Most tags are O: only the others are looked at, a gap between them closes the open entity.
    for index in [i for i, tag in enumerate(tags) if tag not in _OUTSIDE]:
        if current is not None and index != previous + 1:
            yield current[0], previous + 1, current[1]
            current = None
        previous = index
        kind, bare, starts, ends = _tag(tags[index])
        if starts or current is None or current[1] != kind:
            if current is not None:
                yield current[0], index, current[1]
            if not bare and not starts:  # after O, at the start, or right after another type
                repairs[0] += 1
            current = (index, kind)
        if ends:
            yield current[0], index + 1, current[1]
            current = None
    if current is not None:
        yield current[0], previous + 1, current[1]


@lru_cache(maxsize=4096)
def _tag(tag: str) -> tuple[str, bool, bool, bool]:
    """(type, bare, starts an entity, ends one) of a tag that is not O: a corpus has a few dozen
    distinct tags over millions of tokens, so each is taken apart once (~0.1 s of 10,000 records)."""
    prefix, dash, kind = tag.partition("-")
    if dash and len(prefix) == 1 and prefix.isalpha() and (prefix not in _PREFIXES or not kind):
        raise UnparseableTag(tag)
    bare = not dash or len(prefix) != 1 or prefix not in _PREFIXES
    if bare:
        prefix, kind = "I", tag  # IO: a bare type
    return kind, bare, prefix in _STARTS, prefix in _ENDS


class _Document:
    """Sentences of one article as they are read: tokens, tag layers, and the first line."""

    def __init__(self) -> None:
        self.sentences: list[tuple[list[str], list[list[str]]]] = []
        self.line = 0

    def build(self, repairs: list[int]) -> tuple[str, list[tuple[int, int, str]]]:
        """The text and its spans as (start, end, label), what ``ForeignWriter.add_plain`` takes."""
        parts: list[str] = []
        spans: list[tuple[int, int, str]] = []
        at = 0  # where the sentence starts in the text
        for tokens, layers in self.sentences:
            # Token i starts at at + (the lengths of the tokens before it) + i spaces.
            before = list(accumulate(map(len, tokens), initial=0))
            for layer in layers:
                spans += [(at + before[first] + first, at + before[last] + last - 1, kind)
                          for first, last, kind in decode_tags(layer, repairs)]
            parts.append(" ".join(tokens))
            at += before[-1] + len(tokens)  # the sentence, its spaces and the line break after it
        return "\n".join(parts), spans


def run(project: Project, job: Job, options: ImportOptions) -> Outcome:
    writer = ForeignWriter(project, job.path, "conll", layer=options.annotator)
    repairs = [0]
    head = head_text(job.path)
    indexed = _has_index_column(head)
    has_docstart = "-DOCSTART-" in head
    document = _Document()
    tokens: list[str] = []  # the sentence being read
    columns: list[list[str]] = []  # its tags, one list per tag column
    column: list[str] = []  # its first tag column
    count = 0

    def end_sentence() -> None:
        nonlocal tokens, columns, column
        if tokens:
            document.sentences.append((tokens, columns))
        tokens, columns = [], [[] for _ in range(width or 1)]
        column = columns[0]

    def end_document() -> None:
        nonlocal document, count
        end_sentence()
        if document.sentences:
            count += 1
            try:
                text, spans = document.build(repairs)
            except UnparseableTag as exc:
                raise _unparseable(job, options, exc.tag, document.line) from None
            writer.add_plain(text, spans, line=document.line, meta={"source": f"{job.source}#{count}"})
        document = _Document()

    width = None  # tag columns
    width_of_file: int | None = None  # columns of every token line
    simple = False  # one tag column, no index column: the usual line takes the short path below
    number = 0
    for lines in line_batches(job.path, encoding=options.encoding, longest=MAX_LINE):
        at, size, by_line = 0, len(lines), 0  # by_line: lines before it are read one by one
        while at < size:
            if simple and at >= by_line:
                # A sentence (up to the next empty line) of usual lines, read whole; if it is not
                # that, its lines are read one by one below.
                try:
                    end = lines.index("", at)
                except ValueError:
                    end = size
                read = _usual_rows(lines, at, end, width_of_file)
                if read is not None:
                    if not tokens and not document.sentences:
                        document.line = number + 1
                    tokens += read[0]
                    column += read[1]
                    number += end - at
                    at = end
                    continue
                by_line = end
            raw = lines[at]
            at += 1
            number += 1
            if len(raw) >= MAX_LINE:
                length = raw.length if isinstance(raw, LongLine) else len(raw)
                raise InputError(job.path, f"this line is {length:,} characters long, longer than any line of a "
                                           "token file (were its line breaks lost?)", line=number)
            if simple:
                # The usual line (millions of them): "token tag", or CoNLL-2003's "token POS chunk
                # tag", one space or tab between fields and nothing around (lengths prove it): what
                # the general path below would read, in a few operations. Split no further than the
                # file's width: a longer line is the general path's to refuse.
                fields = raw.split(None, width_of_file)
                if len(fields) != width_of_file:
                    fields = None
            if simple and fields:
                token, tag = fields[0], fields[-1]
                if (len(fields) == 2 and len(token) + len(tag) + 1 == len(raw) and raw[len(token)] in " \t"
                        or len(fields) > 2 and tag not in ("+", "-")
                        and sum(map(len, fields)) + len(fields) - 1 == len(raw)
                        and raw.count(" ") + raw.count("\t") == len(fields) - 1
                        ) and token != "-DOCSTART-" and (tag[-1] != "-" or len(tag) == 1):
                    if not tokens and not document.sentences:
                        document.line = number
                    tokens.append(token)
                    column.append(tag)
                    continue
            line = raw.rstrip("\r")
            if not line.strip():
                end_sentence()
                if not has_docstart:
                    end_document()
                continue
            fields = _FIELDS.split(line.strip(), maxsplit=width_of_file or MAX_COLUMNS)
            if fields[0] == "-DOCSTART-":
                end_document()
                continue
            if indexed and line.startswith("#"):
                continue
            if len(fields) < (3 if indexed else 2):
                raise InputError(job.path, f"expected a token and a tag, found {line!r}", line=number)
            if width_of_file is None and len(fields) <= MAX_COLUMNS:
                width_of_file = len(fields)
            elif len(fields) != width_of_file:
                raise InputError(job.path, _odd_width(line, width_of_file), line=number)
            if indexed:
                token, tags = fields[1], fields[2:]
            else:
                if fields[-1] in ("+", "-") and len(fields) >= 3:
                    fields = fields[:-1]  # a space-after flag, not a tag
                token, tags = fields[0], fields[-1:]
            for tag in tags:
                if len(tag) > 1 and tag.endswith("-"):
                    raise InputError(job.path, UNPARSEABLE.format(tag), line=number)
            if width is None:  # every line has the same columns, so the same tag columns
                width = len(tags)
                simple = width == 1 and not indexed
            if not document.sentences and not tokens:
                document.line = number
            if not tokens:
                columns = [[] for _ in tags]
                column = columns[0]
            tokens.append(token)
            for tags_of_column, tag in zip(columns, tags):
                tags_of_column.append(tag)
    end_document()
    _remark_repairs(writer, repairs[0])
    return writer.finish()


def _usual_rows(lines: list[str], start: int, end: int, width: int) -> tuple[list[str], list[str]] | None:
    """Tokens and tags of ``lines[start:end]`` when every one is a usual line (what the short
    path of ``run`` reads: ``width`` fields apart by one space, or one tab, the tag last and not
    a space-after flag, no -DOCSTART-, no tag ending in a dash), split at C speed all together;
    None otherwise."""
    if end - start < 2:
        return None
    first = lines[start]
    separator, other = (" ", "\t") if " " in first else ("\t", " ")
    block = "\n".join(lines[start:end])
    if len(block) >= MAX_LINE and max(map(len, lines[start:end])) >= MAX_LINE:
        return None  # a line too long to read (a LongLine's start may look usual): run refuses it
    if first.count(separator) + 1 != width or block.count(separator) != (end - start) * (width - 1):
        return None  # a line of other width (counted before anything is split: it may be huge)
    if other in block or "\r" in block:
        return None  # tabs and spaces, or carriage returns
    if any(space in block for space in _ODD_SPACES) if block.isascii() else _EDGE_SPACE.search(block):
        return None  # whitespace str.split() splits at, or strip() would take off a line
    # A line break is a field of its own: a line with a field too many or too few moves every one
    # after it out of step, which the counts catch.
    fields = block.replace("\n", f"{separator}\n{separator}").split(separator)
    count = end - start
    if len(fields) != count * (width + 1) - 1 or fields[width::width + 1].count("\n") != count - 1 or "" in fields:
        return None
    tokens, tags = fields[0::width + 1], fields[width - 1::width + 1]
    if "-DOCSTART-" in tokens or width > 2 and ("+" in tags or "-" in tags):
        return None
    ends = "\n" + "\n".join(tags) + "\n"
    if ends.count("-\n") != ends.count("\n-\n"):
        return None  # a tag ending in a dash: run names its line
    return tokens, tags


def _odd_width(line: str, width: int | None) -> str:
    """Why a line of too many or too few columns is refused; a huge line's fields are counted,
    never split (``width`` None: the file's first token line, wider than any format)."""
    line = line.strip()
    if "  " in line or "\t\t" in line or " \t" in line or "\t " in line:
        columns = sum(1 for _ in _FIELDS.finditer(line)) + 1
    else:  # one space or tab between fields (nearly always): counted at C speed
        columns = line.count(" ") + line.count("\t") + 1
    if width is None:
        return (f"this line has {columns:,} columns, more than any token file has ({MAX_COLUMNS:,}): "
                "were its line breaks lost?")
    return (f"this line has {columns:,} columns where the file's lines before it have {width} "
            "(a space inside a token, or lines run together?)")


UNPARSEABLE = "unparseable tag {!r} (expected O, a bare type, or B-/I-/E-/S-/L-/U-/M-/W- and a type)"


def _unparseable(job: Job, options: ImportOptions, tag: str, first: int) -> InputError:
    """The refusal of ``tag``, met when its document was built, naming the line it is on: found
    by reading the file again from the document's first line (a refusal only, never the usual path)."""
    for number, line in stream_lines(job.path, encoding=options.encoding):
        if number >= first and tag in line.split():
            return InputError(job.path, UNPARSEABLE.format(tag), line=number)
    return InputError(job.path, UNPARSEABLE.format(tag), line=first)


def _remark_repairs(writer: ForeignWriter, repairs: int) -> None:
    """Every span is imported; the user still hears that the tags were not valid IOB2."""
    if repairs:
        writer.remarks.append(f"{repairs} entit{'y' if repairs == 1 else 'ies'} started with I- and no B- "
                              "(IOB1, or a broken IOB2 sequence): read as IOB1 reads them")


def _has_index_column(content: str) -> bool:
    """GermEval-style: tab-separated, the first column counting tokens from 1."""
    for _, line in numbered_lines(content[:4096]):
        if line.strip() and not line.startswith("#"):
            first = line.split("\t")[0]
            return "\t" in line and first.isdigit()
    return False


def label_names(value: str | None) -> list[str] | None:
    """The names of integer tags: ``--labels`` as a comma list, or a JSON file holding them."""
    if value is None:
        return None
    if not os.path.isfile(value):
        return [name.strip() for name in value.split(",")]
    try:
        data = json.loads(read_text(value, encoding=None)[0])
    except json.JSONDecodeError as exc:
        raise InputError(value, f"malformed JSON: {exc.msg}", line=exc.lineno) from None
    if isinstance(data, dict):
        features = data.get("features", data)
        data = features.get("ner_tags", {}).get("feature", {}).get("names") if isinstance(features, dict) else None
    if not isinstance(data, list) or not all(isinstance(n, str) for n in data):
        raise InputError(value, "expected a list of tag names, or a dataset_info.json whose "
                                "features.ner_tags.feature.names lists them")
    return data


def run_hf(project: Project, job: Job, options: ImportOptions) -> Outcome:
    writer = ForeignWriter(project, job.path, "hf", layer=options.annotator)
    repairs = [0]
    with paused_gc():  # a record's lists hold no cycle: the collector would only rescan them
        _read_hf(writer, job, options, repairs)
    _remark_repairs(writer, repairs[0])
    return writer.finish()


def _read_hf(writer: ForeignWriter, job: Job, options: ImportOptions, repairs: list[int]) -> None:
    names = label_names(options.labels)
    for line, record in stream_json(job.path, encoding=options.encoding):
        if not looks_like_hf(record):
            raise writer.fail('expected an object with "tokens" and "ner_tags"', line)
        tokens, tags = record["tokens"], record["ner_tags"]
        if not isinstance(tokens, list) or not isinstance(tags, list) or len(tokens) != len(tags):
            raise writer.fail('"tokens" and "ner_tags" must be lists of the same length', line)
        # Checked at C speed (a corpus has millions of tokens): the set of the items' types.
        if not set(map(type, tokens)) <= _STR or "" in tokens:
            raise writer.fail('every token must be a non-empty string', line)
        kinds = set(map(type, tags))
        if kinds == _INT:  # bool is a type of its own here, so true/false are not tag ids
            if names is None and os.path.isfile(beside := os.path.join(os.path.dirname(job.path),
                                                                       "dataset_info.json")):
                # datasets' save_to_disk and the Hub keep the names there, beside the data
                names = label_names(beside)
                writer.remarks.append("integer ner_tags named by the dataset_info.json beside the file")
            if names is None:
                raise writer.fail("ner_tags are integers: give their names with --labels "
                                  "(e.g. --labels O,B-PER,I-PER,… or a dataset_info.json)", line)
            if max(tags) >= len(names) or min(tags) < 0:
                raise writer.fail(f"tag id {max(tags)} has no name (--labels gives {len(names)})", line)
            tags = [names[t] for t in tags]
        elif not kinds <= _STR:
            raise writer.fail("ner_tags must be all strings or all integers", line)
        document = _Document()
        document.sentences.append((tokens, [tags]))
        try:
            text, spans = document.build(repairs)
        except UnparseableTag as exc:
            raise writer.fail(UNPARSEABLE.format(exc.tag), line) from None
        name = f"record {record['id']}" if "id" in record else ""
        writer.add_plain(text, spans, line=line, name=name, meta={"source": f"{job.source}#{record.get('id', line)}"})
