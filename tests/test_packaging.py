"""What installing the package must give: the pinned Qt binding that does not crash Python 3.11,
and data files that load from the installed package rather than from a checkout."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import resources

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_pins_pyside_essentials_below_the_none_leak():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = [d.replace(" ", "") for d in pyproject["project"]["dependencies"]]
    assert "PySide6-Essentials>=6.8,<6.12" in dependencies
    assert not any(d.startswith("PySide6>") or d == "PySide6" for d in dependencies)


def test_installed_pyside_is_inside_the_pin():
    major, minor = (int(part) for part in metadata.version("PySide6-Essentials").split(".")[:2])
    assert (6, 8) <= (major, minor) < (6, 12)


def test_pyside_does_not_leak_none(qapp):
    # PySide6 6.12.0 drops a reference to None on every void call; Python 3.11 then aborts.
    from PySide6.QtCore import QObject

    if sys.version_info >= (3, 12):
        return
    obj, before = QObject(), sys.getrefcount(None)
    for _ in range(1000):
        obj.setObjectName("x")
    assert sys.getrefcount(None) - before > -100


def test_sample_article_loads_from_the_package():
    text = resources.read_text("sample_article.txt")
    assert text.startswith(" date ")
    first_line = text.split("\n", 1)[0]
    assert first_line.startswith(" date 2025-03-14 ") and len(first_line) > len(" date 2025-03-14 ")
    assert text.split("\n")[1] == ""  # the house format: a blank line after the header
    paragraphs = [p for p in text.split("\n\n")[1:] if p.strip()]
    assert len(paragraphs) >= 5


def test_package_data_ships_the_sample_and_the_scheme():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["resources"]
    assert "*.txt" in patterns and "*.json" in patterns
    assert resources.default_scheme()["labels"][0]["name"] == "ACTOR"


def test_built_package_carries_the_data_files(tmp_path):
    # Build the package as pip would (setuptools' build_py, from a copy of the tree so the
    # checkout gets no build/ folder), then import ``resources`` from the build only.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "main.py", "README.md"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, source / name)
        else:
            (source / name).write_text("", encoding="utf-8")
    for package in ("gui", "storage", "resources"):
        shutil.copytree(ROOT / package, source / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    build = tmp_path / "build"
    subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                    "build_py", "--build-lib", str(build)],
                   cwd=source, check=True, capture_output=True)
    assert (build / "resources" / "sample_article.txt").is_file()
    assert (build / "resources" / "scheme.json").is_file()
    probe = ("import resources; print(resources.__file__); "
             "print(resources.read_text('sample_article.txt')[:6] == ' date ')")
    env = {**os.environ, "PYTHONPATH": str(build)}
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                            check=True, capture_output=True, text=True)
    where, starts_right = result.stdout.split()
    assert Path(where).parent == build / "resources"
    assert starts_right == "True"


def test_resources_come_from_the_package_directory():
    # importlib.resources resolves through the package, so a wheel install finds the same files.
    from importlib.resources import files

    assert files("resources").joinpath("sample_article.txt").is_file()
    assert Path(resources.__file__).parent == Path(str(files("resources")))
