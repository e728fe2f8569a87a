"""Native records whose spans are checked over whole columns (storage/importing/columns.py) store,
count and refuse exactly what the span-by-span reading does: the same record with an empty
``attributes`` on its first span (which sends it the long way, and changes nothing) is the twin."""
from __future__ import annotations

import json

import pytest

from storage.importing import ImportOptions, import_paths
from storage.project import Project

TEXT = "Aid reached Hama as Red Crescent teams met local officials."


def span(n, start, end, label, **more):
    return {"id": n, "start": start, "end": end, "label": label, **more}


CASES = {
    "usual": [span(1, 12, 16, "LOCATION", text="Hama", annotator="ana", created="2026-01-01T00:00:00+00:00"),
              span(2, 20, 32, "ACTOR", text="Red Crescent", annotator="ana", created="2026-01-01T00:00:00+00:00")],
    "no text, no created, no annotator": [span(1, 12, 16, "LOCATION"), span(2, 20, 32, "ACTOR")],
    "origins": [span(1, 12, 16, "LOCATION", origin="manual"), span(2, 20, 32, "ACTOR", origin="import:conll")],
    "some origins": [span(1, 12, 16, "LOCATION", origin="manual"), span(2, 20, 32, "ACTOR")],
    "a bad origin": [span(1, 12, 16, "LOCATION", origin="typed")],
    "some created": [span(1, 12, 16, "LOCATION", created="2025-05-05"), span(2, 20, 32, "ACTOR")],
    "an empty created": [span(1, 12, 16, "LOCATION", created="")],
    "a new label": [span(1, 12, 16, "CITY"), span(2, 20, 32, "ACTOR")],
    "a repeat": [span(1, 12, 16, "LOCATION"), span(2, 12, 16, "LOCATION")],
    "two layers, same words": [span(1, 12, 16, "LOCATION", annotator="ana"),
                               span(2, 12, 16, "LOCATION", annotator="ben")],
    "an id twice": [span(1, 12, 16, "LOCATION"), span(1, 20, 32, "ACTOR")],
    "past the end": [span(1, 12, 99, "LOCATION")],
    "a text that differs": [span(1, 12, 16, "LOCATION", text="Homs")],
    "some texts": [span(1, 12, 16, "LOCATION", text="Hama"), span(2, 20, 32, "ACTOR")],
    "an annotator number": [span(1, 12, 16, "LOCATION", annotator=7)],
    "an id of zero": [span(0, 12, 16, "LOCATION")],
    "a span without id": [{"start": 12, "end": 16, "label": "LOCATION"}],
    "an event": [span(1, 3, 11, "EVENT"), span(2, 20, 32, "ACTOR")],
    # Spans read by one itemgetter when they share the first's usual keys (columns._same_keys):
    "keys in another order": [{"label": "LOCATION", "end": 16, "annotator": "ana", "start": 12, "id": 1},
                              {"annotator": "ana", "id": 2, "start": 20, "end": 32, "label": "ACTOR"}],
    "as many keys, not the same": [span(1, 12, 16, "LOCATION", annotator="ana"),
                                   span(2, 20, 32, "ACTOR", created="2025-05-05")],
    "a uid in place of a key": [span(1, 12, 16, "LOCATION", annotator="ana"), span(2, 20, 32, "ACTOR", uid="u-2")],
    "an unknown key": [span(1, 12, 16, "LOCATION", note="x"), span(2, 20, 32, "ACTOR", note="y")],
    "one key more": [span(1, 12, 16, "LOCATION"), span(2, 20, 32, "ACTOR", annotator="ana")],
    # Queued as a SpanBlock whose annotator, created and origin are lists (one per span), not one value:
    "annotators, created and origins that vary": [
        span(1, 12, 16, "LOCATION", annotator="ana", created="2026-01-01T00:00:00+00:00", origin="manual"),
        span(2, 20, 32, "ACTOR", annotator="ben", created="2026-02-02T00:00:00+00:00", origin="import:conll"),
        span(3, 0, 3, "ACTOR", annotator=None, created="2026-02-02T00:00:00+00:00", origin="manual")],
    "a created with a quote and no annotator": [span(1, 12, 16, "LOCATION", created="it's 2026"),
                                                span(2, 20, 32, "ACTOR", created="it's 2026")],
}
EVENTS = {"an event": [{"id": 1, "trigger": 1, "type": "AID", "arguments": [{"role": "source", "span": 2}]}]}


def imported(tmp_path, name, spans, *, general, annotator=None):
    spans = [dict(s) for s in spans]
    if general:
        spans[0]["attributes"] = {}
    record = {"id": 1, "text": TEXT, "spans": spans, "events": EVENTS.get(name.split(":")[0], [])}
    path = tmp_path / f"{name}-{general}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Project.open(tmp_path / f"{name}-{general}.sqlite") as project:
        report = import_paths(project, [path], options=ImportOptions(format="native", annotator=annotator))
        rows = project.db.execute('SELECT id, start, "end", label, annotator, CASE WHEN created = (SELECT created '
                                  "FROM articles) THEN 'the import' ELSE created END, origin, taken_from FROM spans "
                                  "ORDER BY id").fetchall()
        events = project.db.execute("SELECT e.id, e.trigger_id, a.role, a.span_id FROM events e "
                                    "LEFT JOIN arguments a ON a.event_id = e.id").fetchall()
        labels = project.db.execute("SELECT name, kind FROM labels ORDER BY name").fetchall()
    return rows, events, labels, [line.replace(str(path), "FILE") for line in report.summary_lines()]


@pytest.mark.parametrize("annotator", [None, "cy"])
@pytest.mark.parametrize("case", list(CASES))
def test_columns_give_what_the_span_by_span_reading_gives(tmp_path, case, annotator):
    fast = imported(tmp_path, case, CASES[case], general=False, annotator=annotator)
    slow = imported(tmp_path, case, CASES[case], general=True, annotator=annotator)
    assert fast == slow
    if case == "usual":
        assert [row[1:5] for row in fast[0]] == [(12, 16, "LOCATION", annotator or "ana"),
                                                 (20, 32, "ACTOR", annotator or "ana")]
    if case == "annotators, created and origins that vary":
        assert [row[4:7] for row in fast[0]] == [
            (annotator or "ana", "2026-01-01T00:00:00+00:00", "manual"),
            (annotator or "ben", "2026-02-02T00:00:00+00:00", "import:conll"),
            (annotator, "2026-02-02T00:00:00+00:00", "manual")]
