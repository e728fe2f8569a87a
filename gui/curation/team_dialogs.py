"""Project ▸ Team dialogs: Hand out… (the fields of ``team split``) and Agreement… (table, bars, lowest).

Both only gather choices and show results: the work is ``storage.team`` (packets, agreement),
called by ``gui.curation.team_menu``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.article_list import STATUS_NAMES
from storage.model import STATUSES


class HandOutDialog(QDialog):
    """Who gets packets, how much overlap, which articles, where the packets go."""

    def __init__(self, parent: QWidget | None, *, folder: Path, choose_folder: Callable[[], Path | None]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hand out packets")
        self.annotators = QLineEdit()
        self.annotators.setPlaceholderText("ana, ben, chen")
        self.overlap = QDoubleSpinBox()
        self.overlap.setRange(0.0, 1.0)
        self.overlap.setSingleStep(0.05)
        self.overlap.setValue(0.2)
        self.overlap.setToolTip("Share of articles that several annotators get, to measure agreement")
        self.per_article = QSpinBox()
        self.per_article.setRange(2, 50)
        self.per_article.setValue(2)
        self.status = QComboBox()
        self.status.addItem("All articles", None)
        for status in STATUSES:
            self.status.addItem(STATUS_NAMES.get(status, status), status)
        self.gold = QCheckBox("Start each packet from the gold layer")
        self.folder = QLineEdit(str(folder))
        browse = QPushButton("Choose…")
        browse.clicked.connect(lambda: self._browse(choose_folder))
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Annotators:", self.annotators)
        form.addRow("Overlap share:", self.overlap)
        form.addRow("Annotators per overlap article:", self.per_article)
        form.addRow("Articles:", self.status)
        form.addRow("", self.gold)
        form.addRow("Packets folder:", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Hand out")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _browse(self, choose_folder: Callable[[], Path | None]) -> None:
        chosen = choose_folder()
        if chosen is not None:
            self.folder.setText(str(chosen))

    def choice(self) -> dict[str, Any]:
        """The keyword arguments of ``storage.team.packets.split`` (and the folder)."""
        return {"folder": Path(self.folder.text().strip()),
                "annotators": [n.strip() for n in self.annotators.text().split(",") if n.strip()],
                "overlap": self.overlap.value(), "per_article": self.per_article.value(),
                "status": self.status.currentData(), "with_gold": self.gold.isChecked()}


class LabelBars(QWidget):
    """A bar per label: exact F1 (dark) and overlap F1 (light), 0 to 1, drawn from the palette."""

    def __init__(self, rows: list[tuple[str, float | None, float | None]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.setMinimumHeight(28 * max(len(rows), 1) + 12)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        strong = palette.color(QPalette.ColorRole.Highlight)
        light = QColor(strong)
        light.setAlpha(110)
        name_width = max([painter.fontMetrics().horizontalAdvance(n) for n, _, _ in self.rows] or [0]) + 16
        scale = max(self.width() - name_width - 60, 40)
        for k, (name, exact, overlap) in enumerate(self.rows):
            top = 6 + k * 28
            painter.setPen(text)
            painter.drawText(QRectF(0, top, name_width - 8, 22), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), name)
            for offset, value, colour in ((0, overlap, light), (0, exact, strong)):
                if value is not None:
                    painter.fillRect(QRectF(name_width, top + 2 + offset, value * scale, 18), colour)
            label = "—" if exact is None else f"{exact:.2f}"
            painter.drawText(QRectF(name_width + scale + 6, top, 54, 22), int(Qt.AlignmentFlag.AlignVCenter), label)
        painter.end()


def _cell(value: Any) -> QTableWidgetItem:
    item = QTableWidgetItem("—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value))
    if value is None or isinstance(value, (int, float)):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(headers: list[str], rows: list[list[Any]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            table.setItem(r, c, _cell(value))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


class AgreementDialog(QDialog):
    """The agreement report: per label (table and bars), coefficients, pairs, and the ten lowest
    articles, which open in the window with a click (or Enter)."""

    def __init__(self, report: dict[str, Any], open_article: Callable[[int], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self.report = report
        layout = QVBoxLayout(self)
        compared = report["articles_compared"]
        layout.addWidget(QLabel(f"Annotators: {', '.join(report['annotators']) or 'none'}. "
                                f"Articles compared (two or more layers): {compared}."
                                if compared else "No article has annotations by two or more annotators yet."))
        labels = dict(report["labels"], overall=report["overall"])
        rows = [[name, m["exact"]["precision"], m["exact"]["recall"], m["exact"]["f1"], m["overlap"]["f1"],
                 m["exact"]["a"] + m["exact"]["b"]] for name, m in labels.items()]
        self.label_table = _table(["Label", "P exact", "R exact", "F1 exact", "F1 overlap", "Spans"], rows,
                                  "agreement_labels")
        layout.addWidget(self.label_table)
        self.bars = LabelBars([(name, m["exact"]["f1"], m["overlap"]["f1"]) for name, m in labels.items()])
        layout.addWidget(QLabel("F1 per label: dark bar exact match, light bar overlapping match"))
        layout.addWidget(self.bars)
        alpha = report["alpha"]
        coefficient_rows = [["α span labels, exact positions", alpha["exact"]["value"], alpha["exact"]["units"]],
                            ["α span labels, overlap units", alpha["overlap"]["value"], alpha["overlap"]["units"]],
                            ["α tokens", alpha["token"]["value"], alpha["token"]["units"]],
                            ["α event types", alpha["event_type"]["value"], alpha["event_type"]["units"]]]
        coefficient_rows += [[f"α event {name}", a["value"], a["units"]]
                             for name, a in alpha["event_attributes"].items()]
        for p in report["pairs"]:
            coefficient_rows += [[f"κ {p['a']} / {p['b']}, {kind}", p[f"kappa_{key}"]["value"],
                                  p[f"kappa_{key}"]["units"]]
                                 for kind, key in (("exact positions", "exact"), ("tokens", "token"))]
        self.coefficient_table = _table(["Coefficient (nominal)", "Value", "Units"], coefficient_rows,
                                        "agreement_coefficients")
        layout.addWidget(self.coefficient_table)
        layout.addWidget(QLabel("Lowest agreement (exact span F1), click to open:"))
        self.lowest = QListWidget()
        self.lowest.setObjectName("agreement_lowest")
        for entry in report["lowest_articles"]:
            item = QListWidgetItem(f"{entry['f1']:.2f}   #{entry['id']}  {entry['title']}")
            item.setData(Qt.ItemDataRole.UserRole, entry["id"])
            self.lowest.addItem(item)
        self.lowest.itemActivated.connect(lambda item: open_article(item.data(Qt.ItemDataRole.UserRole)))
        self.lowest.itemClicked.connect(lambda item: open_article(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.lowest)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 760)
