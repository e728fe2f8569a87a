"""Spans checked over whole columns at C speed: the usual document of a big import, ~1 µs a span less;
and event attributes checked once per distinct set.

A corpus's spans are hundreds of thousands of small dicts or lists, and a Python test per span
(its types, its bounds, its label, a repeat) cost more than writing its row. The usual document
is regular, so each check here runs once over a column (``map``, ``set``, ``min``/``max``) and the
rows are made by ``zip``. Each function answers None (or False) when anything is unusual: the
caller then reads the document span by span (``RecordWriter``), which words what is wrong, adds
a new label to the scheme, and so on. So these paths decide nothing the span-by-span one would
decide differently; tests compare the two (tests/storage/importing/test_plain_spans.py,
test_native_columns.py).
"""
from __future__ import annotations

import json
from functools import lru_cache
from operator import itemgetter, lt, methodcaller
from typing import Any, Collection, Mapping

from storage.importing.intake import MAX_ID
from storage.scheme_growth import SchemeGrowth

_REQUIRED = ("id", "start", "end", "label")
_ID_START_END_LABEL = itemgetter(*_REQUIRED)
# The keys a native span may have that the usual one lacks: their presence sends it the long way.
_RARE = ("taken_from", "uid", "attributes")
_GETS = {key: methodcaller("get", key) for key in ("text", "annotator", "created", "origin", *_RARE)}
_USUAL = frozenset((*_REQUIRED, "text", "annotator", "created", "origin"))


def plain_ok(length: int, kinds: Collection[str], starts: list[Any], ends: list[Any], labels: list[Any], *,
             whole: bool = False) -> bool:
    """Integer offsets within ``0..length``, each start before its end, known labels, no span twice.
    ``whole``: the caller read the offsets as digits, so they are whole numbers from 0 already."""
    try:
        return not starts or ((whole or set(map(type, starts)) == {int} == set(map(type, ends)) and min(starts) >= 0)
                              and max(ends) <= length and all(map(lt, starts, ends)) and set(labels) <= kinds
                              # No two spans start alike when the starts climb (as most files list
                              # them): no (start, end, label) twice, without a set of them.
                              and (all(map(lt, starts, starts[1:]))
                                   or len(set(zip(starts, ends, labels))) == len(starts)))
    except TypeError:  # a label that is a list or an object
        return False


def _shared(column: list[Any]) -> Any:
    """``column``'s one value when every span gives the same (a SpanBlock's shared value), else itself."""
    return column[0] if column.count(column[0]) == len(column) else column


def _same(column: list[Any], default: Any) -> Any:
    """``column`` with None as ``default``, as ``_shared`` gives it; None when mixed (the long way)."""
    if None not in column:
        return _shared(column)
    if column.count(None) == len(column):
        return default
    return None


def native_columns(spans: list[Any], text: str, kinds: Mapping[str, str], known_origins: set[str], *,
                   no_origin: str, stamp: str, layer: str | None) -> tuple[Any, ...] | None:
    """A native record's spans as columns (ids, starts, ends, labels, annotators, created, origins),
    each checked as ``RecordWriter._read_spans`` checks a span, or None when any is unusual
    (no id, a taken_from, uid or attributes, a new label or origin, a text that differs…).
    Annotators, created and origins are one value when all the spans give the same (as a
    ``SpanBlock`` takes them)."""
    if not spans or not set(map(type, spans)) <= {dict}:
        return None
    columns = _same_keys(spans)
    if columns is None:
        try:
            ids, starts, ends, labels = (list(column) for column in zip(*map(_ID_START_END_LABEL, spans)))
        except KeyError:
            return None
        columns = {key: list(map(get, spans)) for key, get in _GETS.items()}
        if any(columns[key].count(None) != len(spans) for key in _RARE):
            return None
    else:
        ids, starts, ends, labels = (columns.pop(key) for key in _REQUIRED)
    if not (set(map(type, ids)) == {int} and min(ids) > 0 and max(ids) <= MAX_ID and len(set(ids)) == len(ids)
            and plain_ok(len(text), kinds.keys(), starts, ends, labels)):
        return None
    # plain_ok found no (start, end, label) twice, so no layer tags the same words twice either.
    nothing = [None] * len(spans)
    annotators, created, origins, shown = (columns.get(key, nothing) for key in ("annotator", "created", "origin",
                                                                                 "text"))
    if not (set(map(type, annotators)) <= {str, type(None)} and set(map(type, created)) <= {str, type(None)}
            and "" not in created and set(origins) - {None} <= known_origins):
        return None
    if None not in shown and shown != list(map(text.__getitem__, map(slice, starts, ends))):
        return None
    if shown.count(None) not in (0, len(spans)):
        return None
    created_column, origin_column = _same(created, stamp), _same(origins, no_origin)
    if created_column is None or origin_column is None:
        return None
    return ids, starts, ends, labels, layer if layer is not None else _shared(annotators), created_column, origin_column


def _same_keys(spans: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The spans' columns by key when every span has the same usual keys (the first span's: id,
    start, end, label and some of text, annotator, created, origin), read by one ``itemgetter``
    pass; None otherwise (the caller then reads each key with ``get``)."""
    size = len(spans[0])
    if set(map(len, spans)) != {size}:
        return None
    keys = _usual_keys(tuple(spans[0]))
    if keys is None:
        return None
    try:  # a span without one of the first's keys has another key instead: the long way
        values = zip(*map(itemgetter(*keys), spans))
        return dict(zip(keys, map(list, values)))
    except KeyError:
        return None


@lru_cache(maxsize=32)
def _usual_keys(keys: tuple[str, ...]) -> tuple[str, ...] | None:
    """``keys`` with id, start, end and label first, if they are those and only usual others."""
    if not set(_REQUIRED) <= set(keys) <= _USUAL:
        return None
    return _REQUIRED + tuple(key for key in keys if key not in _REQUIRED)


_json_sorted = json.JSONEncoder(sort_keys=True).encode


def attributes_json(scheme: SchemeGrowth, known: dict[tuple[Any, ...], str], attributes: dict[str, Any]) -> str:
    """An event's attributes checked against the scheme, as stored JSON. A corpus repeats a few
    sets: each is checked and encoded once, kept in ``known`` (a value valid once stays valid, the
    scheme only growing during an import); a set with a list or an object in it, every time."""
    try:
        key: Any = tuple(attributes.items())
        encoded = known.get(key)
    except TypeError:
        key = encoded = None
    if encoded is None:
        for name, value in attributes.items():
            scheme.check_attribute(name, value)
        encoded = _json_sorted(attributes)
        if key is not None:
            known[key] = encoded
    return encoded
