"""The annotation list dock: the spans of the open article, in text order, as a table.

``AnnotationListModel`` follows the document's signals row by row (one insert, remove or
dataChanged per edit), so tagging in an article with 10,000 spans does not rebuild 10,000
rows. Selecting a row makes that span current in the document; the window scrolls the view.

Who made each span shows where it tells spans apart: an Annotator column (and "by …" in the
span's tooltips, here and in the text) once the article holds spans of two named annotators (a
doccano multi-user export, a Label Studio task annotated by two users), and the Layer column
while a master shows all its layers (``gui.layer_view``). Names go through ``layer_name``, which
the layer view sets, so a blind curator reads "Annotator n" (``storage.team.curation``).
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.article_list import configure_row_table, select_row
from gui.colours import readable_text_colour, tint
from gui.document import AnnotationDocument
from gui.plain import menu_text, plain_tooltip, quote
from gui.spans import span_order
from gui.table_model import ColumnsTableModel, show_whose_column
from storage.team.article_layers import layer_title
from storage.model import Article, Span

AnyIndex = QModelIndex | QPersistentModelIndex
TEXT_LIMIT = 80  # characters of a span shown in the list; the tooltip has the whole text
TINT = 0.35  # same idea as the view: the label colour blended into the base colour


class AnnotationListModel(ColumnsTableModel):
    """Rows of (text, label, "start–end", layer) for the document's spans, sorted by position.

    The Layer column is hidden unless a master shows all its layers at once (``gui.layer_view``)
    or the spans are more than one annotator's (``annotators_differ``: headed "Annotator" then).
    """

    COLUMNS = ("Text", "Label", "Position", "Layer")
    TEXT, LABEL, POSITION, LAYER = range(4)
    SpanIdRole = Qt.ItemDataRole.UserRole

    def __init__(self, document: AnnotationDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._spans: list[Span] = []
        self._keys: list[tuple[int, int, int]] = []
        self._annotators: Counter[str | None] = Counter()  # spans per annotator, kept row by row
        self._backgrounds: dict[str, QColor] = {}
        self._foregrounds: dict[str, QColor] = {}
        # How the Layer column names a layer (gui.layer_view: "Annotator n" while names are hidden).
        self.layer_name: Callable[[str | None], str] = layer_title
        document.articleOpened.connect(self._reset)
        document.spanAdded.connect(self._insert)
        document.spanRemoved.connect(self._remove)
        document.spanChanged.connect(self._change)
        self._reset(document.article)

    def set_colours(self, colours: Mapping[str, QColor], base: QColor) -> None:
        """Tint the label column in each label's colour, blended into the palette's base."""
        self._backgrounds = {name: tint(colour, TINT, base) for name, colour in colours.items()}
        self._foregrounds = {name: readable_text_colour(bg) for name, bg in self._backgrounds.items()}
        if self._spans:
            self.dataChanged.emit(self.index(0, self.LABEL), self.index(len(self._spans) - 1, self.LABEL))

    # -- following the document ------------------------------------------------------------

    def _reset(self, _article: Article | None = None) -> None:
        self.beginResetModel()
        self._spans = self.document.sorted_spans()
        self._keys = [span_order(s) for s in self._spans]
        self._annotators = Counter(s.annotator for s in self._spans)
        self.endResetModel()

    def _insert(self, span: Span) -> None:
        key = span_order(span)
        row = bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._spans.insert(row, span)
        self._keys.insert(row, key)
        self._annotators[span.annotator] += 1
        self.endInsertRows()

    def _remove(self, span: Span) -> None:
        row = self._row_of_span(span)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._spans[row]
        del self._keys[row]
        self._annotators[span.annotator] -= 1
        if not self._annotators[span.annotator]:
            del self._annotators[span.annotator]
        self.endRemoveRows()

    def _change(self, span: Span) -> None:
        row = self._row_of_span(span)
        if row is None:
            return
        self._spans[row] = span
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def annotators(self) -> list[str | None]:
        """Whose the rows are, each annotator once."""
        return list(self._annotators)

    def annotators_differ(self) -> bool:
        """The article's spans are two named annotators' or more: which is whose must show."""
        return sum(1 for name in self._annotators if name) >= 2

    def span_tip(self, span: Span) -> str:
        """A span's label for a tooltip, with its annotator where annotators differ: "ACTOR (by user 2)"."""
        if not self.annotators_differ():
            return span.label
        return f"{span.label} (by {self.layer_name(span.annotator)})"

    # -- lookups ---------------------------------------------------------------------------

    def row_of(self, span_id: int) -> int | None:
        """The row of a span of the open article, or None."""
        span = self.document.spans.get(span_id)
        return self._row_of_span(span) if span is not None else None

    def _row_of_span(self, span: Span) -> int | None:
        # Start, end and id never change for a span, so its sort key finds its row.
        row = bisect_left(self._keys, span_order(span))
        if row < len(self._spans) and self._spans[row].id == span.id:
            return row
        return None

    def span_at(self, row: int) -> Span:
        # Not "span": that name would override QAbstractItemModel.span(index), which Qt calls.
        return self._spans[row]

    # -- Qt model interface ----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._spans)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        span = self._spans[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TEXT:
                return quote(self.document.span_text(span), TEXT_LIMIT)
            if column == self.LABEL:
                return span.label
            if column == self.LAYER:
                return self.layer_name(span.annotator)
            return f"{span.start}–{span.end}"
        if role == Qt.ItemDataRole.EditRole and column == self.LABEL:
            return span.label
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TEXT:
            # Qt takes a tooltip as rich text if its first line has a tag; that line holds the
            # label name, which is user text ("<b>" is a valid name): escape it then.
            tip = f"{self.span_tip(span)} {span.start}–{span.end}\n{self.document.span_text(span)}"
            return plain_tooltip(tip)
        if role == Qt.ItemDataRole.BackgroundRole and column == self.LABEL:
            return self._backgrounds.get(span.label)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.LABEL:
            return self._foregrounds.get(span.label)
        if role == self.SpanIdRole:
            return span.id
        return None

    def setData(self, index: AnyIndex, value: Any,  # noqa: N802 - Qt override
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Relabel through the document (undoable); the document's signal repaints the row."""
        if not index.isValid() or index.column() != self.LABEL or role != Qt.ItemDataRole.EditRole:
            return False
        span = self._spans[index.row()]
        if value == span.label:
            return True
        return self.document.relabel(span.id, str(value))

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.LABEL:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags


def add_span_actions(menu: QMenu, document: AnnotationDocument, span: Span) -> None:
    """Add "Change label to ▸ …" and "Delete" for ``span`` to ``menu`` (the list and the view use it)."""
    change = menu.addMenu("Change label to")
    for label in document.project.scheme.labels:
        action = change.addAction(menu_text(label.name))
        action.setEnabled(label.name != span.label)
        action.triggered.connect(lambda _c=False, name=label.name: document.relabel(span.id, name))
    delete = menu.addAction(f"Delete {menu_text(span.label)}")
    delete.setShortcut(QKeySequence(Qt.Key.Key_Delete))
    delete.triggered.connect(lambda: document.delete_span(span.id))


class LabelDelegate(QStyledItemDelegate):
    """Edits the label column with a combo box of the scheme's labels."""

    def __init__(self, document: AnnotationDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 - Qt override
                     index: AnyIndex) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems([label.name for label in self.document.project.scheme.labels])
        # One pick is one edit: commit as soon as the user chooses, like a menu.
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        combo.activated.connect(lambda _i: self.closeEditor.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802 - Qt override
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802 - Qt override
                     index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class _SpanTable(QTableView):
    """A table whose Delete/Backspace delete the current span (a dock has no shortcut of its own)."""

    deleteRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != self.State.EditingState:
            self.deleteRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class AnnotationList(QWidget):
    """The dock's contents: the span table, kept in step with the document's current span."""

    def __init__(self, document: AnnotationDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = AnnotationListModel(document, self)
        self._syncing = False
        self._all_layers = False  # a master shows every layer (gui.layer_view)
        self.table = self._create_table()
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._show_layer_column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        document.currentSpanChanged.connect(self._show_current)

    def _create_table(self) -> QTableView:
        table = _SpanTable(self)
        table.setModel(self.model)
        table.setItemDelegateForColumn(AnnotationListModel.LABEL, LabelDelegate(self.document, table))
        configure_row_table(table, AnnotationListModel.TEXT)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = table.horizontalHeader()
        width = table.fontMetrics().horizontalAdvance
        header.resizeSection(AnnotationListModel.LABEL, width("LOCATION") + 16)
        # Room for a typical article's offsets; the text column gets the rest of the dock.
        header.resizeSection(AnnotationListModel.POSITION, width("00000–00000") + 12)
        header.resizeSection(AnnotationListModel.LAYER, width("Annotator 00") + 12)  # a blind curator's names
        table.setColumnHidden(AnnotationListModel.LAYER, True)  # shown by _show_layer_column
        # Always there (as the article view's): shown as needed, it came and went between a long
        # article's list and a short one's, each time laying the list out and painting it again
        # after the article's own paint, in the first key press after opening (~1 ms).
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # Layer beside Label: a narrow dock cuts the last column, and Position matters least.
        header.moveSection(AnnotationListModel.LAYER, AnnotationListModel.POSITION)
        table.selectionModel().currentRowChanged.connect(self._row_changed)
        table.deleteRequested.connect(self.delete_current)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        return table

    def show_all_layers(self, on: bool) -> None:
        """A master shows all its layers at once (``gui.layer_view``): the Layer column says whose each span is."""
        self._all_layers = on
        self._show_layer_column()
        self.table.viewport().update()  # names shown or hidden again (H in the curation view)

    def _show_layer_column(self, *_args: object) -> None:
        show_whose_column(self.table, AnnotationListModel.LAYER, all_layers=self._all_layers,
                          annotators=self.model.annotators())

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._syncing:
            self.document.select_span(self.model.span_at(current.row()).id)

    def _show_current(self, span: Span | None) -> None:
        row = self.model.row_of(span.id) if span is not None else None
        self._syncing = True  # following the document: do not echo back to it
        try:
            select_row(self.table, row)
        finally:
            self._syncing = False

    def delete_current(self) -> None:
        """Delete the span of the selected row (undoable)."""
        index = self.table.currentIndex()
        if index.isValid():
            self.document.delete_span(self.model.span_at(index.row()).id)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        add_span_actions(menu, self.document, self.model.span_at(index.row()))
        menu.popup(self.table.viewport().mapToGlobal(pos))
