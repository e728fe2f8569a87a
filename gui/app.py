"""Starting the window: the QApplication, the annotator's name, the project file, first use.

``run_app`` is what ``main.main()`` calls with no command. Everything except the event loop
is in ``create_main_window`` so tests can build the real window without ``exec()``.
"""
from __future__ import annotations

import getpass
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

import resources
from storage.model import (
    AnnotatorError,
    DuplicateArticleError,
    ProjectInUseError,
    Scheme,
)
from storage.paths import default_project_path
from storage.project import Project
from storage.text import normalise, parse_article

if TYPE_CHECKING:
    from gui.main_window import MainWindow

ORGANISATION = "event-annotator"
APPLICATION = "Event Annotator"
ANNOTATOR_KEY = "annotator"
SAMPLE_ARTICLE = "sample_article.txt"

# Asks for a name given the parent and a proposal; returns None when the user cancels.
NameAsker = Callable[[QWidget | None, str], str | None]


def login_name() -> str:
    """The user's login name, or "" where the platform cannot tell (no USER, no passwd entry)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):
        return ""


def ask_with_dialog(parent: QWidget | None, proposal: str) -> str | None:
    """The real asker: a one-line input dialog prefilled with ``proposal``."""
    name, ok = QInputDialog.getText(
        parent, APPLICATION,
        "Your name, stored with every span you tag (so a team can tell annotators apart):",
        QLineEdit.Normal, proposal)
    return name if ok else None


def ask_annotator_name(settings: QSettings, parent: QWidget | None = None,
                       ask: NameAsker = ask_with_dialog) -> str:
    """The annotator's name: from settings if known, else asked once and kept there.

    Cancelling the question uses the login name for this session without storing it, so the
    question comes back next time rather than fixing a name the user did not confirm.
    """
    stored = settings.value(ANNOTATOR_KEY, "")
    if isinstance(stored, str) and stored.strip():
        return stored.strip()
    proposal = login_name()
    answer = ask(parent, proposal)
    if answer is None:
        return proposal or "annotator"
    name = answer.strip() or proposal or "annotator"
    settings.setValue(ANNOTATOR_KEY, name)
    settings.sync()
    return name


def tagging_hint(scheme: Scheme) -> str:
    """One line telling a new user how to tag, from the project's own keys and labels."""
    keys = ", ".join(f"{label.key} {label.name}" for label in scheme.labels if label.key)
    if not keys:
        return "Select words and pick a label — Ctrl+Z undoes"
    return f"Select words and press {keys} — Ctrl+Z undoes"


def add_sample_article(project: Project) -> int:
    """Put the shipped sample article into ``project``; return its id (the existing one if present)."""
    text, _changes = normalise(resources.read_text(SAMPLE_ARTICLE))
    parsed = parse_article(text)
    try:
        article = project.add_article(text=parsed.text, title=parsed.title, date=parsed.date,
                                      source=SAMPLE_ARTICLE)
    except DuplicateArticleError as exc:
        return exc.existing_id
    return article.id


def create_main_window(project_path: Path, settings: QSettings, *, sample_if_new: bool = True,
                       ask_name: NameAsker = ask_with_dialog) -> "MainWindow":
    """Open (or create) the project and build the window with its File and Project menus.

    A project file that did not exist gets the sample article when ``sample_if_new`` (first
    use), and the status bar shows how to tag. Raises ``ProjectInUseError`` when another
    program holds the file.
    """
    from gui.file_actions import FileActions
    from gui.main_window import MainWindow
    from gui.scheme_actions import SchemeActions

    project_path = Path(project_path)
    is_new = not project_path.exists()
    annotator = ask_annotator_name(settings, None, ask_name)
    project = Project.open(project_path)
    try:
        sample_id = add_sample_article(project) if is_new and sample_if_new else None
        window = MainWindow(project, settings=settings, annotator=annotator)
    except BaseException:
        project.close()
        raise
    FileActions(window)
    SchemeActions(window)  # Project ▸ Upgrade scheme to PLOVER 2.0…
    if sample_id is not None:
        article = window.document.article
        if article is None or article.id != sample_id:  # a new project already shows its only article
            window.open_article(sample_id)
        # No timeout: the hint stays until the next status message replaces it.
        window.statusBar().showMessage(tagging_hint(project.scheme))
    return window


def in_use_message(path: Path) -> str:
    return (f"{path} is in use by another program.\n\n"
            "Close it there (or wait for it to finish writing) and start Event Annotator again.")


def show_startup_error(message: str) -> None:
    box = QMessageBox(QMessageBox.Critical, APPLICATION, message, QMessageBox.Ok)
    box.setTextFormat(Qt.PlainText)
    box.exec()


def make_application() -> QApplication:
    """The QApplication, named so QSettings finds our settings; reuses one that exists (tests)."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    # Fusion looks the same everywhere and, unlike the Windows styles before Qt 6.7, follows the
    # system's dark mode; we set no palette, so the platform's light or dark palette applies.
    app.setStyle("Fusion")
    return app  # type: ignore[return-value]


def run_app(project_path: Path | None, *, settings: QSettings | None = None,
            show_error: Callable[[str], None] = show_startup_error) -> int:
    """Start the window on ``project_path`` (default: the user's default project); the exit code.

    Returns 1 without a window when the project is in use or cannot be opened.
    """
    app = make_application()
    settings = settings if settings is not None else QSettings()
    path = Path(project_path) if project_path is not None else default_project_path()
    try:
        window = create_main_window(path, settings, sample_if_new=project_path is None)
    except ProjectInUseError:
        show_error(in_use_message(path))
        return 1
    except sqlite3.OperationalError as exc:
        show_error(in_use_message(path) if "locked" in str(exc) or "busy" in str(exc)
                   else f"Could not open {path}:\n{exc}")
        return 1
    except (AnnotatorError, sqlite3.DatabaseError, OSError) as exc:
        show_error(f"Could not open {path}:\n{exc}")
        return 1
    window.show()
    status = app.exec()
    window.file_actions.shutdown()  # the window closed its project in closeEvent
    return status
