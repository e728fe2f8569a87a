"""Model suggestions for an article the current model has not seen (imported after training):
``storage.assist.suggest_process`` in a QProcess, started the first time one opens and kept for
the next ones (loading spaCy and the model costs seconds; one article's suggestions a fraction of
one). The window never runs spaCy, so opening stays fast; the suggestions show when they arrive.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal

from gui.assist.training import json_lines, python_process


class LiveModel(QObject):
    """Asks the suggest process for articles' model suggestions; ``suggested(article id)`` once stored."""

    suggested = Signal(int)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.process: QProcess | None = None
        self.project_path: Path | None = None
        self.pending: set[int] = set()
        self._buffer = b""

    def request(self, project_path: Path, article_id: int) -> None:
        """Have ``article_id``'s suggestions computed and stored (once per request in flight)."""
        if self.process is not None and self.project_path != project_path:
            self.stop()  # another project: its own process
        if article_id in self.pending:
            return
        if self.process is None:
            process = python_process(self)
            process.readyReadStandardOutput.connect(self._read)
            process.finished.connect(self._finished)
            self.process, self.project_path, self._buffer = process, project_path, b""
            process.start(sys.executable, ["-m", "storage.assist.suggest_process", "--project", str(project_path)])
        self.pending.add(article_id)
        self.process.write(f"{article_id}\n".encode())

    def stop(self) -> None:
        """End the process: stdin closed is its cue; killed if it does not end promptly."""
        process, self.process = self.process, None
        self.pending.clear()
        if process is None:
            return
        process.finished.disconnect(self._finished)
        process.closeWriteChannel()
        if not process.waitForFinished(3000):
            process.kill()
            process.waitForFinished(3000)
        process.deleteLater()

    def _read(self) -> None:
        if self.process is None:
            return
        records, self._buffer = json_lines(self._buffer, bytes(self.process.readAllStandardOutput().data()))
        for record in records:
            article_id = record.get("article")
            self.pending.discard(article_id)
            if record.get("stage") == "suggested":
                self.suggested.emit(article_id)
            elif record.get("stage") == "error":
                self.failed.emit(record.get("message", "model suggestions failed"))

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        process, self.process = self.process, None
        self.pending.clear()
        if process is None:
            return
        error = bytes(process.readAllStandardError().data()).decode("utf-8", "replace").strip()
        process.deleteLater()
        if code != 0:
            self.failed.emit("model suggestions stopped: " + (error.splitlines()[-1] if error else f"exit code {code}"))
