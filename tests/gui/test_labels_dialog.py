"""Project ▸ Labels… against a real project file: each button is one store call, the table and the
file agree afterwards, refusals show inline, and deleting a used label asks with the span count."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox

from gui.labels_dialog import LabelsDialog
from storage.project import Project

TEXT = "Rebels entered Velmora on Thursday.\n\nThe ministry condemned the attack."


@pytest.fixture
def project(tmp_path):
    project = Project.open(tmp_path / "p.sqlite")
    yield project
    project.close()


@pytest.fixture
def dialog(project, qtbot):
    dialog = LabelsDialog(project)
    qtbot.addWidget(dialog)
    return dialog


def tag(project, word, label):
    article_id = project.article_ids()[0] if project.article_count() else project.add_article(
        text=TEXT, title="t").id
    start = TEXT.index(word)
    return project.add_span(article_id, start, start + len(word), label, annotator="ann")


def db_labels(project):
    return project.db.execute("SELECT name, colour, key, kind FROM labels ORDER BY position").fetchall()


def table_column(dialog, column):
    return [dialog.table.item(row, column).text() for row in range(dialog.table.rowCount())]


def answers(dialog, *texts):
    """Replace the text question by one that gives ``texts`` in turn and records the prompts."""
    queue, prompts = list(texts), []

    def ask_text(title, prompt, text=""):
        prompts.append((prompt, text))
        return queue.pop(0)

    dialog.ask_text = ask_text
    return prompts


def test_table_shows_the_scheme(dialog):
    assert table_column(dialog, 0) == ["ACTOR", "LOCATION", "EVENT"]
    assert table_column(dialog, 1) == ["#0072B2", "#E69F00", "#CC79A7"]
    assert table_column(dialog, 2) == ["1", "2", "3"]
    assert table_column(dialog, 3) == ["entity", "entity", "trigger"]
    assert dialog.selected_name() == "ACTOR"


def test_add_label_gets_a_free_colour_and_key(dialog, project, qtbot):
    answers(dialog, "WEAPON")
    dialog.ask_kind = lambda: "entity"
    with qtbot.waitSignal(dialog.schemeChanged):
        qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    assert db_labels(project)[-1] == ("WEAPON", "#009E73", "4", "entity")
    assert table_column(dialog, 0)[-1] == "WEAPON"
    assert dialog.selected_name() == "WEAPON"


def test_rename_moves_the_spans_with_the_label(dialog, project, qtbot):
    span = tag(project, "Rebels", "ACTOR")
    prompts = answers(dialog, "PARTY")
    dialog.select("ACTOR")
    with qtbot.waitSignal(dialog.schemeChanged):
        qtbot.mouseClick(dialog.rename_button, Qt.LeftButton)
    assert prompts[0][1] == "ACTOR"  # prefilled with the old name
    assert project.db.execute("SELECT label FROM spans WHERE id = ?", [span.id]).fetchone() == ("PARTY",)
    assert project.db.execute(
        "SELECT label FROM role_labels WHERE role = 'source'").fetchall() == [("PARTY",)]
    assert table_column(dialog, 0) == ["PARTY", "LOCATION", "EVENT"]
    assert dialog.selected_name() == "PARTY"


def test_recolour_through_the_colour_question(dialog, project, qtbot):
    asked = []
    dialog.ask_colour = lambda initial: asked.append(initial) or "#112233"
    dialog.select("LOCATION")
    with qtbot.waitSignal(dialog.schemeChanged):
        qtbot.mouseClick(dialog.colour_button, Qt.LeftButton)
    assert asked == ["#E69F00"]
    assert project.db.execute("SELECT colour FROM labels WHERE name = 'LOCATION'").fetchone() == ("#112233",)
    assert table_column(dialog, 1)[1] == "#112233"


def test_change_key_and_clear_it(dialog, project, qtbot):
    answers(dialog, "l", "")
    dialog.select("LOCATION")
    with qtbot.waitSignal(dialog.schemeChanged):
        qtbot.mouseClick(dialog.key_button, Qt.LeftButton)
    assert project.db.execute("SELECT key FROM labels WHERE name = 'LOCATION'").fetchone() == ("l",)
    with qtbot.waitSignal(dialog.schemeChanged):
        qtbot.mouseClick(dialog.key_button, Qt.LeftButton)
    assert project.db.execute("SELECT key FROM labels WHERE name = 'LOCATION'").fetchone() == (None,)


def test_refused_change_is_shown_inline_as_plain_text(dialog, project, qtbot):
    answers(dialog, "1")  # ACTOR's key
    dialog.select("EVENT")
    with qtbot.assertNotEmitted(dialog.schemeChanged):
        qtbot.mouseClick(dialog.key_button, Qt.LeftButton)
    assert dialog.error_label.isVisibleTo(dialog)
    assert "already used by label 'ACTOR'" in dialog.error_label.text()
    assert dialog.error_label.textFormat() == Qt.PlainText
    assert project.db.execute("SELECT key FROM labels WHERE name = 'EVENT'").fetchone() == ("3",)
    dialog.select("ACTOR")
    answers(dialog, "LOCATION")
    qtbot.mouseClick(dialog.rename_button, Qt.LeftButton)
    assert "already exists" in dialog.error_label.text()


def test_delete_unused_label_does_not_ask(dialog, project, qtbot):
    dialog.confirm = lambda question: pytest.fail(f"asked {question!r}")
    dialog.select("LOCATION")
    with qtbot.waitSignal(dialog.schemeChanged):
        qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert [r[0] for r in db_labels(project)] == ["ACTOR", "EVENT"]


def test_delete_used_label_asks_with_the_count_and_cascades_only_if_confirmed(dialog, project, qtbot):
    tag(project, "Rebels", "ACTOR")
    tag(project, "ministry", "ACTOR")
    kept = tag(project, "Velmora", "LOCATION")
    questions, replies = [], [False, True]
    dialog.confirm = lambda question: questions.append(question) or replies.pop(0)
    dialog.select("ACTOR")
    with qtbot.assertNotEmitted(dialog.schemeChanged):
        qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert questions == ["Delete label ACTOR and its 2 spans?"]
    assert project.db.execute("SELECT count(*) FROM spans").fetchone() == (3,)
    with qtbot.waitSignal(dialog.schemeChanged):
        qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert project.db.execute("SELECT id FROM spans").fetchall() == [(kept.id,)]
    assert [r[0] for r in db_labels(project)] == ["LOCATION", "EVENT"]
    assert table_column(dialog, 0) == ["LOCATION", "EVENT"]


def test_real_questions_show_label_names_as_plain_text(dialog, project, qtbot):
    # The name question and the delete question are real modal dialogs here, answered by a timer.
    seen = []

    def answer(text=None):
        box = QApplication.activeModalWidget()
        seen.append([label.text() for label in box.findChildren(QLabel)
                     if label.textFormat() == Qt.PlainText and label.text()])
        if isinstance(box, QInputDialog):
            box.setTextValue(text)
            box.accept()
        else:
            box.button(QMessageBox.Yes).click()

    dialog.select("LOCATION")
    QTimer.singleShot(0, lambda: answer("<b>PLACE</b>"))
    with qtbot.waitSignal(dialog.schemeChanged):
        dialog.rename_selected()
    assert seen[0] == ["New name for LOCATION (its spans follow):"]
    tag(project, "Velmora", "<b>PLACE</b>")
    QTimer.singleShot(0, answer)
    with qtbot.waitSignal(dialog.schemeChanged):
        dialog.delete_selected()
    assert seen[1] == ["Delete label <b>PLACE</b> and its 1 span?"]
    assert [r[0] for r in db_labels(project)] == ["ACTOR", "EVENT"]


def test_buttons_need_a_selection(dialog):
    dialog.table.clearSelection()
    assert not dialog.delete_button.isEnabled() and not dialog.rename_button.isEnabled()
    assert dialog.add_button.isEnabled()


def test_description_like_markup_shows_as_typed_in_its_tooltip(project, qtbot):
    project.update_label("ACTOR", description="<b>who</b> acts & why")
    dialog = LabelsDialog(project)
    qtbot.addWidget(dialog)
    row = table_column(dialog, 0).index("ACTOR")
    item = dialog.table.item(row, dialog.table.columnCount() - 1)
    assert item.text() == "<b>who</b> acts & why"
    assert "&lt;b&gt;who&lt;/b&gt;" in item.toolTip()  # escaped: no bold "who" on hover


def test_attributes_are_declared_as_lines_and_clearing_used_ones_asks(dialog, project):
    span = tag(project, "Rebels", "ACTOR")
    dialog.select("ACTOR")
    dialog.ask_lines = lambda title, prompt, text: "code: choice SYR TUR\nsector: choice+ GOV MIL  # PLOVER"
    assert dialog.edit_attributes_selected()
    assert table_column(dialog, 4) == ["code, sector+", "", ""]
    assert project.db.execute("SELECT name, kind, choices, multi, description FROM label_attributes "
                              "ORDER BY position").fetchall() == [
        ("code", "choice", '["SYR", "TUR"]', 0, ""), ("sector", "choice", '["GOV", "MIL"]', 1, "PLOVER")]
    project.set_span_attribute(span.id, "sector", ["MIL"])

    dialog.ask_lines = lambda title, prompt, text: "code: choice SYR"  # drops sector, which MIL holds
    questions = []
    dialog.confirm = lambda question: questions.append(question) or False
    assert not dialog.edit_attributes_selected()
    assert questions == ["1 value(s) of sector on ACTOR spans will be cleared. Remove the attributes anyway?"]
    assert project.span(span.id).attributes == {"sector": ["MIL"]}

    dialog.ask_lines = lambda title, prompt, text: "code choice SYR"
    assert not dialog.edit_attributes_selected()
    assert dialog.error_label.text().startswith("line 1: write name: choice|text|pattern")
