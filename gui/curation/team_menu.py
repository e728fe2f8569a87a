"""Project ▸ Team ▸ Hand out… and Bring back… (``team split`` and ``team merge``), Project ▸ Agreement…
and Project ▸ Team ▸ Curate this article… in the window, over ``storage.team``. The names are the issue's
words for the round trip: work is handed out, and brought back into the master.

The pickers and the modal run are methods (``choose_packets``, ``exec_dialog``…) so a test can
replace them on the instance, like ``gui.file_actions``.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog

from gui import file_dialogs
from gui.curation.team_dialogs import AgreementDialog, HandOutDialog
from gui.curation.view import CurationView
from storage.model import AnnotatorError

if TYPE_CHECKING:
    from gui.main_window import MainWindow

PACKET_FILTER = "Packets (*.sqlite);;All files (*)"


class TeamMenu(QObject):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.agreement_dialog: AgreementDialog | None = None
        self.menu = window.project_menu.addMenu("&Team")
        self.hand_out_action = self.menu.addAction("&Hand out…", self.hand_out)
        self.hand_out_action.setStatusTip("Write one packet (a project file) per annotator (team split)")
        self.merge_action = self.menu.addAction("&Bring back…", self.merge)
        self.merge_action.setStatusTip("Merge annotators' packets back into this project, one layer each (team merge)")
        self.menu.addSeparator()
        self.curate_action = self.menu.addAction("&Curate this article…", self.curate)
        # Agreement reads any project with two or more layers, packets or imports: Project's own item.
        self.agreement_action = window.project_menu.addAction("&Agreement…", self.show_agreement)
        self.curation_view: CurationView | None = None

    # -- pickers and messages (replaced in tests) --------------------------------------------

    def _folder(self) -> Path:
        path = self.window.project.path
        return path.parent / "packets" if path is not None else Path.home() / "packets"

    def choose_packets(self) -> list[Path]:
        return file_dialogs.open_files(self.window, "Bring back packets", str(self._folder()), PACKET_FILTER)

    def choose_folder(self) -> Path | None:
        return file_dialogs.folder(self.window, "Packets folder", str(self._folder().parent))

    def exec_dialog(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def show_report(self, title: str, lines: list[str]) -> None:
        self.window.file_actions.show_report(title, lines)  # type: ignore[union-attr]

    # -- actions -------------------------------------------------------------------------------

    def hand_out(self) -> bool:
        from storage.team.packets import split

        dialog = HandOutDialog(self.window, folder=self._folder(), choose_folder=self.choose_folder)
        accepted = self.exec_dialog(dialog)
        choice = dialog.choice()
        dialog.deleteLater()
        if not accepted:
            return False
        folder = choice.pop("folder")
        try:
            report = split(self.window.project, folder, **choice)
        except AnnotatorError as exc:
            self.show_report("Hand out", [f"Nothing handed out: {exc}"])
            return False
        lines = report.summary_lines()
        self.show_report("Hand out", [f"Wrote {len(report.packets)} packets to {folder}", *lines])
        return True

    def merge(self) -> bool:
        from storage.team.merge import merge_packets

        paths = self.choose_packets()
        if not paths:
            return False
        outcomes = merge_packets(self.window.project, paths)
        merged = sum(o.state == "merged" for o in outcomes)
        refused = sum(o.state == "refused" for o in outcomes)
        headline = f"Merged {merged} of {len(outcomes)} packets" + (f"; {refused} refused" if refused else "")
        self.window.refresh_articles()
        current = self.window.document.article
        self.window.open_article(current.id if current is not None else None)  # show the new layers
        # A blind curator reads "Annotator n" for every name, a refused packet's too (known to no layer).
        names = [o.annotator for o in outcomes if o.annotator]
        self.show_report("Bring back", [self.window.layer_view.blind(line, also=names)
                                        for line in (headline, *(o.line() for o in outcomes))])
        return merged > 0

    def show_agreement(self) -> AgreementDialog:
        from storage.team.agreement import agreement
        from storage.team.corpus import layer_names, read_layers

        conn = self.window.project.db.conn
        names = [n for n in layer_names(conn) if n != "gold"]  # gold is the verdict, not a rater
        report = agreement(read_layers(conn, annotators=names), names)
        if self.agreement_dialog is not None:
            self.agreement_dialog.close()
        self.agreement_dialog = AgreementDialog(report, self.window.open_article, self.window,
                                                name=self.window.layer_view.namer())
        self.agreement_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.agreement_dialog.destroyed.connect(lambda: setattr(self, "agreement_dialog", None))
        self.agreement_dialog.open()  # modeless: the window stays usable to look at articles
        return self.agreement_dialog

    def curate(self) -> CurationView | None:
        """Open the curation view on the window's article (two or more annotator layers needed)."""
        from storage.team.curation import annotator_layers

        article = self.window.document.article
        if article is None:
            self.window.refused("Open an article to curate first")
            return None
        if len(annotator_layers(self.window.project, article.id)) < 2:
            self.window.refused("This article has fewer than two annotator layers: nothing to adjudicate")
            return None
        if self.curation_view is not None:
            self.curation_view.close()
        self.curation_view = CurationView(self.window.project, article.id, parent=self.window,
                                          on_close=lambda: self._curated(article.id))
        # H hides or shows annotator names: the main window behind (its layer chooser) follows at once.
        self.curation_view.anonymous.toggled.connect(lambda _on: self.window.layer_view.refresh())
        self.curation_view.show()
        return self.curation_view

    def _curated(self, article_id: int) -> None:
        self.curation_view = None
        self.window.refresh_articles()  # the status may be curated now
        self.window.open_article(article_id)  # gold changed under the window's cache: read it again


def install_team_menu(window: "MainWindow") -> TeamMenu:
    """Project ▸ Team; returned so tests (and the curation view) can reach its actions."""
    return TeamMenu(window)
