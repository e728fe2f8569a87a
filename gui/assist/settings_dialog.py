"""Assist ▸ Recommenders…: each recommender on or off with its knobs (stored in the project), the
model's held-out precision and recall per label, Train now / Cancel, and importing a dictionary.
What cannot run (spaCy or pyahocorasick missing) is said in plain words at the top."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from storage.assist import dictionary as dictionary_store
from storage.assist import model as model_store
from storage.assist.settings import CONFLICT_RULES, AssistSettings, load_settings, save_settings

if TYPE_CHECKING:
    from gui.assist.controller import AssistController


def _label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class RecommendersDialog(QDialog):
    """Non-modal; Apply/OK store the settings in the project and recompute the suggestions."""

    def __init__(self, controller: "AssistController", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Recommenders")
        settings = load_settings(controller.window.project)
        problems = [p for p in (dictionary_store.missing_dependency(), model_store.missing_dependency()) if p]
        self.missing = _label("; ".join(problems), self)
        self.missing.setVisible(bool(problems))
        self.suggestions = QCheckBox("Show suggestions (turn off on articles used to measure agreement)", self)
        self.suggestions.setChecked(settings.suggestions)
        # -- dictionary
        self.dictionary = QGroupBox("Dictionary: what the project has tagged, and lists you import", self)
        self.dictionary.setCheckable(True)
        self.dictionary.setChecked(settings.dictionary)
        self.min_count = QSpinBox(self.dictionary)
        self.min_count.setRange(1, 1000)
        self.min_count.setValue(settings.dictionary_min_count)
        self.conflict = QComboBox(self.dictionary)
        self.conflict.addItems(["the commoner label (a tie: none)", "no suggestion", "every label"])
        self.conflict.setCurrentIndex(CONFLICT_RULES.index(settings.dictionary_conflict))
        self.match_case = QCheckBox("Match case", self.dictionary)
        self.match_case.setChecked(settings.dictionary_match_case)
        self.import_button = QPushButton("Import a list (CSV, TSV, JSONL: text,label)…", self.dictionary)
        self.import_button.clicked.connect(controller.import_dictionary)
        form = QFormLayout(self.dictionary)
        form.addRow("Tagged at least", self.min_count)
        form.addRow("Text with two labels", self.conflict)
        form.addRow(self.match_case)
        form.addRow(self.import_button)
        # -- model
        self.model = QGroupBox("Model: spaCy trained on done articles, in a separate process", self)
        self.model.setCheckable(True)
        self.model.setChecked(settings.model)
        self.threshold = QDoubleSpinBox(self.model)
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setValue(settings.model_threshold)
        self.retrain = QSpinBox(self.model)
        self.retrain.setRange(0, 10000)
        self.retrain.setSpecialValueText("never (Train now only)")
        self.retrain.setValue(settings.model_retrain_after)
        self.language = QLineEdit(settings.model_language, self.model)
        self.language.setPlaceholderText("guessed from the text (en, zh, ar…)")
        self.report = _label("", self.model)
        self.scores = QTableWidget(0, 4, self.model)
        self.scores.setHorizontalHeaderLabels(["Label", "Precision", "Recall", "Held-out spans"])
        self.scores.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.scores.verticalHeader().hide()
        self.scores.horizontalHeader().setStretchLastSection(True)
        self.progress = QProgressBar(self.model)
        self.progress_text = _label("", self.model)
        self.train_button = QPushButton("&Train now", self.model)
        self.cancel_button = QPushButton("&Cancel training", self.model)
        self.train_button.clicked.connect(controller.train)
        self.cancel_button.clicked.connect(controller.runner.cancel)
        self.train_button.setEnabled(model_store.missing_dependency() is None)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.train_button)
        buttons_row.addWidget(self.cancel_button)
        buttons_row.addStretch(1)
        form = QFormLayout(self.model)
        form.addRow("Show suggestions scored at least", self.threshold)
        form.addRow("Retrain after newly done articles", self.retrain)
        form.addRow("Language", self.language)
        form.addRow(self.report)
        form.addRow(self.scores)
        form.addRow(self.progress_text)
        form.addRow(self.progress)
        form.addRow(buttons_row)
        self.roles = QCheckBox("Event roles: suggest each empty role's likely filler when a frame opens", self)
        self.roles.setChecked(settings.roles)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
                                   | QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).clicked.connect(lambda: self.apply() and self.accept())
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.missing, self.suggestions, self.dictionary, self.model, self.roles, buttons):
            layout.addWidget(widget)
        controller.runner.progressed.connect(self.show_progress)
        controller.runner.finished.connect(lambda *_: self.show_report())
        self.show_report()
        self.resize(560, 720)

    def chosen(self) -> AssistSettings:
        return AssistSettings(
            suggestions=self.suggestions.isChecked(), dictionary=self.dictionary.isChecked(),
            dictionary_min_count=self.min_count.value(), dictionary_conflict=CONFLICT_RULES[self.conflict.currentIndex()],
            dictionary_match_case=self.match_case.isChecked(), model=self.model.isChecked(),
            model_threshold=round(self.threshold.value(), 2), model_retrain_after=self.retrain.value(),
            model_language=self.language.text().strip(), roles=self.roles.isChecked())

    def apply(self) -> bool:
        save_settings(self.controller.window.project, self.chosen())
        self.controller.settings_changed()
        return True

    def show_progress(self, text: str, percent: int) -> None:
        self.progress_text.setText(text)
        self.progress.setValue(percent)
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.controller.runner.running
        self.train_button.setEnabled(not running and model_store.missing_dependency() is None)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)

    def show_report(self) -> None:
        project = self.controller.window.project
        report = model_store.stored_report(project)
        newly = model_store.newly_done(project)
        if report is None:
            self.report.setText(f"No model yet. {newly} done article{'s' if newly != 1 else ''} to learn from.")
            self.scores.setRowCount(0)
        else:
            self.report.setText(
                f"Trained {report.trained} on {report.train_articles} articles ({report.held_out_articles} held out), "
                f"{report.epochs} epochs in {report.seconds:.0f} s, {report.peak_memory_mb:.0f} MB; "
                f"{newly} newly done since.")
            self.scores.setRowCount(len(report.labels))
            for row, (name, score) in enumerate(sorted(report.labels.items())):
                for column, text in enumerate((name, f"{score.precision:.2f}", f"{score.recall:.2f}", str(score.support))):
                    self.scores.setItem(row, column, QTableWidgetItem(text))
        self._update_buttons()
