"""Two users' spans told apart in the window: after a doccano multi-user import (each user's
span has that annotator, identical spans of two users included) the Annotations list shows an
Annotator column and the tooltips say "(by …)", only on articles that hold more than one
annotator's spans; a blind curator (curation.anonymous) reads "Annotator n", never a name."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from gui.annotation_list import AnnotationListModel
from gui.main_window import MainWindow
from storage.importing import import_paths
from storage.project import Project
from tests.storage.importing.helpers import INTEROP

MULTI_USER = INTEROP / "doccano-to-conll" / "labeling_multi_users.jsonl"  # user 1 and user 2 on record 1


def make_project(tmp_path: Path, *, blind: bool = False) -> Path:
    path = tmp_path / "news.sqlite"
    with Project.open(path) as project:
        assert import_paths(project, [MULTI_USER]).ok
        if blind:
            project.set_setting("curation.anonymous", "1")
    return path


def open_window(qtbot, path: Path, tmp_path: Path, *, size: tuple[int, int] = (1400, 900)) -> MainWindow:
    settings = QSettings(str(tmp_path / "cara.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Project.open(path), settings=settings, annotator="cara")
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def rows(window: MainWindow) -> list[tuple[str, str, str]]:
    model = window.annotation_list.model
    return [(model.index(r, model.TEXT).data(), model.index(r, model.LABEL).data(), model.index(r, model.LAYER).data())
            for r in range(model.rowCount())]


def column_shown(window: MainWindow) -> bool:
    return not window.annotation_list.table.isColumnHidden(AnnotationListModel.LAYER)


def test_two_users_spans_show_whose_each_is(qtbot, tmp_path):
    path = make_project(tmp_path)
    window = open_window(qtbot, path, tmp_path)
    window.open_article(1)
    assert column_shown(window)
    model = window.annotation_list.model
    assert model.headerData(model.LAYER, Qt.Orientation.Horizontal) == "Annotator"
    listed = rows(window)
    # the same words and label twice, once per user: the column is what tells the rows apart
    assert len(listed) == 10 and len(set(listed)) == 10
    assert {layer for _, _, layer in listed} == {"user 1", "user 2"}
    first = window.document.text.index(listed[0][0])
    assert window.view.tooltip_text(first) == f"{listed[0][1]} (by user 1)\n{listed[0][1]} (by user 2)"
    tip = model.index(0, model.TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert "(by user 1)" in tip
    # the second article is user 2's alone: nothing to tell apart, no column, plain tooltips
    window.open_article(2)
    assert not column_shown(window)
    span = window.annotation_list.model.span_at(0)
    assert window.view.tooltip_text(span.start) == span.label
    # cara tags a word there: now two annotators' spans, and the column comes back
    start = window.document.text.index("YEAR")
    window.view.select_range(start, start + len("YEAR"))
    with qtbot.waitSignal(window.document.spanAdded):
        qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert column_shown(window)
    assert ("cara", "ACTOR") in {(layer, label) for _, label, layer in rows(window)}
    with closing(sqlite3.connect(path)) as db:  # what the column says is what the file holds
        assert db.execute("SELECT count(*) FROM spans WHERE article_id = 2 AND annotator = 'cara' "
                          "AND label = 'ACTOR'").fetchone() == (1,)
    # and her span deleted (undone), the column goes again
    with qtbot.waitSignal(window.document.spanRemoved):
        qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not column_shown(window)


def test_blind_curation_numbers_the_annotators(qtbot, tmp_path):
    """curation.anonymous on: the column and every tooltip say "Annotator n", no user's name."""
    window = open_window(qtbot, make_project(tmp_path, blind=True), tmp_path)
    window.open_article(1)
    assert column_shown(window)
    assert {layer for _, _, layer in rows(window)} == {"Annotator 1", "Annotator 2"}
    model = window.annotation_list.model
    tips = [model.index(r, model.TEXT).data(Qt.ItemDataRole.ToolTipRole) for r in range(model.rowCount())]
    tips += [window.view.tooltip_text(model.span_at(r).start) for r in range(model.rowCount())]
    assert all("(by Annotator " in tip for tip in tips) and not [t for t in tips if "user" in t]


def test_two_annotators_events_show_whose_each_is(qtbot, tmp_path):
    """The same frame made by two annotators (each on their own trigger span): the Events list
    gets the Annotator column too; an article with one annotator's events does not."""
    path = tmp_path / "events.sqlite"
    text = "Rebels attacked Homs on Sunday.\n"
    with Project.open(path) as project:
        both = project.add_article(text=text, title="both").id
        one = project.add_article(text=text.replace("Sunday", "Monday"), title="one").id
        start = text.index("attacked")
        for article, annotators in ((both, ("ana", "ben")), (one, ("ana",))):
            for name in annotators:
                trigger = project.add_span(article, start, start + len("attacked"), "EVENT", annotator=name)
                project.add_event(trigger.id, type="ASSAULT", annotator=name)
    window = open_window(qtbot, path, tmp_path)
    window.open_article(both)
    panel = window.event_panel
    table, model = panel.events_table, panel.events_model
    assert not table.isColumnHidden(model.LAYER_COLUMN)
    assert model.headerData(model.LAYER_COLUMN, Qt.Orientation.Horizontal) == "Annotator"
    assert sorted(model.index(r, model.LAYER_COLUMN).data() for r in range(model.rowCount())) == ["ana", "ben"]
    assert column_shown(window)  # their trigger spans, in the Annotations list
    window.open_article(one)
    assert table.isColumnHidden(model.LAYER_COLUMN) and not column_shown(window)
