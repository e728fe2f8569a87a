"""`stats` and `export` on a damaged project file and on a read-only disk: one plain line, or it works."""
from __future__ import annotations

import json
import os
import random
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import main
from storage.project import Project

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Insurgents entered Damascus on Sunday.\n\nMr. Al-Assad left Syria."
PAGE = 4096


@pytest.fixture(scope="module")
def project_path(tmp_path_factory):
    """A closed project with enough articles to span many pages."""
    path = tmp_path_factory.mktemp("proj") / "p.sqlite"
    with Project.open(path) as project:
        for n in range(60):
            article = project.add_article(text=f"{n}. {TEXT} " + "More words here. " * 40, title=f"a{n}",
                                          status="done" if n % 2 else "new")
            start = 2 + len(str(n))
            trigger = project.add_span(article.id, start + 11, start + 18, "EVENT")
            actor = project.add_span(article.id, start, start + 10, "ACTOR")
            event = project.add_event(trigger.id, type="FIGHT")
            project.add_argument(event.id, "source", actor.id)
    return path


def _damaged_copy(source: Path, target: Path, seed: int) -> None:
    data = bytearray(source.read_bytes())
    rng = random.Random(seed)
    for _ in range(rng.randint(1, 8)):  # a few flipped bytes anywhere past the file header
        offset = rng.randrange(100, len(data))
        data[offset] ^= 1 << rng.randrange(8)
    target.write_bytes(bytes(data))


@pytest.mark.parametrize("command", [["stats"], ["stats", "--json"], ["export", "--format", "native"],
                                     ["export", "--format", "brat"]])
def test_a_damaged_project_gives_one_plain_line_never_a_traceback(project_path, tmp_path, capsys, command):
    damaged_seen = 0
    for seed in range(48):
        copy = tmp_path / f"copy{seed}.sqlite"
        _damaged_copy(project_path, copy, seed)
        argv = ["--project", str(copy), *command]
        if command[0] == "export":
            argv += ["-o", str(tmp_path / f"out{seed}")]
        code = main.main(argv)  # raises on anything not turned into a message
        err = capsys.readouterr().err
        assert code in (0, 1), err
        if code == 1:
            last = err.strip().splitlines()[-1]
            assert last.startswith("error: ") and "Traceback" not in err and "sqlite3." not in err, err
            damaged_seen += "damaged" in last
            if "damaged" in last:
                assert "backup" in last  # and what the user can do about it
    assert damaged_seen > 0  # the loop did reach SQLite's own "malformed"


@pytest.mark.parametrize("command", [["stats"], ["import", "missing.jsonl"]])
def test_a_schema_damaged_into_bytes_that_are_not_utf8_gives_one_plain_line(project_path, tmp_path, capsys, command):
    """SQLite quotes the schema text it cannot parse, and Python cannot decode that message."""
    data = bytearray(project_path.read_bytes())
    data[data.index(b"BEGIN SELECT RAISE") + 2] = 0xAC
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(bytes(data))
    assert main.main(["--project", str(copy), *command]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {copy}: the project file is damaged") and "backup" in err and "Traceback" not in err


def _read_only_runner(folder: Path) -> list[str]:
    """A command prefix that runs its command with ``folder`` on a read-only mount (Linux user
    namespaces); where those are not allowed, the folder is made read-only by its permissions."""
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True) \
        if shutil.which("unshare") else None
    if probe is not None and probe.returncode == 0:
        return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                f'mount --bind -o ro "{folder}" "{folder}" && exec "$0" "$@"']
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return []


@pytest.mark.parametrize("command", [["stats", "--json"], ["export", "--format", "spacy"]])
def test_stats_and_export_work_on_a_read_only_disk(project_path, tmp_path, command):
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(project_path, folder / "p.sqlite")
    prefix = _read_only_runner(folder)
    try:
        result = subprocess.run([*prefix, sys.executable, str(ROOT / "main.py"), "--project",
                                 str(folder / "p.sqlite"), *command], cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    finally:
        folder.chmod(stat.S_IRWXU)
    assert result.returncode == 0, result.stderr
    if command[0] == "stats":
        assert json.loads(result.stdout)["articles"] == 60
    else:
        assert len(result.stdout.splitlines()) == 60
    assert sorted(p.name for p in folder.iterdir()) == ["p.sqlite"]  # nothing written beside it


def test_a_read_only_project_with_unsaved_changes_in_its_wal_says_what_to_do(project_path, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(project_path, folder / "p.sqlite")
    (folder / "p.sqlite-wal").write_bytes(b"\0" * 32)  # what a crash leaves: a WAL but no -shm
    prefix = _read_only_runner(folder)
    try:
        result = subprocess.run([*prefix, sys.executable, str(ROOT / "main.py"), "--project",
                                 str(folder / "p.sqlite"), "stats"], cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    finally:
        folder.chmod(stat.S_IRWXU)
    if result.returncode == 0:  # root without namespaces can write anyway; then it simply works
        assert os.geteuid() == 0
    else:
        assert result.stderr.startswith("error: cannot read ") and "-wal" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
