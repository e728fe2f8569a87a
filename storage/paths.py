"""Where the application keeps its files: below both the command line (main.py) and the window."""
from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "event-annotator"


def default_project_path() -> Path:
    """The project used when no --project is given, in the user's data directory."""
    return user_data_path(APP_NAME, appauthor=False) / "default.sqlite"
