"""The curation view's list of places: one line per place, made only when Qt shows it.

A big article has 10,000 places. A ``QListWidget`` wanted all 10,000 lines written and as many
items made before the first paint (~30 ms of the open); this model keeps only the count, and Qt
asks for the few dozen lines on screen. A decision rewrites its place's line by saying the row
changed (``changed``); nothing else is kept to go stale.

The count is a ``QStringListModel``'s list of empty strings, not a ``rowCount`` of our own: Qt's
list view asks the model for an index of every row on each layout (``QListView`` checks whether
the row is hidden), and each of those calls reached Python (20,000 calls, ~25 ms on opening).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QListView, QWidget

DISPLAY = Qt.ItemDataRole.DisplayRole


class PlacesModel(QStringListModel):
    """``count`` rows whose text is ``line(row)``, asked for as they are shown; never edited."""

    def __init__(self, line: Callable[[int], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._line = line

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> str | None:
        if role == DISPLAY and index.isValid():
            return self._line(index.row())
        return None

    def reset(self, count: int) -> None:
        """The places were read again: ``count`` rows, all new (one model reset)."""
        self.setStringList([""] * count)  # only the count: the lines come from ``line``

    def changed(self, first: int, last: int | None = None) -> None:
        """Rows ``first``–``last`` (one row if None) say something new."""
        self.dataChanged.emit(self.index(first), self.index(first if last is None else last), [DISPLAY])


class PlaceList(QListView):
    """The places, one line each, with the row API the view and its tests use (``currentRow``…)."""

    currentRowChanged = Signal(int)  # noqa: N815 - named as QListWidget's, which this list replaced

    def __init__(self, line: Callable[[int], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.places = PlacesModel(line, self)
        self.setModel(self.places)
        self.setUniformItemSizes(True)  # one line each: without it Qt measures all 10,000 rows on show
        self.selectionModel().currentRowChanged.connect(lambda current, _previous:
                                                        self.currentRowChanged.emit(current.row()))

    def count(self) -> int:
        return self.places.rowCount()

    def currentRow(self) -> int:  # noqa: N802 - as QListWidget's
        return self.currentIndex().row()  # -1: none

    def setCurrentRow(self, row: int) -> None:  # noqa: N802 - as QListWidget's
        self.setCurrentIndex(self.places.index(row))

    def line(self, row: int) -> str:
        """What row ``row`` shows."""
        return self.places.data(self.places.index(row))
