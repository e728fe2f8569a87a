"""Inter-annotator agreement over the layers of a project: spans, tokens and event frames.

Qt-free and independent of how layers are stored: the input is a list of
:class:`ArticleLayers` (``storage.team.corpus`` reads them from a project). An annotator
*annotated* an article when the article has a layer of theirs, even an empty one: an empty
layer beside a full one is disagreement, not a missing comparison. Only articles with two
or more layers are compared. Every figure is explained in README.md (Agreement).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable, Sequence

from storage.team.coefficients import (
    PRF,
    ZERO,
    Pattern,
    alpha_from_patterns,
    cohen_kappa,
    krippendorff_alpha,
)
from storage.team.gc_pause import paused_gc
from storage.team.matching import MODES, FrameAnn, SpanAnn, match, units

__all__ = ["Agreement", "ArticleLayers", "FrameAnn", "SpanAnn", "agreement"]

OUTSIDE = "O"  # a token's value where an annotator tagged nothing over it
# Token units: a CJK ideograph alone, a run of letters/digits (inner hyphens kept: "Al-Assad"),
# or any other single non-space character. A regex rather than storage.sentences.tokens: the
# same split on news text (a test compares them) and 20× faster, which 10,000 articles need.
# "A word character but not an ideograph" is the class [^\W…] rather than a lookahead per
# character: the same tokens, twice as fast.
_WORD = r"[^\W\u3400-\u4dbf\u4e00-\u9fff]+"
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|" + _WORD + "(?:-" + _WORD + r")*|[^\w\s]")
LOWEST = 10


@dataclass
class ArticleLayers:
    """One article's annotations, per annotator (layer)."""

    article_id: int
    title: str
    text: str | None  # None skips token-level figures for the article
    spans: dict[str, list[SpanAnn]] = field(default_factory=dict)
    frames: dict[str, list[FrameAnn]] = field(default_factory=dict)


def _joined(values: Iterable[Any]) -> str:
    """An annotator's value in a unit; stacked labels at one position become one value."""
    values = list(values)
    return str(values[0]) if len(values) == 1 else "+".join(sorted({str(v) for v in values}))


def _attribute_value(value: Any) -> str:
    # Unset is a value of its own, like INCEpTION's empty string: the frame is there, the choice is not.
    return "" if value is None else value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _tokens_under(text: str, spans: list[SpanAnn]) -> list[tuple[int, int]]:
    """The tokens that overlap any of ``spans``: only these can differ from all-O."""
    found: list[tuple[int, int]] = []
    reach = -1
    for start, end in sorted((s.start, s.end) for s in spans):
        if end <= reach:
            continue
        begin = max(start, reach)
        while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "-_"):
            begin -= 1  # back to the start of the token that holds ``start``
        for match in _TOKEN.finditer(text, begin):
            token = match.span()
            if token[0] >= end:
                break
            if token[1] > start and token[0] >= reach:
                found.append(token)
                reach = token[1]
        reach = max(reach, end)
    return found


class _PairTally:
    """Counts for one annotator pair, summed over the articles both annotated."""

    def __init__(self) -> None:
        self.articles = 0
        self.spans = {mode: {"overall": ZERO} for mode in MODES}
        self.positions: dict[str, Counter] = {mode: Counter() for mode in MODES}
        self.tokens: Counter = Counter()
        self.triggers = {mode: ZERO for mode in MODES}
        self.types: Counter = Counter()
        self.roles: dict[str, PRF] = {}
        self.attributes: dict[str, Counter] = {}


class Agreement:
    """Accumulates articles, then :meth:`report` gives every figure as plain data (JSON-ready)."""

    def __init__(self, annotators: Sequence[str], *, labels: Sequence[str] | None = None) -> None:
        self.annotators = list(annotators)
        self.labels = set(labels) if labels else None
        self.pairs = {pair: _PairTally() for pair in combinations(self.annotators, 2)}
        self._index = {name: k for k, name in enumerate(self.annotators)}
        self.position_units: dict[str, list[list[Any]]] = {mode: [] for mode in MODES}
        self.token_patterns: Counter[Pattern] = Counter()
        self.type_units: list[list[Any]] = []
        self.attribute_units: dict[str, list[list[Any]]] = {}
        self.article_scores: list[tuple[float, int, str]] = []
        self.compared = 0

    # -- accumulation ------------------------------------------------------------------------

    def add(self, article: ArticleLayers) -> None:
        spans = {name: [s for s in layer if self.labels is None or s.label in self.labels]
                 for name, layer in article.spans.items() if name in self.annotators}
        frames = {name: article.frames.get(name, []) for name in spans}
        present = [name for name in self.annotators if name in spans]
        if len(present) < 2:
            return
        self.compared += 1
        f1s = []
        for a, b in combinations(present, 2):
            tally = self.pairs[(a, b)]
            tally.articles += 1
            f1s.append(self._span_pair(tally, spans[a], spans[b]))
            self._frame_pair(tally, frames[a], frames[b])
        index = self._index
        width = len(self.annotators)
        for mode in MODES:
            rows = self.position_units[mode]
            # κ is pairwise: each pair (both present) sees the units either of the two has a value in.
            slots = [(index[a], index[b], tally.positions[mode]) for (a, b), tally in self.pairs.items()
                     if a in spans and b in spans]
            for unit in units(spans, self.annotators, mode=mode):
                row = [None] * width
                for name, members in unit.items():
                    row[index[name]] = members[0].label if len(members) == 1 else _joined(s.label for s in members)
                rows.append(row)
                for i, j, counts in slots:
                    x, y = row[i], row[j]
                    if x is not None or y is not None:
                        counts[(x, y)] += 1
        if article.text is not None:
            self._tokens(article.text, spans, present)
        self._frame_units(frames)
        scored = [f for f in f1s if f is not None]
        if scored:
            self.article_scores.append((sum(scored) / len(scored), article.article_id, article.title))

    def _span_pair(self, tally: _PairTally, a: list[SpanAnn], b: list[SpanAnn]) -> float | None:
        exact_f1 = None
        count_a = Counter(s.label for s in a)
        count_b = Counter(s.label for s in b)
        for mode in MODES:
            by_label = tally.spans[mode]
            if mode == "exact":  # a layer holds a span once: matching is set intersection
                hits = Counter(s.label for s in set(a).intersection(b))
                overall = PRF(sum(hits.values()), len(a), len(b))
            else:
                matched = match(a, b, mode=mode, same_label=True)
                hits = Counter(a[i].label for i, _ in matched)
                overall = PRF(len(matched), len(a), len(b))
            by_label["overall"] += overall
            for label in count_a.keys() | count_b.keys():
                by_label[label] = by_label.get(label, ZERO) + PRF(hits[label], count_a[label], count_b[label])
            if mode == "exact":
                exact_f1 = overall.f1
        return exact_f1

    def _tokens(self, text: str, spans: dict[str, list[SpanAnn]], present: list[str]) -> None:
        """Token units: each word token takes the label of the shortest span over it, else O.

        Tokens no one tagged are all-O units; they are counted, not listed, since they are
        most of the text and all alike.
        """
        bounds = _tokens_under(text, [s for name in present for s in spans[name]])
        starts = [s for s, _ in bounds]
        per_layer: dict[str, dict[int, str]] = {}
        for name in present:
            values: dict[int, str] = {}
            # Longest first, so a nested (shorter) span overwrites its container's label.
            for span in sorted(spans[name], key=lambda s: (s.start - s.end, s.label)):
                k = max(bisect_left(starts, span.start) - 1, 0)
                while k < len(bounds) and bounds[k][0] < span.end:
                    if bounds[k][1] > span.start:
                        values[k] = span.label
                    k += 1
            per_layer[name] = values
        tagged = set().union(*(v.keys() for v in per_layer.values()))
        for k in tagged:
            self.token_patterns[tuple(per_layer[name].get(k, OUTSIDE) if name in per_layer else None
                                      for name in self.annotators)] += 1
        untagged = len(_TOKEN.findall(text)) - len(tagged)
        if untagged:
            self.token_patterns[tuple(OUTSIDE if name in per_layer else None
                                      for name in self.annotators)] += untagged
        for (a, b), tally in self.pairs.items():
            if a in per_layer and b in per_layer:
                tally.tokens.update((per_layer[a].get(k, OUTSIDE), per_layer[b].get(k, OUTSIDE)) for k in tagged)
                tally.tokens[(OUTSIDE, OUTSIDE)] += untagged

    def _frame_pair(self, tally: _PairTally, a: list[FrameAnn], b: list[FrameAnn]) -> None:
        trigger = lambda f: f.trigger  # noqa: E731
        for mode in MODES:
            matched = match(a, b, mode=mode, same_label=False, where=trigger, label=lambda f: None)
            tally.triggers[mode] += PRF(len(matched), len(a), len(b))
            if mode != "exact":
                continue
            # Tiers below the trigger: only frames whose triggers matched exactly.
            for i, j in matched:
                fa, fb = a[i], b[j]
                tally.types[(fa.type or "", fb.type or "")] += 1
                for role in fa.roles.keys() | fb.roles.keys():
                    fillers_a, fillers_b = fa.roles.get(role, frozenset()), fb.roles.get(role, frozenset())
                    tally.roles[role] = tally.roles.get(role, ZERO) + PRF(
                        len(fillers_a & fillers_b), len(fillers_a), len(fillers_b))
                for name in fa.attributes.keys() | fb.attributes.keys():
                    tally.attributes.setdefault(name, Counter())[
                        (_attribute_value(fa.attributes.get(name)), _attribute_value(fb.attributes.get(name)))] += 1

    def _frame_units(self, frames: dict[str, list[FrameAnn]]) -> None:
        names = set()
        for layer in frames.values():
            for frame in layer:
                names.update(frame.attributes)
        for unit in units(frames, self.annotators, mode="exact", where=lambda f: f.trigger):
            self.type_units.append([_joined(f.type or "" for f in unit[n]) if n in unit else None
                                    for n in self.annotators])
            for name in names:
                self.attribute_units.setdefault(name, []).append(
                    [_joined(_attribute_value(f.attributes.get(name)) for f in unit[n]) if n in unit else None
                     for n in self.annotators])

    # -- the figures ---------------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        pairs = []
        pooled = {mode: {} for mode in MODES}
        for (a, b), tally in self.pairs.items():
            entry: dict[str, Any] = {"a": a, "b": b, "articles": tally.articles}
            for mode in MODES:
                entry[f"spans_{mode}"] = {label: prf.as_dict() for label, prf in sorted(tally.spans[mode].items())}
                for label, prf in tally.spans[mode].items():
                    pooled[mode][label] = pooled[mode].get(label, ZERO) + prf
                entry[f"kappa_{mode}"] = cohen_kappa(tally.positions[mode]).as_dict()
            entry["kappa_token"] = cohen_kappa(tally.tokens).as_dict()
            entry["events"] = {
                "trigger_exact": tally.triggers["exact"].as_dict(),
                "trigger_overlap": tally.triggers["overlap"].as_dict(),
                "type_matched": sum(tally.types.values()),
                "type_agreed": sum(n for (x, y), n in tally.types.items() if x == y),
                "type_kappa": cohen_kappa(tally.types).as_dict(),
                "roles": {role: prf.as_dict() for role, prf in sorted(tally.roles.items())},
                "attribute_kappa": {name: cohen_kappa(c).as_dict() for name, c in sorted(tally.attributes.items())},
            }
            pairs.append(entry)
        labels = sorted({label for mode in MODES for label in pooled[mode]} - {"overall"})
        lowest = sorted(self.article_scores)[:LOWEST]
        return {
            "annotators": self.annotators,
            "articles_compared": self.compared,
            "labels": {label: {mode: pooled[mode].get(label, ZERO).as_dict() for mode in MODES}
                       for label in labels},
            "overall": {mode: pooled[mode].get("overall", ZERO).as_dict() for mode in MODES},
            "alpha": {
                "exact": krippendorff_alpha(self.position_units["exact"]).as_dict(),
                "overlap": krippendorff_alpha(self.position_units["overlap"]).as_dict(),
                "token": alpha_from_patterns(self.token_patterns).as_dict(),
                "event_type": krippendorff_alpha(self.type_units).as_dict(),
                "event_attributes": {name: krippendorff_alpha(rows).as_dict()
                                     for name, rows in sorted(self.attribute_units.items())},
            },
            "pairs": pairs,
            "lowest_articles": [{"id": aid, "title": title, "f1": round(score, 4)}
                                for score, aid, title in lowest],
        }


def agreement(articles: Iterable[ArticleLayers], annotators: Sequence[str], *,
              labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Every agreement figure over ``articles`` between ``annotators`` (see README, Agreement)."""
    with paused_gc():  # a corpus is about a million small acyclic tuples (storage.team.gc_pause)
        tally = Agreement(annotators, labels=labels)
        for article in articles:
            tally.add(article)
        return tally.report()

