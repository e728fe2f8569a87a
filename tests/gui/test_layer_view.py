"""The main window of a master project shows one annotator layer at a time (issue 10).

A real master: articles imported, handed out to ana and ben with ``team split``, each packet
annotated through the store, brought back with ``team merge``. The window is driven by its real
controls (the chooser, View ▸ Layer, Ctrl+Shift+L) and label keys; every check reads the SQLite
file through a connection of its own.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from gui.annotation_list import AnnotationListModel
from gui.event_list_model import EventListModel
from gui.layer_view import ALL, AUTOMATIC, NEXT_LAYER_KEY
from gui.main_window import MainWindow
from storage.project import Project
from storage.team.merge import merge_packets
from storage.team.packets import split
from tests.gui.curation.test_team_menu import annotate as annotate_spans

TEXT = "Rebels entered Velmora after fighting the army.\n"
SHIFT_CTRL = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def annotate(path: Path, spans: list[tuple[str, str]]) -> None:
    """``spans`` on every article of a packet (its layer once merged), and a frame on each EVENT."""
    annotate_spans(path, spans)
    with Project.open(path) as packet:
        for article_id in packet.article_ids():
            for span in packet.spans(article_id):
                if span.label == "EVENT":
                    packet.add_event(span.id)


def make_master(tmp_path: Path, *, gold_on_first: bool = False) -> Path:
    """Two articles handed out to ana and ben (both get both), annotated differently, merged."""
    path = tmp_path / "news.sqlite"
    with Project.open(path) as master:
        for n in range(2):
            master.add_article(text=TEXT.replace("Rebels", f"Rebels{n}"), title=f"Velmora {n}")
        split(master, tmp_path / "packets", annotators=["ana", "ben"], overlap=1.0, per_article=2)
    packets = tmp_path / "packets"
    annotate(packets / "news.ana.sqlite", [("entered", "EVENT"), ("Velmora", "LOCATION")])
    annotate(packets / "news.ben.sqlite", [("entered", "EVENT"), ("Velmora", "ACTOR"), ("army", "ACTOR")])
    with Project.open(path) as master:
        outcomes = merge_packets(master, [packets / "news.ana.sqlite", packets / "news.ben.sqlite"])
        assert [o.state for o in outcomes] == ["merged", "merged"]
        if gold_on_first:
            start = TEXT.index("Velmora") + 1  # "Rebels0": one more character before it
            master.add_span(1, start, start + len("Velmora"), "LOCATION", annotator="gold")
    return path


def make_window(qtbot, path: Path, tmp_path: Path, name: str = "cara") -> MainWindow:
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Project.open(path), settings=settings, annotator=name)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    return window


def layer_rows(path: Path, article_id: int) -> set[tuple[str | None, str, str]]:
    """(layer, words, label) of every span of the article, straight from the file."""
    with closing(sqlite3.connect(path)) as db:
        return {(layer, text[start:end], label) for layer, start, end, label, text in db.execute(
            'SELECT annotator, start, "end", label, articles.text FROM spans JOIN articles '
            "ON articles.id = article_id WHERE article_id = ?", [article_id])}


def tag(window: MainWindow, qtbot, words: str, key: Qt.Key) -> None:
    start = window.document.text.index(words)
    window.view.select_range(start, start + len(words))
    with qtbot.waitSignal(window.document.spanAdded):
        qtbot.keyClick(window.view, key)


def list_rows(window: MainWindow) -> list[tuple[str, str]]:
    model = window.annotation_list.model
    return [(model.index(r, model.TEXT).data(), model.index(r, model.LABEL).data()) for r in range(model.rowCount())]


def choose_in_combo(window: MainWindow, qtbot, letter: Qt.Key) -> None:
    """Pick an item of the chooser as a keyboard user does: click into it, type its first letter."""
    combo = window.layer_view.combo
    combo.setFocus(Qt.FocusReason.MouseFocusReason)
    with qtbot.waitSignal(combo.activated):
        qtbot.keyClick(combo, letter)


def test_master_shows_one_layer_and_tags_go_into_the_chosen_one(qtbot, tmp_path):
    path = make_master(tmp_path)
    window = make_window(qtbot, path, tmp_path)
    view = window.layer_view
    assert window.layer_view.widget.isVisible()
    # Two layers, no gold, nothing of cara's: automatic shows cara's own (empty) layer.
    assert window.document.layer == "cara" and list_rows(window) == []
    assert "layer: cara" in window.windowTitle()
    assert window.spans_label.text() == "0 spans in cara"
    assert window.article_list.model.summary(0).span_count == 5  # every layer's spans, 2 + 3
    combo = view.combo
    items = [combo.itemText(i) for i in range(combo.count())]
    assert items == ["Automatic: cara", "gold · 0 spans", "ana · 2 spans", "ben · 3 spans", "cara (you) · 0 spans",
                     "All layers (read-only)"]
    assert combo.itemData(3, Qt.ItemDataRole.ToolTipRole) == "ben: 3 spans, 1 event (new)"

    choose_in_combo(window, qtbot, Qt.Key.Key_B)
    assert window.document.layer == "ben"
    assert list_rows(window) == [("entered", "EVENT"), ("Velmora", "ACTOR"), ("army", "ACTOR")]
    assert [window.event_panel.events_model.trigger_text(e) for e in window.document.sorted_events()] == ["entered"]
    assert window.event_panel.events_model.rowCount() == 1  # ben's frame only, not ana's too
    assert "layer: ben" in window.windowTitle()
    # A key tags into the shown layer, on disk at once: ben's, not cara's
    tag(window, qtbot, "Rebels0", Qt.Key.Key_1)
    assert ("ben", "Rebels0", "ACTOR") in layer_rows(path, 1)
    assert window.spans_label.text() == "4 spans in ben"
    assert window.article_list.model.summary(0).span_count == 6
    assert combo.currentText() == "ben · 4 spans"

    # The choice stays on the next article; Ctrl+Shift+L steps on: cara, then all layers, then gold
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.document.article.id == 2 and window.document.layer == "ben"
    qtbot.keyClick(window.view, Qt.Key.Key_L, SHIFT_CTRL)
    assert window.document.layer == "cara"
    tag(window, qtbot, "army", Qt.Key.Key_1)
    assert ("cara", "army", "ACTOR") in layer_rows(path, 2)
    assert ("ben", "army", "ACTOR") in layer_rows(path, 2)  # the same words in two layers: both kept
    qtbot.keyClick(window.view, Qt.Key.Key_L, SHIFT_CTRL)
    assert view.choice == ALL and window.document.layer is None
    qtbot.keyClick(window.view, Qt.Key.Key_L, SHIFT_CTRL)
    assert view.choice == "gold" and list_rows(window) == []


def test_all_layers_are_read_only_with_a_layer_column(qtbot, tmp_path):
    path = make_master(tmp_path)
    window = make_window(qtbot, path, tmp_path)
    all_action = next(a for a in window.layer_view.menu.actions() if a.text() == "All layers (read-only)")
    all_action.trigger()  # View ▸ Layer ▸ All layers (read-only)
    assert "all layers (read-only)" in window.windowTitle()
    table, model = window.annotation_list.table, window.annotation_list.model
    assert not table.isColumnHidden(AnnotationListModel.LAYER)
    rows = {(model.index(r, model.TEXT).data(), model.index(r, model.LABEL).data(), model.index(r, model.LAYER).data())
            for r in range(model.rowCount())}
    assert rows == {("entered", "EVENT", "ana"), ("Velmora", "LOCATION", "ana"), ("entered", "EVENT", "ben"),
                    ("Velmora", "ACTOR", "ben"), ("army", "ACTOR", "ben")}
    events = window.event_panel.events_model
    assert not window.event_panel.events_table.isColumnHidden(EventListModel.LAYER_COLUMN)
    assert sorted(events.index(r, EventListModel.LAYER_COLUMN).data() for r in range(events.rowCount())) == ["ana", "ben"]
    before = layer_rows(path, 1)
    start = window.document.text.index("Rebels0")
    window.view.select_range(start, start + len("Rebels0"))
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # refused, said in the status bar
    assert window.statusBar().currentMessage().startswith("All layers are shown read-only: choose one layer")
    assert NEXT_LAYER_KEY in window.statusBar().currentMessage()
    ana_span = next(s for s in window.document.spans.values() if s.annotator == "ana")
    window.document.select_span(ana_span.id)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert layer_rows(path, 1) == before and window.document.undo_stack.count() == 0
    # Back to automatic: the Layer columns go, edits go into the user's layer again
    automatic = next(a for a in window.layer_view.menu.actions() if a.data() == AUTOMATIC)
    automatic.trigger()
    assert table.isColumnHidden(AnnotationListModel.LAYER) and window.document.layer == "cara"


def test_gold_is_shown_where_the_article_has_it_and_curating_edits_gold(qtbot, tmp_path):
    path = make_master(tmp_path, gold_on_first=True)
    window = make_window(qtbot, path, tmp_path)
    assert window.document.article.id == 1 and window.document.layer == "gold"
    assert list_rows(window) == [("Velmora", "LOCATION")]
    tag(window, qtbot, "army", Qt.Key.Key_1)
    assert ("gold", "army", "ACTOR") in layer_rows(path, 1)
    window.open_article(2)  # no gold there: two layers, none of cara's, so cara's own
    assert window.document.layer == "cara"


def test_a_project_with_one_layer_looks_as_before(qtbot, tmp_path):
    path = tmp_path / "plain.sqlite"
    with Project.open(path) as project:
        article = project.add_article(text=TEXT, title="Velmora")
        project.add_span(article.id, 0, 6, "ACTOR", annotator="someone")  # another name, no team layers
    window = make_window(qtbot, path, tmp_path)
    assert not window.layer_view.widget.isVisible()
    assert not window.layer_view.menu.menuAction().isVisible()
    assert window.windowTitle() == "plain — Event Annotator" and window.spans_label.text() == "1 span"
    tag(window, qtbot, "Velmora", Qt.Key.Key_2)
    assert layer_rows(path, article.id) == {("someone", "Rebels", "ACTOR"), ("cara", "Velmora", "LOCATION")}
    assert len(window.document.spans) == 2 and window.windowTitle() == "plain — Event Annotator"
    qtbot.keyClick(window.view, Qt.Key.Key_L, SHIFT_CTRL)
    assert window.statusBar().currentMessage() == "This project has one layer: there is no other to show"


def test_the_unnamed_layer_is_offered_and_written_as_nobodys(qtbot, tmp_path):
    """Spans imported without a name (annotator NULL) are the layer "(unnamed)": chosen in the menu,
    a key tags into it, and the file gets NULL, not the user's name."""
    path = make_master(tmp_path)
    with Project.open(path) as master:
        master.add_span(2, 0, 7, "ACTOR")  # "Rebels1", signed by nobody
    window = make_window(qtbot, path, tmp_path)
    window.open_article(2)
    unnamed = next(a for a in window.layer_view.menu.actions() if a.data() == "")
    assert unnamed.text() == "(unnamed): 1 span"
    unnamed.trigger()
    assert list_rows(window) == [("Rebels1", "ACTOR")] and "layer: (unnamed)" in window.windowTitle()
    tag(window, qtbot, "army", Qt.Key.Key_1)
    assert (None, "army", "ACTOR") in layer_rows(path, 2)
    assert window.spans_label.text() == "2 spans in (unnamed)"


def test_a_merge_made_elsewhere_brings_the_chooser_on_the_next_poll(qtbot, tmp_path):
    """The window is open on the master before any packet is back; a merge by another connection
    (the command line) turns it into a team project at the next poll: the chooser appears."""
    path = tmp_path / "news.sqlite"
    with Project.open(path) as master:
        master.add_article(text=TEXT, title="Velmora")
        split(master, tmp_path / "packets", annotators=["ana"], per_article=1)
    window = make_window(qtbot, path, tmp_path)
    assert not window.layer_view.widget.isVisible() and window.document.layer is None
    annotate(tmp_path / "packets" / "news.ana.sqlite", [("Velmora", "LOCATION")])
    with Project.open(path) as master:
        assert merge_packets(master, [tmp_path / "packets" / "news.ana.sqlite"])[0].state == "merged"
    assert window.poll_external_changes()
    assert window.layer_view.widget.isVisible()
    assert window.document.layer == "ana" and list_rows(window) == [("Velmora", "LOCATION")]
    assert "layer: ana" in window.windowTitle()


def test_hidden_names_number_the_annotators_in_the_chooser_and_the_layer_column(qtbot, tmp_path):
    """Blind adjudication (H in the curation view, remembered in the project): the chooser, the
    menu, the title and the Layer column say "Annotator n", numbered as the curation view does."""
    path = make_master(tmp_path)
    with Project.open(path) as master:
        master.set_setting("curation.anonymous", "1")
    window = make_window(qtbot, path, tmp_path)
    combo = window.layer_view.combo
    items = [combo.itemText(i) for i in range(combo.count())]
    assert items == ["Automatic: cara", "gold · 0 spans", "Annotator 1 · 2 spans", "Annotator 2 · 3 spans",
                     "cara (you) · 0 spans", "All layers (read-only)"]
    choose_in_combo(window, qtbot, Qt.Key.Key_A)  # from "Automatic…" the next "A…" is "Annotator 1"
    assert window.document.layer == "ana" and "layer: Annotator 1" in window.windowTitle()
    assert window.spans_label.text() == "2 spans in Annotator 1"
    next(a for a in window.layer_view.menu.actions() if a.data() == ALL).trigger()
    model = window.annotation_list.model
    assert {model.index(r, model.LAYER).data() for r in range(model.rowCount())} == {"Annotator 1", "Annotator 2"}
    texts = [window.windowTitle(), *(a.text() for a in window.layer_view.menu.actions()),
             *(combo.itemText(i) for i in range(combo.count()))]
    assert not [t for t in texts if "ana" in t or "ben" in t]
