"""`export` killed (SIGKILL) at every step that touches the disk: the destination is always the
previous complete export or the new one, and the next export repairs and clears what was left."""
from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from storage.exporting import export_to_path
from storage.project import Project
from tests.storage.torture import run_killed_at

def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def hidden_siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}."))


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "p.sqlite"
    with Project.open(path) as project:
        project.add_article(text="Rebels entered Velmora on Friday.", title="Velmora")
    return path


def _grow(project_path: Path) -> None:
    with Project.open(project_path) as project:
        article = project.add_article(text="The ministry condemned the attack.", title="Ministry")
        project.add_span(article.id, 4, 12, "ACTOR")


@pytest.mark.parametrize("fmt, name", [("brat", "out"), ("spacy", "train.jsonl")])
def test_an_export_killed_at_any_step_leaves_the_old_or_the_new_and_the_next_run_repairs(
        project_path, tmp_path, fmt, name):
    refs = tmp_path / "refs"
    refs.mkdir()
    with Project.open(project_path) as project:
        export_to_path(project, fmt, refs / "old")
    _grow(project_path)
    with Project.open(project_path) as project:
        export_to_path(project, fmt, refs / "new")
    read = contents if fmt == "brat" else Path.read_bytes
    old, new = read(refs / "old"), read(refs / "new")
    argv = ["--project", project_path, "export", "--format", fmt, "-o"]

    work = tmp_path / "work"
    total = None
    step = 1
    while total is None or step <= total:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir()
        target = work / name
        (shutil.copytree if fmt == "brat" else shutil.copyfile)(refs / "old", target)
        result = run_killed_at(step, *argv, target, sql=False)  # an export's statements only read
        if result.returncode == 0:  # ran to the end: now we know how many steps there are
            total = int(result.stdout.strip().splitlines()[-1])
            assert read(target) == new
        else:
            assert result.returncode == -signal.SIGKILL, result.stderr
            if target.exists():  # at every instant: the old complete export or the new one
                assert read(target) in (old, new), f"step {step}: a partial export"
            else:
                assert hidden_siblings(target), f"step {step}: the export vanished with nothing to repair"
        left = hidden_siblings(target)
        with Project.open(project_path) as project:  # the next export, not killed
            summary = export_to_path(project, fmt, target).summary()
        assert read(target) == new and hidden_siblings(target) == []
        if left:
            assert "note: " in summary, f"step {step}: cleared {left} without a word"
        step += 1
    assert total >= (4 if fmt == "brat" else 1)  # the loop really stopped the export at each of its steps
