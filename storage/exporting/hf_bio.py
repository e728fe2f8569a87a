"""Hugging Face token classification: one record per sentence, IOB2 tags.

``{"id": "<article id>-<sentence index>", "tokens": ["Mr", ".", "Al-Assad", "left", ...],
"ner_tags": ["B-ACTOR", "I-ACTOR", "I-ACTOR", "O", ...]}``

Every record has the same three fields and types (``datasets.load_dataset("json")`` needs that);
sentences without spans are written too, all "O", as CoNLL-2003 on the Hub has them. Sentences and
tokens come from ``storage.sentences`` (code-point ranges; "Mr."/"U.S." do not end a sentence).
The scheme is IOB2: every entity starts with ``B-``, what the Hub's datasets use.

Decisions, each counted in the report rather than done silently:

* Alignment: a span boundary that falls inside a token splits that token there, so every span
  is kept with exactly its annotated characters ("Syria" in "Syria’s" is already its own token;
  an annotation of "Assad" inside "Al-Assad" turns the token into "Al-" and "Assad"). The
  alternative, dropping unaligned spans, would throw annotation away to suit a tokenizer. Each
  token cut this way is counted in the summary with the first example ("Dama|scus"): a model
  trained on such pieces learns from words no tokenizer will give it.
* Overlap: BIO gives each token one tag, so nested and overlapping spans cannot all be written.
  A maximal non-overlapping set is kept, longest first, then earliest, then oldest id (what
  ``spacy.util.filter_spans`` does); the others are dropped as "overlapping".
* A span that crosses a sentence boundary cannot be one entity of a one-sentence record: dropped
  as "cross-sentence" (before overlaps are resolved, so it cannot push out a span that fits).
* A span of whitespace only covers no token: dropped as "whitespace-only".
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from typing import Any, Iterable, Iterator, Sequence, TextIO

from storage.exporting.batches import ArticleData, ExportContext, ExportReport, SpanRow, json_line
from storage.sentences import sentences, tokens


def non_overlapping(spans: Sequence[SpanRow]) -> list[SpanRow]:
    """A maximal set of pairwise disjoint spans, longest first, then earliest start, then lowest id.

    Returned in text order. Kept spans are disjoint, so sorted by start their ends are sorted
    too; a candidate overlaps a kept span exactly when a neighbour found by bisection touches it.
    """
    starts: list[int] = []
    ends: list[int] = []
    kept: dict[int, SpanRow] = {}
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start, s.id)):
        i = bisect_right(starts, span.start)
        if i > 0 and ends[i - 1] > span.start:
            continue  # the kept span starting before this one reaches into it
        if i < len(starts) and starts[i] < span.end:
            continue  # the kept span starting after this one begins before it ends
        insort(starts, span.start)
        ends.insert(bisect_left(starts, span.start), span.end)
        kept[span.start] = span
    return [kept[start] for start in starts]


def _split_at(token_ranges: list[tuple[int, int]], cuts: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
    """Cut tokens at every offset in ``cuts`` (sorted) that falls strictly inside one.

    Returns the new ranges and the indices (in ``token_ranges``) of the tokens that were cut.
    """
    if not cuts:
        return token_ranges, []
    # Usually every span edge is already a token edge: find that out per cut, not per token.
    starts = [start for start, _ in token_ranges]
    for cut in cuts:
        i = bisect_right(starts, cut) - 1
        if i >= 0 and cut < token_ranges[i][1] and cut != starts[i]:
            break
    else:
        return token_ranges, []
    result: list[tuple[int, int]] = []
    cut_tokens: list[int] = []
    for n, (start, end) in enumerate(token_ranges):
        i = bisect_right(cuts, start)
        if i < len(cuts) and cuts[i] < end:
            cut_tokens.append(n)
        while i < len(cuts) and cuts[i] < end:
            result.append((start, cuts[i]))
            start = cuts[i]
            i += 1
        result.append((start, end))
    return result, cut_tokens


def _shown_cut(text: str, token: tuple[int, int], cuts: list[int]) -> str:
    """A cut token as the user should see it: "Dama|scus"."""
    start, end = token
    inner = [cut for cut in cuts if start < cut < end]
    edges = [start, *inner, end]
    return "|".join(text[a:b] for a, b in zip(edges, edges[1:]))


def article_records(article: ArticleData, report: ExportReport) -> Iterator[dict[str, Any]]:
    """The records of one article's sentences; counts what had to be dropped in ``report``."""
    text = article.text
    bounds = sentences(text)
    sentence_starts = [start for start, _ in bounds]
    in_sentence: list[SpanRow] = []
    for span in article.spans:
        i = bisect_right(sentence_starts, span.start) - 1
        if i >= 0 and span.end <= bounds[i][1] and span.start < bounds[i][1]:
            in_sentence.append(span)
        else:
            report.drop("cross-sentence")
    kept = non_overlapping(in_sentence)
    report.drop("overlapping", len(in_sentence) - len(kept))
    k = 0  # next kept span, in text order; sentences come in text order too
    for n, (start, end) in enumerate(bounds):
        mine: list[SpanRow] = []
        while k < len(kept) and kept[k].start < end:
            mine.append(kept[k])
            k += 1
        cuts = sorted({offset for span in mine for offset in (span.start, span.end)})
        whole = tokens(text, start, end)
        ranges, cut_tokens = _split_at(whole, cuts)
        if cut_tokens:
            report.change("token", "split at a span edge inside a word", len(cut_tokens),
                          example=_shown_cut(text, whole[cut_tokens[0]], cuts))
        yield {"id": f"{article.id}-{n}", "tokens": [text[a:b] for a, b in ranges],
               "ner_tags": _tags(ranges, mine, report)}


def _tags(ranges: list[tuple[int, int]], spans: list[SpanRow], report: ExportReport) -> list[str]:
    """IOB2 tags of ``ranges`` for disjoint ``spans`` in text order (tokens never straddle a span edge)."""
    tags = ["O"] * len(ranges)
    t = 0
    for span in spans:
        while t < len(ranges) and ranges[t][0] < span.start:
            t += 1
        first = t
        while t < len(ranges) and ranges[t][1] <= span.end:
            tags[t] = ("B-" if t == first else "I-") + span.label
            t += 1
        if t == first:
            report.drop("whitespace-only")
        else:
            report.spans += 1
    return tags


def write(articles: Iterable[ArticleData], out: TextIO, report: ExportReport,
          context: ExportContext) -> None:
    for article in articles:
        for record in article_records(article, report):
            out.write(json_line(record))
            report.records += 1
