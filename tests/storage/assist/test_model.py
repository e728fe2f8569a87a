"""The model recommender: trained in its own process, kept in the project, scored suggestions,
held-out precision/recall per label; and the CLI around it. Small data, two epochs: fast."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from storage.assist.model import load_model, newly_done, stored_report
from storage.assist.suggestions import stored_suggestions
from storage.project import Project

ROOT = Path(__file__).resolve().parents[3]
SENTENCES = ["Rebels entered Velmora on Monday.", "The army shelled Kessa overnight.",
             "Police arrested protesters in Marabad.", "Rebels attacked Kessa at dawn.",
             "The army entered Marabad, officials said.", "Protesters marched in Velmora."]
LABELS = {"Rebels": "ACTOR", "The army": "ACTOR", "Police": "ACTOR", "protesters": "ACTOR",
          "Protesters": "ACTOR", "Velmora": "LOCATION", "Kessa": "LOCATION", "Marabad": "LOCATION",
          "entered": "EVENT", "shelled": "EVENT", "arrested": "EVENT", "attacked": "EVENT", "marched": "EVENT"}


def make_project(path: Path, done: int = 6, new: int = 2) -> Path:
    with Project.open(path) as project:
        for n in range(done + new):
            text = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(4)) + f" Report {n}.\n"
            article = project.add_article(text=text, title=f"r{n}").id
            if n < done:
                for words, label in LABELS.items():
                    start = text.find(words)
                    while start >= 0:
                        project.add_span(article, start, start + len(words), label)
                        start = text.find(words, start + 1)
                project.set_status(article, "done")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "main", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One training, in a separate process as the window runs it, shared by the tests below."""
    path = make_project(tmp_path_factory.mktemp("model") / "p.sqlite")
    result = subprocess.run([sys.executable, "-m", "storage.assist.train_process", "--project", str(path),
                             "--epochs", "3"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return path, [json.loads(line) for line in result.stdout.splitlines()]


def test_training_reports_progress_and_held_out_scores_and_keeps_the_model(trained):
    path, records = trained
    assert [r["epoch"] for r in records if r["stage"] == "train"] == [1, 2, 3]
    report = records[-1]["report"]
    assert records[-1]["stage"] == "done" and report["train_articles"] == 5 and report["held_out_articles"] == 1
    assert set(report["labels"]) <= {"ACTOR", "LOCATION", "EVENT"} and report["peak_memory_mb"] > 0
    with Project.open(path) as project:  # survives a restart: a new connection, a new process
        assert stored_report(project).epochs == 3
        assert load_model(project) is not None
        assert newly_done(project) == 0
        suggestions = [s for a in project.article_ids(status="new") for s in stored_suggestions(project, a)]
        assert suggestions and all(s.recommender == "model" and 0.2 <= s.score <= 1 for s in suggestions)


def test_cli_suggest_prints_offsets_label_recommender_and_score(trained):
    path, _ = trained
    result = run_cli("--project", str(path), "assist", "suggest", "--status", "new", "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and {"article", "start", "end", "label", "recommender", "score", "text"} == set(lines[0])
    with Project.open(path) as project:
        for line in lines:
            assert project.article(line["article"]).text[line["start"]:line["end"]] == line["text"]
    assert {line["recommender"] for line in lines} >= {"dictionary"}
    one = run_cli("--project", str(path), "assist", "suggest", "--article", str(lines[0]["article"]))
    assert one.returncode == 0 and one.stdout.count("\t") >= 6


def test_cli_train_prints_precision_and_recall_per_label(tmp_path):
    path = make_project(tmp_path / "p.sqlite", done=4, new=1)
    code = main.main(["--project", str(path), "assist", "train", "--epochs", "1"])
    assert code == 0
    with Project.open(path) as project:
        assert stored_report(project).train_articles == 3


def test_cli_train_without_done_articles_is_one_plain_line(tmp_path, capsys):
    path = make_project(tmp_path / "p.sqlite", done=0, new=2)
    assert main.main(["--project", str(path), "assist", "train"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: the model needs at least 2 done articles")


def test_cli_dictionary_import_names_a_bad_line(tmp_path, capsys):
    path = make_project(tmp_path / "p.sqlite", done=0, new=1)
    good, bad = tmp_path / "d.csv", tmp_path / "bad.tsv"
    good.write_text("text,label\nReport,EVENT\n", encoding="utf-8")
    bad.write_text("Kessa\tPLACE\n", encoding="utf-8")
    assert main.main(["--project", str(path), "assist", "dictionary", "import", str(good)]) == 0
    assert main.main(["--project", str(path), "assist", "dictionary", "import", str(bad)]) == 1
    assert f"{bad}:1: unknown label 'PLACE'" in capsys.readouterr().err
    capsys.readouterr()
    assert main.main(["--project", str(path), "assist", "suggest"]) == 0
    assert "\tEVENT\tdictionary\t1.00\tReport" in capsys.readouterr().out


BLOCK_SPACY = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "spacy" or name.startswith("spacy.") or name == "ahocorasick":
            raise ModuleNotFoundError(f"No module named {name!r}")
sys.meta_path.insert(0, Block())
"""


def test_without_spacy_the_cli_says_what_to_install(tmp_path):
    path = make_project(tmp_path / "p.sqlite", done=3, new=1)
    script = BLOCK_SPACY + f"import main\nsys.exit(main.main(['--project', {str(path)!r}, 'assist', 'train']))\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "error: model suggestions need spaCy: pip install 'event-annotator[assist]'"
