"""The curation view: one article's disagreements between annotator layers, decided from the keyboard.

On open, what every annotator agrees on goes to gold by itself (``storage.team.curation``, and
``curation_frames`` for event frames). Then: **N**/**J** next open disagreement, **P**/**K**
previous, **1**–**9** take that annotator's version into gold (on a frame: the whole frame),
**R**/**Shift+R** choose a role, **F**/**Shift+F** gold's frame where gold has several, and
**Alt+1**–**Alt+9** take only that role's fillers onto it (``frames``),
**X** reject (gold gets nothing there), **Ctrl+Z**/**Ctrl+Shift+Z** undo and redo,
**Ctrl+Return** mark the article curated, **H** hide or show annotator names (remembered in the
project), **G** edit gold
directly in its text (``gold_editor``), **E** open gold's frame at a frame place. Every decision
and direct edit is one command on the view's undo stack and is on disk before the list changes.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import attrgetter, sub
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.article_list import STATUS_NAMES
from gui.curation import frames
from gui.curation.gold_editor import GoldEditor
from gui.curation.place_list import PlaceList
from gui.plain import excerpt, key_line, plain_tooltip, quote
from gui.role_slot import plain_label
from storage.importing.report import plural
from storage.model import AnnotatorError, Span
from storage.project import Project
from storage.team import curation, curation_frames

_START, _END, _DECISION = attrgetter("start"), attrgetter("end"), attrgetter("decision")
CONTEXT = 60  # characters of text shown on each side of a unit
KEYS = ("N/J next", "P/K previous", "1–9 take a version (a whole frame)", "X reject", "R/Shift+R role",
        "F gold's frame", "Alt+1–9 take that role", "G edit gold", "E gold's frame", "Ctrl+Z undo",
        "Ctrl+Return curated")


class DecideCommand(QUndoCommand):
    """Take one annotator's version, or reject: done once on push, then undo/redo through the store."""

    def __init__(self, view: "CurationView", unit: curation.Unit, annotator: str | None) -> None:
        super().__init__(f"Take {annotator}'s version" if annotator else "Reject")
        self.view, self.unit, self.annotator = view, unit, annotator
        self.change: curation.Change | None = None
        self._skip_next_redo = False

    def first(self) -> None:
        """Decide once, before the push; raises AnnotatorError when the store refuses."""
        project, article_id = self.view.project, self.view.article_id
        self.change = (curation.take(project, article_id, self.unit, self.annotator) if self.annotator
                       else curation.reject(project, article_id, self.unit))
        self._skip_next_redo = True
        self.view.show_change(*self.change.extent(), keep=(self.unit.start, self.unit.end))

    def redo(self) -> None:
        if self._skip_next_redo:  # push() calls redo() right after first() already ran
            self._skip_next_redo = False
            return
        assert self.change is not None
        curation.redo(self.view.project, self.change)
        self.view.show_change(*self.change.extent(), keep=(self.unit.start, self.unit.end))

    def undo(self) -> None:
        assert self.change is not None
        curation.undo(self.view.project, self.change)
        self.view.show_change(*self.change.extent(), keep=(self.unit.start, self.unit.end))


class CuratedCommand(QUndoCommand):
    """Ctrl+Return: the article's status becomes ``curated``; undo gives back the status it had."""

    def __init__(self, view: "CurationView") -> None:
        super().__init__("Mark curated")
        self.view = view
        self.before = view.project.article(view.article_id).status
        self._skip_next_redo = False

    def first(self) -> None:
        curation.mark_curated(self.view.project, self.view.article_id)
        self._skip_next_redo = True

    def redo(self) -> None:
        if self._skip_next_redo:  # push() calls redo() right after first() already ran
            self._skip_next_redo = False
            return
        curation.mark_curated(self.view.project, self.view.article_id)

    def undo(self) -> None:
        self.view.project.set_status(self.view.article_id, self.before)
        self.view.summary.setText(f"The article's status is {STATUS_NAMES[self.before].lower()} again")


class CurationView(QDialog):
    """Modeless: the window stays usable; ``closed`` callers reload the article they show."""

    def __init__(self, project: Project, article_id: int, *, parent: QWidget | None = None,
                 on_close: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.project, self.article_id = project, article_id
        self.on_close = on_close
        article = project.article(article_id)
        self.text = article.text
        self.setWindowTitle(f"Curate: {quote(article.title, 60)}")
        self.undo_stack = QUndoStack(self)
        opening = curation.open_article(project, article_id)  # the auto-merge and the units, one read
        self.merged, self.annotators = opening.merged, opening.annotators
        self.merged_frames = curation_frames.auto_merge_frames(project, article_id)  # after spans: reuses them
        self.roles = [role.name for role in project.scheme.roles]
        self.role = self.roles[0] if self.roles else None  # the role Alt+1–9 take from a frame
        self.gold_frame: int | None = None  # the gold event Alt+1–9 fill where gold has several (F)
        self.units: list[curation.Unit | curation_frames.FrameUnit] = []
        self._starts: list[int] = []  # each place's start, for bisect (the list is in text order)
        self._longest = 0  # the longest place, so a stretch's places are found by bisect too
        self._frame_rows: list[int] = []  # where the frame places are in the list
        self._open = 0  # places still to decide
        self._build()
        self._keys()
        self.reload(units=None if self.merged_frames else opening.units)  # frames may have added gold spans
        if self.current() is None or self.current().resolved:  # the first place may be the first open one
            self.next_open()
        if parent is not None:  # the window closes its project after its own close event: close first
            parent.installEventFilter(self)

    # -- widgets -------------------------------------------------------------------------------

    def _build(self) -> None:
        left = QWidget(self)  # the places and their versions; gold, editable, on the right
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)  # long refusals must not widen the list's column
        layout.addWidget(self.summary)
        self.list = PlaceList(self._row_line)  # lines made as they are shown
        self.list.setObjectName("curation_units")
        self.list.currentRowChanged.connect(self._show_unit)
        layout.addWidget(self.list, 2)
        self.context = QLabel()
        self.context.setTextFormat(Qt.TextFormat.PlainText)  # article text is never markup
        self.context.setWordWrap(True)
        layout.addWidget(self.context)
        self.versions = QTableWidget(0, 3)
        self.versions.setObjectName("curation_versions")
        self.versions.setHorizontalHeaderLabels(["Key", "Layer", "Version"])
        self.versions.verticalHeader().hide()
        self.versions.horizontalHeader().setStretchLastSection(True)
        self.versions.setWordWrap(False)  # a narrow cell elides on one line (the tooltip has it whole)
        self.versions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.versions.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.versions, 1)
        self.anonymous = QCheckBox("Hide annotator names (H)")
        # Remembered in the project: a blind adjudication must not show a name before H is pressed.
        self.anonymous.setChecked(curation.names_hidden(self.project))
        self.anonymous.toggled.connect(self._anonymous_toggled)  # names in the list and the table
        layout.addWidget(self.anonymous)
        keys = plain_label(key_line(KEYS), self)
        keys.setWordWrap(True)
        layout.addWidget(keys)
        self.gold = GoldEditor(self.project, self.article_id, self.undo_stack, refuse=self.say,
                               leave=lambda: self.list.setFocus(Qt.FocusReason.ShortcutFocusReason), parent=self)
        # A direct gold edit's stretch of text (or an empty one for an event), collected from the gold
        # document's signals until the undo stack settles; then those places are read again.
        self._gold_edited: tuple[int | None, int | None] | None = None
        for signal in (self.gold.document.spanAdded, self.gold.document.spanRemoved, self.gold.document.spanChanged,
                       self.gold.document.eventChanged, self.gold.document.eventRemoved):
            signal.connect(self._gold_changed)
        self.gold.document.currentEventChanged.connect(lambda event: frames.gold_event_chosen(self, event))
        self.undo_stack.indexChanged.connect(self._after_step)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.gold)
        splitter.setSizes([660, 540])  # the places and their table get a little more
        QVBoxLayout(self).addWidget(splitter)
        self.resize(1200, 760)

    def _keys(self) -> None:
        def key(sequence: str, slot: Callable[[], object]) -> None:
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        for sequence in ("N", "J"):
            key(sequence, self.next_open)
        for sequence in ("P", "K"):
            key(sequence, self.previous_open)
        for n in range(1, 10):
            key(str(n), lambda n=n: self.take(n))
        key("X", self.reject_unit)
        for n in range(1, 10):
            key(f"Alt+{n}", lambda n=n: self.take_role(n))
        key("R", lambda: self.step_role(1))
        key("Shift+R", lambda: self.step_role(-1))
        key("F", lambda: frames.step_gold_frame(self, 1))
        key("Shift+F", lambda: frames.step_gold_frame(self, -1))
        key("H", self.anonymous.toggle)
        key("G", self.gold.focus_text)
        edit_frame = QShortcut(QKeySequence("E"), self.list)  # E in the gold text is the Events panel's
        edit_frame.setContext(Qt.ShortcutContext.WidgetShortcut)
        edit_frame.activated.connect(self.edit_gold_frame)
        key("Ctrl+Z", self.undo_stack.undo)
        key("Ctrl+Shift+Z", self.undo_stack.redo)
        key("Ctrl+Return", self.mark_curated)

    # -- state ---------------------------------------------------------------------------------

    def _anonymous_toggled(self, on: bool) -> None:
        self._names_toggled(on)
        try:
            self.project.set_setting(curation.ANONYMOUS_KEY, "1" if on else None)
        except AnnotatorError as exc:  # the names are hidden or shown all the same; only remembering failed
            self.say(f"Not remembered for next time: {exc}")

    def name(self, layer: str) -> str:
        return curation.shown_name(layer, self.annotators, hidden=self.anonymous.isChecked())

    def say(self, text: str) -> None:
        """A refusal (the store's words, a gold edit's) on the summary line: blind, every annotator's
        name in it reads as the list and the table name them (``curation.blind_text``)."""
        self.summary.setText(curation.blind_text(text, self.annotators) if self.anonymous.isChecked() else text)

    def reload(self, *, keep: tuple[int, ...] | None = None, units: list[curation.Unit] | None = None) -> None:
        """Re-read units and decisions from the file (or take the span ``units`` just read); keep the
        current unit selected (``keep``: a span unit's extent, or ``frames.unit_key``)."""
        row = self.list.currentRow()
        if units is None:
            units = curation.read_units(self.project, self.article_id, annotators=self.annotators)
        frame_units = curation_frames.read_frame_units(self.project, self.article_id, annotators=self.annotators)
        # Span units come in text order; only frames need merging in (most articles have none).
        self.units = sorted([*units, *frame_units], key=frames.unit_key) if frame_units else list(units)
        # 10,000 places on a big article: their starts, longest extent and open count taken in C
        self._starts = list(map(_START, self.units))
        self._frame_rows = [r for r, u in enumerate(self.units) if isinstance(u, curation_frames.FrameUnit)] \
            if frame_units else []
        self._longest = max(map(sub, map(_END, self.units), self._starts), default=0)
        self._open = list(map(_DECISION, self.units)).count(None)  # not resolved (Place.resolved)
        self.list.blockSignals(True)
        self.list.places.reset(len(self.units))
        self.list.blockSignals(False)
        if keep is not None:
            row = self._row_of(keep, row)
        if self.units:
            self.list.setCurrentRow(min(max(row, 0), len(self.units) - 1))
        self._refresh_gold()
        self._summarise()

    def show_change(self, start: int | None, end: int | None, *, keep: tuple[int, ...] | None = None) -> None:
        """After a decision, its undo or a gold edit: read again only the places overlapping
        ``start``–``end`` (none if None) and the frame places, and rewrite their lines in place.

        A decision changes gold and decisions, never the annotators' versions, so the places stay
        the same; rebuilding 10,000 lines for each key took ~100 ms. ``keep`` is selected after.
        """
        rows = [] if start is None or end is None else self._rows_overlapping(start, end)
        spans = [r for r in rows if not isinstance(self.units[r], curation_frames.FrameUnit)]
        fresh = dict(zip(spans, curation.units_now(self.project, self.article_id, [self.units[r] for r in spans])))
        frame_units = curation_frames.read_frame_units(self.project, self.article_id, annotators=self.annotators)
        if [frames.unit_key(u) for u in frame_units] != [frames.unit_key(self.units[r]) for r in self._frame_rows]:
            self.reload(keep=keep)  # frame places came or went (another window's edit): build the list again
            return
        fresh.update(zip(self._frame_rows, frame_units))
        for row, unit in fresh.items():
            if unit != self.units[row]:
                self._open += int(not unit.resolved) - int(not self.units[row].resolved)
                self.units[row] = unit
                self.list.places.changed(row)
        current = self.list.currentRow()
        row = self._row_of(keep, current) if keep is not None else current
        if row != current:
            self.list.setCurrentRow(row)
        else:
            self._show_unit(row)  # its gold and decision in the table
        self._refresh_gold()
        self._summarise()

    def _rows_overlapping(self, start: int, end: int) -> list[int]:
        first = bisect_left(self._starts, start - self._longest)
        last = bisect_left(self._starts, end, lo=first)
        return [r for r in range(first, last) if self.units[r].end > start]

    def _row_of(self, key: tuple[int, ...], default: int) -> int:
        """The row of the place ``key`` names (a span unit's extent, or ``frames.unit_key``)."""
        wanted = key if len(key) == 3 else (*key, 0)
        first = bisect_left(self._starts, wanted[0])
        last = bisect_right(self._starts, wanted[0], lo=first)
        return next((r for r in range(first, last) if frames.unit_key(self.units[r]) == wanted), default)

    def _refresh_gold(self) -> None:
        self.gold.refresh()  # a decision changed gold under the gold text's cache

    def _summarise(self) -> None:
        self.summary.setText(f"{plural(len(self.annotators), 'annotator layer')}; {plural(len(self.units), 'place')}, "
                             f"{self._open} still to decide; {plural(self.merged, 'agreed span')} and "
                             f"{plural(self.merged_frames, 'agreed frame')} went to gold on opening")

    def _names_toggled(self, _hidden: bool) -> None:
        """H: the names change in every line and in the table; nothing is read again."""
        if self.units:
            self.list.places.changed(0, len(self.units) - 1)  # the lines shown are asked for again
        self._show_unit(self.list.currentRow())

    def _row_line(self, row: int) -> str:
        """The line of the place in ``row``, when the list shows it."""
        return self._line(row, self.units[row])

    def _line(self, k: int, unit: curation.Unit | curation_frames.FrameUnit) -> str:
        if isinstance(unit, curation_frames.FrameUnit):
            return frames.frame_line(k, unit, self.text, self.name)
        return f"{k + 1:>4}  {unit.start}–{unit.end}  {quote(self.text[unit.start:unit.end], 40)}  " \
               f"[{frames.state(unit, self.name)}]"

    def _show_unit(self, row: int) -> None:
        if not 0 <= row < len(self.units):
            self.context.clear()
            self.versions.setRowCount(0)
            return
        unit = self.units[row]
        self.gold.show_place(unit.start, unit.end)
        self.context.setText(excerpt(self.text, unit.start, unit.end, width=CONTEXT))
        rows = [(str(n + 1), self.name(layer), unit.versions.get(layer, ())) for n, layer in enumerate(self.annotators)]
        rows.append(("", "gold", unit.gold))
        if isinstance(unit, curation_frames.FrameUnit):
            frames.show_frame_unit(self.versions, unit, rows, self.roles, self.role, self.text,
                                   target=frames.target(self, unit))
            return
        if self.versions.columnCount() != 3:  # a frame unit was shown before
            self.versions.setColumnCount(3)
            self.versions.setHorizontalHeaderLabels(["Key", "Layer", "Version"])
        self.versions.setRowCount(len(rows))
        for r, (key, layer, spans) in enumerate(rows):
            shown = "; ".join(f"{s.label} {quote(self.text[s.start:s.end], 40)} ({s.start}–{s.end})"
                              for s in spans) or "(nothing)"
            for c, value in enumerate((key, layer, shown)):
                item = QTableWidgetItem(value)  # items show text as typed
                item.setToolTip(plain_tooltip(value))
                self.versions.setItem(r, c, item)
        for column in (0, 1):  # "Annotator 1" whole on one line, in any font; the version gets the rest
            self.versions.resizeColumnToContents(column)

    # -- actions -------------------------------------------------------------------------------

    def current(self) -> curation.Unit | curation_frames.FrameUnit | None:
        row = self.list.currentRow()
        return self.units[row] if 0 <= row < len(self.units) else None

    def _step(self, direction: int) -> bool:
        start = self.list.currentRow()
        for k in range(1, len(self.units) + 1):
            row = (start + direction * k) % len(self.units)
            if not self.units[row].resolved:
                self.list.setCurrentRow(row)
                return True
        return False

    def next_open(self) -> bool:
        return bool(self.units) and self._step(1)

    def previous_open(self) -> bool:
        return bool(self.units) and self._step(-1)

    def take(self, n: int) -> bool:
        unit = self.current()
        if unit is None or not 1 <= n <= len(self.annotators):
            return False
        if isinstance(unit, curation_frames.FrameUnit):
            return self._push(frames.take_frame(self, unit, self.annotators[n - 1]))
        return self._push(DecideCommand(self, unit, self.annotators[n - 1]))

    def take_role(self, n: int) -> bool:
        """Gold's frame gets only the selected role's fillers from annotator ``n``."""
        unit = self.current()
        if not isinstance(unit, curation_frames.FrameUnit):
            self.summary.setText("Alt+1–9 take one role of an event frame: go to a frame first (N/P)")
            return False
        if self.role is None or not 1 <= n <= len(self.annotators):
            return False
        return self._push(frames.take_role(self, unit, self.annotators[n - 1], self.role, frames.target(self, unit)),
                          advance=False)

    def step_role(self, direction: int) -> None:
        """R / Shift+R: the next or previous role of the scheme is the one Alt+1–9 take."""
        if self.role is None:
            return
        self.role = self.roles[(self.roles.index(self.role) + direction) % len(self.roles)]
        self.show_current()

    def show_current(self) -> None:
        """Show the current place again (its table marks the chosen role and gold frame)."""
        self._show_unit(self.list.currentRow())

    def reject_unit(self) -> bool:
        """X: gold gets nothing at the current place. (Not ``reject``: QDialog calls that on Esc and
        on closing, which must never decide anything.)"""
        unit = self.current()
        if isinstance(unit, curation_frames.FrameUnit):
            return self._push(frames.reject(self, unit))
        return unit is not None and self._push(DecideCommand(self, unit, None))

    def _push(self, command: QUndoCommand, *, advance: bool = True) -> bool:
        try:
            command.first()  # on disk before the list shows it
        except AnnotatorError as exc:
            self.say(f"Not done: {exc}")
            return False
        self.undo_stack.push(command)
        if advance:  # one role taken: the frame usually needs more, so it stays current
            self.next_open()
        return True

    def edit_gold_frame(self) -> bool:
        """E on a frame in the list: gold's frame there opens in the Events panel."""
        unit = self.current()
        if unit is None or not self.gold.open_frame_at(unit.start, unit.end, event_id=frames.target(self, unit)):
            self.summary.setText("Gold has no event frame here: take one (1–9), or tag a trigger in the gold text (G)")
            return False
        return True

    def _gold_changed(self, item: object) -> None:
        if self.gold.catching_up:  # the gold text taking in decisions, not a direct edit
            return
        start, end = (item.start, item.end) if isinstance(item, Span) else (None, None)  # an event: frames only
        if self._gold_edited is None or self._gold_edited == (None, None):
            self._gold_edited = (start, end)
        elif start is not None:
            self._gold_edited = (min(self._gold_edited[0], start), max(self._gold_edited[1], end))

    def _after_step(self, _index: int) -> None:
        """After a direct gold edit (or its undo): the places' gold columns change with it."""
        if self._gold_edited is not None:
            (start, end), self._gold_edited = self._gold_edited, None
            unit = self.current()
            self.show_change(start, end, keep=frames.unit_key(unit) if unit is not None else None)

    def mark_curated(self) -> bool:
        left = sum(not u.resolved for u in self.units)
        if left:
            self.summary.setText(f"{plural(left, 'place')} {'is' if left == 1 else 'are'} still to decide; "
                                 f"decide {'it' if left == 1 else 'them'} before marking curated")
            return False
        if not self._push(CuratedCommand(self), advance=False):
            return False
        self.summary.setText("Curated: the article's status is now curated (Ctrl+Z undoes it)")
        return True

    def done(self, result: int) -> None:  # Esc, or a button
        self._closed()
        super().done(result)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parent() and event.type() == QEvent.Type.Close:
            self.on_close = None  # the window is going: no use reading the article back into it
            self.close()  # nothing here may read the project once the window has closed it
        return False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - the title bar, or close()
        self._closed()
        super().closeEvent(event)

    def _closed(self) -> None:
        """Tell the window once: the gold layer changed under its cache."""
        callback, self.on_close = self.on_close, None
        if callback is not None:
            callback()
