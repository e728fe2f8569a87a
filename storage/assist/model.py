"""The model recommender: a blank spaCy pipeline with a span categorizer, trained on the
project's done articles, kept in the project file, scoring every suggestion.

Why ``spancat`` and not ``ner``: spaCy's NER is a transition system and gives no per-entity
score, so "only above a confidence threshold" could not be honoured; ``spancat`` scores each
candidate n-gram with a sigmoid per label, also allows the nested spans this app allows. The
pipeline is ``spacy.blank(language)``: nothing is downloaded, and the tok2vec is small
(width 64, depth 2) so 100 articles train within a minute on two cores.

Training runs in a separate process (``storage.assist.train_process``): the window never stalls,
cancelling is killing that process, and the project changes only in the final transaction (the
model, its report, and the suggestions it makes for unfinished articles), so a cancelled or
crashed training leaves the project as it was. Held-out articles (every fifth done article, by
id) give precision and recall per label; the model kept is the one trained on the others.
"""
from __future__ import annotations

import functools
import json
import random
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Iterator

from storage.article_status import OWN_STATUS, has_status
from storage.assist.settings import AssistSettings
from storage.assist.suggestions import MODEL, Suggestion, store_suggestions
from storage.model import AnnotatorError
from storage.project import Project, now

SPANS_KEY = "sc"
STORE_THRESHOLD = 0.2  # suggestions scored below this are not stored at all (the UI threshold is higher)
TRAINING_STATUSES = ("done", "curated")
SUGGEST_STATUSES = ("new", "in_progress")
HELD_OUT_EVERY = 5
Progress = Callable[[dict[str, Any]], None]


class AssistUnavailable(AnnotatorError):
    """A recommender cannot run: a dependency is missing or there is nothing to learn from."""


@functools.lru_cache(maxsize=1)
def missing_dependency() -> str | None:
    """What to install for the model recommender, or None when spaCy is installed. Found, not
    imported: the window asks at start-up and never runs spaCy itself (its processes do)."""
    from importlib.util import find_spec

    try:
        found = find_spec("spacy") is not None
    except (ImportError, ValueError):
        found = False
    return None if found else "model suggestions need spaCy: pip install 'event-annotator[assist]'"


def _spacy() -> Any:
    problem = missing_dependency()
    if problem:
        raise AssistUnavailable(problem)
    import spacy

    return spacy


@dataclass
class LabelScore:
    precision: float
    recall: float
    support: int  # gold spans of this label in the held-out articles


@dataclass
class TrainingReport:
    trained: str
    language: str
    articles: int  # done articles when training started (for "retrain after N newly done")
    train_articles: int
    held_out_articles: int
    epochs: int
    seconds: float
    peak_memory_mb: float
    labels: dict[str, LabelScore] = field(default_factory=dict)
    trained_labels: list[str] = field(default_factory=list)
    suggested_articles: int = 0
    suggestions: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "TrainingReport":
        raw = json.loads(text)
        raw["labels"] = {k: LabelScore(**v) for k, v in raw.get("labels", {}).items()}
        return cls(**raw)

    def table(self) -> str:
        """Held-out precision and recall per label, as `assist train` prints them."""
        lines = [f"{'label':<12} {'precision':>9} {'recall':>7} {'support':>7}"]
        for name, score in sorted(self.labels.items()):
            lines.append(f"{name:<12} {score.precision:>9.2f} {score.recall:>7.2f} {score.support:>7}")
        lines.append(f"trained on {self.train_articles} articles, held out {self.held_out_articles}, "
                     f"{self.epochs} epochs in {self.seconds:.1f} s, peak memory {self.peak_memory_mb:.0f} MB")
        return "\n".join(lines)


def guess_language(texts: Iterable[str]) -> str:
    """A spaCy language code from the script of the texts: zh, ja, ar, ru, or en."""
    counts = {"zh": 0, "ja": 0, "ar": 0, "ru": 0, "latin": 0}
    for text in texts:
        for ch in text[:2000]:
            o = ord(ch)
            if 0x3040 <= o <= 0x30FF:
                counts["ja"] += 1
            elif 0x4E00 <= o <= 0x9FFF:
                counts["zh"] += 1
            elif 0x0600 <= o <= 0x06FF:
                counts["ar"] += 1
            elif 0x0400 <= o <= 0x04FF:
                counts["ru"] += 1
            elif ch.isalpha():
                counts["latin"] += 1
    best = max(counts, key=counts.get)  # type: ignore[arg-type]
    if best == "zh" and counts["ja"]:
        best = "ja"
    return "en" if best == "latin" else best


def _config(labels: list[str]) -> dict[str, Any]:
    return {
        "spans_key": SPANS_KEY,
        "threshold": STORE_THRESHOLD,
        "max_positive": None,
        "suggester": {"@misc": "spacy.ngram_suggester.v1", "sizes": [1, 2, 3, 4]},
        "model": {
            "@architectures": "spacy.SpanCategorizer.v1",
            "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 64},
            "scorer": {"@layers": "spacy.LinearLogistic.v1", "nO": None, "nI": None},
            "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 64,
                        "depth": 2, "embed_size": 2000, "window_size": 1, "maxout_pieces": 3,
                        "subword_features": True},
        },
    }


def new_pipeline(language: str, labels: list[str]) -> Any:
    spacy = _spacy()
    nlp = spacy.blank(language)
    spancat = nlp.add_pipe("spancat", config=_config(labels))
    for label in labels:
        spancat.add_label(label)
    return nlp


def _training_articles(project: Project) -> list[tuple[int, str, list[tuple[int, int, str]]]]:
    ids = [row[0] for row in project.db.execute(
        f"SELECT id FROM articles WHERE {has_status(OWN_STATUS, TRAINING_STATUSES)} ORDER BY id")]
    return [(i, project.article(i).text, [(s.start, s.end, s.label) for s in project.spans(i)]) for i in ids]


def _example(nlp: Any, text: str, spans: list[tuple[int, int, str]]) -> Any:
    from spacy.training import Example

    doc = nlp.make_doc(text)
    gold = nlp.make_doc(text)
    aligned = [gold.char_span(s, e, label=l, alignment_mode="expand") for s, e, l in spans]
    gold.spans[SPANS_KEY] = [span for span in aligned if span is not None]
    return Example(doc, gold)


def _predict(nlp: Any, texts: list[str]) -> Iterator[list[tuple[int, int, str, float]]]:
    for doc in nlp.pipe(texts, batch_size=8):
        group = doc.spans.get(SPANS_KEY, [])
        scores = group.attrs.get("scores", []) if len(group) else []
        yield [(span.start_char, span.end_char, span.label_, float(score)) for span, score in zip(group, scores)]


def evaluate(nlp: Any, articles: list[tuple[int, str, list[tuple[int, int, str]]]], labels: list[str], *,
             threshold: float) -> dict[str, LabelScore]:
    """Held-out precision and recall per label, exact offsets, predictions at ``threshold`` or above."""
    tp = {l: 0 for l in labels}
    predicted = {l: 0 for l in labels}
    gold = {l: 0 for l in labels}
    for (_, _, spans), found in zip(articles, _predict(nlp, [text for _, text, _ in articles])):
        truth = {(s, e, l) for s, e, l in spans}
        guess = {(s, e, l) for s, e, l, score in found if score >= threshold}
        for _, _, l in truth:
            gold[l] = gold.get(l, 0) + 1
        for item in guess:
            predicted[item[2]] = predicted.get(item[2], 0) + 1
            if item in truth:
                tp[item[2]] = tp.get(item[2], 0) + 1
    return {l: LabelScore(tp.get(l, 0) / predicted[l] if predicted.get(l) else 0.0,
                          tp.get(l, 0) / gold[l] if gold.get(l) else 0.0, gold.get(l, 0))
            for l in sorted(set(gold) | set(predicted)) if gold.get(l) or predicted.get(l)}


def train(project: Project, settings: AssistSettings, *, max_epochs: int = 10, max_seconds: float = 45.0,
          progress: Progress | None = None, seed: int = 0) -> tuple[Any, TrainingReport]:
    """Train on the project's done articles (every fifth held out); returns the pipeline and its report.

    Stops after ``max_epochs`` or once ``max_seconds`` have gone, whichever is first, so that
    training 100 articles stays within a minute on a small machine.
    """
    started = time.perf_counter()
    articles = _training_articles(project)
    if len(articles) < 2:
        raise AssistUnavailable(f"the model needs at least 2 done articles to learn from; the project has "
                                f"{len(articles)}")
    held = [a for n, a in enumerate(articles) if n % HELD_OUT_EVERY == HELD_OUT_EVERY - 1] or articles[-1:]
    train_set = [a for a in articles if a not in held]
    labels = sorted({l for _, _, spans in articles for _, _, l in spans})
    if not labels:
        raise AssistUnavailable("the done articles have no spans to learn from")
    language = settings.model_language or guess_language(text for _, text, _ in articles[:20])
    spacy = _spacy()
    from spacy.util import minibatch

    spacy.util.fix_random_seed(seed)
    nlp = new_pipeline(language, labels)
    examples = [_example(nlp, text, spans) for _, text, spans in train_set]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    epochs = 0
    for epoch in range(max_epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=4):
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
        epochs = epoch + 1
        elapsed = time.perf_counter() - started
        if progress is not None:
            progress({"stage": "train", "epoch": epochs, "epochs": max_epochs,
                      "loss": round(losses.get("spancat", 0.0), 3), "seconds": round(elapsed, 1)})
        if elapsed > max_seconds * epochs / (epochs + 1):  # the next epoch would likely overrun
            break
    report = TrainingReport(
        trained=now(), language=language, articles=len(articles), train_articles=len(train_set),
        held_out_articles=len(held), epochs=epochs, seconds=0.0, peak_memory_mb=peak_memory_mb(),
        labels=evaluate(nlp, held, labels, threshold=settings.model_threshold), trained_labels=labels)
    report.seconds = round(time.perf_counter() - started, 2)
    return nlp, report


def peak_memory_mb() -> float:
    """This process's peak resident memory (Linux reports KiB, macOS bytes)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def suggest_texts(nlp: Any, articles: list[tuple[int, str]]) -> list[Suggestion]:
    return [Suggestion(article_id, s, e, label, MODEL, round(score, 4))
            for (article_id, _), found in zip(articles, _predict(nlp, [t for _, t in articles]))
            for s, e, label, score in found]


def save_model(project: Project, nlp: Any, report: TrainingReport, *, progress: Progress | None = None) -> TrainingReport:
    """Keep the model in the project and replace its stored suggestions for unfinished articles;
    one transaction, so the window sees the old model or the new one, never half."""
    ids = [row[0] for row in project.db.execute(
        f"SELECT id FROM articles WHERE {has_status(OWN_STATUS, SUGGEST_STATUSES)} ORDER BY id")]
    suggestions: list[Suggestion] = []
    for start in range(0, len(ids), 50):
        chunk = [(i, project.article(i).text) for i in ids[start:start + 50]]
        suggestions.extend(suggest_texts(nlp, chunk))
        if progress is not None:
            progress({"stage": "suggest", "done": min(start + 50, len(ids)), "of": len(ids)})
    report.suggested_articles, report.suggestions = len(ids), len(suggestions)
    data = nlp.to_bytes()
    with project.transaction():
        project.db.execute("INSERT OR REPLACE INTO assist_models (name, trained, articles, report, model) "
                           "VALUES (?, ?, ?, ?, ?)", [MODEL, report.trained, report.articles, report.to_json(), data])
        store_suggestions(project, suggestions)
        project.db.execute("DELETE FROM assist_suggested WHERE recommender = ?", [MODEL])
        _mark_suggested(project, report.trained, ids)
    return report


def _mark_suggested(project: Project, version: str, article_ids: Iterable[int]) -> None:
    project.db.conn.executemany("INSERT OR REPLACE INTO assist_suggested (article_id, recommender, version) "
                                "VALUES (?, ?, ?)", [(a, MODEL, version) for a in article_ids])


def model_version(project: Project) -> str | None:
    """The stored model's version (when it was trained), or None without a model."""
    row = project.db.execute("SELECT trained FROM assist_models WHERE name = ?", [MODEL]).fetchone()
    return row[0] if row else None


def needs_suggestions(project: Project, article_id: int) -> bool:
    """True for an unfinished article the stored model has not suggested for (imported after
    training, or suggested by an older model): the window then asks ``suggest_process``."""
    row = project.db.execute(
        "SELECT 1 FROM assist_models AS m JOIN articles AS a ON a.id = ? "
        f"WHERE m.name = ? AND {has_status(OWN_STATUS, SUGGEST_STATUSES, articles='a')} AND NOT EXISTS "
        "(SELECT 1 FROM assist_suggested AS s WHERE s.article_id = a.id AND s.recommender = m.name "
        "AND s.version = m.trained)", [article_id, MODEL]).fetchone()
    return row is not None


def store_article_suggestions(project: Project, version: str, suggestions: list[Suggestion],
                              article_ids: list[int]) -> bool:
    """Replace the model's suggestions for ``article_ids`` with those of model ``version``, in one
    transaction that first checks ``version`` is still the stored model (False, nothing written,
    when a retrain replaced it meanwhile: its own suggestions win)."""
    with project.transaction():
        if model_version(project) != version:
            return False
        store_suggestions(project, suggestions, article_ids=article_ids)
        _mark_suggested(project, version, article_ids)
    return True


def stored_report(project: Project) -> TrainingReport | None:
    row = project.db.execute("SELECT report FROM assist_models WHERE name = ?", [MODEL]).fetchone()
    return TrainingReport.from_json(row[0]) if row else None


def load_model(project: Project) -> Any | None:
    """The project's trained pipeline, or None if it has none."""
    row = project.db.execute("SELECT report, model FROM assist_models WHERE name = ?", [MODEL]).fetchone()
    if row is None:
        return None
    report = TrainingReport.from_json(row[0])
    nlp = new_pipeline(report.language, report.trained_labels)
    return nlp.from_bytes(row[1])


def newly_done(project: Project) -> int:
    """Done articles gained since the stored model was trained (all of them if there is none)."""
    done = project.db.execute(f"SELECT count(*) FROM articles WHERE {has_status(OWN_STATUS, TRAINING_STATUSES)}"
                              ).fetchone()[0]
    row = project.db.execute("SELECT articles FROM assist_models WHERE name = ?", [MODEL]).fetchone()
    return done - (row[0] if row else 0)
