"""Render the README's screenshots: the window annotating the sample article, with one event
frame selected and its arguments marked.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshot.py [OUT_DIR]

Builds a throw-away project, tags spans through the same document operations the keys use,
and saves ``window.png`` (and ``event.png``, the Events dock close up) in OUT_DIR (default docs/).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.app import create_main_window  # noqa: E402

SPANS = [  # (text, occurrence, label)
    ("aid convoy", 0, "ACTOR"), ("Velmora", 0, "LOCATION"), ("reaches", 0, "EVENT"),
    ("An aid convoy of forty trucks", 0, "ACTOR"), ("reached", 0, "EVENT"), ("Velmora", 1, "LOCATION"),
    ("Northern Liberation Front", 0, "ACTOR"), ("government forces", 0, "ACTOR"),
    ("agreed", 0, "EVENT"), ("Red Crescent", 0, "ACTOR"), ("United Nations observers", 0, "ACTOR"),
    ("Sarn river bridge", 0, "LOCATION"), ("Rebels", 0, "ACTOR"), ("entered", 0, "EVENT"),
    ("eastern districts of the city", 0, "LOCATION"), ("army", 0, "ACTOR"), ("Kessa", 0, "LOCATION"),
    ("Dorvan", 0, "LOCATION"), ("foreign ministry", 0, "ACTOR"), ("condemned", 0, "EVENT"),
]


def find(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def main(out_dir: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.IniFormat)
        settings.setValue("annotator", "docs")
        settings.setValue("open_frame_on_tag", False)
        window = create_main_window(Path(tmp) / "sample.sqlite", settings)
        window.resize(1400, 900)
        window.show()
        doc = window.document
        ids: dict[tuple[str, int], int] = {}
        for needle, occurrence, label in SPANS:
            doc.tag(*find(doc.text, needle, occurrence), label)
            ids[(needle, occurrence)] = doc.current_span_id
        # PLOVER 2.0 (the default scheme): two-sided fighting puts every party in actor.
        trigger = ids[("entered", 0)]
        doc.create_event(trigger, "ASSAULT")
        event_id = doc.current_event_id
        doc.add_argument(event_id, "actor", ids[("Rebels", 0)])
        doc.add_argument(event_id, "actor", ids[("army", 0)])
        doc.add_argument(event_id, "location", ids[("eastern districts of the city", 0)])
        doc.set_event_attribute(event_id, "context", ["military"])
        doc.create_event(ids[("agreed", 0)], "AGREE")
        doc.add_argument(doc.current_event_id, "actor", ids[("Northern Liberation Front", 0)])
        doc.add_argument(doc.current_event_id, "actor", ids[("government forces", 0)])
        doc.create_event(ids[("condemned", 0)], "ACCUSE")
        doc.add_argument(doc.current_event_id, "actor", ids[("foreign ministry", 0)])
        doc.set_event_attribute(doc.current_event_id, "mode", ["disapprove"])
        doc.select_span(trigger)
        window.view.select_range(*find(doc.text, "Rebels", 0))
        window.view.setTextCursor(window.view.textCursor())  # keep the caret, drop the highlight
        cursor = window.view.textCursor()
        cursor.clearSelection()
        window.view.setTextCursor(cursor)
        for _ in range(5):
            app.processEvents()
        out_dir.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out_dir / "window.png"))
        dock = window.event_panel.parentWidget()
        dock.grab().save(str(out_dir / "event.png"))
        window.close()
        window.project.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
