"""Project ▸ Team dialogs: Hand out… (the fields of ``team split``) and Agreement… (table, bars, lowest).

Both only gather choices and show results: the work is ``storage.team`` (packets, agreement),
called by ``gui.curation.team_menu``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPainter, QPalette, QPen
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
from gui.colours import tint, visible_on
from gui.plain import plain_tooltip
from storage.model import STATUSES


class HandOutDialog(QDialog):
    """Who gets packets, how much overlap, which articles, where the packets go."""

    def __init__(self, parent: QWidget | None, *, folder: Path, choose_folder: Callable[[], Path | None]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hand out packets")
        self.setMinimumWidth(560)  # room for a packets folder's whole path
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
    """Two bars per label, 0 to 1: exact-match F1 solid, overlapping-match F1 hatched and outlined.

    The two are told apart by pattern, never by lightness: a translucent "light" bar reads as the
    darker one on a dark palette. The colour is the palette's highlight, pushed to 3:1 contrast
    against the window (WCAG's minimum for graphics) where the theme's own is too faint.
    """

    ROW = 28  # pixels per label: two bars and the gap below them

    def __init__(self, rows: list[tuple[str, float | None, float | None]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.setMinimumHeight(self.ROW * max(len(rows), 1) + 8)
        self.setMinimumWidth(320)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(560, self.minimumHeight())

    def bar_colour(self) -> QColor:
        palette = self.palette()
        return visible_on(palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.Window))

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        colour = self.bar_colour()
        metrics = painter.fontMetrics()
        name_width = max([metrics.horizontalAdvance(n) for n, _, _ in self.rows] or [0]) + 16
        value_width = metrics.horizontalAdvance("0.00 / 0.00") + 16
        scale = max(self.width() - name_width - value_width, 40)
        bar = (self.ROW - 8) // 2
        centred = int(Qt.AlignmentFlag.AlignVCenter)
        painter.setPen(QPen(tint(text, 0.35, palette.color(QPalette.ColorRole.Window)), 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(name_width + scale, 2), QPointF(name_width + scale, self.height() - 2))  # 1.0
        for k, (name, exact, overlap) in enumerate(self.rows):
            top = 4 + k * self.ROW
            painter.setPen(text)
            painter.drawText(QRectF(0, top, name_width - 8, 2 * bar + 2),
                             int(Qt.AlignmentFlag.AlignRight) | centred, name)
            if exact is not None and exact > 0:
                painter.fillRect(QRectF(name_width, top, exact * scale, bar), colour)
            if overlap is not None and overlap > 0:
                painter.setPen(QPen(colour, 1))
                painter.setBrush(QBrush(colour, Qt.BrushStyle.BDiagPattern))
                painter.drawRect(QRectF(name_width + 0.5, top + bar + 2.5, overlap * scale - 1, bar - 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(text)
            shown = " / ".join("—" if v is None else f"{v:.2f}" for v in (exact, overlap))
            painter.drawText(QRectF(name_width + scale + 8, top, value_width - 8, 2 * bar + 2), centred, shown)
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
    # Rows one line high (the style's default is roomier), so the whole report fits a 700-pixel screen.
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fit_rows(table: QTableWidget, most: int) -> None:
    """Make ``table`` exactly as tall as its first ``most`` rows and header: no scrolling below that."""
    shown = min(table.rowCount(), most)
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(row) for row in range(shown))
    table.setFixedHeight(height)


class AgreementDialog(QDialog):
    """The agreement report: per label (table and bars), coefficients, pairs, and the ten lowest
    articles, which open in the window with a click (or Enter)."""

    def __init__(self, report: dict[str, Any], open_article: Callable[[int], None],
                 parent: QWidget | None = None, *, name: Callable[[str], str] = str) -> None:
        """``name``: how an annotator is shown ("Annotator n" while the curator adjudicates blind)."""
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self.report = report
        layout = QVBoxLayout(self)
        compared = report["articles_compared"]
        layout.addWidget(QLabel(f"Annotators: {', '.join(map(name, report['annotators'])) or 'none'}. "
                                f"Articles compared (two or more layers): {compared}."
                                if compared else "No article has annotations by two or more annotators yet."))
        labels = dict(report["labels"], overall=report["overall"])
        rows = [[name, m["exact"]["precision"], m["exact"]["recall"], m["exact"]["f1"], m["overlap"]["f1"],
                 m["exact"]["a"] + m["exact"]["b"]] for name, m in labels.items()]
        self.label_table = _table(["Label", "P exact", "R exact", "F1 exact", "F1 overlap", "Spans"], rows,
                                  "agreement_labels")
        _fit_rows(self.label_table, 8)
        layout.addWidget(self.label_table)
        self.bars = LabelBars([(name, m["exact"]["f1"], m["overlap"]["f1"]) for name, m in labels.items()])
        layout.addWidget(QLabel("F1 per label (exact / overlap): solid bar exact match, "
                                "hatched bar overlapping match; the dotted line is 1"))
        layout.addWidget(self.bars)
        alpha = report["alpha"]
        coefficient_rows = [["α span labels, exact positions", alpha["exact"]["value"], alpha["exact"]["units"]],
                            ["α span labels, overlap units", alpha["overlap"]["value"], alpha["overlap"]["units"]],
                            ["α tokens", alpha["token"]["value"], alpha["token"]["units"]],
                            ["α event types", alpha["event_type"]["value"], alpha["event_type"]["units"]]]
        coefficient_rows += [[f"α event {name}", a["value"], a["units"]]
                             for name, a in alpha["event_attributes"].items()]
        for p in report["pairs"]:
            coefficient_rows += [[f"κ {name(p['a'])} / {name(p['b'])}, {kind}", p[f"kappa_{key}"]["value"],
                                  p[f"kappa_{key}"]["units"]]
                                 for kind, key in (("exact positions", "exact"), ("tokens", "token"))]
        self.coefficient_table = _table(["Coefficient (nominal)", "Value", "Units"], coefficient_rows,
                                        "agreement_coefficients")
        self.coefficient_table.setMinimumHeight(self.coefficient_table.fontMetrics().height() * 6)
        layout.addWidget(self.coefficient_table, 1)
        layout.addWidget(QLabel("Lowest agreement (exact span F1), click to open:"))
        self.lowest = QListWidget()
        self.lowest.setObjectName("agreement_lowest")
        # A long headline is elided (whole on hover), never a sideways scroll through ten rows.
        self.lowest.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.lowest.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lowest.setUniformItemSizes(True)
        for entry in report["lowest_articles"]:
            item = QListWidgetItem(f"{entry['f1']:.2f}   #{entry['id']}  {' '.join(entry['title'].split())}")
            item.setToolTip(plain_tooltip(entry["title"]))
            item.setData(Qt.ItemDataRole.UserRole, entry["id"])
            self.lowest.addItem(item)
        line = self.lowest.fontMetrics().height() + 2
        self.lowest.setFixedHeight(line * max(min(self.lowest.count(), 10), 3) + 2 * self.lowest.frameWidth() + 4)
        self.lowest.itemActivated.connect(lambda item: open_article(item.data(Qt.ItemDataRole.UserRole)))
        self.lowest.itemClicked.connect(lambda item: open_article(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.lowest)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        screen = (parent.screen() if parent is not None else QGuiApplication.primaryScreen()).availableGeometry()
        self.resize(min(760, screen.width()), min(self.sizeHint().height() + 40, screen.height() - 40))
