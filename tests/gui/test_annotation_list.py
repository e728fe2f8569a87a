"""AnnotationListModel follows the document row by row (no reset per edit), passes the model
tester, relabels through the document, and the dock selects, deletes and changes labels."""
from __future__ import annotations

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMenu

from gui.annotation_list import AnnotationList, AnnotationListModel, add_span_actions
from gui.colours import contrast_ratio
from gui.document import AnnotationDocument
from storage.model import Label
from storage.project import Project

TEXT = "Insurgents entered Damascus on Sunday.\n\nMr. Al-Assad left Syria for Moscow."
COLOURS = {"ACTOR": QColor("#0072B2"), "LOCATION": QColor("#E69F00"), "EVENT": QColor("#CC79A7")}


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def doc(tmp_path, qtbot):
    project = Project.open(tmp_path / "p.sqlite")
    article = project.add_article(text=TEXT, title="t", date="2024-12-08")
    document = AnnotationDocument(project, annotator="ann")
    document.open_article(article.id)
    yield document
    project.close()


def stored_labels(doc: AnnotationDocument) -> list[tuple[int, int, str]]:
    return doc.project.db.execute('SELECT start, "end", label FROM spans ORDER BY start').fetchall()


def test_model_passes_qtmodeltester_through_edits(qtmodeltester, doc):
    model = AnnotationListModel(doc)
    qtmodeltester.check(model)  # stays attached: every insert/remove/change below is checked
    doc.tag(*at("Syria"), "LOCATION")
    doc.tag(*at("Insurgents"), "ACTOR")
    doc.tag(*at("Moscow"), "LOCATION")
    doc.relabel(doc.current_span_id, "ACTOR")
    doc.delete_span(doc.current_span_id)
    doc.undo_stack.undo()
    doc.open_article(doc.article.id)
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ["Insurgents", "Syria", "Moscow"]


def test_edits_insert_and_remove_single_rows_in_text_order(qtbot, doc):
    model = AnnotationListModel(doc)
    doc.tag(*at("Syria"), "LOCATION")
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted) as inserted:
        doc.tag(*at("Damascus"), "LOCATION")
    assert inserted.args[1:] == [0, 0]  # Damascus comes before Syria in the text
    assert model.data(model.index(0, model.POSITION)) == "{}–{}".format(*at("Damascus"))
    with qtbot.waitSignal(model.rowsRemoved) as removed:
        doc.undo_stack.undo()
    assert removed.args[1:] == [0, 0] and model.rowCount() == 1


def test_set_data_relabels_through_the_document_and_is_undoable(doc):
    model = AnnotationListModel(doc)
    doc.tag(*at("Moscow"), "LOCATION")
    index = model.index(0, model.LABEL)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(index, "ACTOR")
    assert stored_labels(doc) == [(*at("Moscow"), "ACTOR")]
    assert model.data(index) == "ACTOR"
    doc.undo_stack.undo()
    assert model.data(index) == "LOCATION"


def test_label_column_is_tinted_with_legible_text(doc):
    model = AnnotationListModel(doc)
    doc.tag(*at("Moscow"), "LOCATION")
    for base in (QColor("white"), QColor("#1e1e1e")):
        model.set_colours(COLOURS, base)
        index = model.index(0, model.LABEL)
        background = model.data(index, Qt.ItemDataRole.BackgroundRole)
        foreground = model.data(index, Qt.ItemDataRole.ForegroundRole)
        assert contrast_ratio(background, foreground) >= 4.5


def test_dock_follows_and_drives_the_current_span(qtbot, doc):
    panel = AnnotationList(doc)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    doc.tag(*at("Syria"), "LOCATION")
    doc.tag(*at("Insurgents"), "ACTOR")
    assert panel.table.currentIndex().row() == 0  # the new span is current, its row selected
    syria_row = panel.model.row_of(next(s.id for s in doc.spans.values() if s.label == "LOCATION"))
    with qtbot.waitSignal(doc.currentSpanChanged) as changed:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.table.visualRect(panel.model.index(syria_row, 0)).center())
    assert changed.args[0].label == "LOCATION"
    with qtbot.waitSignal(doc.spanRemoved):
        qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert stored_labels(doc) == [(*at("Insurgents"), "ACTOR")]


def test_context_menu_actions_change_label_and_delete(qtbot, doc):
    doc.tag(*at("Moscow"), "LOCATION")
    span = doc.current_span
    menu = QMenu()
    add_span_actions(menu, doc, span)
    change = next(a.menu() for a in menu.actions() if a.menu() is not None)
    actor = next(a for a in change.actions() if a.text() == "ACTOR")
    assert not next(a for a in change.actions() if a.text() == "LOCATION").isEnabled()
    actor.trigger()
    assert stored_labels(doc) == [(*at("Moscow"), "ACTOR")]
    next(a for a in menu.actions() if a.text().startswith("Delete")).trigger()
    assert stored_labels(doc) == []
    menu.deleteLater()


def test_span_text_markup_is_never_rich_text(tmp_path):
    with Project.open(tmp_path / "m.sqlite") as project:
        text = "<b>Bold</b> claims"
        document = AnnotationDocument(project)
        document.open_article(project.add_article(text=text, title="m", date=None).id)
        document.tag(0, 11, "ACTOR")
        model = AnnotationListModel(document)
        tooltip = model.data(model.index(0, model.TEXT), Qt.ItemDataRole.ToolTipRole)
        assert tooltip.endswith("<b>Bold</b>") and not QtGui.Qt.mightBeRichText(tooltip)


def test_label_named_like_markup_is_escaped_in_the_tooltip(tmp_path):
    with Project.open(tmp_path / "m.sqlite") as project:
        project.add_label(Label("<i>WHO</i>", "#009E73"))
        document = AnnotationDocument(project)
        document.open_article(project.add_article(text="Rebels entered.", title="m", date=None).id)
        document.tag(0, 6, "<i>WHO</i>")
        model = AnnotationListModel(document)
        tooltip = model.data(model.index(0, model.TEXT), Qt.ItemDataRole.ToolTipRole)
        assert "&lt;i&gt;WHO&lt;/i&gt;" in tooltip and "<i>" not in tooltip
        assert model.data(model.index(0, model.LABEL)) == "<i>WHO</i>"
