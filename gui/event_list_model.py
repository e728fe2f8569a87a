"""The events of the open article as a Qt table: warning, type:mode, trigger text, argument summary.

A thin adapter over ``AnnotationDocument``: it holds nothing the document does not, and rebuilds
its row list from ``document.sorted_events()`` whenever an event or a span changes. An article
has tens of events, not thousands, so a full reset is cheap and keeps the model obviously right.
"""
from __future__ import annotations

from contextlib import suppress
from typing import Any, Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from gui.document import AnnotationDocument
from gui.plain import plain_tooltip, quote
from gui.table_model import ColumnsTableModel
from storage.team.article_layers import layer_title
from storage.frames import frame_problems
from storage.model import Event

WARNING = "⚠"
_Index = QModelIndex | QPersistentModelIndex


class EventListModel(ColumnsTableModel):
    """One row per event of the article, in trigger text order."""

    # Layer: hidden unless a master shows all its layers at once (gui.layer_view) or the events
    # are several annotators' (gui.table_model.show_whose_column).
    WARNING_COLUMN, TYPE_COLUMN, TRIGGER_COLUMN, ARGUMENTS_COLUMN, LAYER_COLUMN = range(5)
    COLUMNS = ("", "Type", "Trigger", "Arguments", "Layer")
    EventIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, document: AnnotationDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._events: list[Event] = []
        # How the Layer column names a layer (gui.layer_view: "Annotator n" while names are hidden).
        self.layer_name: Callable[[str | None], str] = layer_title
        for signal in self._signals():
            signal.connect(self.reload)
        self.reload()

    def _signals(self) -> tuple[Any, ...]:
        # No span signals: a span edit that touches an event already arrives as eventChanged or
        # eventRemoved (the document emits them), and resetting the table per keystroke is waste.
        doc = self._document
        return (doc.articleOpened, doc.eventChanged, doc.eventRemoved)

    def set_document(self, document: AnnotationDocument) -> None:
        """Follow another document (the window makes a new one when it opens another project)."""
        if document is self._document:
            return
        with suppress(RuntimeError):  # the old document may already be gone
            for signal in self._signals():
                signal.disconnect(self.reload)
        self._document = document
        for signal in self._signals():
            signal.connect(self.reload)
        self.reload()

    # -- reading ---------------------------------------------------------------------------

    def annotators(self) -> list[str | None]:
        """Whose the rows are (``gui.table_model.show_whose_column``)."""
        return [event.annotator for event in self._events]

    def event_at(self, row: int) -> Event:
        return self._events[row]

    def row_of(self, event_id: int) -> int | None:
        return next((i for i, e in enumerate(self._events) if e.id == event_id), None)

    def problems(self, event: Event) -> list[str]:
        return frame_problems(event, self._document.spans, self._document.project.scheme)

    def summary(self, event: Event) -> str:
        """"source: Insurgents; location: Damascus" — roles in scheme order, fillers in text order."""
        parts = []
        for role in self._document.project.scheme.roles:
            texts = [quote(self._document.span_text(self._document.spans[span_id]), 24)
                     for span_id in event.fillers(role.name) if span_id in self._document.spans]
            if texts:
                parts.append(f"{role.name}: {', '.join(texts)}")
        return "; ".join(parts)

    def type_text(self, event: Event) -> str:
        """"ASSAULT:firearms": the type and its PLOVER modes (joined by "+" when several)."""
        kind = event.type or "(no type)"
        modes = [mode for attribute in self._document.project.scheme.attributes if attribute.kind == "mode"
                 for mode in event.attributes.get(attribute.name) or ()]
        return f"{kind}:{'+'.join(modes)}" if modes else kind

    def trigger_text(self, event: Event) -> str:
        trigger = self._document.spans.get(event.trigger_id)
        return quote(self._document.span_text(trigger)) if trigger else ""

    # -- Qt model ------------------------------------------------------------------------------

    def reload(self, *_: Any) -> None:
        self.beginResetModel()
        self._events = self._document.sorted_events()
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._events)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event, column = self._events[index.row()], index.column()
        if role == self.EventIdRole:
            return event.id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.WARNING_COLUMN:
                return WARNING if self.problems(event) else ""
            if column == self.TYPE_COLUMN:
                return self.type_text(event)
            if column == self.TRIGGER_COLUMN:
                return self.trigger_text(event)
            if column == self.ARGUMENTS_COLUMN:
                return self.summary(event)
            if column == self.LAYER_COLUMN:
                return self.layer_name(event.annotator)
        if role == Qt.ItemDataRole.ToolTipRole:
            problems = self.problems(event)
            if column == self.WARNING_COLUMN:
                return plain_tooltip("Incomplete frame: " + "; ".join(problems)) if problems else None
            if column == self.ARGUMENTS_COLUMN:
                return plain_tooltip(self.summary(event)) if self.summary(event) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.WARNING_COLUMN:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
