"""Every article status belongs to a layer (issue 10): the main window of a master project shows and
sets the status of the layer it shows, in the article list, the date line and the status keys.

The master is ``test_layer_view``'s (ana and ben brought back on two articles, cara at the
window); every check reads the SQLite file through a connection of its own.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import Qt

from gui.layer_view import ALL, AUTOMATIC, NEXT_LAYER_KEY
from gui.main_window import MainWindow
from storage.article_status import OWN_STATUS
from storage.project import Project
from tests.gui.test_layer_view import choose_in_combo, make_master, make_window, tag


def statuses(path: Path, article_id: int) -> tuple[str, dict[str, str]]:
    """The article's own status and every layer's status there, straight from the file."""
    with closing(sqlite3.connect(path)) as db:
        (own,) = db.execute(f"SELECT {OWN_STATUS} FROM articles WHERE id = ?", [article_id]).fetchone()
        layers = dict(db.execute("SELECT layer, status FROM layer_status WHERE article_id = ?", [article_id]))
    return own, layers


def list_statuses(window: MainWindow) -> list[str]:
    model = window.article_list.model
    return [model.index(row, model.STATUS).data() for row in range(model.rowCount())]


def choose(window: MainWindow, choice: str) -> None:
    """View ▸ Layer ▸ ``choice`` (a layer's name, automatic or all)."""
    next(a for a in window.layer_view.menu.actions() if a.data() == choice).trigger()


def press(window: MainWindow, qtbot, key: Qt.Key, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:
    qtbot.keyClick(window.view, key, modifiers)


def test_status_keys_set_the_shown_layers_status_and_the_list_shows_it(qtbot, tmp_path):
    path = make_master(tmp_path)
    with Project.open(path) as master:  # ana finished article 2 in her packet; the master's own is new
        master.set_status(2, "done", layer="ana")
    window = make_window(qtbot, path, tmp_path)
    asked: list[str] = []  # ana's frame lacks roles: Ctrl+Return asks first; the test answers yes
    window.event_panel.ask_confirm = lambda title, text: asked.append(title) or True
    assert window.document.layer == "cara"  # automatic: two layers, no gold, so cara's own
    assert list_statuses(window) == ["New", "New"] and window.done_label.text() == "0 done"

    choose_in_combo(window, qtbot, Qt.Key.Key_A)  # ana's layer: her statuses, row by row
    assert window.document.layer == "ana"
    assert list_statuses(window) == ["New", "Done"] and window.done_label.text() == "1 done"
    window.view.setFocus()
    press(window, qtbot, Qt.Key.Key_Return)  # Ctrl+Return: ana's article 1 done, then the next unfinished
    assert asked == ["Incomplete event frames"] and statuses(path, 1) == ("new", {"ana": "done", "ben": "new"})
    assert list_statuses(window) == ["Done", "Done"] and window.done_label.text() == "2 done"
    assert window.statusBar().currentMessage() == "No unfinished articles left"  # of ana's: both done

    choose(window, "ben")  # ben: nothing done yet, whatever ana did
    assert list_statuses(window) == ["New", "New"] and window.done_label.text() == "0 done"
    assert "New" in window.meta.text()
    window.view.setFocus()
    tag(window, qtbot, "fighting", Qt.Key.Key_3)  # the first edit starts ben's layer, not the master
    assert statuses(path, 1) == ("new", {"ana": "done", "ben": "in_progress"})
    assert list_statuses(window)[0] == "In progress" and "In progress" in window.meta.text()
    press(window, qtbot, Qt.Key.Key_K)  # Ctrl+K: ben skips article 1 and goes on to his next unfinished
    assert statuses(path, 1) == ("new", {"ana": "done", "ben": "skipped"})
    assert window.document.article.id == 2 and window.document.layer == "ben"
    assert list_statuses(window) == ["Skipped", "New"]
    tooltip = window.layer_view.combo.itemData(window.layer_view.combo.findData("ben"), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.endswith("(new)")  # article 2's line in the chooser: ben's status there

    # Automatic again: two layers and no gold shows cara's own, whose status is the article's own.
    window.open_article(1)
    choose(window, AUTOMATIC)
    assert window.document.layer == "cara"
    assert list_statuses(window) == ["New", "New"]
    window.view.setFocus()
    press(window, qtbot, Qt.Key.Key_Return)
    assert statuses(path, 1) == ("done", {"ana": "done", "ben": "skipped"})


def test_all_layers_show_each_layers_status_and_refuse_status_keys(qtbot, tmp_path):
    path = make_master(tmp_path)
    with Project.open(path) as master:
        master.set_status(1, "done", layer="ana")
    window = make_window(qtbot, path, tmp_path)
    choose(window, ALL)
    assert window.layer_view.shown_layer() is None
    assert "gold: New · ana: Done · ben: New" in window.meta.text()
    before = statuses(path, 1)
    press(window, qtbot, Qt.Key.Key_Return)
    message = window.statusBar().currentMessage()
    assert message.startswith("All layers are shown read-only: choose one layer") and NEXT_LAYER_KEY in message
    press(window, qtbot, Qt.Key.Key_K)
    assert statuses(path, 1) == before and window.document.article.id == 1


def test_gold_status_is_the_articles_own(qtbot, tmp_path):
    path = make_master(tmp_path, gold_on_first=True)
    window = make_window(qtbot, path, tmp_path)
    assert window.document.layer == "gold"
    press(window, qtbot, Qt.Key.Key_K)  # the curator skips article 1: the master's (gold's) status
    assert statuses(path, 1) == ("skipped", {"ana": "new", "ben": "new"})
    assert list_statuses(window) == ["Skipped", "New"]
