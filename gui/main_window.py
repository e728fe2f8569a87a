"""The main window: article list | headline, find bar and article view | annotation list.

The window wires widgets to the ``AnnotationDocument`` and never changes data itself: a label
key becomes ``document.tag``/``relabel``, Delete becomes ``document.delete_span``, and the
widgets repaint from the document's signals. Reading goes through the ``Project`` store.

Keys (Help ▸ Keyboard shortcuts lists them all, built from the actions): label keys 1/2/3 tag the
selection snapped to words (Alt+key: exact characters) or relabel the clicked span or the span whose
words are selected (Shift+key: stack a second label on the same words); Delete/Backspace
delete it; Ctrl+F find, Enter next, Esc back to the text; Ctrl+Z, Ctrl+Shift+Z/Ctrl+Y undo/redo;
Ctrl+Return done and next unfinished; Ctrl+K skip; Alt+Right/Alt+Left (Ctrl+PgDown/PgUp) next/previous
article in the list; Ctrl+U next unfinished; Ctrl+=/Ctrl+-/Ctrl+0 zoom; F5 reload changes from disk.

Opening an article changes nothing; its first edit marks a ``new`` article ``in_progress``
(``AnnotationDocument``), so the list shows which articles someone has really started.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QMimeData, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QPalette,
    QShowEvent,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gui.annotation_list import AnnotationList
from gui.assist import install_assist
from gui.curation import install_team_menu
from gui.article_list import STATUS_NAMES, ArticleList
from gui.article_view import ArticleView
from gui.document import STORE_ERRORS, AnnotationDocument
from gui.event_panel import install_event_panel
from gui.find_bar import FindBar
from gui.label_bar import LabelBar, SpanEditor, add_label_display_menu
from gui.layer_view import install_layer_view
from gui.shortcuts import shortcut_rows, show_shortcuts
from gui.span_attribute_panel import install_span_attribute_panel
from gui.stats_dialog import show_statistics
from gui.window_layout import ElidedLabel, install_window_layout
from storage.model import AnnotatorError, Article, Scheme, Span
from storage.project import Project
from storage.team.packets import packet_owner

if TYPE_CHECKING:
    from gui.file_actions import (
        FileActions,  # which imports read_recent_projects from here
    )

APP_TITLE = "Event Annotator"
POLL_INTERVAL_MS = 2000
ABOUT = f"{APP_TITLE}: tag actors, locations and events in news articles and export training data."
MESSAGE_MS = 6000
RECENT_KEY = "recent_projects"
RECENT_MAX = 10


def read_recent_projects(settings: QSettings) -> list[str]:
    """The recent project paths, most recent first (an INI file returns one entry as a bare str)."""
    value = settings.value(RECENT_KEY, [])
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


class MainWindow(QMainWindow):
    """One project, one open article. See the module docstring for keys and behaviour."""

    # After ``open_project``: the new AnnotationDocument. Panels holding the old one re-bind here.
    documentReplaced = Signal(object)
    # After ``reload_scheme``: panels that show scheme parts (roles, event types) rebuild.
    schemeReloaded = Signal()

    def __init__(self, project: Project, *, settings: QSettings, annotator: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.settings = settings
        self.annotator = annotator
        self.file_actions: FileActions | None = None  # set by FileActions; drops import through it
        # Issue 4 hook: asked before "Mark done" (e.g. to confirm incomplete event frames).
        self.confirm_done: Callable[[], bool] | None = None
        self.undo_group = QUndoGroup(self)
        self._shown_scheme: Scheme | None = None
        self._layout_restored = False
        self._create_central()
        self._create_actions()
        self.span_editor = SpanEditor(self.view, lambda: self.document, precise=self.precise_action,
                                      refuse=self.refused, parent=self)
        self._create_docks()
        self._create_menus()
        self.layer_view = install_layer_view(self)  # a master's layers, one at a time (issue 10)
        self.meta_row.addWidget(self.layer_view.widget)
        self._create_status_bar()
        self._restore_settings()
        self._bind(project)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_INTERVAL_MS)
        self.poll_timer.timeout.connect(self.poll_external_changes)
        self.poll_timer.timeout.connect(self._save_last_article)
        self.poll_timer.start()
        self.setAcceptDrops(True)
        self.event_panel = install_event_panel(self)  # Events dock; sets confirm_done
        self.span_attribute_panel = install_span_attribute_panel(self)  # below Annotations; key A
        self.assist = install_assist(self)  # Assist menu, suggestions, recommenders (issue 11)
        self.team = install_team_menu(self)  # Project ▸ Team: hand out, merge, agreement (issue 10)
        self.layout_policy = install_window_layout(self)  # docks give up width before the article
        # Keyboard first: Shift+arrows select in the text from the start, not in a dock's filter.
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- construction ------------------------------------------------------------------------

    def _create_central(self) -> None:
        self.view = ArticleView(self)
        # One line each, elided in the middle, whole in the tooltip: never markup, never 5 lines tall.
        self.headline, self.meta = ElidedLabel(self), ElidedLabel(self)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.headline.setFont(font)
        self.meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.find_bar = FindBar(self.view, self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        layout.addWidget(self.headline)
        self.meta_row = QHBoxLayout()  # the date line; in a master, the layer chooser at its end
        self.meta_row.addWidget(self.meta, 1)
        layout.addLayout(self.meta_row)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(central)
        self.label_bar = LabelBar(self, self)
        self.label_bar.labelTriggered.connect(
            lambda name, precise, stack: self.span_editor.apply_label(name, precise=precise, stack=stack))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.label_bar)

    def _action(self, text: str, slot: Callable[[], object], *keys: QKeySequence | str,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(tip or text)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work even if the action's menu or toolbar is hidden
        return action

    def _create_actions(self) -> None:
        self.undo_action = self.undo_group.createUndoAction(self, "Undo")
        # Explicit keys, not StandardKey: on X11 that adds Alt+Backspace and the keyboard "Undo" key,
        # which clutter the shortcut list (Qt maps Ctrl to Cmd on macOS by itself).
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.undo_group.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.find_action = self._action("&Find…", self.find_bar.open, "Ctrl+F")
        self.find_next_action = self._action("Find &next", self.find_bar.find_next, "F3", "Ctrl+G")
        self.delete_action = self._action("&Delete span", lambda: self.span_editor.delete_current(),
                                          "Delete", "Backspace", tip="Delete the current (clicked) span")
        self.deselect_action = self._action("Forget current span", lambda: self.document.select_span(None),
                                            "Escape")
        # Esc only in the view: the find bar and the list filters use Esc themselves.
        self.deselect_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.view.addAction(self.deselect_action)
        self.zoom_in_action = self._action("Zoom &in", lambda: self._zoom(1), "Ctrl+=", "Ctrl++")
        self.zoom_out_action = self._action("Zoom &out", lambda: self._zoom(-1), "Ctrl+-")
        self.zoom_reset_action = self._action("&Reset zoom", lambda: self._zoom(0), "Ctrl+0")
        self.precise_action = QAction("Character-&precise selection", self, checkable=True)
        self.precise_action.setToolTip("Tag exactly the selected characters instead of whole words")
        self.precise_action.toggled.connect(lambda on: self.settings.setValue("precise_selection", on))
        self.done_action = self._action("Mark &done and next", self.mark_done, "Ctrl+Return", "Ctrl+Enter")
        self.skip_action = self._action("&Skip and next", self.skip, "Ctrl+K")
        self.reopen_action = self._action("Back to &in progress", lambda: self.set_status("in_progress"))
        self.next_action = self._action("&Next article", lambda: self.step_article(1),
                                        "Alt+Right", "Ctrl+PgDown")
        self.previous_action = self._action("&Previous article", lambda: self.step_article(-1),
                                            "Alt+Left", "Ctrl+PgUp")
        self.next_unfinished_action = self._action("Next &unfinished", self.open_next_unfinished, "Ctrl+U")
        self.poll_action = self._action("&Reload changes from disk", self._reload_from_disk, "F5")
        self.stats_action = self._action(
            "&Statistics…", lambda: show_statistics(self, self.project, name=self.layer_view.namer()))
        self.keys_action = self._action("&Keyboard shortcuts", self._show_keys, "F1")
        self.about_action = self._action("&About", lambda: self._info(f"About {APP_TITLE}", ABOUT))

    def _create_docks(self) -> None:
        self.article_dock = QDockWidget("Articles", self)
        self.article_dock.setObjectName("article_dock")
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.article_dock)
        self.annotation_dock = QDockWidget("Annotations", self)
        self.annotation_dock.setObjectName("annotation_dock")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.annotation_dock)
        self.resizeDocks([self.article_dock, self.annotation_dock], [380, 340], Qt.Orientation.Horizontal)

    def _create_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")  # FileActions fills it
        self.edit_menu = bar.addMenu("&Edit")
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addActions([self.find_action, self.find_next_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.delete_action)
        self.view_menu = bar.addMenu("&View")
        self.view_menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.precise_action)
        self.label_display_actions = add_label_display_menu(self.view_menu, self.view, self.settings)
        self.view_menu.addSeparator()
        self.view_menu.addActions([self.article_dock.toggleViewAction(),
                                   self.annotation_dock.toggleViewAction(), self.label_bar.toggleViewAction()])
        self.article_menu = bar.addMenu("&Article")
        self.article_menu.addActions([self.done_action, self.skip_action, self.reopen_action])
        self.article_menu.addSeparator()
        self.article_menu.addActions([self.next_action, self.previous_action, self.next_unfinished_action])
        self.project_menu = bar.addMenu("&Project")
        self.project_menu.addActions([self.poll_action, self.stats_action])
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.addActions([self.keys_action, self.about_action])

    def _create_status_bar(self) -> None:
        self.project_label, self.position_label, self.done_label, self.spans_label = (QLabel(self) for _ in range(4))
        for label in (self.project_label, self.position_label, self.done_label, self.spans_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setContentsMargins(8, 0, 8, 0)  # permanent widgets have no separators of their own
            self.statusBar().addPermanentWidget(label)

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        self.view.zoom_level = int(self.settings.value("zoom", 0))
        self.precise_action.setChecked(str(self.settings.value("precise_selection", False)).lower() == "true")

    def _bind(self, project: Project) -> None:
        """Build the document and the two lists for ``project`` and open its first article."""
        self.project = project
        packet = packet_owner(project)  # a packet edits its annotator's layer, titled with their name
        self.document = AnnotationDocument(project, annotator=packet[0] if packet else self.annotator, parent=self)
        self.layer_view.attach(self.document)  # before any article is read: it decides the layer
        self.undo_group.addStack(self.document.undo_stack)
        self.undo_group.setActiveStack(self.document.undo_stack)
        self.article_list = ArticleList(project, self)
        self.article_list.articleChosen.connect(self.open_article)
        self.article_list.nextUnfinishedRequested.connect(self.open_next_unfinished)
        self.article_dock.setWidget(self.article_list)
        self.annotation_list = AnnotationList(self.document, self)
        self.annotation_dock.setWidget(self.annotation_list)
        self.view.span_tip = self.annotation_list.model.span_tip  # "(by user 2)" where annotators differ
        doc = self.document
        doc.articleOpened.connect(self._article_opened)
        doc.spanAdded.connect(self._span_added)
        doc.spanRemoved.connect(self._span_removed)
        doc.spanChanged.connect(self.view.update_span)
        doc.currentSpanChanged.connect(self._current_span_changed)
        doc.statusChanged.connect(self._status_changed)
        doc.editRefused.connect(self.refused)
        doc.fileReopened.connect(self._file_reopened)
        self._remember_project()
        self.reload_scheme()
        self.project_title = packet[1] if packet else project.path.stem if project.path else None
        self.show_title()
        self.project_label.setText(project.path.stem if project.path else "")
        self._update_done_count()
        last = self.settings.value(self._last_article_key())
        self._saved_article = int(last) if last is not None else None
        try:
            self.document.open_article(int(last) if last is not None else self._first_article())
        except KeyError:  # the article shown last time was deleted since
            self.open_article(self._first_article())

    def show_title(self) -> None:
        """The project's (or packet's) name, and in a master the layer shown: "news · layer: gold"."""
        note = self.layer_view.title_note()
        self.setWindowTitle(f"{self.project_title}{note} — {APP_TITLE}" if self.project_title else f"{APP_TITLE}{note}")

    def _first_article(self) -> int | None:
        model = self.article_list.model
        return self.project.next_unfinished() or (model.article_id(0) if model.rowCount() else None)

    # -- public API --------------------------------------------------------------------------

    def open_project(self, path: Path, *, new_scheme: str | None = None) -> None:
        """Close the current project and show the one at ``path`` (raises if it cannot be opened);
        a new file starts with the shipped scheme ``new_scheme`` (default: PLOVER 2.0)."""
        new = Project.open(path, new_scheme=new_scheme)  # first, so a bad file leaves the current project open
        self._save_last_article()
        old_document, old_lists = self.document, (self.article_list, self.annotation_list)
        self.undo_group.removeStack(old_document.undo_stack)
        self.project.close()
        self._bind(new)
        for widget in old_lists:
            widget.deleteLater()
        self.documentReplaced.emit(self.document)
        old_document.deleteLater()

    def reload_scheme(self) -> None:
        """Rebuild label buttons, keys and colours from the project's scheme (after it changed)."""
        self._shown_scheme = self.project.scheme
        self.label_bar.set_labels(self._shown_scheme.labels)
        self._apply_colours()
        self.schemeReloaded.emit()

    def refresh_articles(self) -> None:
        """Re-read the article list from the store, keeping the selected article."""
        self.article_list.refresh()
        self._update_position()
        self._update_done_count()

    def open_article(self, article_id: int | None) -> None:
        """Show an article (None: nothing); its status stays as it is until the first edit."""
        try:
            self.document.open_article(article_id)
        except STORE_ERRORS as exc:  # deleted by another program since the list was drawn, say
            self.refused(f"Could not open the article: {self.document.say(exc)}")
            self.refresh_articles()

    def refused(self, message: str) -> None:
        """Tell the user why an edit did not happen, in the status bar (never a modal dialog); a blind
        curator reads "Annotator n" for every annotator's name in it (``LayerView.blind``)."""
        self.statusBar().showMessage(self.layer_view.blind(message), MESSAGE_MS)

    def set_status(self, status: str) -> bool:
        """Set the open article's status; False (and why, in the status bar) if the store refused.

        Statuses are not undo commands, so the refusal is caught here rather than in the
        document: e.g. another program holding the write lock longer than the busy timeout.
        """
        try:
            self.document.set_status(status)
        except AnnotatorError as exc:
            self.refused(self.document.say(exc))
            return False
        return True

    def mark_done(self) -> None:
        """Mark the article done (after the ``confirm_done`` hook agrees) and open the next unfinished."""
        if self.document.article is None:
            return
        if self.document.read_only is not None:  # all layers shown: say so before asking anything
            self.refused(self.document.read_only)
            return
        if self.confirm_done is not None and not self.confirm_done():
            return
        if self.set_status("done"):
            self.open_next_unfinished()

    def skip(self) -> None:
        if self.document.article is not None and self.set_status("skipped"):
            self.open_next_unfinished()

    def open_next_unfinished(self) -> None:
        article = self.document.article
        found = self.project.next_unfinished(article.id if article else None,
                                             status_sql=self.article_list.model.status_sql)
        if found is None:
            self.statusBar().showMessage("No unfinished articles left", MESSAGE_MS)
        else:
            self.open_article(found)

    def step_article(self, step: int) -> None:
        """Open the article ``step`` rows down (or up) the article list as filtered."""
        article = self.document.article
        found = self.article_list.neighbour(article.id if article else None, step)
        if found is None:
            self.statusBar().showMessage("No more articles in the list", MESSAGE_MS)
        else:
            self.open_article(found)

    def poll_external_changes(self) -> bool:
        """Pick up what another window or process wrote to the project; True if anything had changed.

        First makes sure the file is still safely ours (``AnnotationDocument.file_unsafe``:
        lost locks are repaired here, within a poll, before another program can act on them).
        Skipped while our own import or export runs: its worker writes through a connection of
        its own, which SQLite counts as "another" one; ``take_in_own_changes`` follows it instead.
        """
        if self._own_job_running():
            return False
        try:
            why_not = self.document.file_unsafe()
            if why_not is not None:
                self.refused(f"Edits are not being saved: {why_not}")
                return False
            if not self.project.changed_elsewhere():
                return False
            self._take_in_changes()
        except STORE_ERRORS as exc:  # e.g. the disk went away: say so, every poll, never a traceback
            self.refused(f"Could not read the project: {self.document.say(exc)}")
            return False
        self.statusBar().showMessage("Another window or program changed this project; updated", MESSAGE_MS)
        return True

    def take_in_own_changes(self) -> None:
        """Show what this window's own worker (an import) wrote, without calling it someone else's."""
        self.project.changed_elsewhere()  # absorb the version bump, so the next poll stays quiet
        self._take_in_changes()

    def _own_job_running(self) -> bool:
        return self.file_actions is not None and self.file_actions.job is not None

    def _reload_from_disk(self) -> None:
        if not self.poll_external_changes():
            self.statusBar().showMessage("No changes on disk", MESSAGE_MS)

    def _file_reopened(self, message: str) -> None:
        """The document reopened the project file before a write: show what others wrote meanwhile."""
        self.project.changed_elsewhere()  # a fresh connection: its version counter starts anew
        self._take_in_changes()
        self.refused(message)

    def _take_in_changes(self) -> None:
        """Re-read what may have changed on disk: scheme, the open article (in place, keeping its
        undo history: ``AnnotationDocument.take_in_changes``), the list."""
        if self.project.scheme != self._shown_scheme:
            self.reload_scheme()
        self.document.take_in_changes()
        self.layer_view.refresh()
        self.refresh_articles()
        if self.document.article is None and self.article_list.model.rowCount():
            self.open_article(self._first_article())  # the first articles arrived in an empty window

    # -- document → widgets ------------------------------------------------------------------

    def _colours(self) -> dict[str, QColor]:
        return {label.name: QColor(label.colour) for label in self.project.scheme.labels}

    def _apply_colours(self) -> None:
        colours = self._colours()
        self.view.set_colours(colours)
        self.annotation_list.model.set_colours(colours, self.palette().color(QPalette.ColorRole.Base))

    def _article_opened(self, article: Article | None) -> None:
        spans = self.document.spans.values()
        self.view.set_article(article.text if article else "", spans, self._colours())
        if article is None:
            self.headline.setText("No article open")
            # Short enough to be read whole at 1024 px; any file or folder (any format) dropped here is imported.
            self.meta.setText("Ctrl+I imports articles, or drop files here")
        else:
            self.headline.setText(article.title or f"Article {article.id}")
            self._update_meta()
        self.article_list.select_article(article.id if article else None)
        self._update_position()
        self._update_span_count()

    def _update_meta(self) -> None:
        article = self.document.article
        if article is not None:
            parts = [article.date or "no date", self.layer_view.status_text(STATUS_NAMES[article.status]),
                     article.source or ""]
            self.meta.setText(" · ".join(part for part in parts if part))

    def _span_added(self, span: Span) -> None:
        self.view.add_span(span)
        self._update_span_count()

    def _span_removed(self, span: Span) -> None:
        self.view.remove_span(span.id)
        self._update_span_count()

    def _current_span_changed(self, span: Span | None) -> None:
        self.view.set_current_span(span.id if span else None)
        if span is not None:
            # Caret to the span's end, no selection: scrolls it into view, and the next label
            # key relabels this span instead of tagging a stale selection.
            self.view.select_range(span.end, span.end)

    def _status_changed(self, article_id: int, status: str) -> None:
        self.article_list.model.update_article(article_id, status=status)
        self._update_meta()
        self._update_done_count()

    def _update_span_count(self) -> None:
        article, count = self.document.article, len(self.document.spans)
        self.spans_label.setText(self.layer_view.span_count_text(count))
        if article is not None:  # the list counts every layer's spans
            self.article_list.model.update_article(article.id, span_count=self.layer_view.article_span_total(count))

    def _update_position(self) -> None:
        article, model = self.document.article, self.article_list.model
        row = model.row_of(article.id) if article else None
        self.position_label.setText(f"Article {row + 1 if row is not None else '–'} of {model.total}")

    def _update_done_count(self) -> None:
        self.done_label.setText(
            f"{self.project.article_count(status='done', status_sql=self.article_list.model.status_sql)} done")

    # -- user input --------------------------------------------------------------------------

    def _zoom(self, step: int) -> None:
        self.view.zoom_level = self.view.zoom_level + step if step else 0
        self.settings.setValue("zoom", self.view.zoom_level)

    def _dropped_paths(self, mime: QMimeData) -> list[Path]:
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self._dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = self._dropped_paths(event.mimeData())
        if paths and self.file_actions is not None:
            event.acceptProposedAction()
            self.file_actions.import_paths(paths)
        else:
            event.ignore()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "annotation_list"):
            self._apply_colours()  # list tints are blended into the (now light or dark) base

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        # Dock layout on first show, not in __init__: panels added after construction (Events,
        # by install_event_panel) exist by now, and restoreState only places docks that exist.
        if not self._layout_restored:
            self._layout_restored = True
            state = self.settings.value("window/state")
            if state is not None:
                self.restoreState(state)
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("zoom", self.view.zoom_level)  # Ctrl+wheel zooms in the view, not via _zoom
        self._save_last_article()
        self.settings.sync()
        self.poll_timer.stop()
        self.project.close()  # the window owns the project it was given or opened
        super().closeEvent(event)

    # -- settings helpers ----------------------------------------------------------------------

    def _last_article_key(self) -> str:
        # One entry per project file; a hash keeps the path's slashes out of the INI key.
        digest = hashlib.sha1(str(self.project.path).encode("utf-8")).hexdigest()[:16]
        return f"last_article/{digest}"

    def _save_last_article(self) -> None:
        """Remember the article shown, for the next start: within a poll of opening it, on closing
        and on switching projects. Not as it opens: QSettings writes its file in the next turn of
        the event loop, which is where the first key press after opening would wait for it."""
        article = self.document.article
        if article is not None and article.id != self._saved_article:
            self.settings.setValue(self._last_article_key(), article.id)
            self._saved_article = article.id

    def _remember_project(self) -> None:
        if self.project.path is not None:
            path = str(self.project.path.resolve())
            recent = [p for p in read_recent_projects(self.settings) if p != path]
            self.settings.setValue(RECENT_KEY, [path, *recent][:RECENT_MAX])

    # -- help ----------------------------------------------------------------------------------

    def _info(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the window stays usable and tests are never blocked

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, action) for every action with a key; see ``gui.shortcuts.shortcut_rows``."""
        return shortcut_rows(self, {self.undo_action: "Undo", self.redo_action: "Redo"})

    def _show_keys(self) -> None:
        show_shortcuts(self, self.shortcut_rows())
