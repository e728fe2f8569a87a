"""The training process: ``python -m storage.assist.train_process --project FILE``.

Run by the window (``gui.assist.training``, through QProcess) and by ``event-annotator assist
train``, so training never shares a process with the window. It prints one JSON object per line:
``{"stage": "train", "epoch": …}`` while it learns, ``{"stage": "suggest", …}`` while it suggests,
then ``{"stage": "done", "report": {…}}`` or ``{"stage": "error", "message": "…"}``. The project is
written once, at the end, in one transaction: killing this process cancels cleanly.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from storage.assist.model import save_model, train
from storage.assist.settings import load_settings
from storage.model import AnnotatorError
from storage.project import Project


def _emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage.assist.train_process")
    parser.add_argument("--project", required=True)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=45.0)
    args = parser.parse_args(argv)
    try:
        with Project.open(args.project) as project:
            nlp, report = train(project, load_settings(project), max_epochs=args.epochs,
                                max_seconds=args.max_seconds, progress=_emit)
            save_model(project, nlp, report, progress=_emit)
    except AnnotatorError as exc:
        _emit({"stage": "error", "message": str(exc)})
        return 1
    _emit({"stage": "done", "report": json.loads(report.to_json())})
    return 0


if __name__ == "__main__":
    sys.exit(run())
