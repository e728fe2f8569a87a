"""A base for our flat table models: named columns and their header; and the one rule for the
column that says whose each row is (the Annotations and Events lists)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView


class ColumnsTableModel(QAbstractTableModel):
    """Subclasses set ``COLUMNS`` and provide ``rowCount`` and ``data``; ``headers`` overrides a
    column's header while it says something else (the Layer column headed "Annotator")."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers: dict[int, str] = {}

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.COLUMNS)):
            return self.headers.get(section, self.COLUMNS[section])
        return None


def show_whose_column(table: QTableView, column: int, *, all_layers: bool, annotators: Iterable[str | None]) -> None:
    """The column naming each row's annotator: shown, headed "Layer", while a master shows all its
    layers (``gui.layer_view``); shown, headed "Annotator", where the rows are two named
    annotators' or more (a multi-user import: the same span twice would read as one listed
    twice); hidden otherwise. A row nobody is named for (an import's, an old project's) is no
    second annotator."""
    model = table.model()
    assert isinstance(model, ColumnsTableModel)
    header = "Layer" if all_layers else "Annotator"
    if model.headers.get(column, model.COLUMNS[column]) != header:
        model.headers[column] = header
        model.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)
    shown = all_layers or len({name for name in annotators if name}) >= 2
    if shown == table.isColumnHidden(column):
        table.setColumnHidden(column, not shown)
