"""The curation view's list of places: one line per place, written only when Qt is about to show it.

A big article has 10,000 places. A ``QListWidget`` wanted all 10,000 lines written and as many
items made before the first paint (~30 ms of the open). Here the model is a ``QStringListModel``
of empty strings (the count, and Qt's per-row calls on layout stay in C++), and the list, as it
paints, writes the lines of the rows on screen that are not written yet: a few dozen on opening,
a screenful more on scrolling. Painting itself reads strings in C++ as before; a ``data``
override in Python instead cost ~7 calls per row per paint (~2 ms more per key on 10,000 places).
A decision or H says which rows changed (``changed``): they are written again when shown.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPoint, QStringListModel, Qt, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

FIRST_SCREEN = 100  # rows written on reset: the first screen, and row 0, which sets every row's height


class PlacesModel(QStringListModel):
    """``count`` rows whose text is ``line(row)``, written when the list is about to show them."""

    def __init__(self, line: Callable[[int], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = line
        self._written = bytearray()  # 1: the row holds its line

    def reset(self, count: int) -> None:
        """The places were read again: ``count`` rows, all new (one model reset)."""
        self._written = bytearray(count)
        self.setStringList([""] * count)  # only the count: the lines come from ``line``
        self.write(0, min(count, FIRST_SCREEN) - 1)

    def write(self, first: int, last: int) -> None:
        """Write the lines of rows ``first``–``last`` that are not written yet."""
        written = self._written
        if first < 0 or last < first or written.find(0, first, last + 1) < 0:  # all there: the usual paint
            return
        blocked = self.blockSignals(True)  # the rows are being painted now: nothing to schedule
        try:
            for row in range(first, last + 1):
                if not written[row]:
                    self.setData(self.index(row), self.line(row))
                    written[row] = 1
        finally:
            self.blockSignals(blocked)

    def changed(self, first: int, last: int | None = None) -> None:
        """Rows ``first``–``last`` (one row if None) say something new: written again when shown."""
        last = first if last is None else last
        self._written[first:last + 1] = bytes(last - first + 1)
        self.dataChanged.emit(self.index(first), self.index(last), [Qt.ItemDataRole.DisplayRole])


class PlaceList(QListView):
    """The places, one line each, with the row API the view and its tests use (``currentRow``…)."""

    currentRowChanged = Signal(int)  # noqa: N815 - named as QListWidget's, which this list replaced

    def __init__(self, line: Callable[[int], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.places = PlacesModel(line, self)
        self.setModel(self.places)
        self.setUniformItemSizes(True)  # one line each: without it Qt measures all 10,000 rows on show
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # lines are read, never typed into
        self.selectionModel().currentRowChanged.connect(lambda current, _previous:
                                                        self.currentRowChanged.emit(current.row()))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        height = self.viewport().height()
        first = self.indexAt(QPoint(0, 0)).row()
        last = self.indexAt(QPoint(0, height - 1)).row()
        self.places.write(max(first, 0), last if last >= 0 else self.count() - 1)
        super().paintEvent(event)

    def count(self) -> int:
        return self.places.rowCount()

    def currentRow(self) -> int:  # noqa: N802 - as QListWidget's
        return self.currentIndex().row()  # -1: none

    def setCurrentRow(self, row: int) -> None:  # noqa: N802 - as QListWidget's
        self.setCurrentIndex(self.places.index(row))

    def line(self, row: int) -> str:
        """What row ``row`` shows (written now if it was not yet)."""
        self.places.write(row, row)
        return self.places.index(row).data()
