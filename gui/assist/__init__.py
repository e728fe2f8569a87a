"""The window's side of the assistance (issue 11): ``install_assist(window)`` adds the Assist menu,
its keys, the suggestion overlay and the recommenders' settings. Qt-free logic is in ``storage/assist``."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gui.assist.controller import AssistController
    from gui.main_window import MainWindow


def install_assist(window: "MainWindow") -> "AssistController":
    """Wire the assistance into ``window`` (called once, like ``install_event_panel``)."""
    from gui.assist.controller import AssistController

    return AssistController(window)
