"""The README's walkthrough works as written, in a scratch folder, and writes nothing into the
checkout: its commands run (the window's line aside) and its spaCy example is what export writes."""
from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from storage.project import Project

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
WINDOW_LIBRARIES = ("libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-image0",
                    "libxcb-keysyms1", "libxcb-render-util0", "libxcb-shape0")


def walkthrough() -> list[str]:
    section = README.split("## Walkthrough", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def spacy_example() -> dict:
    section = README.split("## Walkthrough", 1)[1]
    return json.loads(re.search(r"```json\n(.*?)\n```", section, re.S).group(1))


def test_the_walkthrough_runs_in_a_scratch_folder_and_its_example_is_what_export_writes(tmp_path):
    lines = walkthrough()
    assert not any("../" in line for line in lines)  # nothing outside the checkout is assumed
    assert any(line.startswith("mkdir -p ~/ea-demo") for line in lines)
    # The window's own line is left out; event-annotator is this checkout's main.py.
    command = f'"{sys.executable}" "{ROOT / "main.py"}"'
    script = [line.replace("event-annotator ", command + " ") for line in lines
              if "activate" not in line and not line.rstrip().endswith("--project news.sqlite")]
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    before = sorted(p.name for p in ROOT.iterdir())
    done = subprocess.run(["bash", "-euc", "\n".join(script)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in ROOT.iterdir()) == before  # the checkout is untouched
    demo = tmp_path / "ea-demo"
    assert (demo / "news.sqlite").exists() and (demo / "train.jsonl").exists()
    # Tag the article as the README says the window did, mark it done, export again.
    example = spacy_example()
    with Project.open(demo / "news.sqlite") as project:
        [article_id] = project.article_ids()
        for span in example["spans"]:
            project.add_span(article_id, span["start"], span["end"], span["label"], annotator="ana")
        project.set_status(article_id, "done")
    export = [part for part in script if " export " in part]
    done = subprocess.run(["bash", "-euc", "\n".join(["cd ~/ea-demo", *export])], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [record] = [json.loads(line) for line in (demo / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record == example


def test_what_the_app_writes_in_a_checkout_is_ignored():
    patterns = [line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    for written in ("news.sqlite", "news.sqlite-wal", "news.sqlite-shm", "train.jsonl", "train.spacy",
                    "project.annotator.sqlite"):
        assert any(fnmatch.fnmatch(written, pattern.lstrip("/")) for pattern in patterns), written


def test_install_names_the_libraries_a_real_window_needs_and_the_first_run_prompt():
    install = README.split("## Walkthrough", 1)[0]
    assert all(name in install for name in WINDOW_LIBRARIES)
    assert "asks for your name" in install
