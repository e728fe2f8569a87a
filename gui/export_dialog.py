"""The Export dialog: which format, which articles, where to, and the per-format extras.

It only collects choices (``options()``); running the export is ``gui.file_actions``'s job,
so the dialog can be filled and checked in a test without writing anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui import file_dialogs
from storage.exporting.layers import ALL as ALL_LAYERS
from storage.exporting.layers import GOLD as GOLD_LAYER
from storage.exporting.layers import ExportCounts
from storage.model import AnnotatorError, STATUSES

# (format, layer, status) -> what that export would write; raises AnnotatorError for a layer it refuses.
Counter = Callable[[str, "str | None", "str | None"], ExportCounts]

# Formats whose extras the dialog offers; other formats grey the checkboxes out.
RELATIONS_FORMAT = "doccano"
DOCBIN_FORMAT = "spacy"

# One line per format, for the combo and the line under it; FORMATS names the formats.
DESCRIPTIONS = {
    "native": "Lossless JSON Lines with the label scheme; Event Annotator imports it back.",
    "spacy": "spaCy / Prodigy JSON Lines: text, tokens and character spans per article.",
    "doccano": "doccano JSON Lines: [start, end, label] per span, or entities and relations.",
    "hf-bio": "Hugging Face token classification: one sentence per record, IOB2 tags.",
    "events": "One record per event frame: type, trigger, role mentions, offsets, attributes.",
    "plover": "PLOVER 2.0 event records: actor, recipient, event, mode, context, quad, scale, offsets.",
    "brat": "brat standoff: a folder with .txt + .ann per article and annotation.conf.",
}
_SUFFIX = ".jsonl"  # the file formats are JSON Lines; a DocBin gets ".spacy"; brat is a folder


@dataclass(frozen=True)
class ExportOptions:
    """What the user chose; ``status`` None means every article."""

    format: str
    path: Path
    status: str | None = None
    relations: bool = False
    docbin: Path | None = None
    layer: str | None = None  # --layer: None is the default (gold where an article has it)
    strict: bool = False  # --strict: refuse incomplete event frames instead of writing them


def format_descriptions() -> dict[str, str]:
    """``{format name: one-line description}``: the file formats, then the folder formats."""
    from storage.exporting import FOLDER_FORMATS, FORMATS

    return {name: DESCRIPTIONS.get(name, "") for name in (*FORMATS, *FOLDER_FORMATS)}


def writes_folder(fmt: str) -> bool:
    from storage.exporting import FOLDER_FORMATS

    return fmt in FOLDER_FORMATS


class ExportDialog(QDialog):
    """Format combo with descriptions, status filter, destination with Browse…, extras, OK/Cancel."""

    def __init__(self, parent: QWidget | None = None, *, default_dir: Path | None = None,
                 stem: str = "annotations", layers: list[str] | None = None,
                 counts: Counter | None = None, name: Callable[[str], str] = str) -> None:
        """``name``: how a layer is shown ("Annotator n" while the curator adjudicates blind)."""
        super().__init__(parent)
        self.name = name
        self.layers = [name for name in layers or [] if name not in (GOLD_LAYER, ALL_LAYERS)]
        self._counts = counts  # None: nothing to count (no project), the line under Layer stays empty
        self._refusal = ""  # why the chosen layer exports nothing (OK disabled), from the store
        self.setWindowTitle("Export")
        self.default_dir = default_dir or Path.home()
        self.stem = stem
        self._descriptions = format_descriptions()
        self._proposed = ""
        self._create_widgets()
        self._layout()
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.path_edit.textChanged.connect(self._update_ok)
        self.layer_combo.currentIndexChanged.connect(self._update_count)
        self.status_combo.currentIndexChanged.connect(self._update_count)
        self.browse_button.clicked.connect(self._browse)
        self._format_changed()

    def _create_widgets(self) -> None:
        self.format_combo = QComboBox()
        for name, description in self._descriptions.items():
            self.format_combo.addItem(name, name)
            self.format_combo.setItemData(self.format_combo.count() - 1, description, Qt.ToolTipRole)
        self.description_label = QLabel()
        self.description_label.setTextFormat(Qt.PlainText)
        self.description_label.setWordWrap(True)
        self.status_combo = QComboBox()
        self.status_combo.addItem("All articles", None)
        for status in STATUSES:
            self.status_combo.addItem(status, status)
        # --layer: which annotator's annotations (storage.exporting.layers).
        self.layer_combo = QComboBox()
        self.layer_combo.setObjectName("export_layer")
        self.layer_combo.addItem("gold where an article has it, else its only layer", None)
        self.layer_combo.addItem("gold only: the curated articles", GOLD_LAYER)
        self.layer_combo.addItem("every layer, stacked: every article", ALL_LAYERS)
        for name in self.layers:
            shown = self.name(name)
            self.layer_combo.addItem(f"{shown}'s layer: the articles {shown} annotated or marked done", name)
        self.layer_combo.setToolTip("--layer on the command line; native writes every layer by default. "
                                    "Articles the chosen layer does not cover are left out, never written "
                                    "as having nothing in them")
        # How many articles the choice writes and leaves out (and why), before anything is written.
        self.count_label = QLabel()
        self.count_label.setObjectName("export_layer_count")
        self.count_label.setTextFormat(Qt.PlainText)
        self.count_label.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("file to write")
        self.browse_button = QPushButton("Browse…")
        self.relations_check = QCheckBox("doccano: relations (one per event argument)")
        self.docbin_check = QCheckBox("also write spaCy DocBin (.spacy) beside the file")
        self.strict_check = QCheckBox("refuse to export incomplete event frames (⚠ in the Events dock)")
        self.strict_check.setToolTip("--strict on the command line: without it they are written and counted")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("&Format:", self.format_combo)
        form.addRow("", self.description_label)
        form.addRow("&Articles:", self.status_combo)
        form.addRow("&Layer:", self.layer_combo)
        form.addRow("", self.count_label)
        destination = QHBoxLayout()
        destination.addWidget(self.path_edit, 1)
        destination.addWidget(self.browse_button)
        # A row holding a layout gets no buddy from QFormLayout, so the mnemonic needs its own label.
        destination_label = QLabel("&Destination:")
        destination_label.setBuddy(self.path_edit)
        form.addRow(destination_label, destination)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.relations_check)
        layout.addWidget(self.docbin_check)
        layout.addWidget(self.strict_check)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    # -- choosing ----------------------------------------------------------------------------

    def set_format(self, name: str) -> None:
        index = self.format_combo.findData(name)
        if index < 0:
            raise ValueError(f"unknown export format {name!r}")
        self.format_combo.setCurrentIndex(index)

    def set_layer(self, layer: str | None) -> None:
        index = self.layer_combo.findData(layer)
        if index < 0:
            raise ValueError(f"no layer {layer!r} in this project")
        self.layer_combo.setCurrentIndex(index)

    def set_status(self, status: str | None) -> None:
        self.status_combo.setCurrentIndex(self.status_combo.findData(status))

    def current_format(self) -> str:
        return str(self.format_combo.currentData() or "")

    def _format_changed(self) -> None:
        fmt = self.current_format()
        self.description_label.setText(self._descriptions.get(fmt, ""))
        self.relations_check.setEnabled(fmt == RELATIONS_FORMAT)
        self.docbin_check.setEnabled(fmt == DOCBIN_FORMAT)
        self._propose_path()
        self._update_count()

    def _update_count(self) -> None:
        """Say what the chosen format, status and layer would write; a layer the export refuses
        (one with nothing back yet) disables OK with the export's own reason."""
        self._refusal = ""
        text = ""
        if self._counts is not None and self.current_format():
            try:
                counts = self._counts(self.current_format(), self.layer_combo.currentData(),
                                      self.status_combo.currentData())
            except AnnotatorError as exc:
                self._refusal = text = str(exc)
            else:
                of = f"all {counts.total}" if counts.written == counts.total else f"{counts.written} of {counts.total}"
                text = f"Writes {of} article{'s' if counts.total != 1 else ''}"
                text += f". Left out: {'; '.join(counts.left_out)}." if counts.left_out else "."
                if counts.mixed:
                    text += (f" {counts.mixed} of them hold{'s' if counts.mixed == 1 else ''} annotations by "
                             "two or more annotators outside team layers, written together.")
        self.count_label.setText(text)
        self.count_label.setVisible(bool(text))
        self._update_ok()

    def _propose_path(self) -> None:
        """Keep the proposed file name in step with the format, unless the user typed their own."""
        text = self.path_edit.text().strip()
        if text and text != self._proposed:
            return
        fmt = self.current_format()
        suffix = "" if writes_folder(fmt) else _SUFFIX
        self._proposed = str(self.default_dir / f"{self.stem}-{fmt}{suffix}")
        self.path_edit.setText(self._proposed)

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(
            bool(self.current_format() and self.path_edit.text().strip()) and not self._refusal)

    def choose_path(self, current: str) -> str:
        """Ask for a destination (a folder for brat); "" if cancelled. Tests replace this method."""
        if writes_folder(self.current_format()):
            chosen = file_dialogs.folder(self, "Export to folder", current)
        else:
            chosen = file_dialogs.save_file(self, "Export to", current)
        return str(chosen) if chosen is not None else ""

    def _browse(self) -> None:
        path = self.choose_path(self.path_edit.text())
        if path:
            self.path_edit.setText(path)

    def options(self) -> ExportOptions:
        """The choices as they stand; extras only count when their format is chosen."""
        fmt = self.current_format()
        path = Path(self.path_edit.text().strip()).expanduser()
        docbin = None
        if fmt == DOCBIN_FORMAT and self.docbin_check.isChecked():
            docbin = path.with_suffix(".spacy")
        return ExportOptions(
            format=fmt,
            path=path,
            status=self.status_combo.currentData(),
            relations=fmt == RELATIONS_FORMAT and self.relations_check.isChecked(),
            docbin=docbin,
            layer=self.layer_combo.currentData(),
            strict=self.strict_check.isChecked(),
        )
