"""The curation view's one-sweep grouping gives exactly the units of pairwise one-to-one matching."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.team.matching import SpanAnn, overlap_units, units

NAMES = ["ana", "ben", "chen", "dan"]

# Small texts and few labels, so overlaps, nesting, stacked labels and identical spans are common.
span = st.builds(lambda start, length, label: SpanAnn(start, start + length, label),
                 st.integers(0, 30), st.integers(1, 8), st.sampled_from(["ACTOR", "EVENT", "LOCATION"]))
layer = st.lists(span, max_size=8, unique=True).map(sorted)  # a layer holds a span once (UNIQUE per layer)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(st.just(NAMES[:n]), st.lists(layer, min_size=n, max_size=n))))
def test_sweep_units_equal_pairwise_units(case):
    names, spans = case
    layers = dict(zip(names, spans))
    # as the curation view reads them: every layer's spans in one list, ORDER BY start, end, label
    stream = sorted(((name, x) for name in names for x in layers[name]), key=lambda item: item[1])
    assert overlap_units(stream, names) == units(layers, names, mode="overlap")


def test_a_component_without_repeats_is_one_unit_and_nested_spans_go_through_matching():
    layers = {"ana": [SpanAnn(0, 10, "EVENT"), SpanAnn(20, 26, "ACTOR")],
              "ben": [SpanAnn(0, 4, "ACTOR"), SpanAnn(6, 10, "ACTOR"), SpanAnn(20, 26, "ACTOR")],
              "chen": [SpanAnn(24, 30, "ACTOR")]}
    stream = sorted(((name, x) for name, xs in layers.items() for x in xs), key=lambda item: item[1])
    found = overlap_units(stream, list(layers))
    assert found == units(layers, list(layers), mode="overlap")
    # ben's two spans under ana's one: matching pairs the larger overlap, the other stands alone
    assert found[:2] == [{"ana": [SpanAnn(0, 10, "EVENT")], "ben": [SpanAnn(0, 4, "ACTOR")]},
                         {"ben": [SpanAnn(6, 10, "ACTOR")]}]
    assert found[2] == {"ana": [SpanAnn(20, 26, "ACTOR")], "ben": [SpanAnn(20, 26, "ACTOR")],
                        "chen": [SpanAnn(24, 30, "ACTOR")]}
