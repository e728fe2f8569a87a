"""The Export dialog collects choices only: every format is offered with a description, the
extras follow the format, and ``options()`` says exactly what was chosen."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from gui.export_dialog import ExportDialog, ExportOptions
from storage.exporting import FOLDER_FORMATS, FORMATS
from storage.model import STATUSES


@pytest.fixture
def dialog(qtbot, tmp_path):
    dialog = ExportDialog(default_dir=tmp_path, stem="news")
    qtbot.addWidget(dialog)
    return dialog


def test_every_format_is_offered_with_a_description(dialog):
    combo = dialog.format_combo
    assert [combo.itemData(i) for i in range(combo.count())] == [*FORMATS, *FOLDER_FORMATS]
    for i in range(combo.count()):
        assert combo.itemData(i, Qt.ToolTipRole), combo.itemData(i)
    assert dialog.description_label.text()
    assert dialog.description_label.textFormat() == Qt.PlainText


def test_status_filter_offers_all_and_each_status(dialog):
    combo = dialog.status_combo
    assert [combo.itemData(i) for i in range(combo.count())] == [None, *STATUSES]


def test_extras_are_enabled_only_for_their_format(dialog):
    dialog.set_format("doccano")
    assert dialog.relations_check.isEnabled() and not dialog.docbin_check.isEnabled()
    dialog.set_format("spacy")
    assert dialog.docbin_check.isEnabled() and not dialog.relations_check.isEnabled()
    dialog.set_format("native")
    assert not dialog.docbin_check.isEnabled() and not dialog.relations_check.isEnabled()


def test_options_reflect_the_widgets(dialog, tmp_path):
    dialog.set_format("spacy")
    dialog.set_status("done")
    dialog.path_edit.setText(str(tmp_path / "train.jsonl"))
    dialog.docbin_check.setChecked(True)
    dialog.relations_check.setChecked(True)  # disabled for spacy: must not leak into the options
    assert dialog.options() == ExportOptions(format="spacy", path=tmp_path / "train.jsonl",
                                             status="done", relations=False,
                                             docbin=tmp_path / "train.spacy")


def test_proposed_file_name_follows_the_format_until_the_user_types_one(dialog, tmp_path):
    dialog.set_format("doccano")
    assert Path(dialog.path_edit.text()) == tmp_path / "news-doccano.jsonl"
    dialog.set_format("events")
    assert Path(dialog.path_edit.text()) == tmp_path / "news-events.jsonl"
    dialog.path_edit.setText(str(tmp_path / "mine.jsonl"))
    dialog.set_format("native")
    assert Path(dialog.path_edit.text()) == tmp_path / "mine.jsonl"


def test_ok_needs_a_destination_and_browse_fills_it(dialog, qtbot, tmp_path):
    ok = dialog.buttons.button(QDialogButtonBox.Ok)
    dialog.path_edit.clear()
    assert not ok.isEnabled()
    dialog.choose_path = lambda current: str(tmp_path / "picked.jsonl")
    qtbot.mouseClick(dialog.browse_button, Qt.LeftButton)
    assert dialog.path_edit.text() == str(tmp_path / "picked.jsonl") and ok.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(ok, Qt.LeftButton)


def test_brat_proposes_a_folder_and_browse_asks_for_one(dialog, tmp_path):
    dialog.set_format("brat")
    assert dialog.options().path == tmp_path / "news-brat"  # a folder: no .jsonl suffix
    assert not dialog.relations_check.isEnabled() and not dialog.docbin_check.isEnabled()
    dialog.set_format("native")
    assert dialog.options().path == tmp_path / "news-native.jsonl"
