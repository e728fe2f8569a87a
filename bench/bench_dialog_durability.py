"""The file-dialog run of issue 7 §1, many times: no acknowledged edit lost, the file intact.

    .venv/bin/python bench/bench_dialog_durability.py              50 runs
    .venv/bin/python bench/bench_dialog_durability.py --runs 5     a smoke run

Each run: a project opened on tmp/proj/p.sqlite; a file chooser lists proj/ (all files, list
and details, painted) and is cancelled; `event-annotator import` (a real second process) opens,
reads, writes and exits; then 5 spans are tagged; a third process reads the file. Counted:
acknowledged spans, spans the third process does not see (lost), integrity_check failures,
runs where the process's locks were gone after the dialog.

Beside it, the baseline measured in the same run: Qt's own QFileDialog (what the window used
before) on a bare store connection with no lock check. Also the cost of the check the window
makes before each write (``Project.file_problem``) beside the bare write it guards (``add_span``).

Exits 1 when ours loses a span, fails integrity or loses its locks.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QToolButton  # noqa: E402

from gui import file_dialogs  # noqa: E402
from storage.locks import held_locks  # noqa: E402
from storage.project import Project  # noqa: E402

TEXT = "Rebels entered Velmora after heavy fighting with the army near the river crossing at dawn."
CHECK = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(json.dumps([db.execute("SELECT count(*) FROM spans").fetchone()[0],
                  db.execute("PRAGMA integrity_check").fetchone()[0]]))
"""


def list_and_cancel(dialog: QFileDialog, folder: Path) -> None:
    """Show the dialog on ``folder`` until its files are listed and painted, then cancel it."""
    dialog.setNameFilter("All files (*)")
    dialog.show()
    model = dialog.findChild(QFileSystemModel)
    loop = QEventLoop()
    model.directoryLoaded.connect(lambda _path: loop.quit())
    QTimer.singleShot(5000, loop.quit)  # bounded: a run never hangs
    loop.exec()
    dialog.grab()
    dialog.findChild(QToolButton, "detailModeButton").click()
    dialog.grab()
    dialog.reject()
    dialog.deleteLater()
    QApplication.processEvents()


def one_run(base: Path, *, ours: bool) -> dict[str, int]:
    folder = base / "proj"
    project = Project.open(folder / "p.sqlite")
    article = project.add_article(text=TEXT, title="Velmora")
    (base / "other.txt").write_text(f"Another article {base.name}.", encoding="utf-8")
    dialog = (file_dialogs.make_dialog(None, "Import", folder) if ours
              else QFileDialog(None, "Import", str(folder)))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    list_and_cancel(dialog, folder)
    locks_lost = int(not held_locks(project.path))
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--project", str(project.path), "import",
                    str(base / "other.txt")], cwd=ROOT, capture_output=True, check=True, timeout=120)
    acknowledged = 0
    for start in range(0, 40, 8):
        if ours and project.file_problem() is not None:  # what the window does before each write
            project.reconnect()
        project.add_span(article.id, start, start + 6, "ACTOR")
        acknowledged += 1
    done = subprocess.run([sys.executable, "-c", CHECK, str(project.path)], capture_output=True,
                          text=True, check=True, timeout=120)
    seen, integrity = json.loads(done.stdout)
    project.close()
    return {"acknowledged": acknowledged, "lost": acknowledged - seen, "integrity failures": int(integrity != "ok"),
            "locks lost": locks_lost}


def check_cost(base: Path, n: int = 1000) -> tuple[float, float]:
    """µs per bare ``add_span`` (the write the check guards) and per ``file_problem`` check."""
    project = Project.open(base / "cost.sqlite")
    article = project.add_article(text="x " * (n + 10), title="cost")
    started = time.perf_counter()
    for i in range(n):
        project.add_span(article.id, 2 * i, 2 * i + 1, "ACTOR")
    write = (time.perf_counter() - started) / n * 1e6
    started = time.perf_counter()
    for _ in range(n):
        project.file_problem()
    check = (time.perf_counter() - started) / n * 1e6
    project.close()
    return write, check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    QApplication.instance() or QApplication([])
    totals = {True: {}, False: {}}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for ours in (True, False):
                base = Path(tmp) / f"{'ours' if ours else 'qt'}{run}"
                for key, value in one_run(base, ours=ours).items():
                    totals[ours][key] = totals[ours].get(key, 0) + value
        write, check = check_cost(Path(tmp))
    print(f"{args.runs} runs each: dialog listed and cancelled, another process imported, 5 spans tagged")
    print(f"{'':22}{'ours (gui.file_dialogs + check)':>34}{'baseline (QFileDialog, bare)':>32}")
    for key in ("acknowledged", "lost", "integrity failures", "locks lost"):
        print(f"{key:22}{totals[True][key]:>34}{totals[False][key]:>32}")
    print(f"the check before each window write: {check:.0f} µs; the write itself (add_span, bare): {write:.0f} µs")
    failed = totals[True]["lost"] or totals[True]["integrity failures"] or totals[True]["locks lost"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
