"""Long project jobs (import, export) on a worker thread, with progress and cancel.

A job is a plain function ``job(project, progress, cancelled) -> result`` that calls the store;
``ProjectWorker`` runs it on a ``QThread`` against its *own* ``Project.open(path)`` connection,
because a sqlite3 connection must not be used from two threads. The GUI thread keeps its own
connection; WAL lets both read while the worker writes.

Cancelling is a ``threading.Event`` that the GUI sets and the job polls: a queued slot on the
worker would never run, since the worker's thread is busy inside the job until it returns.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from storage.importing.registry import ImportOptions
from storage.model import AnnotatorError
from storage.project import Project

ProgressFn = Callable[[int, int, str], None]
CancelledFn = Callable[[], bool]
Job = Callable[[Project, ProgressFn, CancelledFn], Any]


class JobCancelled(Exception):
    """Raised inside a job's progress callback to stop a job that has no ``cancelled`` hook."""


class ProjectWorker(QObject):
    """Runs one job on its own project connection and reports back with signals.

    Exactly one of ``succeeded`` (the job's result), ``cancelled`` (the job was unwound by
    ``JobCancelled``) or ``failed`` (a message for the user) is emitted, then ``finished``. Signals cross to the GUI thread queued.
    """

    progressed = Signal(int, int, str)  # done, total, what
    succeeded = Signal(object)
    cancelled = Signal()
    failed = Signal(str)
    finished = Signal()

    def __init__(self, project_path: Path, job: Job) -> None:
        super().__init__()
        self.project_path = Path(project_path)
        self.job = job
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop at its next check; safe to call from any thread."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int, what: str) -> None:
        self.progressed.emit(done, total, str(what))

    def run(self) -> None:
        """The thread's entry point: open, run, close, report."""
        try:
            with Project.open(self.project_path) as project:
                result = self.job(project, self._progress, self.is_cancelled)
        except JobCancelled:
            self.cancelled.emit()
        except (AnnotatorError, OSError, ValueError) as exc:
            # Errors a user can cause (bad path, disk full, locked file) become a message.
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the GUI waiting forever
            self.failed.emit(f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            # A job that honours ``cancelled`` returns normally with a partial report; the
            # caller tells the two apart with ``is_cancelled()``.
            self.succeeded.emit(result)
        finally:
            # Hand the object back to the GUI thread so Python can free it there after the thread ends.
            self.moveToThread(QCoreApplication.instance().thread())
            self.finished.emit()


def start_worker(worker: ProjectWorker, parent: QObject | None = None) -> QThread:
    """Move ``worker`` to a new thread and start it; the thread quits when the worker finishes."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    thread.start()
    return thread


def import_job(paths: Sequence[Path], options: ImportOptions | None = None) -> Job:
    """A job that imports files and folders; returns ``storage.importing.ImportReport``.

    ``options`` are the command line's import options (``--encoding``, ``--format``…; default:
    everything detected). The importer checks ``cancelled`` between files, so a cancelled import
    keeps the files already imported whole and writes nothing of the rest.
    """
    from storage.importing import import_paths

    def job(project: Project, progress: ProgressFn, cancelled: CancelledFn) -> Any:
        return import_paths(project, list(paths), options=options, progress=progress, cancelled=cancelled)

    return job


def export_job(fmt: str, path: Path, *, status: str | None = None, relations: bool = False,
               docbin: Path | None = None, layer: str | None = None, strict: bool = False,
               layer_names: dict[str, str] | None = None) -> Job:
    """A job that exports to ``path``; returns ``storage.exporting.ExportReport``.

    The exporter writes a temporary file and renames it at the end, so stopping it early
    leaves no file: once cancel was asked the progress callback raises ``JobCancelled``, which
    unwinds the exporter before the rename.
    """
    from storage.exporting import export_to_path

    def job(project: Project, progress: ProgressFn, cancelled: CancelledFn) -> Any:
        def checked_progress(done: int, total: int, what: str) -> None:
            if cancelled():
                raise JobCancelled()
            progress(done, total, what)

        return export_to_path(project, fmt, path, status=status, relations=relations,
                              docbin=docbin, layer=layer, strict=strict, progress=checked_progress,
                              layer_names=layer_names)

    return job
