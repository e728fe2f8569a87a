"""Agreement coefficients over already-matched units: P/R/F1 counts, Cohen's κ, Krippendorff's α.

A *unit* is one place where annotators could agree (a span position, a token, an event
frame); its *values* are what each annotator said there, ``None`` where an annotator said
nothing (missing). Matching spans into units is ``storage.team.matching``'s job; here the
units are given.

Krippendorff's α comes from the maintained ``krippendorff`` package, always with
``level_of_measurement="nominal"`` (its default, interval, is wrong for labels). Token-level
units number in the millions (every token of every article) while their distinct value
patterns number in the tens, so those are passed as patterns with multiplicities and α is
taken from the same coincidence matrix the package builds, weighted; a test checks both
agree on the expanded units.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import Hashable, Iterable, Sequence

import numpy as np

Value = Hashable | None
Pattern = tuple[Value, ...]  # one value per annotator, None for missing


@dataclass(frozen=True)
class PRF:
    """Matches between a reference layer A and a compared layer B: P = tp/|B|, R = tp/|A|."""

    tp: int
    n_a: int
    n_b: int

    @property
    def precision(self) -> float | None:
        return self.tp / self.n_b if self.n_b else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.n_a if self.n_a else None

    @property
    def f1(self) -> float | None:
        # 2tp / (|A| + |B|): symmetric in A and B, defined whenever either side has anything.
        total = self.n_a + self.n_b
        return 2 * self.tp / total if total else None

    def __add__(self, other: "PRF") -> "PRF":
        return PRF(self.tp + other.tp, self.n_a + other.n_a, self.n_b + other.n_b)

    def as_dict(self) -> dict[str, float | int | None]:
        return {"precision": _round(self.precision), "recall": _round(self.recall),
                "f1": _round(self.f1), "matched": self.tp, "a": self.n_a, "b": self.n_b}


ZERO = PRF(0, 0, 0)


@dataclass(frozen=True)
class Coefficient:
    """A chance-corrected coefficient with the units it was computed over.

    ``value`` is None when it is undefined: no pairable unit, or one value only (nothing by
    chance to correct for, so 0/0).
    """

    value: float | None
    units: int  # units that entered the computation
    total: int  # units found, including incomplete ones (INCEpTION's "used / total")

    def as_dict(self) -> dict[str, float | int | None]:
        return {"value": _round(self.value), "units": self.units, "total": self.total}


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def cohen_kappa(pairs: Counter[tuple[Value, Value]]) -> Coefficient:
    """Cohen's κ over ``(value of A, value of B)`` counts; units where either is missing are left out.

    κ = (p_o − p_e) / (1 − p_e), p_e from each annotator's own marginals (Cohen 1960).
    """
    total = sum(pairs.values())
    complete = Counter({k: n for k, n in pairs.items() if k[0] is not None and k[1] is not None})
    n = sum(complete.values())
    if n == 0:
        return Coefficient(None, 0, total)
    observed = sum(c for (a, b), c in complete.items() if a == b) / n
    margin_a: Counter[Value] = Counter()
    margin_b: Counter[Value] = Counter()
    for (a, b), c in complete.items():
        margin_a[a] += c
        margin_b[b] += c
    expected = sum(margin_a[v] * margin_b[v] for v in margin_a) / (n * n)
    if expected >= 1.0:
        return Coefficient(None, n, total)
    return Coefficient((observed - expected) / (1 - expected), n, total)


def krippendorff_alpha(units: Sequence[Sequence[Value]]) -> Coefficient:
    """Krippendorff's α, nominal, via the ``krippendorff`` package: one row per unit, one value per annotator."""
    import krippendorff

    # Built with C-level iteration (chain, map, fromiter) and one np.add.at scatter: position
    # units number in the hundreds of thousands on a big corpus.
    values = list(chain.from_iterable(units))
    domain = sorted(set(values) - {None}, key=repr)
    code = {v: i for i, v in enumerate(domain)}
    code[None] = -1
    columns = np.fromiter(map(code.__getitem__, values), dtype=np.int64, count=len(values))
    rows = np.repeat(np.arange(len(units), dtype=np.int64), np.fromiter(map(len, units), dtype=np.int64,
                                                                        count=len(units)))
    given = columns >= 0
    counts = np.zeros((len(units), max(len(domain), 1)), dtype=np.int64)
    np.add.at(counts, (rows[given], columns[given]), 1)
    pairable = int((counts.sum(axis=1) >= 2).sum())
    if pairable == 0 or len(domain) < 2:
        return Coefficient(None, pairable, len(units))
    value = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    return Coefficient(None if np.isnan(value) else float(value), pairable, len(units))


def alpha_from_patterns(patterns: Counter[Pattern]) -> Coefficient:
    """Nominal α over units given as value patterns with multiplicities (token-level units).

    The coincidence matrix is Krippendorff's: each unit with m ≥ 2 values adds
    (n_c·n_k − [c = k]·n_c) / (m − 1) to o_ck; α = 1 − D_o / D_e with nominal distance.
    Equal to ``krippendorff.alpha(…, "nominal")`` on the expanded units (tested).
    """
    domain = sorted({v for p in patterns for v in p if v is not None}, key=repr)
    index = {v: i for i, v in enumerate(domain)}
    size = len(domain)
    o = np.zeros((max(size, 1), max(size, 1)))
    total = sum(patterns.values())
    pairable = 0
    for pattern, multiplicity in patterns.items():
        counts = np.zeros(max(size, 1))
        for v in pattern:
            if v is not None:
                counts[index[v]] += 1
        m = counts.sum()
        if m < 2:
            continue
        pairable += multiplicity
        o += multiplicity * (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    if pairable == 0 or size < 2:
        return Coefficient(None, pairable, total)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    observed = o.sum() - np.trace(o)
    expected = (n * n - (n_c * n_c).sum()) / (n - 1)
    if expected == 0:
        return Coefficient(None, pairable, total)
    return Coefficient(float(1 - observed / expected), pairable, total)
