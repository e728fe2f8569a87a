"""Project ▸ Statistics: the counts of ``storage.stats`` as real tables, not aligned text.

Two tables: what the project holds (articles by status, spans by label, events by type,
arguments by role; each group's total on a bold row above its parts) and who made it (spans and
events per annotator). Counts are right-aligned numbers in their own column, so they line up
in any font. The dialog is modeless: the window stays usable while it is open.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.article_list import STATUS_NAMES
from storage.project import Project
from storage.stats import annotator_articles, curation_line, project_stats

# (stats key of the total, stats key of the parts, the group's name)
_GROUPS = (("articles", "articles_by_status", "Articles"), ("spans", "spans_by_label", "Spans"),
           ("events", "events_by_type", "Events"), (None, "arguments_by_role", "Arguments"))


def _table(headers: list[str], rows: list[tuple[list[Any], bool]], name: str) -> QTableWidget:
    """A read-only table; each row is (cells, bold). Numbers are right-aligned."""
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    for r, (cells, bold) in enumerate(rows):
        for c, value in enumerate(cells):
            item = QTableWidgetItem()
            if isinstance(value, int):
                item.setData(Qt.ItemDataRole.DisplayRole, value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            else:
                item.setText(str(value))  # a QTableWidgetItem shows text as typed, never as markup
            if bold:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def content_rows(stats: dict[str, Any]) -> list[tuple[list[Any], bool]]:
    """(["Spans", 12], True), (["    ACTOR", 7], False)…: each group's total, then its parts."""
    rows: list[tuple[list[Any], bool]] = []
    for total_key, parts_key, name in _GROUPS:
        parts: dict[str, int] = stats[parts_key]
        total = stats[total_key] if total_key is not None else sum(parts.values())
        rows.append(([name, total], True))
        for part, n in parts.items():
            shown = STATUS_NAMES.get(part, part) if parts_key == "articles_by_status" else part
            rows.append(([f"    {shown}", n], False))
    return rows


class StatisticsDialog(QDialog):
    """The project's counts in two tables; built once from one ``project_stats`` read."""

    def __init__(self, project: Project, parent: QWidget | None = None, *,
                 name: Callable[[str], str] = str) -> None:
        """``name``: how a layer is shown ("Annotator n" while the curator adjudicates blind)."""
        super().__init__(parent)
        self.setWindowTitle("Project statistics")
        stats = project_stats(project)
        self.content_table = _table(["", "Count"], content_rows(stats), "stats_content")
        per_annotator = stats["per_annotator"]
        # A team's layers have statuses: each one's progress, "nothing back yet" for a hand-out
        # that came back empty (the export and agreement say the same of it).
        team = any("articles" in c for c in per_annotator.values())
        annotators = [([name(layer), c["spans"], c["events"], *([annotator_articles(c)] if team else [])], False)
                      for layer, c in per_annotator.items()]
        self.annotator_table = _table(["Annotator", "Spans", "Events", *(["Articles"] if team else [])],
                                      annotators, "stats_annotators")
        layout = QVBoxLayout(self)
        layout.addWidget(self.content_table, 3)
        caption = QLabel("By annotator" if annotators else "By annotator: nothing annotated yet")
        layout.addWidget(caption)
        layout.addWidget(self.annotator_table, 1)
        self.annotator_table.setVisible(bool(annotators))
        curation = curation_line(stats)
        self.curation_label = QLabel(f"Curation: {curation}" if curation else "")
        self.curation_label.setObjectName("stats_curation")
        self.curation_label.setTextFormat(Qt.TextFormat.PlainText)
        self.curation_label.setWordWrap(True)
        self.curation_label.setVisible(bool(curation))
        layout.addWidget(self.curation_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, 600)


def show_statistics(window: QWidget, project: Project, *, name: Callable[[str], str] = str) -> StatisticsDialog:
    """Open the statistics modelessly over ``window`` (deleted when closed); returned for tests."""
    dialog = StatisticsDialog(project, window, name=name)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
