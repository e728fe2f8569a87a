"""A long article's suggestions from ``storage.assist.match_process``, in a QProcess.

The process is started on the first request and kept for the next ones (Python, SQLite and the
project's dictionary are then loaded). At most one request is in flight: a newer one while the
process is still busy with an older one kills it, since what it computes is stale, and starts a
fresh process (a stale computation left running would take a core from the next article's
opening). Its answer reaches the window through QProcess's notifier on its stdout: the window's
thread reads only when bytes arrive, and takes the result in once all of it is there (a copy per
column: ``SuggestionTable``), so nothing here blocks or waits.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal

from gui.assist.training import python_process
from storage.assist.suggestion_table import SuggestionTable


class MatchRunner(QObject):
    """``request(project, article, revision)``; ``computed(article id, revision, SuggestionTable)``
    for the request waited for, never for an older one; ``failed(message)``."""

    computed = Signal(int, int, object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.process: QProcess | None = None
        self.project_path: Path | None = None
        self.waiting: tuple[int, int] | None = None  # (article id, revision) asked and not answered
        self._header: dict | None = None  # an answer's first line, its bytes still arriving
        self._dying: list[QProcess] = []  # killed, not yet reaped
        self.started = 0  # processes started and killed, for tests and the bench
        self.killed = 0

    @property
    def busy(self) -> bool:
        return self.waiting is not None

    def request(self, project_path: Path, article_id: int, revision: int, *, layer: str | None = None) -> None:
        """Have the article's suggestions computed; an older request still running is killed."""
        if self.process is not None and (self.busy or self.project_path != project_path):
            self.kill()
        if self.process is None:
            process = python_process(self)
            process.readyReadStandardOutput.connect(self._read)
            process.finished.connect(self._finished)
            process.errorOccurred.connect(self._error)
            self.process, self.project_path, self._header = process, project_path, None
            process.start(sys.executable, ["-m", "storage.assist.match_process", "--project", str(project_path)])
            self.started += 1
        self.waiting = (article_id, revision)
        request = {"article": article_id, "revision": revision, "layer": layer}
        self.process.write(json.dumps(request).encode() + b"\n")

    def cancel(self) -> None:
        """Nothing is waited for any more: a busy process is killed (its work is stale), an idle one kept."""
        if self.busy:
            self.kill()

    def kill(self) -> None:
        """End the process now, whatever it is doing; what it would have answered is dropped."""
        process, self.process = self.process, None
        self.waiting, self._header = None, None
        if process is None:
            return
        process.readyReadStandardOutput.disconnect(self._read)
        process.finished.disconnect(self._finished)
        process.errorOccurred.disconnect(self._error)
        if process.state() != QProcess.ProcessState.NotRunning:
            self.killed += 1
            # Not waited for here: Qt reaps it when it has ended, then it is deleted.
            self._dying.append(process)
            process.finished.connect(lambda *_: self._reaped(process))
            process.kill()
        else:
            process.deleteLater()

    def _reaped(self, process: QProcess) -> None:
        if process in self._dying:
            self._dying.remove(process)
        process.deleteLater()

    def stop(self) -> None:
        """The window is closing or another project opens: no process left behind (the killed
        ones are waited for, which takes no time: SIGKILL cannot be ignored)."""
        self.kill()
        for process in list(self._dying):
            process.waitForFinished(3000)

    def _read(self) -> None:
        process = self.process
        while process is not None and process is self.process:
            if self._header is None:
                if not process.canReadLine():
                    return
                try:
                    header = json.loads(bytes(process.readLine().data()))
                except json.JSONDecodeError:
                    continue
                if header.get("stage") != "suggested":
                    self._answered(header, None)
                    continue
                self._header = header
            if process.bytesAvailable() < int(self._header["bytes"]):
                return  # the rest comes with a later notification
            header, self._header = self._header, None
            data = bytes(process.read(int(header["bytes"])).data())
            try:
                table = SuggestionTable.from_bytes(header, data)
            except (ValueError, KeyError) as exc:
                self._answered({**header, "stage": "error", "message": f"unreadable suggestions: {exc}"}, None)
                continue
            self._answered(header, table)

    def _answered(self, header: dict, table: SuggestionTable | None) -> None:
        asked = (header.get("article"), header.get("revision"))
        if asked != self.waiting:
            return  # an answer to a request since replaced
        self.waiting = None
        if table is None:
            self.failed.emit(f"Suggestions failed: {header.get('message', 'unknown error')}")
        else:
            self.computed.emit(asked[0], asked[1], table)

    def _error(self, error: QProcess.ProcessError) -> None:
        """Python could not even be started: no ``finished`` follows, so say it here."""
        if error == QProcess.ProcessError.FailedToStart and self.process is not None:
            process, self.process, self.waiting = self.process, None, None
            process.deleteLater()
            self.failed.emit(f"Suggestions stopped: {process.errorString()}")

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        process, self.process = self.process, None
        waited, self.waiting, self._header = self.waiting, None, None
        if process is None:
            return
        error = bytes(process.readAllStandardError().data()).decode("utf-8", "replace").strip()
        process.deleteLater()
        if waited is not None or code != 0:
            self.failed.emit("Suggestions stopped: " + (error.splitlines()[-1] if error else f"exit code {code}"))
