"""Article words that look like markup or hold "&" show as typed in the Events dock and the
Edit menu: a tooltip turns rich when its text looks like HTML, a menu turns "&" into a mnemonic."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6 import QtGui
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QToolButton

from gui.event_list_model import EventListModel
from gui.main_window import MainWindow
from storage.project import Project

TEXT = "<b>Rebels</b> entered AT&T Tower in Velmora."


def shown_as(tooltip: str) -> str:
    """What a tooltip shows: Qt renders it as HTML when it looks like HTML."""
    if QtGui.Qt.mightBeRichText(tooltip):
        doc = QTextDocument()
        doc.setHtml(tooltip)
        return doc.toPlainText()
    return tooltip


def test_markup_and_ampersands_in_article_text_show_as_typed(qtbot, tmp_path):
    project = Project.open(tmp_path / "p.sqlite")
    article = project.add_article(text=TEXT, title="t", date="2025-03-14")
    window = MainWindow(project, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        annotator="tester")
    qtbot.addWidget(window)
    window.open_article(article.id)
    doc = window.document
    actor, trigger, place = "<b>Rebels</b>", "entered", "AT&T Tower"
    spans = {}
    for word, label in ((actor, "ACTOR"), (trigger, "EVENT"), (place, "LOCATION")):
        start = TEXT.index(word)
        assert doc.tag(start, start + len(word), label)
        spans[word] = doc.current_span_id
    assert window.undo_action.text() == "Undo Tag ‘AT&&T Tower’ as LOCATION"  # shows "AT&T", no mnemonic
    [event] = doc.events_with_trigger(spans[trigger])  # tagging EVENT made its frame (the default)
    event_id = event.id
    doc.set_event_type(event_id, "FIGHT")
    doc.add_argument(event_id, "source", spans[actor])
    doc.add_argument(event_id, "location", spans[place])
    doc.select_event(event_id)

    model = window.event_panel.events_model
    arguments_tip = model.index(model.row_of(event_id), EventListModel.ARGUMENTS_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert "source: <b>Rebels</b>" in shown_as(arguments_tip)
    slot = window.event_panel.frame.slots["source"]
    row_tip = slot.list.item(0).toolTip()
    assert shown_as(row_tip).startswith("source: <b>Rebels</b>")
    remove_tips = [shown_as(b.toolTip()) for b in slot.list.findChildren(QToolButton)]
    assert "Remove ‘<b>Rebels</b>’ from source" in remove_tips
    project.close()
