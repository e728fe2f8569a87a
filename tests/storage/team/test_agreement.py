"""Agreement figures against hand computations and against the krippendorff package on the same units."""
from __future__ import annotations

from collections import Counter

import krippendorff
import numpy as np
import pytest

from storage.team.agreement import ArticleLayers, FrameAnn, SpanAnn, agreement
from storage.team.coefficients import alpha_from_patterns, cohen_kappa, krippendorff_alpha
from storage.team.matching import match

TEXT = "Rebels entered Velmora after fighting the army."
#       0-6    7-14    15-22   23-28 29-37  38-41 42-46 46-47
NAN = np.nan

ANA = [SpanAnn(0, 6, "ACTOR"), SpanAnn(7, 14, "EVENT"), SpanAnn(15, 22, "LOCATION"), SpanAnn(38, 46, "ACTOR")]
BEN = [SpanAnn(0, 6, "ACTOR"), SpanAnn(7, 14, "EVENT"), SpanAnn(15, 22, "ACTOR"), SpanAnn(42, 46, "ACTOR")]
CHEN = [SpanAnn(0, 6, "ACTOR"), SpanAnn(7, 14, "EVENT"), SpanAnn(15, 22, "LOCATION")]

ANA_FRAMES = [FrameAnn((7, 14), "FIGHT", {"source": frozenset({(0, 6)}), "target": frozenset({(38, 46)}),
                                          "location": frozenset({(15, 22)})},
                       {"polarity": "positive", "modality": "asserted"})]
BEN_FRAMES = [FrameAnn((7, 14), "ASSAULT", {"source": frozenset({(0, 6)}), "target": frozenset({(42, 46)})},
                       {"polarity": "positive", "modality": "reported"}),
              FrameAnn((29, 37), "FIGHT", {}, {"polarity": "positive", "modality": "asserted"})]


def two() -> dict:
    article = ArticleLayers(1, "Velmora", TEXT, {"ana": ANA, "ben": BEN}, {"ana": ANA_FRAMES, "ben": BEN_FRAMES})
    return agreement([article], ["ana", "ben"])


def test_span_precision_recall_f1_exact_and_overlap_by_hand():
    report = two()
    pair = report["pairs"][0]
    # exact: ACTOR 0-6 and EVENT 7-14 agree; 4 spans each.
    assert pair["spans_exact"]["overall"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5,
                                              "matched": 2, "a": 4, "b": 4}
    # overlap: "the army" / "army" (same label) matches too.
    assert pair["spans_overlap"]["overall"]["f1"] == 0.75
    # ACTOR: ana 2, ben 3, one exact match: P 1/3, R 1/2, F1 2/5; overlap: P 2/3, R 1, F1 4/5.
    assert pair["spans_exact"]["ACTOR"] == {"precision": 0.3333, "recall": 0.5, "f1": 0.4,
                                            "matched": 1, "a": 2, "b": 3}
    assert pair["spans_overlap"]["ACTOR"]["f1"] == 0.8
    # LOCATION: only ana has one: recall 0, precision undefined.
    assert pair["spans_exact"]["LOCATION"] == {"precision": None, "recall": 0.0, "f1": 0.0,
                                               "matched": 0, "a": 1, "b": 0}
    assert report["labels"]["ACTOR"]["exact"]["f1"] == 0.4
    assert report["overall"]["overlap"]["f1"] == 0.75


def test_kappa_over_exact_and_overlap_units_by_hand():
    pair = two()["pairs"][0]
    # Exact positions: 5 units, 3 complete: (A,A) (E,E) (L,A). p_o 2/3, p_e 3/9 -> kappa 1/2.
    assert pair["kappa_exact"] == {"value": 0.5, "units": 3, "total": 5}
    # Overlap units join "the army"/"army": 4 units (A,A) (E,E) (L,A) (A,A): p_o 3/4, p_e 7/16 -> 5/9.
    assert pair["kappa_overlap"] == {"value": round(5 / 9, 4), "units": 4, "total": 4}


def test_alpha_over_span_units_by_hand_and_by_the_package():
    alpha = two()["alpha"]
    # Exact: coincidences A-A 2, E-E 2, L-A 1+1; n = 6, D_e = (36 - 14)/5: alpha = 1 - 2/4.4.
    assert alpha["exact"] == {"value": round(1 - 2 / 4.4, 4), "units": 3, "total": 5}
    assert alpha["exact"]["value"] == round(krippendorff.alpha(
        [[0, 1, 2, 0, NAN], [0, 1, 0, NAN, 0]], level_of_measurement="nominal"), 4)
    # Overlap: A-A 4, E-E 2, L-A 1+1; n = 8, D_e = (64 - 30)/7: alpha = 1 - 14/34.
    assert alpha["overlap"]["value"] == round(1 - 14 / 34, 4)
    assert alpha["overlap"]["value"] == round(krippendorff.alpha(
        [[0, 1, 2, 0], [0, 1, 0, 0]], level_of_measurement="nominal"), 4)


def test_token_level_kappa_and_alpha_by_hand_and_by_the_package():
    report = two()
    # Tokens: Rebels entered Velmora after fighting the army .
    ana = ["A", "E", "L", "O", "O", "A", "A", "O"]
    ben = ["A", "E", "A", "O", "O", "O", "A", "O"]
    # p_o 6/8; margins ana A3 E1 L1 O3, ben A3 E1 O4: p_e 22/64 -> kappa 26/42.
    assert report["pairs"][0]["kappa_token"] == {"value": round(26 / 42, 4), "units": 8, "total": 8}
    # n_A 6, n_E 2, n_O 7, n_L 1 (n 16); 4 disagreeing coincidences: alpha = 1 - 4*15/166.
    assert report["alpha"]["token"]["value"] == round(1 - 60 / 166, 4)
    code = {"A": 0, "E": 1, "L": 2, "O": 3}
    assert report["alpha"]["token"]["value"] == round(krippendorff.alpha(
        [[code[v] for v in ana], [code[v] for v in ben]], level_of_measurement="nominal"), 4)


def test_three_annotators_alpha_by_hand_and_by_the_package():
    article = ArticleLayers(1, "Velmora", TEXT, {"ana": ANA, "ben": BEN, "chen": CHEN})
    report = agreement([article], ["ana", "ben", "chen"])
    # Units: (A,A,A) (E,E,E) (L,A,L) (A,-,-) (-,A,-): o_AA 3, o_EE 3, o_LL 1, o_LA = o_AL 1;
    # n_A 4, n_E 3, n_L 2 (n 9): D_e = (81 - 29)/8 = 6.5, alpha = 1 - 2/6.5.
    assert report["alpha"]["exact"] == {"value": round(1 - 2 / 6.5, 4), "units": 3, "total": 5}
    assert report["alpha"]["exact"]["value"] == round(krippendorff.alpha(
        [[0, 1, 2, 0, NAN], [0, 1, 0, NAN, 0], [0, 1, 2, NAN, NAN]], level_of_measurement="nominal"), 4)
    assert [(p["a"], p["b"]) for p in report["pairs"]] == [("ana", "ben"), ("ana", "chen"), ("ben", "chen")]
    assert report["pairs"][1]["spans_exact"]["overall"]["f1"] == round(2 * 3 / 7, 4)


def test_event_frames_tiered_by_hand():
    report = two()
    events = report["pairs"][0]["events"]
    # Triggers: ana 1, ben 2, one match: P 1/2, R 1, F1 2/3.
    assert events["trigger_exact"] == {"precision": 0.5, "recall": 1.0, "f1": round(2 / 3, 4),
                                       "matched": 1, "a": 1, "b": 2}
    # Type given the matched trigger: FIGHT vs ASSAULT.
    assert (events["type_matched"], events["type_agreed"]) == (1, 0)
    assert events["type_kappa"]["value"] == 0.0
    # Roles given the matched trigger: source agrees, target differs, location only in ana's.
    assert events["roles"]["source"]["f1"] == 1.0
    assert events["roles"]["target"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "matched": 0, "a": 1, "b": 1}
    assert events["roles"]["location"]["recall"] == 0.0 and events["roles"]["location"]["precision"] is None
    # Attributes: polarity agrees on one unit only (one value: kappa undefined); modality differs.
    assert events["attribute_kappa"]["polarity"]["value"] is None
    assert events["attribute_kappa"]["modality"]["value"] == 0.0
    # Alpha of types over trigger units: (FIGHT, ASSAULT) and (-, FIGHT): one pairable unit, all disagreement.
    assert report["alpha"]["event_type"] == {"value": 0.0, "units": 1, "total": 2}
    assert report["alpha"]["event_type"]["value"] == round(krippendorff.alpha(
        [[0, NAN], [1, 0]], level_of_measurement="nominal"), 4)


def test_lowest_articles_are_ranked_by_mean_exact_f1_and_single_layers_are_not_compared():
    same = ArticleLayers(2, "same", TEXT, {"ana": ANA, "ben": ANA})
    empty = ArticleLayers(3, "nothing", TEXT, {"ana": [], "ben": []})
    alone = ArticleLayers(4, "alone", TEXT, {"ana": ANA})
    half = ArticleLayers(1, "Velmora", TEXT, {"ana": ANA, "ben": BEN})
    report = agreement([same, empty, alone, half], ["ana", "ben"])
    assert report["articles_compared"] == 3
    assert [(a["id"], a["f1"]) for a in report["lowest_articles"]] == [(1, 0.5), (2, 1.0)]


def test_labels_filter_keeps_only_those_labels():
    article = ArticleLayers(1, "Velmora", TEXT, {"ana": ANA, "ben": BEN})
    report = agreement([article], ["ana", "ben"], labels=["EVENT"])
    assert set(report["labels"]) == {"EVENT"} and report["overall"]["exact"]["f1"] == 1.0


def test_pattern_alpha_equals_the_package_on_expanded_units():
    patterns = Counter({("O", "O", None): 40, ("A", "A", "A"): 5, ("A", "L", None): 3,
                        ("L", "L", "A"): 2, ("O", "A", "O"): 4, (None, "E", None): 1})
    rows = [p for p, n in patterns.items() for _ in range(n)]
    code = {"O": 0, "A": 1, "L": 2, "E": 3, None: NAN}
    expected = krippendorff.alpha(np.array([[code[r[i]] for r in rows] for i in range(3)], dtype=float),
                                  level_of_measurement="nominal")
    assert alpha_from_patterns(patterns).value == pytest.approx(expected)
    assert krippendorff_alpha(rows).value == pytest.approx(expected)


def test_undefined_coefficients_are_none_not_nan():
    assert cohen_kappa(Counter({("A", "A"): 3})).value is None
    assert cohen_kappa(Counter({("A", None): 3})).units == 0
    assert krippendorff_alpha([["A", "A"], ["A", None]]).value is None


def test_overlap_matching_is_one_to_one_and_prefers_the_same_label():
    a = [SpanAnn(0, 10, "ACTOR")]
    b = [SpanAnn(0, 4, "LOCATION"), SpanAnn(5, 10, "ACTOR"), SpanAnn(2, 9, "ACTOR")]
    assert match(a, b, mode="overlap", same_label=False) == [(0, 2)]  # same label, larger overlap
    assert match(b, a, mode="overlap", same_label=True) == [(2, 0)]


def test_text_and_html_reports_show_the_same_figures_and_escape_titles():
    from storage.team.agreement_report import format_text, to_html

    article = ArticleLayers(7, "<b>Velmora</b> & co", TEXT, {"ana": ANA, "ben": BEN})
    report = agreement([article], ["ana", "ben"])
    text = format_text(report)
    assert "articles compared: 1" in text and "ana / ben" in text and "#7  <b>Velmora</b> & co" in text
    page = to_html(report)
    assert "&lt;b&gt;Velmora&lt;/b&gt; &amp; co" in page and "<b>Velmora" not in page
    assert "width:6.00em" in page  # overall exact F1 0.5 drawn as half of the 12em bar
    assert format_text(agreement([], ["ana", "ben"])).startswith("no article has annotations by two")


def test_token_units_split_text_as_storage_sentences_does():
    from storage.sentences import tokens
    from storage.team.agreement import _TOKEN

    for text in (TEXT, "Mr. Al-Assad left Syria, didn't he? 北京市 grew 3.5% in the U.S. 😊 today."):
        assert [m.span() for m in _TOKEN.finditer(text)] == tokens(text)


def test_tokens_under_spans_are_exactly_the_tokens_that_overlap_them():
    import random

    from storage.team.agreement import _TOKEN, _tokens_under

    text = "Mr. Al-Assad's forces (the army) re-entered Homs, 北京 said; 3.5% of U.S. troops left."
    every = [m.span() for m in _TOKEN.finditer(text)]
    rng = random.Random(3)
    for _ in range(300):
        spans = []
        for _ in range(rng.randint(1, 5)):
            start = rng.randrange(len(text) - 1)
            spans.append(SpanAnn(start, rng.randint(start + 1, min(len(text), start + 15)), "ACTOR"))
        expected = [t for t in every if any(t[0] < s.end and t[1] > s.start for s in spans)]
        assert _tokens_under(text, spans) == expected, spans
