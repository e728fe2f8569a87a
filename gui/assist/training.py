"""Training the model from the window: ``storage.assist.train_process`` in a QProcess, so the
window never stalls; its JSON lines become progress, and Cancel kills it (the project changes only
in the process's last transaction, so a cancelled training leaves it as it was)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal

import storage
from storage.assist.model import TrainingReport


def json_lines(buffer: bytes, data: bytes) -> tuple[list[dict], bytes]:
    """The complete JSON lines of ``buffer + data`` (others skipped) and the unfinished rest."""
    *lines, rest = (buffer + data).split(b"\n")
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records, rest


def python_process(parent: QObject) -> QProcess:
    """A QProcess for ``python -m storage.assist.…`` that imports our storage package from where
    this one did, installed or not."""
    process = QProcess(parent)
    environment = QProcessEnvironment.systemEnvironment()
    root = str(Path(storage.__file__).resolve().parents[1])
    previous = environment.value("PYTHONPATH")
    environment.insert("PYTHONPATH", root + (f":{previous}" if previous else ""))
    process.setProcessEnvironment(environment)
    return process


class TrainingRunner(QObject):
    """One training at a time; ``progressed(text, percent)``, then ``finished(report or None, error)``."""

    progressed = Signal(str, int)
    finished = Signal(object, str)  # TrainingReport | None, error message ("" when it worked or was cancelled)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.process: QProcess | None = None
        self._buffer = b""
        self._report: TrainingReport | None = None
        self._error = ""
        self._cancelled = False

    @property
    def running(self) -> bool:
        return self.process is not None

    def start(self, project_path: Path, *, epochs: int = 10, max_seconds: float = 45.0) -> bool:
        if self.process is not None:
            return False
        process = python_process(self)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._finished)
        self.process, self._buffer, self._report, self._error, self._cancelled = process, b"", None, "", False
        process.start(sys.executable, ["-m", "storage.assist.train_process", "--project", str(project_path),
                                       "--epochs", str(epochs), "--max-seconds", str(max_seconds)])
        self.progressed.emit("Training started", 0)
        return True

    def cancel(self) -> None:
        if self.process is not None:
            self._cancelled = True
            self.process.kill()

    def stop(self) -> None:
        """Cancel and wait for the process to end (the window is closing: no orphan, no Qt warning)."""
        process = self.process
        if process is not None:
            self.cancel()
            process.waitForFinished(5000)

    def _read(self) -> None:
        if self.process is not None:
            self._take(bytes(self.process.readAllStandardOutput().data()))

    def _take(self, data: bytes) -> None:
        records, self._buffer = json_lines(self._buffer, data)
        for record in records:
            stage = record.get("stage")
            if stage == "train":
                self.progressed.emit(f"Training: epoch {record['epoch']} of {record['epochs']}",
                                     int(80 * record["epoch"] / record["epochs"]))
            elif stage == "suggest":
                self.progressed.emit(f"Suggesting: {record['done']} of {record['of']} unfinished articles",
                                     80 + int(20 * record["done"] / max(1, record["of"])))
            elif stage == "done":
                self._report = TrainingReport.from_json(json.dumps(record["report"]))
            elif stage == "error":
                self._error = record.get("message", "training failed")

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        self._take(bytes(process.readAllStandardOutput().data()) + b"\n")
        stderr = bytes(process.readAllStandardError().data()).decode("utf-8", "replace").strip()
        process.deleteLater()
        if self._cancelled:
            self.finished.emit(None, "")
            return
        error = self._error
        if not error and (code != 0 or self._report is None):
            error = "training stopped: " + (stderr.splitlines()[-1] if stderr else f"exit code {code}")
        self.finished.emit(None if error else self._report, error)
