"""Project ▸ Team's agreement dialog on a real two-annotator example (bratiaa's Lisa and Maria),
in a light and a dark palette: every label row fits without scrolling on a 1024×700 screen, and
the two bars per label differ by pattern, in a colour that stands out from the window."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from gui.colours import contrast_ratio
from gui.curation.team_dialogs import AgreementDialog, HandOutDialog
from storage.importing import ImportOptions, import_paths
from storage.project import Project
from storage.team.agreement import agreement
from storage.team.corpus import read_layers
from tests.storage.importing.helpers import INTEROP

DARK = {"Window": "#2b2b2b", "WindowText": "#e6e6e6", "Base": "#1e1e1e", "Text": "#e6e6e6",
        "Button": "#353535", "ButtonText": "#e6e6e6", "Highlight": "#264f78", "HighlightedText": "#ffffff"}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("agreement") / "p.sqlite"
    with Project.open(path) as project:
        for name in ("Lisa", "Maria"):
            files = sorted((INTEROP / "multi-annotator").glob(f"*__{name}__*.ann"))
            assert import_paths(project, files, options=ImportOptions(annotator=name.lower())).ok
        return agreement(read_layers(project.db.conn), ["lisa", "maria"])


def palette_of(widget, theme):
    palette = QPalette(widget.palette())
    if theme == "dark":
        for role, colour in DARK.items():
            palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    return palette


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_agreement_dialog_is_legible_and_fits_a_small_screen(qtbot, report, theme):
    opened = []
    dialog = AgreementDialog(report, opened.append)
    qtbot.addWidget(dialog)
    dialog.setPalette(palette_of(dialog, theme))
    dialog.resize(1024, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.minimumSizeHint().height() <= 700
    assert dialog.label_table.rowCount() == 5  # LOC, MISC, ORG, PER, overall: all in view, no scrolling
    assert dialog.label_table.verticalScrollBar().maximum() == 0
    assert not dialog.lowest.horizontalScrollBar().isVisible()  # a long headline is elided instead
    window = dialog.palette().color(QPalette.ColorRole.Window)
    bars = dialog.bars
    colour = bars.bar_colour()
    assert contrast_ratio(colour, window) >= 3.0
    image = bars.grab().toImage()
    ratio = image.devicePixelRatio()
    misc = [row[0] for row in bars.rows].index("MISC")
    half = (bars.ROW - 8) // 2
    exact_y, overlap_y = 4 + misc * bars.ROW + half // 2, 4 + misc * bars.ROW + half + 2 + half // 2

    def painted(y):  # pixels of the bar colour along one line through a bar
        return sum(image.pixelColor(int(x * ratio), int(y * ratio)).rgb() == colour.rgb() for x in range(bars.width()))

    exact, overlap = painted(exact_y), painted(overlap_y)
    assert exact > 100 and 0 < overlap < exact  # solid versus hatched, same colour, whatever the palette
    dialog.lowest.itemClicked.emit(dialog.lowest.item(0))
    assert opened == [report["lowest_articles"][0]["id"]]


def test_hand_out_dialog_leaves_room_for_a_folder_path(qtbot, tmp_path):
    dialog = HandOutDialog(None, folder=tmp_path / "packets", choose_folder=lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() >= 560
    assert dialog.choice()["folder"] == tmp_path / "packets"
