"""The Events panel on the real window: the events table (qtmodeltester, ⚠), "Create event" and E,
Ctrl+click, the × button, Shift+Delete, the date check, confirm-before-done, and following the
document when another project is opened — each checked in the SQLite file."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QToolButton

from gui.event_list_model import EventListModel
from gui.event_panel import OPEN_FRAME_ON_TAG, EventPanel
from gui.main_window import MainWindow
from storage.article_status import OWN_STATUS
from storage.model import Role
from storage.project import Project
from tests.gui.event_helpers import (
    arguments,
    events,
    load_sample,
    open_window,
    point,
    rows,
    tag,
    word,
)


@pytest.fixture
def opened(qtbot, sample_project: Path) -> tuple[MainWindow, EventPanel]:
    return open_window(qtbot, sample_project)


def framed(qtbot, window: MainWindow) -> tuple[int, int, int, int]:
    """Tag insurgents/Damascus/entered by keys; returns (event id, actor, location, trigger)."""
    actor = tag(qtbot, window, "insurgents", Qt.Key.Key_1)
    place = tag(qtbot, window, "Damascus", Qt.Key.Key_2)
    trigger = tag(qtbot, window, "entered", Qt.Key.Key_3)
    return window.document.current_event_id, actor, place, trigger


def test_events_table_model_summarises_and_flags_incomplete_frames(qtbot, qtmodeltester, opened):
    window, panel = opened
    event_id, actor, place, _ = framed(qtbot, window)
    model = panel.events_model
    qtmodeltester.check(model)
    assert model.index(0, EventListModel.WARNING_COLUMN).data() == "⚠"
    tip = model.index(0, EventListModel.WARNING_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Incomplete frame: no event type; missing source"
    assert "no event type" in panel.frame.problems.text()
    window.document.set_event_type(event_id, "FIGHT")
    window.document.add_argument(event_id, "source", actor)
    window.document.add_argument(event_id, "location", place)
    qtmodeltester.check(model)
    assert model.index(0, EventListModel.WARNING_COLUMN).data() == ""
    assert model.index(0, EventListModel.ARGUMENTS_COLUMN).data() == "source: insurgents; location: Damascus"
    assert not panel.frame.problems.isVisible()


def test_with_open_frame_on_tag_off_the_panel_offers_create_event_and_E_creates_it(qtbot, opened):
    window, panel = opened
    window.settings.setValue(OPEN_FRAME_ON_TAG, False)
    tag(qtbot, window, "entered", Qt.Key.Key_3)
    assert events(window.project) == []
    assert panel.stack.currentIndex() == panel.CREATE
    assert panel.create_label.text() == "‘entered’ has no event frame yet."
    assert window.view.hasFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_E)
    assert len(events(window.project)) == 1 and panel.stack.currentIndex() == panel.FRAME
    assert panel.frame.type_filter.hasFocus()
    qtbot.keyClick(panel.frame.type_filter, Qt.Key.Key_Return)  # nothing typed: no type is forced
    assert events(window.project)[0][2] is None
    qtbot.keyClick(panel.frame.type_filter, Qt.Key.Key_Down)
    qtbot.keyClick(panel.frame.type_filter, Qt.Key.Key_Down)
    qtbot.keyClick(panel.frame.type_filter, Qt.Key.Key_Return)
    assert events(window.project)[0][2] == "CONSULT"  # the scheme's second type


def test_the_view_menu_toggles_the_open_frame_setting(qtbot, opened):
    window, panel = opened
    assert panel.open_on_tag_action in window.view_menu.actions()
    assert panel.open_on_tag_action.isChecked()
    panel.open_on_tag_action.trigger()
    assert window.settings.value(OPEN_FRAME_ON_TAG, type=bool) is False
    assert not panel.open_frame_on_tag()


def test_enter_in_the_view_opens_the_selected_event_frame(qtbot, opened):
    window, panel = opened
    framed(qtbot, window)
    qtbot.keyClick(panel.frame.type_filter, Qt.Key.Key_Escape)
    assert window.view.hasFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert panel.frame.type_filter.hasFocus() and len(events(window.project)) == 1


def test_create_button_makes_the_event(qtbot, opened):
    window, panel = opened
    window.settings.setValue(OPEN_FRAME_ON_TAG, False)
    tag(qtbot, window, "entered", Qt.Key.Key_3)
    qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
    assert len(events(window.project)) == 1
    assert window.document.undo_stack.undoText() == "Create event on ‘entered’"


def test_type_filter_matches_descriptions_after_names(qtbot, opened):
    window, panel = opened
    framed(qtbot, window)
    qtbot.keyClicks(panel.frame.type_filter, "arrest")
    names = [panel.frame.type_list.item(i).text() for i in range(panel.frame.type_list.count())]
    assert names == ["INVESTIGATE", "COERCE"]  # "arrest for inquiry", "Arrest, detain…"
    assert panel.frame.type_description.text().startswith("Investigate")


def test_ctrl_click_fills_the_only_role_that_accepts_it_and_the_store_refuses_a_second(qtbot, opened):
    window, panel = opened
    event_id, _, place, _ = framed(qtbot, window)
    qtbot.keyClick(panel.frame.type_filter, Qt.Key.Key_Escape)
    panel.choose_role = lambda *args: pytest.fail("one role takes LOCATION: no question")
    view = window.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     pos=point(window, word(window, "Damascus")[0] + 2))
    assert arguments(window.project) == [("location", place)]
    assert window.document.undo_stack.undoText() == "Add ‘Damascus’ as location"
    with qtbot.waitSignal(window.document.editRefused) as refused:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                         pos=point(window, word(window, "Damascus")[0] + 2))
    assert "already fills" in refused.args[0]
    assert arguments(window.project) == [("location", place)]
    assert window.document.current_event_id == event_id


def test_ctrl_click_menu_can_be_cancelled_and_plain_text_is_left_to_the_view(qtbot, opened):
    window, panel = opened
    framed(qtbot, window)
    panel.choose_role = lambda roles, span, pos: None  # the user closed the menu
    view = window.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     pos=point(window, word(window, "insurgents")[0] + 2))
    assert arguments(window.project) == []
    before = window.document.undo_stack.count()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     pos=point(window, word(window, "stunning")[0] + 2))
    assert window.document.undo_stack.count() == before


def test_remove_button_and_shift_delete_are_undoable(qtbot, opened):
    window, panel = opened
    event_id, actor, place, trigger = framed(qtbot, window)
    window.document.add_argument(event_id, "location", place)
    location = panel.frame.slots["location"]
    (holder,) = [location.list.itemWidget(item) for item in location.filled_rows()]
    button = holder.findChild(QToolButton)
    assert button.toolTip() == "Remove ‘Damascus’ from location"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert arguments(window.project) == []
    assert window.document.undo_stack.undoText() == "Remove location ‘Damascus’"
    window.document.undo_stack.undo()
    assert arguments(window.project) == [("location", place)]

    qtbot.keyClick(panel.frame.type_filter, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert events(window.project) == [] and arguments(window.project) == []
    assert rows(window.project, f"SELECT label FROM spans WHERE id = {trigger}") == [("EVENT",)]
    assert window.view.hasFocus() and panel.stack.currentIndex() == panel.CREATE
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e[0] for e in events(window.project)] == [event_id]
    assert arguments(window.project) == [("location", place)]
    assert window.document.current_event_id == event_id
    qtbot.keyClick(window.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert events(window.project) == []


def test_date_is_checked_before_it_is_stored(qtbot, opened):
    window, panel = opened
    framed(qtbot, window)
    date = panel.frame.attribute_widgets["date"]
    assert date.text() == "2024-12-08"
    date.setFocus()
    date.selectAll()
    qtbot.keyClicks(date, "2024-13-40")
    qtbot.keyClick(date, Qt.Key.Key_Return)
    assert panel.frame.date_error.isVisible()
    assert json.loads(events(window.project)[0][3])["date"] == "2024-12-08"
    date.selectAll()
    qtbot.keyClicks(date, "2024-12-07")
    qtbot.keyClick(date, Qt.Key.Key_Tab)
    assert not panel.frame.date_error.isVisible()
    assert json.loads(events(window.project)[0][3])["date"] == "2024-12-07"
    assert window.document.undo_stack.undoText() == "Set date to 2024-12-07"
    date.setFocus()
    date.selectAll()
    qtbot.keyClick(date, Qt.Key.Key_Backspace)
    qtbot.keyClick(date, Qt.Key.Key_Return)
    assert "date" not in json.loads(events(window.project)[0][3])  # empty: the article's date
    assert date.placeholderText() == "2024-12-08"


def test_confirm_done_names_incomplete_frames(qtbot, opened):
    window, panel = opened
    event_id, actor, _, _ = framed(qtbot, window)
    article_id = window.document.article.id
    asked: list[tuple[str, str]] = []
    answer = [False]
    panel.ask_confirm = lambda title, text: asked.append((title, text)) or answer[0]
    assert window.confirm_done == panel.confirm_done
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked == [("Incomplete event frames", "1 event frame is incomplete:\n"
                      "• ‘entered’ (no type): no event type; missing source\n\n"
                      "Mark the article done anyway?")]
    assert rows(window.project, f"SELECT {OWN_STATUS} FROM articles WHERE id = {article_id}") == [("in_progress",)]
    window.document.set_event_type(event_id, "FIGHT")
    window.document.add_argument(event_id, "source", actor)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1  # complete frames: no question
    assert rows(window.project, f"SELECT {OWN_STATUS} FROM articles WHERE id = {article_id}") == [("done",)]


def test_a_span_fills_roles_in_two_events_and_the_table_selects_each(qtbot, opened):
    window, panel = opened
    first, actor, place, _ = framed(qtbot, window)
    second_trigger = tag(qtbot, window, "advance", Qt.Key.Key_3)
    second = window.document.current_event_id
    assert second != first and panel.frame.type_filter.hasFocus()
    qtbot.keyClick(panel.frame.type_filter, Qt.Key.Key_Tab)
    assert panel.frame.slots["source"].candidate_rows()[0].text() == "1  insurgents"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    window.document.select_event(first)
    window.document.add_argument(first, "source", actor)
    assert rows(window.project, "SELECT event_id, role, span_id FROM arguments ORDER BY event_id") == [
        (first, "source", actor), (second, "source", actor)]
    assert [m[3] for m in panel.marks(window.document.current_event)] == ["trigger (no type)", "source"]

    table, model = panel.events_table, panel.events_model
    assert [model.index(r, model.TRIGGER_COLUMN).data() for r in range(2)] == ["entered", "advance"]
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(word(window, "advance")[0])
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    assert not view.viewport().rect().contains(view.cursorRect(cursor))
    rect = table.visualRect(model.index(1, model.TRIGGER_COLUMN))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.document.current_event_id == second
    assert window.document.current_span_id == second_trigger
    assert view.viewport().rect().contains(view.cursorRect(cursor))  # scrolled to the trigger
    assert table.currentIndex().row() == 1
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Up)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.document.current_event_id == first
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    assert window.view.hasFocus() and window.document.current_event_id == first


def test_marks_follow_the_selected_event_and_clear_without_one(qtbot, opened):
    window, panel = opened
    event_id, actor, place, _ = framed(qtbot, window)
    window.document.add_argument(event_id, "source", actor)
    view = window.view
    assert "source" in view.tooltip_text(word(window, "insurgents")[0]).split("\n")
    other = tag(qtbot, window, "stunning", Qt.Key.Key_1)  # a span outside the frame
    assert window.document.current_span_id == other and window.document.current_event is None
    assert view.tooltip_text(word(window, "insurgents")[0]) == "ACTOR"
    assert panel.stack.currentIndex() == panel.HINT


def test_opening_another_project_follows_its_document(qtbot, opened, tmp_path):
    window, panel = opened
    framed(qtbot, window)
    other = tmp_path / "other" / "p.sqlite"
    with Project.open(other) as project:
        load_sample(project)
    window.open_project(other)
    assert panel.document is window.document
    assert panel.events_model.rowCount() == 0 and panel.stack.currentIndex() == panel.HINT
    entered = tag(qtbot, window, "entered", Qt.Key.Key_3)
    assert rows(window.project, "SELECT trigger_id FROM events") == [(entered,)]
    assert panel.events_model.rowCount() == 1 and panel.frame.type_filter.hasFocus()


def test_a_new_role_in_the_scheme_gets_a_slot(qtbot, opened):
    window, panel = opened
    framed(qtbot, window)
    window.project.add_role(Role("instrument", ("ACTOR",), description="With what."))
    window.document.reload()  # what the labels dialog does after a scheme edit
    assert list(panel.frame.slots) == ["source", "target", "location", "instrument"]
    assert panel.frame.slots["instrument"].caption.text() == "Instrument (ACTOR) — empty"
    assert panel.frame.focus_chain()[4] is panel.frame.slots["instrument"].list


def test_redo_of_a_tag_does_not_create_a_second_event(qtbot, opened):
    window, panel = opened
    trigger = tag(qtbot, window, "entered", Qt.Key.Key_3)
    ((event_id, trigger_id, _, _),) = events(window.project)
    assert trigger_id == trigger
    stack = window.document.undo_stack
    assert [stack.text(i) for i in range(stack.count())] == ["Tag ‘entered’ as EVENT", "Create event on ‘entered’"]
    window.view.setFocus()
    for _ in range(2):
        qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert events(window.project) == [] and rows(window.project, "SELECT count(*) FROM spans") == [(0,)]
    for _ in range(2):
        qtbot.keyClick(window.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert [(e[0], e[1]) for e in events(window.project)] == [(event_id, trigger)]
    assert stack.count() == 2


# The offscreen platform cannot raise a popup or grab the keyboard for it; the menu works regardless.
@pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")
def test_ctrl_click_on_an_actor_asks_source_or_target_in_a_real_popup(qtbot, opened):
    window, panel = opened
    event_id, actor, _, _ = framed(qtbot, window)
    qtbot.keyClick(panel.frame.type_filter, Qt.Key.Key_Escape)
    seen: list[list[str]] = []

    def answer(key: Qt.Key) -> None:
        menu = QApplication.activePopupWidget()
        seen.append([a.text() for a in menu.actions() if not a.isSeparator()])
        qtbot.keyClick(menu, key)

    view, at = window.view, point(window, word(window, "insurgents")[0] + 2)
    QTimer.singleShot(0, lambda: answer(Qt.Key.Key_Escape))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos=at)
    assert seen == [["‘insurgents’ as…", "&source", "&target"]]
    assert arguments(window.project) == []
    QTimer.singleShot(0, lambda: answer(Qt.Key.Key_T))  # the role's first letter
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos=at)
    assert arguments(window.project) == [("target", actor)]
    assert window.document.undo_stack.undoText() == "Add ‘insurgents’ as target"
    assert window.document.current_event_id == event_id


def test_a_filler_of_a_label_the_role_no_longer_takes_gets_the_warning_mark(qtbot, opened):
    """The store refuses to relabel a filler out of its role, so a wrong-label argument comes from
    a scheme changed elsewhere (another program, an older project): the frame must say so."""
    window, panel = opened
    event_id, actor, _, trigger = framed(qtbot, window)
    qtbot.keyClicks(panel.frame.type_filter, "fig")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_1, Qt.Key.Key_Escape):
        qtbot.keyClick(QApplication.focusWidget(), key)
    model, view = panel.events_model, window.view
    assert arguments(window.project) == [("source", actor)]
    assert model.index(0, EventListModel.WARNING_COLUMN).data() == ""
    with qtbot.waitSignal(window.document.editRefused) as refused:  # relabelling it is refused
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=point(window, word(window, "insurgents")[0] + 2))
        qtbot.keyClick(view, Qt.Key.Key_2)
    assert "does not accept LOCATION" in refused.args[0]

    other = sqlite3.connect(window.project.path)  # another program narrows the source role
    with other:
        other.execute("UPDATE role_labels SET label = 'LOCATION' WHERE role = 'source'")
    other.close()
    qtbot.keyClick(view, Qt.Key.Key_F5)
    assert window.document.current_event_id == event_id  # the open frame follows without a click
    assert panel.frame.slots["source"].caption.text().startswith("Source (LOCATION, required)")
    problem = "source filled by a span labelled ACTOR"
    assert model.index(0, EventListModel.WARNING_COLUMN).data() == "⚠"
    tip = model.index(0, EventListModel.WARNING_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == f"Incomplete frame: {problem}"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=point(window, word(window, "entered")[0] + 2))
    assert window.document.current_event_id == event_id
    assert panel.frame.problems.text() == f"⚠ {problem}"
    assert panel.frame.slots["source"].caption.text().startswith("Source (LOCATION, required)")
    asked: list[str] = []
    panel.ask_confirm = lambda title, text: asked.append(text) or False
    assert not panel.confirm_done()
    assert asked == [f"1 event frame is incomplete:\n• ‘entered’ (FIGHT): {problem}\n\n"
                     "Mark the article done anyway?"]
    assert trigger in window.document.spans


def test_deleting_a_span_that_fills_a_role_is_one_step_both_ways(qtbot, opened):
    window, panel = opened
    event_id, _, place, _ = framed(qtbot, window)
    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Tab, Qt.Key.Key_Tab, Qt.Key.Key_1, Qt.Key.Key_Escape):
        qtbot.keyClick(QApplication.focusWidget(), key)
    assert arguments(window.project) == [("location", place)]
    view, stack = window.view, window.document.undo_stack
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point(window, word(window, "Damascus")[0] + 2))
    assert window.document.current_span_id == place
    before = stack.count()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert stack.count() == before + 1 and stack.undoText() == "Delete LOCATION ‘Damascus’"
    assert arguments(window.project) == [] and rows(window.project, f"SELECT id FROM spans WHERE id = {place}") == []
    assert panel.frame.slots["location"].filled_rows() == []
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert arguments(window.project) == [("location", place)]
    assert [r.text() for r in panel.frame.slots["location"].filled_rows()] == ["Damascus"]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert arguments(window.project) == [] and rows(window.project, f"SELECT id FROM spans WHERE id = {place}") == []
    assert window.document.events[event_id].arguments == ()
