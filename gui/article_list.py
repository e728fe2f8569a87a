"""The article list dock: every article of the project, paged in lazily, with filters.

A project may hold 100,000 articles. ``ArticleListModel`` never loads texts: it asks the store
for one page of summaries (title, date, status, span count) at a time through Qt's
``canFetchMore``/``fetchMore``, so the view pulls in pages only as the user scrolls.
``configure_row_table``/``select_row`` are shared with the annotation list's table.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.table_model import ColumnsTableModel
from storage.article_status import OWN_STATUS
from storage.model import STATUSES, ArticleSummary
from storage.project import Project

AnyIndex = QModelIndex | QPersistentModelIndex

STATUS_NAMES: dict[str, str] = {
    "new": "New", "in_progress": "In progress", "done": "Done", "skipped": "Skipped", "curated": "Curated",
}
SEARCH_DELAY_MS = 300  # typing "damascus" runs one query, not eight
NARROW_WIDTH, NARROWEST_WIDTH = 340, 220  # list widths below which columns give way to the title


def configure_row_table(table: QTableView, stretch_column: int) -> None:
    """One-row-at-a-time table as both docks use it: whole rows, no wrapping, fixed row heights.

    Fixed heights and no ResizeToContents: sizing a 10,000-row table must not read every row.
    """
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)


def select_row(table: QTableView, row: int | None, column: int = 0) -> None:
    """Make ``row`` the current, selected and visible row of ``table`` (None: clear the selection)."""
    if row is None:
        table.selectionModel().clear()
        return
    index = table.model().index(row, column)
    table.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(index)


class ArticleListModel(ColumnsTableModel):
    """Article summaries in id order, filtered by status and text, fetched a page at a time."""

    COLUMNS = ("Title", "Date", "Status", "Spans")
    TITLE, DATE, STATUS, SPANS = range(4)
    PAGE = 200
    ArticleIdRole = Qt.ItemDataRole.UserRole

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.status: str | None = None
        self.search: str | None = None
        # Where each article's status is read (Project.article_summaries): its own, or in a
        # master the shown layer's (storage.team.layer_status.status_sql, set by gui.layer_view).
        self.status_sql = OWN_STATUS
        self._rows: list[ArticleSummary] = []
        self._row_of: dict[int, int] = {}
        self._total = 0
        self.reload()

    # -- filters and reloading -------------------------------------------------------------

    @property
    def total(self) -> int:
        """Articles matching the filters, loaded or not."""
        return self._total

    def set_filter(self, *, status: str | None, search: str | None) -> None:
        """Show only articles with ``status`` (None: all) whose title or text contains ``search``."""
        search = search or None
        if (status, search) == (self.status, self.search):
            return
        self.status, self.search = status, search
        self.reload()

    def set_status_sql(self, status_sql: str) -> bool:
        """Read statuses through ``status_sql`` from now on; True if it changed (then reload the rows)."""
        if status_sql == self.status_sql:
            return False
        self.status_sql = status_sql
        return True

    def reload(self, *, keep_loaded: bool = False) -> None:
        """Re-read from the store (another window may have changed it).

        The first page comes back inside the reset, so a view never shows an empty list
        in between. With ``keep_loaded`` as many rows as were loaded come back, so the
        scroll position and a selected row further down stay meaningful.
        """
        wanted = max(len(self._rows), self.PAGE) if keep_loaded else self.PAGE
        self.beginResetModel()
        self._total = self.project.article_count(status=self.status, search=self.search,
                                                 status_sql=self.status_sql)
        self._rows, self._row_of = [], {}
        self._append(self._page(0, wanted))
        self.endResetModel()

    def _page(self, offset: int, limit: int) -> list[ArticleSummary]:
        return self.project.article_summaries(
            status=self.status, search=self.search, offset=offset, limit=limit, status_sql=self.status_sql)

    def _append(self, summaries: list[ArticleSummary]) -> None:
        for summary in summaries:
            self._row_of[summary.id] = len(self._rows)
            self._rows.append(summary)

    # -- lookups ---------------------------------------------------------------------------

    def summary(self, row: int) -> ArticleSummary:
        return self._rows[row]

    def article_id(self, row: int) -> int:
        return self._rows[row].id

    def row_of(self, article_id: int, *, fetch: bool = False) -> int | None:
        """The row showing ``article_id``; with ``fetch``, load pages until it is found or passed."""
        row = self._row_of.get(article_id)
        page = self.PAGE
        while row is None and fetch and self._has_more():
            if self._rows and self._rows[-1].id > article_id:
                return None  # rows are in id order: it is filtered out
            self._fetch(page)
            page *= 2  # a far-away article costs a few queries, not hundreds
            row = self._row_of.get(article_id)
        return row

    def update_article(self, article_id: int, *, status: str | None = None,
                       span_count: int | None = None) -> None:
        """Show a new status or span count for one article, repainting only its row.

        The row stays even if it no longer matches the status filter: rows disappearing
        under the user's cursor are worse than a stale filter, which the next reload fixes.
        """
        row = self._row_of.get(article_id)
        if row is None:
            return
        old = self._rows[row]
        new = dataclasses.replace(
            old, status=status if status is not None else old.status,
            span_count=span_count if span_count is not None else old.span_count)
        if new != old:
            self._rows[row] = new
            self.dataChanged.emit(self.index(row, self.STATUS), self.index(row, self.SPANS))

    # -- Qt model interface ----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def _has_more(self) -> bool:
        return len(self._rows) < self._total

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802 - Qt override
        return not parent.isValid() and self._has_more()

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802 - Qt override
        if not parent.isValid():
            self._fetch(self.PAGE)

    def _fetch(self, limit: int) -> None:
        summaries = self._page(len(self._rows), limit)
        if not summaries:
            self._total = len(self._rows)  # articles were deleted elsewhere meanwhile
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(summaries) - 1)
        self._append(summaries)
        self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        summary = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TITLE:
                return summary.title or f"(article {summary.id})"
            if column == self.DATE:
                return summary.date or ""
            if column == self.STATUS:
                return STATUS_NAMES.get(summary.status, summary.status)
            return summary.span_count
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TITLE:
            # A tooltip has no PlainText switch: Qt treats it as rich text when its *first line*
            # holds a tag. Our own first line keeps a title like "<b>…" from being interpreted.
            status = STATUS_NAMES.get(summary.status, summary.status)
            facts = ", ".join(part for part in (summary.date, status, f"{summary.length:,} characters") if part)
            return f"Article {summary.id}: {facts}\n{summary.title}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.SPANS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ArticleIdRole:
            return summary.id
        return None


class ArticleList(QWidget):
    """The dock's contents: status filter, text filter, "Next unfinished" and the table.

    Emits ``articleChosen(id)`` when the user selects a row; the window opens the article
    and calls ``select_article`` back, which does not emit.
    """

    articleChosen = Signal(int)
    nextUnfinishedRequested = Signal()

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ArticleListModel(project, self)
        self._syncing = False
        self._create_filters()
        self._create_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.search_edit, 1)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.next_button)

    def _create_filters(self) -> None:
        self.status_filter = QComboBox(self)
        self.status_filter.addItem("All", None)
        for status in STATUSES:
            self.status_filter.addItem(STATUS_NAMES[status], status)
        self.status_filter.setToolTip("Show only articles with this status")
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Filter by title or text…")
        self.search_edit.setClearButtonEnabled(True)
        # Searching texts scans the whole table: wait until the user stops typing.
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._apply_filter)
        self.search_edit.textChanged.connect(self.search_timer.start)
        self.search_edit.returnPressed.connect(self._apply_filter)
        self.next_button = QPushButton("Next unfinished", self)
        self.next_button.setToolTip("Open the next article that is new or in progress")
        self.next_button.clicked.connect(self.nextUnfinishedRequested)

    def _create_table(self) -> None:
        table = QTableView(self)
        table.setModel(self.model)
        configure_row_table(table, ArticleListModel.TITLE)
        # "Headline num…ber 1834": both ends of a long title stay in view, the whole in the tooltip.
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.viewport().installEventFilter(self)  # narrow: the title keeps the room (fit_columns)
        header = table.horizontalHeader()
        width = table.fontMetrics().horizontalAdvance
        header.resizeSection(ArticleListModel.DATE, width("2024-12-08") + 16)
        header.resizeSection(ArticleListModel.STATUS, width("In progress") + 16)
        header.resizeSection(ArticleListModel.SPANS, width("Spans") + 16)
        table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table = table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """In a narrow dock drop the span count and date, then the status, so titles stay readable
        (the title's tooltip still says all of it)."""
        width = self.table.viewport().width()
        header = self.table.horizontalHeader()
        for column, needs in ((ArticleListModel.SPANS, NARROW_WIDTH), (ArticleListModel.DATE, NARROW_WIDTH),
                              (ArticleListModel.STATUS, NARROWEST_WIDTH)):
            header.setSectionHidden(column, width < needs)

    # -- behaviour -------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        self.search_timer.stop()
        current = self.current_article_id()
        self.model.set_filter(status=self.status_filter.currentData(),
                              search=self.search_edit.text().strip())
        if current is not None:
            self.select_article(current, fetch=False)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._syncing:
            self.articleChosen.emit(self.model.article_id(current.row()))

    def current_article_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.article_id(index.row()) if index.isValid() else None

    def select_article(self, article_id: int | None, *, fetch: bool = True) -> None:
        """Show ``article_id`` as the selected row (loading pages up to it) without emitting."""
        row = self.model.row_of(article_id, fetch=fetch) if article_id is not None else None
        self._syncing = True  # the window asked for this row: do not echo it as a choice
        try:
            select_row(self.table, row)
        finally:
            self._syncing = False

    def refresh(self) -> None:
        """Re-read the list from the store, keeping loaded rows and the selected article."""
        current = self.current_article_id()
        self.model.reload(keep_loaded=True)
        if current is not None:
            self.select_article(current, fetch=False)

    def neighbour(self, article_id: int | None, step: int) -> int | None:
        """The article ``step`` rows away from ``article_id`` in the list as filtered."""
        row = self.model.row_of(article_id, fetch=True) if article_id is not None else None
        target = (row + step) if row is not None else (0 if step > 0 else None)
        if target is None or target < 0:
            return None
        while target >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        return self.model.article_id(target) if target < self.model.rowCount() else None
