"""Suggestions in the window: computed when an article opens, drawn by ``SuggestionMarks``, and
handled from the keyboard. An article the current model has not suggested for (imported after
training) gets the model's suggestions from ``LiveModel``'s process; they show when stored. A long
article's dictionary suggestions are computed by another process (``MatchRunner``): a dictionary
of short entries costs ~650 ms of CPU on 1 MB, which on this thread stalled the first key presses
after opening. They show when they arrive; the article is usable meanwhile.

Keys (window-wide, listed in Help ▸ Keyboard shortcuts): ``Ctrl+J`` / ``Ctrl+Shift+J`` jump to the
next / previous suggestion (it is selected, so a label key tags it with another label instead);
``Alt+Return`` accepts the suggestion at the cursor; ``Alt+Delete`` rejects it (remembered in the
project); ``Alt+Shift+Return`` accepts every suggestion in view, as one undo step.
"""
from __future__ import annotations

import sqlite3
import time
from bisect import bisect_left
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor

from gui.assist.commands import RejectSuggestionsCommand, push_spans
from gui.assist.live_model import LiveModel
from gui.assist.match_runner import MatchRunner
from gui.assist.suggestion_marks import SuggestionMarks
from gui.plain import menu_text, quote
from storage.assist import dictionary as dictionary_store
from storage.assist import model as model_store
from storage.assist.settings import AssistSettings, load_settings
from storage.assist.suggestion_table import SuggestionTable
from storage.assist.suggestions import Suggestion, article_suggestions
from storage.model import Article, Span

if TYPE_CHECKING:
    from gui.document import AnnotationDocument
    from gui.main_window import MainWindow

# Longer articles have their dictionary suggestions computed by the match process. Matching is
# linear in the text: the densest dictionary measured (a match every 12 code points) costs
# ~0.65 ms per 1,000 code points, so up to this length it costs less than a frame here, and short
# articles (and the tests' keys) see their suggestions at once.
INLINE_UP_TO = 20_000  # code points
# A long article's computation starts once it has been shown and left open this long (counted
# from the first idle turn after opening, not from the open, which itself can take longer under
# load): going through articles (held keys, quick clicks) would otherwise start and kill a process
# for each (~0.3 s of CPU to start one), taking the other core from the window as it opens the next.
SETTLE_MS = 150


class SuggestionController(QObject):
    """The open article's suggestions; re-reads them when the article, its spans or the settings change."""

    suggestionsChanged = Signal(int)  # how many are shown

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.marks = SuggestionMarks(window.view, self._label_colours)
        self.settings: AssistSettings = load_settings(window.project)
        self._dictionaries = dictionary_store.DictionaryCache()
        self.last_compute_ms = 0.0  # from asking to showing, for bench_window
        self._timer = QTimer(self)  # the next computation, when one is due
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._due)
        self._settling = False  # the next timeout starts SETTLE_MS, not the computation
        self._stopped = False
        # Bumped whenever what the suggestions depend on changes (article, spans removed, settings,
        # rejections): an answer from the match process for an older revision is dropped.
        self.revision = 0
        self._asked_at = 0.0
        self._tagged_meanwhile: list[tuple[int, int]] = []  # spans added while the process computes
        self.matcher = MatchRunner(self)
        self.matcher.computed.connect(self._matched)
        self.matcher.failed.connect(self.window.refused)
        self.live = LiveModel(self)
        self.live.suggested.connect(self._model_suggested)
        self.live.failed.connect(self.window.refused)
        self._bind(window.document)
        window.documentReplaced.connect(self._bind)

    @property
    def document(self) -> "AnnotationDocument":
        return self.window.document

    @property
    def suggestions(self) -> SuggestionTable:
        """What is shown, in text order (a sequence of ``Suggestion``)."""
        return self.marks.suggestions

    @property
    def computing(self) -> bool:
        """The suggestions shown are not yet the open article's: a computation is due, or the
        match process is at it."""
        return self._timer.isActive() or self.matcher.busy

    def _bind(self, document: "AnnotationDocument") -> None:
        self.live.stop()  # another project: the processes served the previous one
        self.matcher.stop()
        self.settings = load_settings(document.project)
        self._dictionaries.clear()
        document.articleOpened.connect(self._article_opened)
        document.spanAdded.connect(self._span_added)
        document.spanRemoved.connect(lambda _span: self._schedule())  # what it covered may come back
        self._article_opened(document.article)

    def _label_colours(self) -> dict[str, QColor]:
        return {label.name: QColor(label.colour) for label in self.window.project.scheme.labels}

    # -- computing ---------------------------------------------------------------------------

    def dictionary(self) -> dictionary_store.Dictionary | None:
        """The project's dictionary, rebuilt only when its spans or lists changed since the last build."""
        return self._dictionaries.get(self.window.project, self.settings)

    def reload_settings(self) -> None:
        self.settings = load_settings(self.window.project)
        self.compute()

    def _article_opened(self, article: Article | None) -> None:
        # The article shows first; its suggestions follow in the next turn of the event loop, so
        # opening never waits for them (bench_window times both).
        self.marks.set_suggestions([])
        self.matcher.cancel()  # at once: a stale computation stops taking a core now
        self._schedule(settle=article is not None and self._in_process(len(article.text)))

    def _span_added(self, span: Span) -> None:
        self.marks.remove(span.start, span.end)  # the span settles what it covers
        if self.matcher.busy:  # and will settle it in the answer on its way, too
            self._tagged_meanwhile.append((span.start, span.end))
        self.suggestionsChanged.emit(len(self.marks.suggestions))

    def _schedule(self, *, settle: bool = False) -> None:
        """Compute in the next turn of the event loop (with ``settle``: ``SETTLE_MS`` after it),
        replacing any computation already due."""
        self.revision += 1  # what is on its way was computed from what just changed
        self._settling = settle
        self._timer.start(0)

    def _due(self) -> None:
        if self._settling:
            self._settling = False
            self._timer.start(SETTLE_MS)
        else:
            self.compute()

    def stop(self) -> None:
        """The window is closing (and closes its project): compute nothing more."""
        self._stopped = True
        self._timer.stop()
        self.live.stop()
        self.matcher.stop()

    def compute(self) -> None:
        """(Re)compute the open article's suggestions: now, or for a long article by the match
        process (shown when its answer comes, unless the article or its spans changed since)."""
        self._timer.stop()  # a call now does what was due
        self._settling = False
        if self._stopped:
            return
        started = time.perf_counter()
        self.revision += 1
        article = self.document.article
        project = self.window.project
        if article is not None and self._in_process(len(article.text)):
            self._ask_model(article.id)
            self._asked_at, self._tagged_meanwhile = started, []
            self.matcher.request(project.path, article.id, self.revision, layer=self.document.layer)
            return
        self.matcher.cancel()
        found: list[Suggestion] = []
        if article is not None and self.settings.suggestions:  # off: nothing to compute or ask for
            spans = [(s.start, s.end) for s in self.document.spans.values()]
            try:
                found = article_suggestions(project, article.id, article.text, spans, settings=self.settings,
                                            dictionary=self.dictionary() if self.settings.suggestions else None)
            except sqlite3.ProgrammingError:  # the project was closed before this turn came
                return
            self._ask_model(article.id)
        self._show(SuggestionTable.of(found, article_id=article.id if article is not None else 0), started)

    def _in_process(self, length: int) -> bool:
        settings = self.settings
        return (length > INLINE_UP_TO and settings.suggestions and settings.dictionary
                and self.window.project.path is not None and dictionary_store.missing_dependency() is None)

    def _matched(self, article_id: int, revision: int, table: SuggestionTable) -> None:
        article = self.document.article
        if self._stopped or revision != self.revision or article is None or article.id != article_id:
            return  # for an article or spans since replaced: a newer computation is on its way
        tagged, self._tagged_meanwhile = self._tagged_meanwhile, []
        self.marks.set_suggestions(table)
        for start, end in tagged:
            self.marks.remove(start, end)
        self._show(self.marks.suggestions, self._asked_at)

    def _show(self, table: SuggestionTable, started: float) -> None:
        self.marks.set_suggestions(table)
        self.last_compute_ms = (time.perf_counter() - started) * 1000
        self.suggestionsChanged.emit(len(table))

    def _ask_model(self, article_id: int) -> None:
        """The model is on but has not suggested for this article: its process computes them."""
        project = self.window.project
        if (self.settings.suggestions and self.settings.model and project.path is not None
                and project.read_only is None  # a read-only project cannot keep them
                and model_store.needs_suggestions(project, article_id) and model_store.missing_dependency() is None):
            self.live.request(project.path, article_id)

    def _model_suggested(self, article_id: int) -> None:
        article = self.document.article
        if article is not None and article.id == article_id:
            self.compute()

    def refilter(self) -> None:
        """After a rejection or its undo: recompute (a rejection undone brings its suggestion back)."""
        self.compute()

    # -- keys --------------------------------------------------------------------------------

    def _at_cursor(self) -> Suggestion | None:
        view = self.window.view
        selected = view.selection_range()
        if selected is not None:
            exact = [s for s in self.marks.between(*selected) if (s.start, s.end) == selected]
            if exact:
                return exact[0]
        current = self.marks.current
        caret = view.caret()
        if current is not None and current.start <= caret <= current.end:
            return current
        under = self.marks.at(caret)
        return under[0] if under else None

    def step(self, direction: int = 1) -> Suggestion | None:
        """Select the next (or previous) suggestion after the caret, wrapping round."""
        shown = self.marks.suggestions
        if not shown:
            self.window.refused("No suggestions in this article")
            return None
        current, caret = self.marks.current, self.window.view.caret()
        if current is not None and current in shown:
            target = shown[(shown.index(current) + direction) % len(shown)]
        elif direction > 0:  # the first starting at or after the caret (bisection: 80,000 may be shown)
            target = shown[bisect_left(shown.starts, caret) % len(shown)]
        else:  # the last starting before it
            target = shown[bisect_left(shown.starts, caret) - 1]
        self.marks.set_current(target)
        self.document.select_span(None)
        self.window.view.select_range(target.start, target.end)
        self.window.statusBar().showMessage(
            f"Suggestion: {target.label} from {target.recommender} ({target.score:.2f}); "
            "Alt+Return accepts, Alt+Delete rejects", 6000)
        return target

    def accept_at_cursor(self) -> bool:
        suggestion = self._at_cursor()
        if suggestion is None:
            self.window.refused("No suggestion at the cursor (Ctrl+J jumps to the next one)")
            return False
        words = quote(self.document.text[suggestion.start:suggestion.end], 30)
        return push_spans(self.document, [suggestion.proposal()],
                          f"Accept ‘{menu_text(words)}’ as {menu_text(suggestion.label)}")

    def reject_at_cursor(self) -> bool:
        suggestion = self._at_cursor()
        if suggestion is None:
            self.window.refused("No suggestion at the cursor (Ctrl+J jumps to the next one)")
            return False
        if not self.document._push(RejectSuggestionsCommand(self.document, [suggestion], self.refilter)):
            return False
        # Gone at once, also while a long article's recomputation is on its way.
        self.marks.remove(suggestion.start, suggestion.end, only={suggestion})
        self.suggestionsChanged.emit(len(self.marks.suggestions))
        return True

    def accept_visible(self) -> bool:
        """Accept every suggestion in view (one of each place: the best-scored label), one undo step."""
        chosen: dict[tuple[int, int], Suggestion] = {}
        for suggestion in self.marks.between(*self.window.view.visible_range()):
            if all(not (o.start < suggestion.end and suggestion.start < o.end) or o is suggestion
                   for o in chosen.values()):
                chosen[(suggestion.start, suggestion.end)] = suggestion
        if not chosen:
            self.window.refused("No suggestions in view")
            return False
        return push_spans(self.document, [s.proposal() for s in chosen.values()],
                          f"Accept {len(chosen)} suggestion{'s' if len(chosen) != 1 else ''}")
