"""Suggestions in the window: drawn apart from spans, keys to jump, accept, reject, accept all in view."""
from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from storage.project import Project
from tests.gui.assist.helpers import open_window, stored

DONE = "Rebels entered Velmora. The army left Homs.\n"
NEW = "In Velmora the army met Rebels.\n\nHoms was calm; Velmora too.\n"
ALT, SHIFT, CTRL = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


def project_with_dictionary(path):
    with Project.open(path) as project:
        done = project.add_article(text=DONE, title="done").id
        for word, label in (("Rebels", "ACTOR"), ("Velmora", "LOCATION"), ("army", "ACTOR"), ("Homs", "LOCATION")):
            project.add_span(done, DONE.index(word), DONE.index(word) + len(word), label)
        project.set_status(done, "done")
        project.add_article(text=NEW, title="new")
    return path


def rejections(path):
    with sqlite3.connect(path) as db:
        return db.execute('SELECT article_id, start, "end", label FROM assist_rejections').fetchall()


def test_suggestions_show_and_keys_accept_reject_and_accept_all(qtbot, tmp_path):
    path = project_with_dictionary(tmp_path / "p.sqlite")
    window = open_window(qtbot, path, tmp_path / "s.ini")
    assert window.document.article.id == 2  # the unfinished one
    controller = window.assist.suggestions
    qtbot.waitUntil(lambda: len(controller.suggestions) == 5)  # computed right after the article shows
    words = [NEW[s.start:s.end] for s in controller.suggestions]
    assert words == ["Velmora", "army", "Rebels", "Homs", "Velmora"]
    window.view.viewport().repaint()
    assert {NEW[s.start:s.end] for s, _box in controller.marks.painted} == set(words)
    assert window.view.spans_at(NEW.index("Velmora")) == []  # not an annotation
    qtbot.keyClick(window.view, Qt.Key.Key_J, CTRL)
    assert window.view.selection_range() == (3, 10)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, ALT)
    assert (2, 3, 10, "LOCATION", "suggestion:dictionary") in stored(path)
    assert len(controller.suggestions) == 4
    qtbot.keyClick(window.view, Qt.Key.Key_J, CTRL)  # army
    qtbot.keyClick(window.view, Qt.Key.Key_Delete, ALT)
    army = NEW.index("army")
    assert rejections(path) == [(2, army, army + 4, "ACTOR")]
    assert [NEW[s.start:s.end] for s in controller.suggestions] == ["Rebels", "Homs", "Velmora"]
    qtbot.keyClick(window.view, Qt.Key.Key_Return, ALT | SHIFT)
    assert len(stored(path)) == 4 + 4 and controller.suggestions == []
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # the three in view come back as one step
    assert len(stored(path)) == 4 + 1
    qtbot.waitUntil(lambda: len(controller.suggestions) == 3)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # the rejection is undone too
    assert rejections(path) == [] and len(controller.suggestions) == 4
    window.open_article(2)  # reopening computes the same, minus what is settled
    qtbot.waitUntil(lambda: len(controller.suggestions) == 4)
    assert [NEW[s.start:s.end] for s in controller.suggestions] == ["army", "Rebels", "Homs", "Velmora"]


def test_turning_suggestions_off_is_kept_in_the_project(qtbot, tmp_path):
    path = project_with_dictionary(tmp_path / "p.sqlite")
    window = open_window(qtbot, path, tmp_path / "s.ini")
    qtbot.waitUntil(lambda: window.assist.accept_action.isEnabled())
    window.assist.show_action.trigger()
    assert window.assist.suggestions.suggestions == []
    assert not window.assist.accept_action.isEnabled()
    with Project.open(path) as project:
        from storage.assist.settings import load_settings
        assert load_settings(project).suggestions is False
