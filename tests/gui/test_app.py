"""Starting the app: first use creates the project with the sample article and a hint, the
annotator is asked once and signs every span, and a project held by another program is refused."""
from __future__ import annotations

import getpass
import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

import resources
from gui.app import (
    APPLICATION,
    ORGANISATION,
    ask_annotator_name,
    create_main_window,
    make_application,
    run_app,
    tagging_hint,
)
from storage.project import Project


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


def never_ask(parent, proposal):
    pytest.fail("the annotator's name was asked again")


def test_first_run_creates_the_project_with_the_sample_and_shows_the_hint(tmp_path, settings, qtbot):
    path = tmp_path / "data" / "default.annotator.sqlite"
    window = create_main_window(path, settings, ask_name=lambda parent, proposal: "Ana")
    qtbot.addWidget(window)
    assert path.exists()
    [(title, date, source, text)] = window.project.db.execute(
        "SELECT title, date, source, text FROM articles").fetchall()
    assert title.startswith("Aid convoy reaches Velmora") and date == "2025-03-14"
    assert source == "sample_article.txt"
    assert text.startswith(title) and "protesters gathered in Liberty Square" in text
    assert window.document.article is not None and window.document.article.title == title
    assert window.statusBar().currentMessage() == (
        "Select words and press 1 ACTOR, 2 LOCATION, 3 EVENT — Ctrl+Z undoes")


def test_keyboard_first_from_the_start_the_focus_is_in_the_text(tmp_path, settings, qtbot):
    path = tmp_path / "default.annotator.sqlite"
    window = create_main_window(path, settings, ask_name=lambda parent, proposal: "Ana")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert QApplication.focusWidget() is window.view  # not a dock's filter box, which would eat "3"
    # Ctrl+Shift+Right selects "Aid " (the word and its space), which snaps to "Aid".
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right,
                   Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.document.spanAdded):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)
    with sqlite3.connect(path) as db:
        assert db.execute('SELECT start, "end", label, annotator FROM spans').fetchall() == [(0, 3, "EVENT", "Ana")]


def test_second_run_does_not_add_the_sample_again(tmp_path, settings, qtbot):
    path = tmp_path / "default.annotator.sqlite"
    settings.setValue("annotator", "Ana")
    first = create_main_window(path, settings)
    qtbot.addWidget(first)
    first.close()
    second = create_main_window(path, settings)
    qtbot.addWidget(second)
    assert second.project.article_count() == 1
    assert second.statusBar().currentMessage() == ""


def test_a_new_project_given_by_name_starts_empty(tmp_path, settings, qtbot):
    settings.setValue("annotator", "Ana")
    window = create_main_window(tmp_path / "work.sqlite", settings, sample_if_new=False)
    qtbot.addWidget(window)
    assert window.project.article_count() == 0


def test_annotator_is_asked_once_and_signs_every_span(tmp_path, settings, qtbot):
    asked = []
    window = create_main_window(tmp_path / "p.sqlite", settings,
                                ask_name=lambda parent, proposal: asked.append(proposal) or " Ana ")
    qtbot.addWidget(window)
    assert asked == [getpass.getuser()]  # prefilled with the login name
    assert settings.value("annotator") == "Ana"
    window.document.tag(0, 3, "EVENT")
    window.close()
    again = create_main_window(tmp_path / "p.sqlite", settings, ask_name=never_ask)
    qtbot.addWidget(again)
    again.document.tag(4, 10, "ACTOR")
    annotators = again.project.db.execute("SELECT annotator FROM spans").fetchall()
    assert annotators == [("Ana",), ("Ana",)]


def test_cancelled_name_question_uses_the_login_name_and_asks_next_time(settings):
    assert ask_annotator_name(settings, ask=lambda parent, proposal: None) == getpass.getuser()
    assert settings.value("annotator", "") == ""
    assert ask_annotator_name(settings, ask=lambda parent, proposal: "") == getpass.getuser()
    assert settings.value("annotator") == getpass.getuser()
    assert ask_annotator_name(settings, ask=never_ask) == getpass.getuser()


def test_hint_follows_the_project_keys(tmp_path):
    with Project.open(tmp_path / "p.sqlite") as project:
        project.update_label("EVENT", key="e")
        assert tagging_hint(project.scheme) == (
            "Select words and press 1 ACTOR, 2 LOCATION, e EVENT — Ctrl+Z undoes")


def test_application_names_for_settings_and_no_forced_palette(qapp):
    palette_before = QApplication.palette()
    app = make_application()
    assert app is qapp
    assert (app.organizationName(), app.applicationName()) == (ORGANISATION, APPLICATION)
    assert app.style().name().lower() == "fusion"
    assert QApplication.palette() == palette_before  # the system's light or dark palette stays


def test_project_in_use_is_refused_with_a_clear_message(tmp_path, settings):
    path = tmp_path / "busy.sqlite"
    settings.setValue("annotator", "Ana")
    # Another program has created the file and holds its write lock (a rollback journal, so
    # even reading the schema waits): opening gives up after the busy timeout.
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    messages = []
    try:
        assert run_app(path, settings=settings, show_error=messages.append) == 1
    finally:
        holder.close()
    assert messages == [f"{path} is in use by another program.\n\n"
                        "Close it there (or wait for it to finish writing) and start Event Annotator again."]


def test_sample_article_is_shipped_in_the_house_format():
    first_line = resources.read_text("sample_article.txt").split("\n", 1)[0]
    assert first_line.startswith(" date 2025-03-14 ")
