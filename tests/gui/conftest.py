"""Fixtures shared by the GUI tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from storage.project import Project
from tests.gui.event_helpers import load_sample


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    with Project.open(tmp_path / "project.sqlite") as project:
        load_sample(project)
    return tmp_path
