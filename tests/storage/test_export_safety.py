"""What keeps an export honest: atomic files, the offset check, status filter, batching, bad options."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from storage.exporting import FOLDER_FORMATS, FORMATS, ExportError, export_to_path, export_to_stream
from storage.exporting.batches import iter_batches
from storage.project import Project

TEXTS = [
    "Insurgents entered Damascus on Sunday.",
    "Mr. Al-Assad left Syria by plane.",
    "Protesters gathered in Homs.",
]
WORDS = [("Insurgents", "ACTOR"), ("Damascus", "LOCATION"), ("Al-Assad", "ACTOR"), ("Syria", "LOCATION"),
         ("Protesters", "ACTOR"), ("Homs", "LOCATION")]


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as p:
        yield p


@pytest.fixture
def articles(project):
    """Three articles; the second is done. Every listed word is a span of the article holding it."""
    made = []
    for n, text in enumerate(TEXTS):
        article = project.add_article(text=text, title=f"a{n}", status="done" if n == 1 else "new")
        for words, label in WORDS:
            if words in text:
                start = text.index(words)
                project.add_span(article.id, start, start + len(words), label)
        made.append(article)
    return made


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def article_ids(fmt: str, records: list[dict]) -> set[int]:
    if fmt == "native":
        return {r["id"] for r in records[1:]}
    if fmt == "spacy":
        return {r["meta"]["id"] for r in records}
    if fmt == "hf-bio":
        return {int(r["id"].split("-")[0]) for r in records}
    if fmt == "events":
        return {r["article_id"] for r in records}
    if fmt == "plover":
        return {int(r["id"].split("-")[1]) for r in records}  # "ea-<article>-<event>"
    return {r["id"] for r in records}


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_filter_exports_only_matching_articles(project, articles, tmp_path, fmt):
    trigger = project.add_span(articles[1].id, TEXTS[1].index("left"), TEXTS[1].index("left") + 4, "EVENT")
    project.add_event(trigger.id, type="RETREAT")
    out = tmp_path / "done.jsonl"
    report = export_to_path(project, fmt, out, status="done")
    assert article_ids(fmt, lines(out)) == {articles[1].id}
    assert report.articles == 1


def test_rows_arrive_in_id_order_in_batches_with_their_own_spans(project, articles):
    batches = list(iter_batches(project.db.conn, batch_size=2))
    assert [[a.id for a in batch] for batch in batches] == [[a.id for a in articles[:2]], [articles[2].id]]
    for article in (a for batch in batches for a in batch):
        assert {article.text[s.start:s.end] for s in article.spans} == \
            {w for w, _ in WORDS if w in article.text}
    done = list(iter_batches(project.db.conn, status="done", batch_size=1))
    assert [[a.id for a in batch] for batch in done] == [[articles[1].id]]


def test_progress_reports_articles_done_out_of_total(project, articles, tmp_path):
    calls = []
    export_to_path(project, "spacy", tmp_path / "o.jsonl", progress=lambda *a: calls.append(a))
    assert [(done, total) for done, total, _ in calls] == [(3, 3)]
    assert calls[-1][2].startswith(f"article {articles[-1].id}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_project_exports_nothing_but_succeeds(project, tmp_path, fmt):
    out = tmp_path / "empty.jsonl"
    report = export_to_path(project, fmt, out)
    records = lines(out)
    assert report.records == 0 and report.articles == 0
    # native keeps its scheme line, so even an empty project re-imports with its labels
    assert records == ([{"scheme": records[0]["scheme"]}] if fmt == "native" else [])


def _corrupt_shorten(db_path, article_id: int) -> None:
    """Change an article's text behind the store's back, as a script or a broken tool might."""
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE articles SET text = 'Gone.', length = 5 WHERE id = ?", [article_id])
    conn.commit()
    conn.close()


def test_a_span_outside_a_changed_text_stops_the_export_naming_article_and_span(project, articles, tmp_path):
    _corrupt_shorten(project.path, articles[2].id)
    with pytest.raises(ExportError) as caught:
        export_to_path(project, "spacy", tmp_path / "o.jsonl")
    first_span = project.spans(articles[2].id)[0]
    assert (caught.value.article_id, caught.value.span_id) == (articles[2].id, first_span.id)
    assert f"article {articles[2].id}, span {first_span.id}" in str(caught.value)
    assert not (tmp_path / "o.jsonl").exists()


def test_a_same_length_edit_of_the_text_is_caught_by_the_content_hash(project, articles, tmp_path):
    conn = sqlite3.connect(project.path)
    conn.execute("UPDATE articles SET text = replace(text, 'Homs', 'Hama') WHERE id = ?", [articles[2].id])
    conn.commit()
    conn.close()
    with pytest.raises(ExportError, match=f"article {articles[2].id}, span .*content hash"):
        export_to_path(project, "native", tmp_path / "o.jsonl")


def test_an_event_argument_from_another_article_stops_the_export(project, articles, tmp_path):
    trigger = project.add_span(articles[0].id, 11, 18, "EVENT")  # "entered"
    event = project.add_event(trigger.id)
    foreign = project.spans(articles[1].id)[0]
    conn = sqlite3.connect(project.path)
    # A file from before the frame-rule triggers (or written by another tool) can hold this.
    conn.execute("DROP TRIGGER arguments_follow_the_scheme")
    conn.execute("INSERT INTO arguments (event_id, role, span_id) VALUES (?, 'source', ?)", [event.id, foreign.id])
    conn.commit()
    conn.close()
    with pytest.raises(ExportError, match=f"event {event.id}: span {foreign.id} is not a span of this article"):
        export_to_path(project, "events", tmp_path / "o.jsonl")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failed_export_leaves_the_destination_byte_identical_and_no_temp_file(project, articles, tmp_path, fmt):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "train.jsonl"
    out.write_bytes(b"previous export\n")
    _corrupt_shorten(project.path, articles[2].id)
    with pytest.raises(ExportError):
        export_to_path(project, fmt, out)
    assert out.read_bytes() == b"previous export\n"
    assert [p.name for p in out_dir.iterdir()] == ["train.jsonl"]


def test_an_interrupted_export_also_cleans_up(project, articles, tmp_path):
    out = tmp_path / "train.jsonl"
    out.write_text("old\n", encoding="utf-8")

    def cancel(done: int, total: int, what: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_to_path(project, "native", out, progress=cancel)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir() if "train" in p.name) == ["train.jsonl"]


def test_a_successful_export_replaces_the_destination(project, articles, tmp_path):
    out = tmp_path / "train.jsonl"
    out.write_text("old\n", encoding="utf-8")
    report = export_to_path(project, "doccano", out)
    assert [r["id"] for r in lines(out)] == [a.id for a in articles]
    assert report.summary() == f"wrote 3 records (3 articles, 6 spans, 0 events) to {out}"
    assert sorted(p.name for p in tmp_path.iterdir() if "train" in p.name) == ["train.jsonl"]


def test_export_to_stream_writes_the_same_records(project, articles, tmp_path):
    import io

    stream = io.StringIO()
    report = export_to_stream(project, "native", stream)
    export_to_path(project, "native", tmp_path / "o.jsonl")
    assert stream.getvalue() == (tmp_path / "o.jsonl").read_text(encoding="utf-8")
    assert report.path == "<stream>" and report.records == 3


def test_unicode_line_breaks_inside_text_keep_one_record_per_line(project, tmp_path):
    text = "Line one\u2028still one\u0085and\u2029more."
    project.add_article(text=text, title="breaks")
    out = tmp_path / "o.jsonl"
    export_to_path(project, "native", out)
    raw = out.read_text(encoding="utf-8")
    assert len(raw.splitlines()) == 2  # str.splitlines() treats U+2028/U+0085/U+2029 as breaks
    assert json.loads(raw.splitlines()[1])["text"] == text


@pytest.mark.parametrize("fmt, options, message", [
    ("csv", {}, "unknown export format 'csv'"),
    ("native", {"relations": True}, "relations apply to the doccano format only"),
    ("doccano", {"docbin": "x.spacy"}, "DocBin is written with the spacy format only"),
    ("native", {"status": "finished"}, "unknown status 'finished'"),
])
def test_bad_options_are_refused_before_anything_is_written(project, tmp_path, fmt, options, message):
    with pytest.raises(ExportError, match=message):
        export_to_path(project, fmt, tmp_path / "o.jsonl", **options)
    assert list(tmp_path.glob("*.jsonl")) == []


def test_unwritable_destinations_are_user_errors(project, articles, tmp_path):
    with pytest.raises(ExportError, match="it is the project file itself"):
        export_to_path(project, "native", project.path)
    alias = tmp_path / "alias.sqlite"
    alias.symlink_to(project.path)  # another name for the same file is the same file
    for destination in (alias, Path(f"{project.path}-journal")):
        with pytest.raises(ExportError, match="it is the project file itself"):
            export_to_path(project, "native", destination)
    with pytest.raises(ExportError, match="it is a folder"):
        export_to_path(project, "native", tmp_path)
    with pytest.raises(ExportError, match="cannot write .*missing"):
        export_to_path(project, "native", tmp_path / "missing" / "o.jsonl")
    assert project.article_count() == 3


def _incomplete_frame(project, article):
    """An event with no type and its required source empty: what the window flags ⚠."""
    start = TEXTS[0].index("entered")
    trigger = project.add_span(article.id, start, start + len("entered"), "EVENT")
    return project.add_event(trigger.id)


@pytest.mark.parametrize("fmt", FORMATS + FOLDER_FORMATS)
def test_every_export_counts_and_names_incomplete_frames(project, articles, tmp_path, fmt):
    event = _incomplete_frame(project, articles[0])
    report = export_to_path(project, fmt, tmp_path / "out")
    assert report.flagged_events == 1
    assert f"article {articles[0].id} event {event.id}: no event type, missing source" in report.summary()
    assert "--strict refuses them" in report.summary()


@pytest.mark.parametrize("fmt", FORMATS + FOLDER_FORMATS)
def test_strict_refuses_incomplete_frames_and_leaves_the_destination_as_it_was(project, articles, tmp_path, fmt):
    out = tmp_path / "out"
    export_to_path(project, fmt, out)  # a previous, complete export
    before = sorted((p.name, p.read_bytes()) for p in out.iterdir()) if out.is_dir() else out.read_bytes()
    event = _incomplete_frame(project, articles[0])
    with pytest.raises(ExportError, match=rf"--strict: 1 event frame incomplete \(article {articles[0].id} "
                                          rf"event {event.id}: no event type, missing source\)"):
        export_to_path(project, fmt, out, strict=True)
    after = sorted((p.name, p.read_bytes()) for p in out.iterdir()) if out.is_dir() else out.read_bytes()
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    project.set_event_type(event.id, "FIGHT")
    project.add_argument(event.id, "source", project.spans(articles[0].id)[0].id)
    assert export_to_path(project, fmt, out, strict=True).flagged_events == 0  # complete now: written


def test_flagged_frames_of_one_shape_are_each_counted_and_a_mode_tells_shapes_apart(tmp_path):
    # The export remembers each frame shape's problems: same shape, same problems; another mode, another shape.
    text = "Rebels sanctioned the army. Rebels sanctioned the port. Rebels sanctioned the town.\n"
    with Project.open(tmp_path / "p.sqlite", new_scheme="plover-2.0") as project:
        article = project.add_article(text=text, title="t")
        events = []
        for mode, at in ((["firearms"], 0), (["expel"], 28), (["firearms"], 56)):
            actor = project.add_span(article.id, at, at + 6, "ACTOR")
            trigger = project.add_span(article.id, at + 7, at + 17, "EVENT")
            event = project.add_event(trigger.id, type="SANCTION", attributes={"mode": mode})
            project.add_argument(event.id, "actor", actor.id)
            events.append(event)
        report = export_to_path(project, "native", tmp_path / "out.jsonl")
    assert report.flagged == {"missing recipient": 3, "mode not of its type": 2}
    assert report.flagged_names == [
        f"article {article.id} event {events[0].id}: missing recipient (SANCTION requires one), "
        "mode not of its type: firearms is not a mode of SANCTION",
        f"article {article.id} event {events[1].id}: missing recipient (SANCTION requires one)",
        f"article {article.id} event {events[2].id}: missing recipient (SANCTION requires one), "
        "mode not of its type: firearms is not a mode of SANCTION"]
