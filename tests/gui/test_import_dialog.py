"""The Import dialog gives the window what the command line's import takes: files and folders,
--encoding (a list of common ones, or any typed) and --format (detected, or forced), each driven
through the real dialog from File ▸ Import and checked in the project file."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog

from gui.app import create_main_window
from gui.import_dialog import DETECT_FORMAT, ImportDialog
from storage.article_status import OWN_STATUS
from storage.importing.registry import FORMATS


@pytest.fixture
def window(tmp_path, qtbot):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("annotator", "tester")
    window = create_main_window(tmp_path / "project.sqlite", settings, sample_if_new=False)
    qtbot.addWidget(window)
    window.reports = []
    window.file_actions.show_report = lambda title, lines: window.reports.append(list(lines))
    return window


def texts(window) -> list[str]:
    return [row[0] for row in window.project.db.execute("SELECT text FROM articles ORDER BY id")]


def show(qtbot, dialog: QDialog) -> None:
    dialog.show()
    dialog.activateWindow()  # focus (and so the keyboard) only reaches the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def drive(qtbot, steps):
    """An ``exec_dialog`` that shows the dialog, runs ``steps(dialog)`` like a user, then clicks Import."""
    def run(dialog: ImportDialog) -> bool:
        show(qtbot, dialog)
        steps(dialog)
        if dialog.import_button.isEnabled():
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        return dialog.result() == QDialog.DialogCode.Accepted
    return run


def test_typed_encoding_reaches_the_importer(window, qtbot, tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Caf\u00e9 \u2013 Beirut".encode("cp1252"))
    fa = window.file_actions
    fa.choose_import_files = lambda: [legacy]
    seen = []

    def choose_cp1252(dialog):
        seen.append(dialog.detected_label.text())
        line = dialog.encoding_combo.lineEdit()
        dialog.format_combo.setFocus()
        qtbot.keyClick(dialog.format_combo, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # back a field
        qtbot.waitUntil(lambda: line.selectedText() == line.text() != "")
        qtbot.keyClicks(line, "cp1252")

    fa.exec_dialog = drive(qtbot, choose_cp1252)
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_action.trigger()
    assert seen == ["detected: plain text"]
    assert texts(window) == ["Café – Beirut"]
    assert window.reports == [["imported 1 article from 1 file"]]


def test_a_utf8_failure_points_at_the_dialogs_encoding_choice_and_a_listed_encoding_fixes_it(
        window, qtbot, tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Stra\u00dfe in K\u00f6ln".encode("iso-8859-1"))
    fa = window.file_actions
    fa.choose_import_files = lambda: [legacy]
    fa.exec_dialog = drive(qtbot, lambda dialog: None)  # defaults: detect
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_action.trigger()
    assert texts(window) == []
    assert "not valid UTF-8" in window.reports[0][1]
    assert window.reports[0][-1].startswith("To import again with other choices: File ▸ Import articles…, "
                                            "where --encoding is ‘Encoding’")

    def pick_latin1(dialog):
        combo = dialog.encoding_combo
        combo.setFocus()
        while combo.currentData() != "iso-8859-1":  # arrow down the list, as with the keyboard
            qtbot.keyClick(combo, Qt.Key.Key_Down)

    fa.exec_dialog = drive(qtbot, pick_latin1)
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_action.trigger()
    assert texts(window) == ["Straße in Köln"]


def test_an_unknown_encoding_is_refused_before_anything_runs(qtbot, tmp_path):
    dialog = ImportDialog([tmp_path])
    qtbot.addWidget(dialog)
    show(qtbot, dialog)
    line = dialog.encoding_combo.lineEdit()
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton)  # a click in "Detect (…)" selects it all
    qtbot.waitUntil(lambda: line.selectedText() == line.text() != "")
    qtbot.keyClicks(line, "klingon-8")
    assert not dialog.import_button.isEnabled()
    assert dialog.problem_label.isVisible() and "unknown encoding ‘klingon-8’" in dialog.problem_label.text()
    dialog.set_encoding(None)
    assert dialog.import_button.isEnabled() and dialog.choice().encoding is None


def test_forced_format_reads_a_file_detection_would_refuse(window, qtbot, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text(" date 2025-03-14 Talks in Geneva\n\nDelegations met on Friday.\n", encoding="utf-8")
    fa = window.file_actions
    fa.choose_import_files = lambda: [notes]
    combo_items = []

    def force_text(dialog):
        combo = dialog.format_combo
        combo_items.extend(combo.itemData(i) for i in range(combo.count()))
        assert dialog.detected_label.text().startswith("detected: no known format")
        combo.setCurrentIndex(combo.findData("text"))
        assert dialog.detected_label.text() == "every file read as plain text"

    fa.exec_dialog = drive(qtbot, force_text)
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_action.trigger()
    assert combo_items == [None, *FORMATS]  # "detect", then every format the registry knows
    assert texts(window) == ["Talks in Geneva\n\nDelegations met on Friday.\n"]


def test_files_and_folders_are_added_and_removed_in_the_dialog(qtbot, tmp_path):
    folder, extra = tmp_path / "news", tmp_path / "extra.txt"
    folder.mkdir()
    extra.write_text("Aid reached Hama.", encoding="utf-8")
    dialog = ImportDialog([], choose_files=lambda: [extra], choose_folder=lambda: folder)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.import_button.isEnabled()  # nothing to import yet
    assert dialog.format_combo.currentText() == DETECT_FORMAT
    qtbot.mouseClick(dialog.add_folder_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)  # no duplicate rows
    assert dialog.paths() == [folder, extra] and dialog.import_button.isEnabled()
    dialog.path_list.setCurrentRow(0)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.choice().paths == (Path(extra),)


def test_per_format_options_reach_the_importer_and_the_report_names_them(window, qtbot, tmp_path):
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"text": "Rebels entered Velmora.", "spans": [], "answer": "accept"}\n'
                     '{"text": "Troops left Dorvan.", "spans": [], "answer": "reject"}\n', encoding="utf-8")
    fa = window.file_actions
    fa.choose_import_files = lambda: [tasks]
    fa.exec_dialog = drive(qtbot, lambda dialog: None)  # the command line's defaults: accepted only
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_action.trigger()
    assert texts(window) == ["Rebels entered Velmora."]
    assert "where --answers is ‘Prodigy answers’" in window.reports[0][-1]

    def all_answers(dialog):
        assert dialog.detected_label.text() == "detected: Prodigy / spaCy JSONL"
        combo = dialog.answers_combo
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # "all: rejected and ignored ones as skipped"
        assert dialog.options().answers == "all"

    fa.exec_dialog = drive(qtbot, all_answers)
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_action.trigger()
    rows = window.project.db.execute(f"SELECT text, {OWN_STATUS} FROM articles ORDER BY id").fetchall()
    assert rows == [("Rebels entered Velmora.", "done"), ("Troops left Dorvan.", "skipped")]  # accepted: done


def test_a_forced_format_greys_out_the_options_it_does_not_read(qtbot, tmp_path):
    dialog = ImportDialog([tmp_path])
    qtbot.addWidget(dialog)
    assert all(widget.isEnabled() for widget in dialog.option_widgets.values())  # detect: any may apply
    dialog.set_format("brat")
    enabled = {name for name, widget in dialog.option_widgets.items() if widget.isEnabled()}
    assert enabled == {"discontinuous"}
    dialog.set_format("label-studio")
    assert {n for n, w in dialog.option_widgets.items() if w.isEnabled()} == {"text_key", "predictions"}
    dialog.text_key_edit.setText("body")
    dialog.predictions_check.setChecked(True)
    options = dialog.choice().options
    assert (options.format, options.text_key, options.predictions, options.answers) == (
        "label-studio", "body", True, "accept")


def test_annotator_layer_field_puts_a_second_import_onto_the_same_articles(window, qtbot, tmp_path):
    doccano = tmp_path / "ben.jsonl"
    doccano.write_text('{"text": "Rebels entered Velmora.", "label": [[15, 22, "LOCATION"]]}\n', encoding="utf-8")
    fa = window.file_actions
    fa.choose_import_files = lambda: [doccano]
    fa.exec_dialog = drive(qtbot, lambda dialog: None)
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_action.trigger()

    def into_bens_layer(dialog):
        dialog.annotator_edit.setFocus()
        qtbot.keyClicks(dialog.annotator_edit, "ben")

    fa.exec_dialog = drive(qtbot, into_bens_layer)
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_action.trigger()
    assert texts(window) == ["Rebels entered Velmora."]
    rows = window.project.db.execute("SELECT annotator, start, \"end\", label FROM spans ORDER BY id").fetchall()
    assert rows == [(None, 15, 22, "LOCATION"), ("ben", 15, 22, "LOCATION")]
    assert window.reports[-1][-1] == ("imported 0 articles (1 span, 0 events) from 1 file into layer ben; "
                                      "1 span into layer ben on 1 existing article")


def test_a_folder_and_several_files_say_what_detection_finds_in_them(qtbot):
    """The real interop files: brat's .txt beside each .ann is its text, not a plain-text article."""
    from tests.storage.importing.helpers import INTEROP
    dialog = ImportDialog([INTEROP / "brat-news"])
    qtbot.addWidget(dialog)
    assert dialog.detected_label.text() == "detected: brat standoff, a .txt beside each (13 files)"
    dialog.add_paths([INTEROP / "plover" / "PLOVER_GSR_CAMEO.txt"])
    assert dialog.detected_label.text() == ("detected: brat standoff, a .txt beside each (13 files), "
                                            "PLOVER event records (1 file)")
    dialog.set_paths([INTEROP / "plover" / "PLOVER_GSR_CAMEO.txt"])  # one file: its format, as before
    assert dialog.detected_label.text() == "detected: PLOVER event records"
    dialog.set_paths([INTEROP / "news-ar-zh"])
    assert dialog.detected_label.text() == "detected: plain text (77 files)"
    dialog.set_format("conll")  # the override: every file read as the chosen format
    assert dialog.detected_label.text() == "every file read as CoNLL-2003 / IOB / BIOES token columns"


def test_a_huge_folder_is_only_glanced_at(qtbot, tmp_path):
    from gui.import_dialog import DETECT_LIMIT
    for n in range(DETECT_LIMIT + 5):
        (tmp_path / f"{n:04}.txt").write_text(f"Article {n}.", encoding="utf-8")
    dialog = ImportDialog([tmp_path])
    qtbot.addWidget(dialog)
    assert dialog.detected_label.text() == (f"detected: plain text ({DETECT_LIMIT} files); "
                                            f"the first {DETECT_LIMIT} of {DETECT_LIMIT + 5} files looked at")


def test_a_real_brat_folder_through_file_import_folder_lands_in_the_project_file(window, qtbot):
    """File ▸ Import folder… on brat's news tutorial: the dialog names brat, Import writes every span."""
    import sqlite3

    from tests.storage.importing.helpers import INTEROP
    fa = window.file_actions
    fa.choose_import_folder = lambda: INTEROP / "brat-news"
    seen = []
    fa.exec_dialog = drive(qtbot, lambda dialog: seen.append(dialog.detected_label.text()))
    with qtbot.waitSignal(fa.jobFinished, timeout=20000):
        fa.import_folder()
    assert seen == ["detected: brat standoff, a .txt beside each (13 files)"]
    with sqlite3.connect(window.project.path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 13
        assert conn.execute("SELECT count(*), count(DISTINCT origin) FROM spans").fetchone() == (119, 1)
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 23
    assert window.reports[0][0].startswith("imported 13 articles (119 spans, 23 events)")


def test_brats_txt_picked_alone_imports_with_its_ann_not_as_plain_text(window, qtbot):
    """A brat user picks the .txt files in Add files…: each is read with the .ann beside it, as the
    dialog says, and its spans land in the project file (they were dropped, the text a plain article)."""
    import sqlite3

    from tests.storage.importing.helpers import INTEROP
    text = INTEROP / "brat-news" / "040-text_span_annotation.txt"
    fa = window.file_actions
    fa.choose_import_files = lambda: [text]
    seen = []
    fa.exec_dialog = drive(qtbot, lambda dialog: seen.append(dialog.detected_label.text()))
    with qtbot.waitSignal(fa.jobFinished, timeout=20000):
        fa.import_action.trigger()
    assert seen == ["detected: brat standoff, a .txt beside each"]
    ann = text.with_suffix(".ann").read_text(encoding="utf-8").splitlines()
    with sqlite3.connect(window.project.path) as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == sum(line[0] == "T" for line in ann) == 4
    assert window.reports[0][0].startswith("imported 1 article (4 spans")


def test_an_empty_projects_hint_is_read_whole_at_1024_and_a_dropped_folder_is_imported(window, qtbot):
    """The hint under "No article open" names Ctrl+I and dropping; at 1024×700 it is not elided,
    and a folder of another tool's files (brat's news tutorial) dropped on the window lands in the file."""
    import sqlite3

    from PySide6.QtCore import QMimeData, QUrl
    from PySide6.QtGui import QDropEvent, QKeySequence

    from tests.storage.importing.helpers import INTEROP
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    assert window.headline.text() == "No article open"
    assert window.meta.text() == "Ctrl+I imports articles, or drop files here"
    assert window.meta.shown_text() == window.meta.text()  # nothing elided at the smallest supported size
    assert window.file_actions.import_action.shortcut() == QKeySequence("Ctrl+I")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(INTEROP / "brat-news"))])
    drop = QDropEvent(window.rect().center().toPointF(), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.file_actions.jobFinished, timeout=20000):
        window.dropEvent(drop)
    with sqlite3.connect(window.project.path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 13
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 119
    assert window.headline.text() != "No article open"  # the first imported article opened
