"""Property test of the native and .txt importers on generated input: a refused file leaves the
project byte for byte as it was, an accepted one leaves it sound, and nothing raises but our own
error types (an import reports a bad file; it never raises for one)."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.importing import import_paths
from storage.project import Project
from tests.storage.torture import consistency_problems

EXAMPLES = 60  # per importer here; bench/bench_torture.py runs more

# Values a hostile or careless file puts where numbers, names and lists belong.
_odd = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**65, max_value=2**65),
                 st.floats(allow_nan=True), st.text(max_size=8), st.just([]), st.just({}), st.just([1]))
_offset = st.one_of(st.integers(min_value=-3, max_value=40), _odd)
_label = st.one_of(st.sampled_from(["ACTOR", "LOCATION", "EVENT", "WEAPON"]), _odd)
_span = st.fixed_dictionaries({"id": st.one_of(st.integers(min_value=1, max_value=6), _odd),
                               "start": _offset, "end": _offset, "label": _label})
_event = st.fixed_dictionaries(
    {"id": st.one_of(st.integers(min_value=1, max_value=4), _odd),
     "trigger": st.one_of(st.integers(min_value=1, max_value=6), _odd),
     "type": st.one_of(st.sampled_from(["FIGHT", "PROTEST", "PICNIC"]), _odd),
     "attributes": st.one_of(st.fixed_dictionaries({"polarity": st.sampled_from(["positive", "maybe"])}), _odd),
     "arguments": st.one_of(st.lists(st.fixed_dictionaries(
         {"role": st.sampled_from(["source", "target", "location", "nobody"]),
          "span": st.one_of(st.integers(min_value=1, max_value=6), _odd)}), max_size=3), _odd)})
_role = st.fixed_dictionaries({"name": st.one_of(st.sampled_from(["victim", "source"]), _odd),
                               "labels": st.one_of(st.just(["ACTOR"]), _odd),
                               "max_count": st.one_of(st.integers(min_value=-1, max_value=3), _odd)})
_record = st.fixed_dictionaries(
    {"text": st.one_of(st.text(min_size=1, max_size=40), st.just("Rebels entered Homs on Friday."), _odd)},
    optional={"id": st.one_of(st.integers(min_value=1, max_value=2**64), _odd),
              "meta": st.one_of(st.fixed_dictionaries({"title": st.text(max_size=5),
                                                       "date": st.sampled_from(["2024-12-08", "2024-13-45"])}),
                                _odd),
              "spans": st.one_of(st.lists(_span, max_size=4), _odd),
              "events": st.one_of(st.lists(_event, max_size=2), _odd)})
_native_lines = st.lists(st.one_of(
    _record.map(json.dumps),
    st.fixed_dictionaries({"scheme": st.fixed_dictionaries({"roles": st.lists(_role, max_size=2)})}).map(json.dumps),
    st.sampled_from(["", "[" * 3000, "{", "null", '{"text": 5}', "\ufeff{}"])), min_size=1, max_size=4)
_txt = st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
                 st.sampled_from([b" date 2024-12-08 Rebels\n\nText.", b"\xff\xfeR\x00e\x00", "café".encode("cp1252")]))


def _import_and_check(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        with Project.open(Path(folder) / "p.sqlite") as project:
            project.add_article(text="Already here.", title="Already here.")
            before = list(project.db.conn.iterdump())
            report = import_paths(project, [path])  # must not raise for anything in the file
            after = list(project.db.conn.iterdump())
        if report.errors:
            assert after == before, f"a refused file changed the project: {report.errors[0]}"
            for error in report.errors:
                assert error.path == str(path)
        else:
            assert consistency_problems(Path(folder) / "p.sqlite") == []


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_native_lines)
def test_native_import_of_anything_refuses_cleanly_or_stays_sound(lines):
    _import_and_check("a.jsonl", "\n".join(lines).encode("utf-8", "surrogatepass"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_txt)
def test_text_import_of_any_bytes_refuses_cleanly_or_stays_sound(data):
    _import_and_check("a.txt", data)
