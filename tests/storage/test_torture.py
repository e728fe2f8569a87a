"""Kill -9 over the store and over `import`: nothing acknowledged lost, nothing half in, the file
sound. Bounded for CI; ``bench/bench_torture.py`` runs the same harnesses many more times."""
from __future__ import annotations

import random
import shutil

from tests.storage import torture


def test_a_writer_killed_mid_edit_loses_no_acknowledged_edit(tmp_path):
    path = tmp_path / "p.sqlite"
    article_id = torture.build_store_project(path)
    tally = torture.Tally()
    rng = random.Random(7)
    for seed in range(4):  # each run goes on from the state the previous kill left
        tally.add(torture.store_kill_run(path, article_id, seed, edits=rng.randint(5, 30)))
    assert tally.ok, tally.bad
    assert tally.acknowledged >= 20


def test_an_import_killed_at_any_step_keeps_whole_files_only(tmp_path):
    folder = tmp_path / "news"
    expected = torture.import_folder(folder, 4)
    project = tmp_path / "p.sqlite"
    total = torture.count_steps("--project", project, "import", folder)
    steps = sorted({1, total} | {round(total * k / 7) for k in range(1, 7)})  # spread over the run
    tally = torture.Tally()
    for step in steps:
        for leftover in tmp_path.glob("p.sqlite*"):
            leftover.unlink()
        tally.add(torture.import_kill_run(project, folder, expected, step))
    assert tally.ok, tally.bad
    assert tally.runs == len(steps) >= 6
