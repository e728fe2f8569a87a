"""The Import dialog: what the command line's ``import`` takes, in the window.

Files and folders to import (added with the pickers, or the ones just chosen or dropped), the
text encoding (``--encoding``: common encodings in a list, any other typed by name), the format
(``--format``: detected per file unless forced; the line beside it says what detection finds)
the annotator layer (``--annotator``: every annotation of the files into that layer, articles
already in the project receiving them) and the options only some formats read (``--discontinuous``,
``--answers``, ``--text-key``, ``--predictions``, ``--labels``; greyed out when a forced format
ignores them). Formats come
from ``storage.importing.registry``, so a format added there appears here with no change here. Like the Export dialog it only collects choices (``choice()``);
``gui.file_actions`` runs the import and lends it its file pickers (one place for how the
window asks for files).
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storage.importing import brat_pair, detected_formats
from storage.importing.registry import FORMATS, ImportOptions, detect

DETECT_ENCODING = "Detect (UTF-8, or UTF-16 with a byte-order mark)"
DETECT_FORMAT = "Detect from each file"
DETECT_LIMIT = 200  # files of the chosen folders looked at to say what was detected: a quick look, not a scan
# Encodings news archives come in, with what they are for; any other codec can be typed.
COMMON_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8", "Unicode"), ("utf-16", "Unicode, with a byte-order mark"),
    ("utf-16-le", "Unicode, little-endian, no mark"), ("utf-16-be", "Unicode, big-endian, no mark"),
    ("utf-32", "Unicode, 4 bytes a character"),
    ("cp1252", "Western European, Windows"), ("iso-8859-1", "Western European, Latin-1"),
    ("iso-8859-15", "Western European with €"), ("cp1250", "Central European, Windows"),
    ("cp1251", "Cyrillic, Windows"), ("koi8-r", "Russian"), ("cp1253", "Greek, Windows"),
    ("cp1254", "Turkish, Windows"), ("cp1255", "Hebrew, Windows"), ("cp1256", "Arabic, Windows"),
    ("iso-8859-6", "Arabic, ISO"), ("gb18030", "Chinese, simplified"), ("big5", "Chinese, traditional"),
    ("shift_jis", "Japanese"), ("euc-kr", "Korean"),
)


@dataclass(frozen=True)
class ImportChoice:
    """What to import and how: ``options`` are the command line's import options, defaults as there."""

    paths: tuple[Path, ...]
    options: ImportOptions = ImportOptions()

    @property
    def encoding(self) -> str | None:
        return self.options.encoding

    @property
    def format(self) -> str | None:
        return self.options.format


# The command line's per-format import options: ImportOptions field -> (flag, label here, formats reading it).
FORMAT_OPTIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "discontinuous": ("--discontinuous", "brat fragments", ("brat",)),
    "answers": ("--answers", "Prodigy answers", ("prodigy",)),
    "text_key": ("--text-key", "Text field (doccano, Label Studio)", ("doccano", "label-studio")),
    "predictions": ("--predictions", "Label Studio", ("label-studio",)),
    "labels": ("--labels", "Hugging Face label names", ("hf",)),
}
# Where each flag an import report may name is found in this dialog.
OPTION_LABELS: dict[str, str] = {"--encoding": "Encoding", "--format": "Format", "--annotator": "Annotator layer",
                                 **{flag: label for flag, label, _ in FORMAT_OPTIONS.values()}}


def _files(count: int) -> str:
    return f"{count:,} file" + ("" if count == 1 else "s")


def window_hint(lines: list[str]) -> str | None:
    """A line telling where the options an import report names (--encoding…) are in the window."""
    named = [flag for flag in OPTION_LABELS if any(re.search(rf"{flag}\b", line) for line in lines)]
    if not named:
        return None
    where = ", ".join(f"{flag} is ‘{OPTION_LABELS[flag]}’" for flag in named)
    return f"To import again with other choices: File ▸ Import articles…, where {where}."


def encoding_problem(name: str) -> str | None:
    """Why ``name`` cannot be used as an encoding, or None when Python knows it."""
    try:
        codecs.lookup(name)
    except LookupError:
        return f"unknown encoding ‘{name}’"
    return None


class ImportDialog(QDialog):
    """Paths with Add files…/Add folder…/Remove, encoding, format, Import/Cancel."""

    def __init__(self, paths: list[Path] | None = None, parent: QWidget | None = None, *,
                 choose_files: Callable[[], list[Path]] = list,
                 choose_folder: Callable[[], Path | None] = lambda: None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import articles")
        self.choose_files, self.choose_folder = choose_files, choose_folder
        self._detection: tuple[tuple[Path, ...], tuple[dict[str, int], int]] = ((), ({}, 0))
        self._create_widgets()
        self._layout()
        self.encoding_combo.editTextChanged.connect(self._update)
        self.format_combo.currentIndexChanged.connect(self._update)
        self.add_files_button.clicked.connect(self._add_files)
        self.add_folder_button.clicked.connect(self._add_folder)
        self.remove_button.clicked.connect(self._remove_selected)
        self.set_paths(paths or [])

    def _create_widgets(self) -> None:
        self.path_list = QListWidget()
        self.path_list.setObjectName("import_paths")
        self.path_list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.path_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the file name stays in view
        self.path_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # or no eliding
        self.add_files_button = QPushButton("Add &files…")
        self.add_folder_button = QPushButton("Add f&older…")
        self.remove_button = QPushButton("&Remove")
        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("import_encoding")
        self.encoding_combo.setEditable(True)  # any codec Python knows can be typed
        self.encoding_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.encoding_combo.addItem(DETECT_ENCODING, None)
        for name, what in COMMON_ENCODINGS:
            self.encoding_combo.addItem(name, name)
            self.encoding_combo.setItemData(self.encoding_combo.count() - 1, what, Qt.ItemDataRole.ToolTipRole)
        # Typing into "Detect (…)" would append to it: arriving in the box selects it all instead.
        self.encoding_combo.installEventFilter(self)  # the combo takes focus for its line edit
        self.encoding_combo.setToolTip("The files' text encoding, as --encoding on the command line; "
                                       "type any other, e.g. mac_roman")
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("import_format")
        self.format_combo.addItem(DETECT_FORMAT, None)
        for name, fmt in FORMATS.items():
            self.format_combo.addItem(f"{fmt.title} ({', '.join(fmt.suffixes)})", name)
        self.format_combo.setToolTip("As --format on the command line: force one format for every file")
        self.annotator_edit = QLineEdit()
        self.annotator_edit.setObjectName("import_annotator")
        self.annotator_edit.setPlaceholderText("none: as the files say; articles already here are skipped")
        self.annotator_edit.setToolTip("As --annotator on the command line: every annotation of the files goes "
                                       "into this annotator's layer, and an article already in the project "
                                       "receives them instead of being skipped")
        self._create_option_widgets()
        self.detected_label = QLabel()
        self.detected_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detected_label.setWordWrap(True)  # a folder of several formats names them all
        self.detected_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.problem_label = QLabel()
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setStyleSheet("color: #B00020")
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _create_option_widgets(self) -> None:
        """One widget per per-format option of ``import``, with the command line's default."""
        self.discontinuous_combo = QComboBox()
        self.discontinuous_combo.addItem("one span per fragment, with a note", "split")
        self.discontinuous_combo.addItem("refuse the file", "refuse")
        self.answers_combo = QComboBox()
        self.answers_combo.addItem("accepted tasks only (the others are counted)", "accept")
        self.answers_combo.addItem("all: rejected and ignored ones as skipped", "all")
        self.text_key_edit = QLineEdit()
        self.text_key_edit.setPlaceholderText("detected")
        self.predictions_check = QCheckBox("import predictions too, as their model's layer")
        self.labels_edit = QLineEdit()
        self.labels_edit.setPlaceholderText("O,B-PER,I-PER,… or a JSON file (integer ner_tags)")
        self.option_widgets: dict[str, QWidget] = {
            "discontinuous": self.discontinuous_combo, "answers": self.answers_combo,
            "text_key": self.text_key_edit, "predictions": self.predictions_check, "labels": self.labels_edit,
        }
        self.options_box = QGroupBox("Options of some formats")
        form = QFormLayout(self.options_box)
        for name, widget in self.option_widgets.items():
            flag, label, formats = FORMAT_OPTIONS[name]
            widget.setObjectName(f"import_{name}")
            titles = ", ".join(FORMATS[f].title for f in formats if f in FORMATS)
            widget.setToolTip(f"{flag} on the command line; read by {titles}")
            form.addRow(f"{label}:", widget)

    def _layout(self) -> None:
        side = QVBoxLayout()
        for button in (self.add_files_button, self.add_folder_button, self.remove_button):
            side.addWidget(button)
        side.addStretch(1)
        paths = QHBoxLayout()
        paths.addWidget(self.path_list, 1)
        paths.addLayout(side)
        form = QFormLayout()
        form.addRow("&Encoding:", self.encoding_combo)
        form.addRow("For&mat:", self.format_combo)
        form.addRow("", self.detected_label)
        form.addRow("Annotator &layer:", self.annotator_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Files and folders (folders are searched recursively):"))
        layout.addLayout(paths, 1)
        layout.addLayout(form)
        layout.addWidget(self.options_box)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        line = self.encoding_combo.lineEdit()
        if (watched is self.encoding_combo and event.type() == QEvent.Type.FocusIn
                and line.text() == DETECT_ENCODING):
            QTimer.singleShot(0, line.selectAll)  # after the click that gave focus placed the caret
        return super().eventFilter(watched, event)

    # -- choosing ----------------------------------------------------------------------------

    def paths(self) -> list[Path]:
        return [Path(self.path_list.item(i).text()) for i in range(self.path_list.count())]

    def set_paths(self, paths: list[Path]) -> None:
        self.path_list.clear()
        self.add_paths(paths)

    def add_paths(self, paths: list[Path]) -> None:
        known = set(self.paths())
        for path in paths:
            if path not in known:
                self.path_list.addItem(str(path))
                self.path_list.item(self.path_list.count() - 1).setToolTip(str(path))
                known.add(path)
        self._update()

    def set_encoding(self, name: str | None) -> None:
        """Pick ``name`` (None: detect); a name not in the list is typed, as a user would."""
        index = self.encoding_combo.findData(name)
        if index >= 0:
            self.encoding_combo.setCurrentIndex(index)
        else:
            self.encoding_combo.setEditText(name or "")

    def set_format(self, name: str | None) -> None:
        index = self.format_combo.findData(name)
        if index < 0:
            raise ValueError(f"unknown import format {name!r}")
        self.format_combo.setCurrentIndex(index)

    def encoding(self) -> str | None:
        """The encoding as chosen or typed; None for detection (the first entry, or nothing typed)."""
        text = self.encoding_combo.currentText().strip()
        if not text or text == DETECT_ENCODING:
            return None
        index = self.encoding_combo.findText(text)
        return str(self.encoding_combo.itemData(index)) if index > 0 else text

    def format(self) -> str | None:
        return self.format_combo.currentData()

    def _update(self) -> None:
        """Say what detection finds, what is wrong, and allow Import only when nothing is."""
        paths = self.paths()
        self.remove_button.setEnabled(bool(paths))
        forced = self.format()
        for name, widget in self.option_widgets.items():  # a forced format greys out what it ignores
            widget.setEnabled(forced is None or forced in FORMAT_OPTIONS[name][2])
        self.detected_label.setText(self._detected_text(paths))
        problem = encoding_problem(self.encoding()) if self.encoding() else None
        if not paths:
            problem = problem or "Add the files or folders to import."
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(bool(problem))
        self.import_button.setEnabled(problem is None)

    def _detected_text(self, paths: list[Path]) -> str:
        if self.format() is not None:
            return f"every file read as {FORMATS[self.format()].title}"
        files = [p for p in paths if p.is_file()]
        if len(files) == 1 and len(paths) == 1:
            pair = brat_pair(str(files[0]))  # brat's .txt: read with the .ann beside it
            found = detect(pair or str(files[0]))
            return f"detected: {found.title}" if found else "detected: no known format (choose one above)"
        if not paths:
            return ""
        key = tuple(paths)
        if self._detection[0] != key:  # a folder is walked when the list changes, not per keystroke
            self._detection = (key, detected_formats(paths, limit=DETECT_LIMIT))
        counts, total = self._detection[1]
        if not counts:
            return "detected: no importable files"
        shown = ", ".join(f"{title} ({_files(n)})" for title, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        looked = sum(counts.values())
        return f"detected: {shown}" + (f"; the first {looked:,} of {total:,} files looked at" if total > looked else "")

    # -- adding and removing -----------------------------------------------------------------

    def _add_files(self) -> None:
        self.add_paths(self.choose_files())

    def _add_folder(self) -> None:
        folder = self.choose_folder()
        if folder is not None:
            self.add_paths([folder])

    def _remove_selected(self) -> None:
        for item in self.path_list.selectedItems() or [self.path_list.currentItem()]:
            if item is not None:
                self.path_list.takeItem(self.path_list.row(item))
        self._update()

    def options(self) -> ImportOptions:
        """The choices as the importer takes them, like ``main._import_options`` builds them."""
        return ImportOptions(
            encoding=self.encoding(), format=self.format(),
            discontinuous=self.discontinuous_combo.currentData(), answers=self.answers_combo.currentData(),
            text_key=self.text_key_edit.text().strip() or None, labels=self.labels_edit.text().strip() or None,
            predictions=self.predictions_check.isChecked(), annotator=self.annotator_edit.text().strip() or None)

    def choice(self) -> ImportChoice:
        return ImportChoice(tuple(self.paths()), self.options())
