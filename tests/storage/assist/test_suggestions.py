"""Dictionary and suggestions: counts, minimum, the two-label rule, user lists, rejections, and
never an unaccepted suggestion in any export."""
import json
from pathlib import Path

import pytest

from storage.assist.batch import add_spans
from storage.assist.dictionary import Dictionary, add_entries, build_dictionary, import_entries
from storage.assist.settings import AssistSettings, load_settings, save_settings
from storage.assist.suggestions import Suggestion, article_suggestions, reject, store_suggestions
from storage.exporting import FOLDER_FORMATS, FORMATS, export_to_path
from storage.model import InputError, SchemeError
from storage.project import Project

DONE = "Rebels entered Velmora. The army left Velmora. Rebels won.\n"
NEW = "In Velmora the rebels and Rebels of Velmoran fame met the Army.\n"


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        yield project


def tagged(project: Project) -> tuple[int, int]:
    done = project.add_article(text=DONE, title="done").id
    for word, label in (("Rebels", "ACTOR"), ("Velmora", "LOCATION"), ("army", "ACTOR")):
        project.add_span(done, DONE.index(word), DONE.index(word) + len(word), label)
    second = DONE.index("Velmora", DONE.index("Velmora") + 1)
    project.add_span(done, second, second + 7, "LOCATION")
    project.set_status(done, "done")
    return done, project.add_article(text=NEW, title="new").id


def suggest(project, article_id, settings=None):
    settings = settings or load_settings(project)
    return article_suggestions(project, article_id, project.article(article_id).text,
                               [(s.start, s.end) for s in project.spans(article_id)],
                               settings=settings, dictionary=build_dictionary(project, settings))


def test_dictionary_suggests_whole_words_with_counts_and_minimum(project):
    _, new = tagged(project)
    found = suggest(project, new)
    assert [(NEW[s.start:s.end], s.label, s.recommender) for s in found] == [
        ("Velmora", "LOCATION", "dictionary"), ("Rebels", "ACTOR", "dictionary")]
    assert all(s.score == 1.0 for s in found)
    assert suggest(project, new, AssistSettings(dictionary_min_count=2)) == [found[0]]
    assert [NEW[s.start:s.end] for s in suggest(project, new, AssistSettings(dictionary_match_case=False))] == [
        "Velmora", "rebels", "Rebels", "Army"]


def test_two_labels_follow_the_rule(project):
    done, new = tagged(project)
    project.add_span(done, DONE.rindex("Rebels"), DONE.rindex("Rebels") + 6, "EVENT")
    labels = lambda rule: [(s.label, s.score) for s in suggest(project, new, AssistSettings(dictionary_conflict=rule))
                           if NEW[s.start:s.end] == "Rebels"]
    assert labels("majority") == []  # one ACTOR, one EVENT: a tie suggests nothing
    assert labels("skip") == []
    assert labels("all") == [("ACTOR", 0.5), ("EVENT", 0.5)]
    project.add_span(done, 0, 6, "EVENT")  # Rebels: EVENT twice, ACTOR once
    assert labels("majority") == [("EVENT", 2 / 3)]


def test_user_lists_in_csv_tsv_and_jsonl(project, tmp_path):
    _, new = tagged(project)
    (tmp_path / "a.csv").write_text("text,label\nthe Army,ACTOR\n", encoding="utf-8")
    (tmp_path / "b.tsv").write_text("fame\tEVENT\n", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": "met", "label": "EVENT"}) + "\n", encoding="utf-8")
    assert [import_entries(project, tmp_path / n) for n in ("a.csv", "b.tsv", "c.jsonl")] == [1, 1, 1]
    words = {NEW[s.start:s.end] for s in suggest(project, new)}
    assert {"the Army", "fame", "met"} <= words


@pytest.mark.parametrize("content, message", [
    ("text,label\nBeirut,PLACE\n", "b.csv:2: unknown label 'PLACE'"),
    ("Beirut,LOCATION,extra\n", "b.csv:1: expected 2 columns"),
    (" ,LOCATION\n", "b.csv:1: the text is empty"),
])
def test_a_bad_list_names_file_and_line_and_adds_nothing(project, tmp_path, content, message):
    path = tmp_path / "b.csv"
    path.write_text("Homs,LOCATION\n" + content if "2:" not in message else content, encoding="utf-8")
    if "2:" not in message:
        message = message.replace(":1:", ":2:")
    with pytest.raises(InputError, match=message):
        import_entries(project, path)
    assert project.db.execute("SELECT count(*) FROM assist_dictionary").fetchone()[0] == 0


def test_rejected_suggestions_are_remembered_and_settled_text_is_not_suggested(project, tmp_path):
    _, new = tagged(project)
    first, second = suggest(project, new)
    reject(project, [first])
    assert suggest(project, new) == [second]
    add_spans(project, [second.proposal()])
    assert suggest(project, new) == []
    with Project.open(project.path) as again:  # remembered in the file
        assert suggest(again, new) == []
    assert project.spans(new)[0].origin == "suggestion:dictionary"


def test_model_suggestions_below_the_threshold_are_not_shown(project):
    _, new = tagged(project)
    store_suggestions(project, [Suggestion(new, 49, 52, "EVENT", "model", 0.9),
                                Suggestion(new, 61, 65, "ACTOR", "model", 0.3)])
    shown = [(s.start, s.recommender) for s in suggest(project, new)]
    assert (49, "model") in shown and (61, "model") not in shown
    assert (61, "model") in [(s.start, s.recommender) for s in suggest(project, new, AssistSettings(model_threshold=0.2))]
    assert not any(s.recommender == "model" for s in suggest(project, new, AssistSettings(model=False)))
    assert suggest(project, new, AssistSettings(suggestions=False)) == []


def test_settings_live_in_the_project_and_bad_values_are_refused(project):
    save_settings(project, dictionary_min_count=3, model_threshold=0.7)
    with Project.open(project.path) as again:
        assert load_settings(again).dictionary_min_count == 3 and load_settings(again).model_threshold == 0.7
    with pytest.raises(SchemeError):
        save_settings(project, dictionary_conflict="coin")


def test_no_unaccepted_suggestion_appears_in_any_export(project, tmp_path):
    _, new = tagged(project)
    store_suggestions(project, [Suggestion(new, 49, 52, "EVENT", "model", 0.9)])
    add_entries(project, [("fame", "EVENT")])
    pending = suggest(project, new)
    assert len(pending) >= 3
    accepted = pending[0]
    add_spans(project, [accepted.proposal()])
    unaccepted = {NEW[s.start:s.end] for s in pending[1:]}
    for fmt in (*FORMATS, *FOLDER_FORMATS):
        out = tmp_path / (fmt if fmt in FOLDER_FORMATS else f"{fmt}.jsonl")
        export_to_path(project, fmt, out)
        files = sorted(out.glob("*")) if out.is_dir() else [out]
        written = "".join(f.read_text(encoding="utf-8") for f in files if f.suffix in (".jsonl", ".ann"))
        records = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
        offsets = json.dumps(records)
        for suggestion in pending[1:]:
            assert f'"start": {suggestion.start}, "end": {suggestion.end}' not in offsets, fmt
            assert f" {suggestion.start} {suggestion.end}\t" not in written, fmt
        if fmt in ("native", "spacy"):
            assert f'"start": {accepted.start}, "end": {accepted.end}' in offsets, fmt
    assert unaccepted


def test_whole_words_only_whether_hits_are_sparse_or_dense():
    """Entries also match inside words ("on" in "Monday"): both ways of ruling those out (a check
    per hit when they are few, one pass over the words when they are many) keep the same ones."""
    dictionary = Dictionary({"on": [("EVENT", 1.0)], "Velmora": [("LOCATION", 1.0)], "a_b": [("ACTOR", 1.0)]})
    sparse = "Rebels went on to Velmora on Monday, not Velmoran; a_b and xa_b." + " filler" * 200
    dense = "on Monday on Mon on Velmora bon on a_b xa_b on" * 3
    for text in (sparse, dense):
        found = [(text[s:e], label) for s, e, label, _ in dictionary.match(text)]
        assert ("on", "EVENT") in found and ("Velmora", "LOCATION") in found and ("a_b", "ACTOR") in found
        assert len(found) == sum(w.strip(",;.") in ("on", "Velmora", "a_b") for w in text.split()), text[:30]
