"""The File menu and Project ▸ Labels…: projects, recent files, import, export.

``FileActions`` owns the menu actions and the long jobs they start. Import and export run on
a worker thread (``gui.workers``) with their own project connection, behind a window-modal
progress dialog whose Cancel sets a flag the job polls. When a job ends the window is
refreshed and one summary is shown. Every file picker and every message goes through a small
method (``choose_import_files``, ``show_report``…) so a test can replace it on the instance
instead of facing a modal dialog.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, QStandardPaths, Qt, QThread, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from gui import file_dialogs
from gui.export_dialog import ExportDialog, ExportOptions
from gui.import_dialog import ImportDialog, window_hint
from gui.labels_dialog import LabelsDialog
from gui.main_window import read_recent_projects
from gui.workers import ProjectWorker, export_job, import_job, start_worker
from storage.importing import IMPORTABLE_SUFFIXES, ImportOptions
from storage.locks import SIDECARS, is_project_file
from storage.model import AnnotatorError
from storage.exporting import ExportError
from storage.exporting.layers import ExportCounts, chosen_layer, export_counts
from storage.team.coverage import UNNAMED, layer_coverage

PROJECT_SUFFIX = ".annotator.sqlite"
PROJECT_FILTER = "Event Annotator projects (*.sqlite);;All files (*)"
IMPORT_FILTER = f"Articles ({' '.join('*' + s for s in IMPORTABLE_SUFFIXES)});;All files (*)"


def documents_folder() -> Path:
    """The user's documents folder, where a first export is proposed (the project may live in a
    hidden data folder nobody browses); the home folder when there is none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


@dataclass
class _Job:
    """The job in progress: what it is, its worker, and what to do with its result."""

    kind: str  # "Import" | "Export"
    worker: ProjectWorker
    on_done: Callable[[Any], None]  # shows the job's report


class ReportDialog(QDialog):
    """A headline and a scrollable list of lines (e.g. every file that failed and why)."""

    def __init__(self, title: str, lines: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)  # a one-line report with a long path must not wrap into a column
        headline = QLabel(lines[0] if lines else "")
        headline.setTextFormat(Qt.PlainText)
        headline.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        if len(lines) > 1:
            details = QPlainTextEdit("\n".join(lines[1:]))
            details.setReadOnly(True)
            details.setLineWrapMode(QPlainTextEdit.WidgetWidth)  # long paths and reasons stay readable
            layout.addWidget(details)
            self.resize(640, 320)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


class FileActions(QObject):
    """Fills ``window.file_menu`` and ``window.project_menu`` and runs imports and exports."""

    jobStarted = Signal(str)  # "Import" or "Export"; ``self.job.worker`` exists, its thread not yet
    jobFinished = Signal(str)  # "Import" or "Export", after the window was refreshed

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.settings: QSettings = window.settings
        self.job: _Job | None = None
        self.last_progress: tuple[int, int] | None = None  # (done, total) last shown
        self._last_id_before_import = 0  # articles above it were added by the running import
        self._threads: list[tuple[QThread, ProjectWorker]] = []  # kept alive until each thread ends
        window.file_actions = self
        self._create_actions()
        self._fill_menus()
        self._create_progress_dialog()
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- menus -------------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None,
                tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _create_actions(self) -> None:
        self.new_action = self._action("&New project…", self.new_project, QKeySequence.New,
                                       "Create an empty project file")
        self.open_action = self._action("&Open project…", self.open_project_dialog, QKeySequence.Open,
                                        "Open another project file")
        self.import_action = self._action("&Import articles…", self.import_files, "Ctrl+I",
                                          "Import .txt articles or native .jsonl files")
        self.import_folder_action = self._action("Import &folder…", self.import_folder, None,
                                                 "Import every article in a folder")
        self.export_action = self._action("&Export…", self.export, "Ctrl+E",
                                          "Write training data in one of the export formats")
        self.quit_action = self._action("&Quit", self.window.close, QKeySequence.Quit,
                                        "Close the window")
        # Ctrl+Q is not the platform Quit key on Windows; the brief promises it everywhere.
        self.quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        self.quit_action.setMenuRole(QAction.QuitRole)
        self.labels_action = self._action("&Labels…", self.show_labels, None,
                                          "Add, rename, recolour or delete labels")

    def _fill_menus(self) -> None:
        menu: QMenu = self.window.file_menu
        menu.addAction(self.new_action)
        menu.addAction(self.open_action)
        self.recent_menu = menu.addMenu("Open &recent")
        menu.addSeparator()
        menu.addAction(self.import_action)
        menu.addAction(self.import_folder_action)
        menu.addAction(self.export_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.window.project_menu.addAction(self.labels_action)
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        """The submenu lists the settings' "recent_projects", which the window keeps on every open."""
        self.recent_menu.clear()
        recent = self.recent_projects()
        current = self._current_path()
        for index, path in enumerate(recent, start=1):
            # "&1" gives keyboard access; "&" in a file name would otherwise become a mnemonic.
            text = f"&{index} {str(path).replace('&', '&&')}" if index < 10 else str(path).replace("&", "&&")
            action = self.recent_menu.addAction(text)
            action.setData(str(path))
            action.setEnabled(path != current)
            action.triggered.connect(lambda _checked=False, p=path: self.open_project(p))
        self.recent_menu.setEnabled(bool(recent))

    def recent_projects(self) -> list[Path]:
        """Recent project files, most recent first."""
        return [Path(p) for p in read_recent_projects(self.settings)]

    def _current_path(self) -> Path | None:
        project = getattr(self.window, "project", None)
        path = getattr(project, "path", None)
        return Path(path).resolve() if path is not None else None

    def _start_dir(self, key: str) -> str:
        current = self._current_path()
        fallback = str(current.parent) if current is not None else str(Path.home())
        return str(self.settings.value(key, fallback) or fallback)

    # -- pickers and messages (replaced in tests) --------------------------------------------

    def choose_new_project_path(self) -> Path | None:
        return file_dialogs.save_file(
            self.window, "New project", Path(self._start_dir("last_project_dir")) / f"project{PROJECT_SUFFIX}",
            PROJECT_FILTER, confirm_overwrite=False)

    def choose_new_scheme(self) -> str | None:
        """The shipped scheme a new project starts with (gui.scheme_actions), None if cancelled."""
        from gui.scheme_actions import ask_new_scheme

        return ask_new_scheme(self.window)

    def choose_project_to_open(self) -> Path | None:
        return file_dialogs.open_file(self.window, "Open project", self._start_dir("last_project_dir"),
                                      PROJECT_FILTER)

    def choose_import_files(self) -> list[Path]:
        return file_dialogs.open_files(self.window, "Import articles", self._start_dir("last_import_dir"),
                                       IMPORT_FILTER)

    def choose_import_folder(self) -> Path | None:
        return file_dialogs.folder(self.window, "Import folder", self._start_dir("last_import_dir"))

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Run a dialog modally; True if accepted."""
        return dialog.exec() == QDialog.Accepted

    def show_report(self, title: str, lines: Sequence[str]) -> None:
        """Show a job's summary: the first line as headline, the rest (failures) as a list."""
        ReportDialog(title, [self.blind(line) for line in lines], self.window).exec()

    def show_error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Warning, title, self.blind(message), QMessageBox.Ok, self.window)
        box.setTextFormat(Qt.PlainText)
        box.exec()

    def _status(self, message: str) -> None:
        status_bar = getattr(self.window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(self.blind(message), 8000)

    def blind(self, text: str) -> str:
        """What storage said, as a blind curator reads it ("Annotator n": ``LayerView.blind``)."""
        layer_view = getattr(self.window, "layer_view", None)
        return layer_view.blind(text) if layer_view is not None else text

    # -- projects ----------------------------------------------------------------------------

    def new_project(self) -> bool:
        path = self.choose_new_project_path()
        if path is None:
            return False
        if not path.name.endswith(".sqlite"):
            path = path.with_name(path.name + PROJECT_SUFFIX)
        if path.exists():
            # Never replace a file from "New": it may be someone's annotations.
            self.show_error("New project", f"{path} already exists; use Open project… to open it.")
            return False
        scheme = self.choose_new_scheme()
        if scheme is None:
            return False
        return self.open_project(path, new_scheme=scheme)

    def open_project_dialog(self) -> bool:
        path = self.choose_project_to_open()
        return self.open_project(path) if path is not None else False

    def open_project(self, path: Path, *, new_scheme: str | None = None) -> bool:
        """Switch the window to another project file (created if missing, with ``new_scheme``) and remember it."""
        if self.job is not None:
            self.show_error("Open project", f"Wait for the {self.job.kind.lower()} to finish first.")
            return False
        tail = next((t for t in SIDECARS if str(path).endswith(t)), None)
        if tail is not None:  # opening it as a project would read, then close, a live journal
            self.show_error("Open project", f"{path} is a file SQLite keeps beside a project, not a project; "
                                            f"open {Path(str(path)[:-len(tail)]).name} instead.")
            return False
        try:
            self.window.open_project(Path(path), new_scheme=new_scheme)
        except (AnnotatorError, sqlite3.DatabaseError, OSError) as exc:
            self.show_error("Open project", f"Could not open {path}:\n{exc}")
            return False
        self.settings.setValue("last_project_dir", str(Path(path).resolve().parent))
        self._rebuild_recent_menu()
        return True

    def _refuse_project_files(self, title: str, paths: Iterable[Path], why: str) -> bool:
        """True (after saying so) if one of ``paths`` is the open project's file or one of its
        journals: only SQLite may open those (``storage.locks``: anything else drops its locks)."""
        current = self._current_path()
        blocked = next((p for p in paths if current is not None and is_project_file(p, current)), None)
        if blocked is not None:
            self.show_error(title, f"{blocked} is this project's own file; {why}.")
        return blocked is not None

    # -- labels ------------------------------------------------------------------------------

    def show_labels(self) -> None:
        """Project ▸ Labels…: every change in the dialog reaches the window at once."""
        dialog = LabelsDialog(self.window.project, self.window)
        dialog.schemeChanged.connect(self._scheme_changed)
        self.exec_dialog(dialog)
        dialog.deleteLater()

    def _scheme_changed(self, spans_changed: bool) -> None:
        """A label changed: rebuild keys and colours. Only a rename or a cascading delete touches
        spans; then the article is re-read (its undo history, naming old labels, goes with it)."""
        self.window.reload_scheme()
        if spans_changed:
            self.window.document.reload()
            self.window.refresh_articles()

    # -- import ------------------------------------------------------------------------------

    def import_files(self) -> bool:
        """File ▸ Import articles…: pick files, then the Import dialog (encoding, format)."""
        paths = self.choose_import_files()
        if paths:
            self.settings.setValue("last_import_dir", str(paths[0].parent))
        return self.import_with_dialog(paths) if paths else False

    def import_folder(self) -> bool:
        folder = self.choose_import_folder()
        if folder is not None:
            self.settings.setValue("last_import_dir", str(folder))
        return self.import_with_dialog([folder]) if folder is not None else False

    def import_with_dialog(self, paths: Sequence[Path]) -> bool:
        """Show the Import dialog for ``paths`` (more can be added there) and import what it says."""
        dialog = ImportDialog(list(paths), self.window, choose_files=self.choose_import_files,
                              choose_folder=self.choose_import_folder)
        accepted = self.exec_dialog(dialog)
        choice = dialog.choice()
        dialog.deleteLater()
        if not accepted:
            return False
        return self.import_paths(choice.paths, options=choice.options)

    def import_paths(self, paths: Iterable[Path], *, options: ImportOptions | None = None) -> bool:
        """Import files and folders off the GUI thread; False if nothing was started."""
        paths = [Path(p) for p in paths]
        if not paths or self._refuse_project_files("Import", paths, "it cannot be imported into itself"):
            return False
        label = f"Importing {paths[0].name}…" if len(paths) == 1 else f"Importing {len(paths)} items…"
        self._last_id_before_import = self.window.project.last_article_id()
        return self._start("Import", import_job(paths, options), label,
                           self._import_done)

    def _import_done(self, report: Any) -> None:
        self._open_first_imported(report)
        # The importer ends with its totals ("imported 3 articles…; cancelled, …"): they are the
        # headline, and the per-file lines (failures as "path:line: reason") the list below.
        *files, total = list(report.summary_lines()) or ["import finished"]
        hint = window_hint([*files, total])  # the importer's advice names command-line options
        if hint is not None:
            files.append(hint)
        self._status(total)
        self.show_report("Import", [total, *files])

    def _open_first_imported(self, report: Any) -> None:
        """Show the user what they imported: the first new article, or, when every one was
        already in the project, the article it duplicates."""
        found = self.window.project.first_article_after(self._last_id_before_import)
        if found is None:
            found = next((d.existing_id for f in report.files for d in f.duplicates), None)
        if found is not None:
            self.window.open_article(found)

    # -- export ------------------------------------------------------------------------------

    def make_export_dialog(self) -> ExportDialog:
        current = self._current_path()
        stem = current.name.split(".")[0] if current is not None else "annotations"
        default_dir = Path(str(self.settings.value("last_export_dir", "") or "") or documents_folder())
        conn = self.window.project.db.conn
        # Every layer the project knows, one with nothing back yet too: the dialog says why it writes nothing.
        layers = [name for name in layer_coverage(conn) if name != UNNAMED]

        name = self.window.layer_view.namer()  # "Annotator n" while the curator adjudicates blind

        def counts(fmt: str, layer: str | None, status: str | None) -> ExportCounts:
            try:
                return export_counts(conn, chosen_layer(fmt, layer), status=status, name=name)
            except AnnotatorError as exc:  # the dialog shows why: in the window's words
                raise ExportError(self.blind(str(exc))) from exc

        return ExportDialog(self.window, default_dir=default_dir, stem=stem, layers=layers, counts=counts,
                            name=name)

    def export(self) -> bool:
        """Ask for export options, then export off the GUI thread."""
        dialog = self.make_export_dialog()
        accepted = self.exec_dialog(dialog)
        options = dialog.options()
        dialog.deleteLater()
        return self.export_with(options) if accepted else False

    def export_with(self, options: ExportOptions) -> bool:
        if self._refuse_project_files("Export", [options.path, *filter(None, [options.docbin])],
                                      "exporting there would overwrite the project"):
            return False
        self.settings.setValue("last_export_dir", str(options.path.parent))
        # Frozen here, in the window's thread: the report names layers as the window does (blind: "Annotator n").
        name, view = self.window.layer_view.namer(), self.window.layer_view
        job = export_job(options.format, options.path, status=options.status,
                         relations=options.relations, docbin=options.docbin, layer=options.layer,
                         strict=options.strict, layer_names={layer: name(layer) for layer in view.numbered})
        return self._start("Export", job, f"Exporting {options.format} to {options.path.name}…",
                           self._export_done)

    def _export_done(self, report: Any) -> None:
        line = report.summary()
        self._status(line)
        self.show_report("Export", [line])

    # -- running jobs ------------------------------------------------------------------------

    def _create_progress_dialog(self) -> None:
        """One progress dialog, reused by every job; hidden until a job runs for a moment."""
        dialog = QProgressDialog(self.window)
        label = QLabel()
        label.setTextFormat(Qt.PlainText)  # it shows file names and titles, never markup
        dialog.setLabel(label)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(400)  # short jobs finish without a flash of dialog
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        # The constructor starts the timer that shows the dialog: stop it until a job starts.
        dialog.reset()
        dialog.canceled.connect(self.cancel_job)
        self.progress_dialog = dialog

    def _start(self, kind: str, job: Any, label: str, on_done: Callable[[Any], None]) -> bool:
        if self.job is not None:
            self._status(f"An {self.job.kind.lower()} is running; wait for it to finish.")
            return False
        path = self._current_path()
        if path is None:
            self.show_error(kind, "This project has no file to work on.")
            return False
        worker = ProjectWorker(path, job)
        worker.progressed.connect(self._progressed)
        worker.succeeded.connect(self._succeeded)
        worker.cancelled.connect(self._cancelled)
        worker.failed.connect(self._failed)
        self.job = _Job(kind, worker, on_done)
        self.last_progress = None
        dialog = self.progress_dialog
        dialog.reset()
        dialog.setWindowTitle(kind)
        dialog.setLabelText(label)
        dialog.setRange(0, 0)  # a busy bar until the job says how many items there are
        dialog.setValue(0)  # starts the minimum-duration timer
        self.jobStarted.emit(kind)
        thread = start_worker(worker)
        thread.finished.connect(self._thread_finished)
        self._threads.append((thread, worker))
        return True

    def cancel_job(self) -> None:
        """Ask the running job to stop at its next check (the Cancel button)."""
        if self.job is not None:
            self.job.worker.cancel()
            self._status(f"Cancelling the {self.job.kind.lower()}…")

    def _progressed(self, done: int, total: int, what: str) -> None:
        job = self.job
        if job is None or self.sender() is not job.worker or job.worker.is_cancelled():
            return
        self.last_progress = (done, total)
        dialog = self.progress_dialog
        dialog.setMaximum(max(total, 1))
        dialog.setLabelText(what if len(what) <= 80 else "…" + what[-79:])
        # Last, because on a modal dialog setValue processes events and may deliver the job's end.
        dialog.setValue(min(done, max(total, 1)))

    def _end(self) -> _Job | None:
        job = self.job
        if job is None or self.sender() is not job.worker:
            return None
        self.job = None
        self.progress_dialog.reset()  # also stops the show timer of a job that ended quickly
        self.progress_dialog.hide()
        if job.kind == "Import":
            # Whatever the outcome, the files before the end are in. The worker wrote through its
            # own connection: show them, and keep the window's next poll from calling them
            # "another program's" changes.
            self.window.take_in_own_changes()
        return job

    def _succeeded(self, result: Any) -> None:
        job = self._end()
        if job is not None:
            job.on_done(result)
            self.jobFinished.emit(job.kind)

    def _cancelled(self) -> None:
        job = self._end()
        if job is not None:
            self._status(f"{job.kind} cancelled")
            self.show_report(job.kind, [f"{job.kind} cancelled; nothing was written."])
            self.jobFinished.emit(job.kind)

    def _failed(self, message: str) -> None:
        job = self._end()
        if job is not None:
            self._status(f"{job.kind} failed")
            self.show_report(job.kind, [f"{job.kind} failed: {message}"])
            self.jobFinished.emit(job.kind)

    def _thread_finished(self) -> None:
        for thread, worker in list(self._threads):
            if thread.isFinished():
                thread.wait()
                self._threads.remove((thread, worker))

    def shutdown(self) -> None:
        """Cancel a running job and wait for its thread: the process must not exit under it."""
        if self.job is not None:
            self.job.worker.cancel()
        for thread, _worker in list(self._threads):
            thread.quit()
            thread.wait()
        self._threads.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Close and self.job is not None:
            self.shutdown()
        return super().eventFilter(watched, event)
