"""Curation's places (overlap components, one sweep) partition the spans and never overlap;
agreement's pairwise units may overlap, which is why curation does not use them."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.team.matching import SpanAnn, overlap_components, units

NAMES = ["ana", "ben", "chen", "dan"]

# Small texts and few labels, so overlaps, nesting, stacked labels and identical spans are common.
span = st.builds(lambda start, length, label: SpanAnn(start, start + length, label),
                 st.integers(0, 30), st.integers(1, 8), st.sampled_from(["ACTOR", "EVENT", "LOCATION"]))
layer = st.lists(span, max_size=8, unique=True).map(sorted)  # a layer holds a span once (UNIQUE per layer)


def places(layers):
    # as the curation view reads them: every layer's spans in one list, ORDER BY start, end, label
    stream = sorted(((name, x) for name, xs in layers.items() for x in xs), key=lambda item: item[1])
    return list(overlap_components(stream, list(layers)))


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(st.just(NAMES[:n]), st.lists(layer, min_size=n, max_size=n))))
def test_places_hold_every_span_once_and_never_overlap(case):
    names, spans = case
    layers = dict(zip(names, spans))
    found = places(layers)
    members = [member for group, _repeats, _end in found for member in group]
    assert sorted(members) == sorted((name, x) for name in names for x in layers[name])  # each span once
    extents = [(group[0][1].start, end) for group, _repeats, end in found]
    assert all(e1 <= s2 for (_s1, e1), (s2, _e2) in zip(extents, extents[1:]))  # in order, disjoint
    for group, repeats, end in found:
        assert end == max(x.end for _name, x in group)
        assert repeats == (len({name for name, _x in group}) < len(group))
        reach = group[0][1].end  # connected: each span overlaps what came before it in the place
        for _name, x in group[1:]:
            assert x.start < reach
            reach = max(reach, x.end)


def test_pairwise_units_overlap_where_places_do_not():
    """ana tags "the army" and "army", ben "army": agreement's one-to-one matching pairs ben's
    "army" with one of ana's and leaves the other alone, two units over the same words; curation
    makes them one place, so a decision there is the only one."""
    layers = {"ana": [SpanAnn(38, 46, "ACTOR"), SpanAnn(42, 46, "ACTOR")], "ben": [SpanAnn(42, 46, "ACTOR")]}
    pairwise = units(layers, list(layers), mode="overlap")
    assert len(pairwise) == 2  # agreement's units, as README documents them: unchanged
    (group, repeats, end), = places(layers)
    assert repeats and end == 46 and [x for _name, x in group] == sorted(layers["ana"] + layers["ben"])
