"""One annotator layer at a time in the main window of a master project (issue 10).

A master holds several annotators' layers and the curator's gold over the same words; shown
stacked, ana's and ben's spans cannot be told apart, and a new span would go who knows where.
So where a project has team layers (``storage.team.article_layers.has_team_layers``: packets
brought back, ``import --annotator``) the window shows one layer, as INCEpTION and brat do:

* the chooser beside the article's date line and View ▸ Layer list the article's layers with what
  each holds there, the user's own and gold; **Ctrl+Shift+L** steps to the next one;
* *Automatic* (the start) shows gold where the article has gold, else the only layer it has,
  else the user's own; a layer the user picks stays chosen from article to article;
* what is typed goes into the shown layer (spans, frames, attributes: the document writes as that
  layer's annotator), the title says which (``news · layer: gold``), and the Annotations and
  Events lists hold only its annotations;
* *All layers (read-only)* shows everything stacked with a Layer column in both lists; every edit
  is refused there with a plain message saying how to choose a layer.

The filtering is the curation gold editor's: ``AnnotationDocument.layer`` (``Project.spans(layer=…)``),
set before the article is read (``AnnotationDocument.before_open``), so an article is read once.
A project without team layers (an ordinary one, a packet) shows everything and writes as the user,
as it always did: no chooser, no menu, nothing read per article.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from gui.document import STORE_ERRORS, AnnotationDocument
from gui.article_list import STATUS_NAMES
from gui.plain import menu_text
from storage.model import Span
from storage.team.article_layers import (
    LayerSummary,
    article_layers,
    default_layer,
    has_team_layers,
    layer_title,
    recorded_layers,
)
from storage.team.curation import annotator_layers, blind_text, names_hidden, shown_name
from storage.team.layer_status import OWN_STATUS, layer_statuses, status_home, status_sql
from storage.team.packets import GOLD, packet_owner

if TYPE_CHECKING:
    from gui.main_window import MainWindow

NEXT_LAYER_KEY = "Ctrl+Shift+L"
AUTOMATIC, ALL = "automatic", "all"  # the two choices that are not a layer's name
READ_ONLY = f"All layers are shown read-only: choose one layer to edit it (View ▸ Layer, {NEXT_LAYER_KEY})"


def _spans(count: int) -> str:
    return f"{count:,} span{'' if count == 1 else 's'}"


class LayerView(QObject):
    """The layer chooser (a combo box and View ▸ Layer), deciding what the window's document shows."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.layered = False  # the project has team layers: the chooser is shown
        self.choice = AUTOMATIC  # AUTOMATIC, ALL or a layer's name ("" the unnamed layer)
        self.own = window.annotator
        self.summaries: dict[str, LayerSummary] = {}
        self.names: list[str] = []  # the layers offered for the open article, in menu order
        # Blind adjudication (H in the curation view): annotators are "Annotator n" here too,
        # numbered as the curation view numbers the article's annotators, then any other layer.
        self.hidden = False
        self.numbered: list[str] = []
        self._document: AnnotationDocument | None = None
        self._create_widgets()
        self._create_menu()

    def _create_widgets(self) -> None:
        self.widget = QWidget(self.window)
        self.widget.setObjectName("layer_chooser")
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Layer:", self.widget)
        self.combo = QComboBox(self.widget)
        self.combo.setObjectName("layer_combo")
        self.combo.setToolTip(f"The annotator layer shown and edited here ({NEXT_LAYER_KEY}: next layer)")
        # Wide enough for "Automatic: gold" or "ben · 1,234 spans", steady as counts change while tagging.
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(18)
        self.combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab stays in the text and the lists
        self.combo.activated.connect(lambda row: self.choose(self.combo.itemData(row)))
        caption.setBuddy(self.combo)
        layout.addWidget(caption)
        layout.addWidget(self.combo)
        self.widget.hide()

    def _create_menu(self) -> None:
        self.menu = self.window.view_menu.addMenu("La&yer")
        self.menu.menuAction().setVisible(False)
        self.group = QActionGroup(self.menu)
        self.next_action = QAction("&Next layer", self.window)
        self.next_action.setShortcut(QKeySequence(NEXT_LAYER_KEY))
        self.next_action.triggered.connect(lambda _c=False: self.step())
        self.window.addAction(self.next_action)  # works with the menu closed

    # -- the window's document ---------------------------------------------------------------

    def attach(self, document: AnnotationDocument) -> None:
        """Decide the layer of every article ``document`` opens (a new project: automatic again)."""
        self._document = document
        self.own = document.annotator or self.own
        self.choice = AUTOMATIC
        document.before_open = self._before_open
        document.articleOpened.connect(lambda _article: self._sync())
        document.spanAdded.connect(self._counted)
        document.spanRemoved.connect(self._counted)
        document.statusChanged.connect(self._status_set)

    @property
    def document(self) -> AnnotationDocument:
        assert self._document is not None
        return self._document

    def _team_project(self) -> bool:
        project = self.document.project
        return packet_owner(project) is None and has_team_layers(project)

    def _before_open(self, article_id: int) -> None:
        """Set the document's layer, writer and read-only state for ``article_id``, before it is read."""
        doc = self.document
        self.layered = self._team_project()
        doc.status_layer = None  # the article's own status: an ordinary project, gold, all layers
        if not self.layered:
            doc.layer, doc.annotator, doc.read_only = None, self.own, None
            self.summaries = {}
            return
        self.summaries = article_layers(doc.project, article_id)
        if self.choice == ALL:
            doc.layer, doc.annotator, doc.read_only = None, self.own, READ_ONLY
            return
        name = self.shown_layer()
        assert name is not None
        doc.layer, doc.annotator, doc.read_only = name, name or None, None
        doc.status_layer = status_home(doc.project.db.conn, name)  # every status belongs to a layer

    def shown_layer(self) -> str | None:
        """The layer shown now (None: every layer, read-only); automatic resolves per article."""
        if self.choice == ALL:
            return None
        return self.automatic_layer() if self.choice == AUTOMATIC else self.choice

    def automatic_layer(self) -> str:
        """Gold where the open article has it, else the only layer that annotated it, else the user's own."""
        present = [name for name, summary in self.summaries.items() if summary.annotated]
        return default_layer(present, own=self.own)

    # -- choosing ------------------------------------------------------------------------------

    def choose(self, choice: str) -> None:
        """Show ``choice`` (AUTOMATIC, ALL or a layer's name) and read the open article again.

        The undo history goes with it, as with opening another article: its commands wrote into
        the layer that was shown.
        """
        if not self.layered:
            self.window.refused("This project has one layer: there is no other to show")
            return
        self.choice = choice
        self.document.reload()
        shown = self.shown_layer()
        self.window.refused(f"Showing all layers, read-only: choose one to edit it ({NEXT_LAYER_KEY})"
                            if shown is None else f"Showing layer {self.name(shown)}: what you tag goes into it")

    def step(self) -> None:
        """Ctrl+Shift+L: the next layer of the list, then all layers, then the first again."""
        if not self.layered:
            self.window.refused("This project has one layer: there is no other to show")
            return
        order: list[str] = [*self.names, ALL]
        shown = self.shown_layer()
        here = ALL if shown is None else shown
        self.choose(order[(order.index(here) + 1) % len(order)] if here in order else order[0])

    def refresh(self) -> None:
        """After changes from elsewhere (a poll, an import, a merge by command, H in the curation
        view): counts and names again, and the article read again if the project gained or lost
        its team layers meanwhile."""
        doc = self.document
        if doc.article is None:
            return
        if self._team_project() != self.layered:
            doc.reload()
            return
        if self.layered:
            self.summaries = article_layers(doc.project, doc.article.id)
            if self.shown_layer() != doc.layer:  # automatic, and the article has gold now (curated meanwhile)
                doc.reload()
                return
        self._sync()  # names hidden or shown again (H in the curation view) reach every text

    # -- what the window says ------------------------------------------------------------------

    def name(self, layer: str | None) -> str:
        """A layer's name as the window shows it: "(unnamed)" for nobody's, and "Annotator n" for an
        annotator's while the curator adjudicates blind (``storage.team.curation.shown_name``)."""
        if self.hidden and layer and layer != GOLD and (layer != self.own or layer in self.numbered):
            return shown_name(layer, self.numbered, hidden=True)
        return layer_title(layer)

    def _names_now(self) -> None:
        """Whether names are hidden now, and the annotators' numbering for the open article."""
        doc = self.document
        self.hidden = names_hidden(doc.project)
        if not self.hidden:
            self.numbered = []
            return
        article = annotator_layers(doc.project, doc.article.id) if doc.article is not None else []
        others = sorted({*recorded_layers(doc.project), *self.summaries} - {*article, GOLD, "", self.own})
        self.numbered = [*article, *others]

    def _status_set(self, _article_id: int, status: str) -> None:
        """The shown layer's status changed (a status key): its line in the chooser says so."""
        name = self.document.layer
        if self.layered and name is not None and name in self.summaries:
            old = self.summaries[name]
            self.summaries[name] = LayerSummary(name, old.spans, old.events, status)
            self._fill_combo()
            self._fill_menu()

    def status_text(self, shown: str) -> str:
        """The article's status as the date line says it: ``shown`` (the shown layer's, in words),
        or with all layers shown each layer's, "gold: Curated · ana: Done" (read-only there)."""
        doc = self.document
        if not self.layered or self.shown_layer() is not None or doc.article is None:
            return shown
        statuses = layer_statuses(doc.project.db.conn, doc.article.id)
        return " · ".join(f"{self.name(name)}: {STATUS_NAMES.get(status, status)}"
                          for name, status in statuses.items())

    def _status_source(self) -> str:
        """How the article list reads each row's status: the shown layer's (automatic: per article)."""
        conn = self.document.project.db.conn
        if not self.layered or self.choice == ALL:
            return OWN_STATUS
        return status_sql(conn, None if self.choice == AUTOMATIC else self.choice, own=self.own)

    def namer(self) -> Callable[[str], str]:
        """How a dialog of the whole project (Statistics, Agreement, Export) names a layer: as the
        window does now (:meth:`name`: "Annotator n" while the curator adjudicates blind, numbered
        as the open article's curation view numbers them, then the other layers)."""
        self._names_now()
        return self.name

    def blind(self, text: str, *, also: Iterable[str] = ()) -> str:
        """A message for the curator's screen (a refusal from storage, a report's line) in the words
        the window uses now: while names are hidden every annotator's name in it becomes "Annotator n",
        numbered as :meth:`name` numbers them; ``also``: names the project does not know yet (a
        refused packet's annotator), numbered after them. Every window sink of storage's words calls
        this (the status bar, reports, error boxes), so no refusal needs a blind version of its own."""
        try:
            self._names_now()
        except STORE_ERRORS:  # the file refuses to be read (the message may say so): as last known
            pass
        if not self.hidden:
            return text
        return blind_text(text, [*self.numbered, *(n for n in also if n and n not in self.numbered)])

    def _counted(self, _span: Span) -> None:
        if self.layered and self.document.layer is not None:
            name = self.document.layer
            old = self.summaries.get(name, LayerSummary(name))
            self.summaries[name] = LayerSummary(name, len(self.document.spans), old.events, old.status)
            self._fill_combo()

    def article_span_total(self, shown: int) -> int:
        """All layers' spans on the open article, given ``shown`` spans in the shown layer."""
        layer = self.document.layer
        if not self.layered or layer is None:
            return shown
        return shown + sum(s.spans for name, s in self.summaries.items() if name != layer)

    def span_count_text(self, shown: int) -> str:
        """The status bar's count: "12 spans in gold" in a master, "12 spans" elsewhere."""
        if not self.layered:
            return _spans(shown)
        layer = self.document.layer
        return f"{_spans(shown)}, all layers" if layer is None else f"{_spans(shown)} in {self.name(layer)}"

    def title_note(self) -> str:
        """What the window's title adds: which layer is shown (nothing for a one-layer project)."""
        if not self.layered:
            return ""
        shown = self.shown_layer()
        return " · all layers (read-only)" if shown is None else f" · layer: {self.name(shown)}"

    def _sync(self) -> None:
        """Chooser, menu, title and the lists' Layer column after an article opened (or the choice changed)."""
        window = self.window
        self._names_now()
        window.annotation_list.model.layer_name = self.name
        if window.article_list.model.set_status_sql(self._status_source()):
            window.refresh_articles()  # the rows' statuses, the done count: the shown layer's now
        self.widget.setVisible(self.layered)
        self.menu.menuAction().setVisible(self.layered)
        window.show_title()
        shown_all = self.layered and self.shown_layer() is None
        window.annotation_list.show_all_layers(shown_all)
        panel = getattr(window, "event_panel", None)  # installed after the first article opened
        if panel is not None:
            panel.events_model.layer_name = self.name
            panel.show_all_layers(shown_all)
        if not self.layered:
            self.names = []
            return
        recorded = recorded_layers(self.document.project)
        others = sorted({*recorded, *self.summaries, self.own} - {GOLD})
        self.names = [GOLD, *others]
        self._fill_combo()
        self._fill_menu()

    def _describe(self, name: str, *, long: bool = False) -> str:
        summary = self.summaries.get(name, LayerSummary(name))
        text = self.name(name) + (" (you)" if name == self.own else "")
        if not long:
            return f"{text} · {_spans(summary.spans)}"
        parts = [_spans(summary.spans)] + ([f"{summary.events} event{'' if summary.events == 1 else 's'}"]
                                           if summary.events else [])
        return f"{text}: {', '.join(parts)}" + (f" ({summary.status.replace('_', ' ')})" if summary.status else "")

    def _fill_combo(self) -> None:
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(f"Automatic: {self.name(self.automatic_layer())}", AUTOMATIC)
        for name in self.names:
            combo.addItem(self._describe(name), name)
            combo.setItemData(combo.count() - 1, self._describe(name, long=True), Qt.ItemDataRole.ToolTipRole)
        combo.addItem("All layers (read-only)", ALL)
        combo.setCurrentIndex(max(0, combo.findData(self.choice)))
        combo.blockSignals(False)

    def _fill_menu(self) -> None:
        menu = self.menu
        for action in self.group.actions():
            self.group.removeAction(action)
        menu.clear()

        def add(text: str, choice: str) -> None:
            action = menu.addAction(menu_text(text))
            action.setCheckable(True)
            action.setChecked(choice == self.choice)
            action.setData(choice)
            action.triggered.connect(lambda _c=False, choice=choice: self.choose(choice))
            self.group.addAction(action)

        add(f"Automatic: {self.name(self.automatic_layer())} (gold, else the only layer, else yours)", AUTOMATIC)
        menu.addSeparator()
        for name in self.names:
            add(self._describe(name, long=True), name)
        menu.addSeparator()
        add("All layers (read-only)", ALL)
        menu.addSeparator()
        menu.addAction(self.next_action)


def install_layer_view(window: "MainWindow") -> LayerView:
    """The chooser and View ▸ Layer; ``window`` places ``.widget`` and calls ``attach`` per document."""
    return LayerView(window)
