"""The ``assist`` commands of ``event-annotator``: ``assist train``, ``assist suggest`` and
``assist dictionary import``, so assistance can be scripted and measured without the window.

``add_commands`` adds them to main.py's parser and sets ``run`` on each (main.py needs one line).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_commands(commands: Any) -> None:
    """Add ``assist`` (train, suggest, dictionary import) to main.py's subparsers."""
    from storage.model import STATUSES

    assist = commands.add_parser(
        "assist", help="suggestions: train the model, list suggestions, import dictionaries",
        description="Assistance that learns from the project: a dictionary of what it has tagged (plus "
                    "lists you import) and a spaCy model trained on its done articles (needs the "
                    "'assist' extra: pip install 'event-annotator[assist]').")
    steps = assist.add_subparsers(dest="assist_command", title="steps", metavar="STEP", required=True)
    train = steps.add_parser("train", help="train the model on done articles; print held-out P/R per label",
                             description="Train a blank spaCy span categorizer on the done articles (every "
                                         "fifth held out), keep it in the project, store its suggestions "
                                         "for unfinished articles, and print precision/recall per label.")
    train.add_argument("--epochs", type=int, default=10, help="at most this many passes (default 10)")
    train.add_argument("--max-seconds", type=float, default=45.0, help="stop after about this long (default 45)")
    train.add_argument("--json", action="store_true", help="print the report as JSON")
    train.set_defaults(run=run_train)
    suggest = steps.add_parser("suggest", help="print suggestions with offsets, label, recommender, score",
                               description="What the enabled recommenders suggest (rejected ones and text "
                                           "already tagged left out), one line each.")
    which = suggest.add_mutually_exclusive_group()
    which.add_argument("--status", choices=STATUSES, default=None, help="articles with this status")
    which.add_argument("--article", type=int, default=None, metavar="ID", help="one article")
    suggest.add_argument("--json", action="store_true", help="one JSON object per line")
    suggest.set_defaults(run=run_suggest)
    dictionary = steps.add_parser("dictionary", help="the dictionary recommender's lists")
    dictionary_steps = dictionary.add_subparsers(dest="dictionary_command", metavar="STEP", required=True)
    imp = dictionary_steps.add_parser("import", help="add a CSV, TSV or JSONL list of text,label",
                                      description="Add entries (text, label) the dictionary suggests from "
                                                  "then on; all or nothing, a bad line is named.")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.set_defaults(run=run_dictionary_import)


def run_train(project: Any, args: argparse.Namespace) -> int:
    from storage.assist.model import save_model, train
    from storage.assist.settings import load_settings

    def progress(record: dict[str, Any]) -> None:
        if record.get("stage") == "train":
            print(f"epoch {record['epoch']}/{record['epochs']}: loss {record['loss']}, {record['seconds']} s",
                  file=sys.stderr)

    nlp, report = train(project, load_settings(project), max_epochs=args.epochs, max_seconds=args.max_seconds,
                        progress=progress)
    save_model(project, nlp, report)
    print(report.to_json() if args.json else report.table())
    print(f"stored {report.suggestions} suggestions for {report.suggested_articles} unfinished articles",
          file=sys.stderr)
    return 0


def run_suggest(project: Any, args: argparse.Namespace) -> int:
    from storage.assist.live import live_suggestions

    if args.article is not None:
        project.article(args.article)  # KeyError -> a message below
        ids = [args.article]
    else:
        ids = project.article_ids(status=args.status)
    count = 0
    for article_id, text, suggestion in live_suggestions(project, ids):
        words = text[suggestion.start:suggestion.end]
        if args.json:
            print(json.dumps({"article": article_id, "start": suggestion.start, "end": suggestion.end,
                              "label": suggestion.label, "recommender": suggestion.recommender,
                              "score": round(suggestion.score, 4), "text": words}, ensure_ascii=False))
        else:
            print(f"{article_id}\t{suggestion.start}\t{suggestion.end}\t{suggestion.label}\t"
                  f"{suggestion.recommender}\t{suggestion.score:.2f}\t{' '.join(words.split())}")
        count += 1
    print(f"{count} suggestion{'s' if count != 1 else ''} in {len(ids)} article{'s' if len(ids) != 1 else ''}",
          file=sys.stderr)
    return 0


def run_dictionary_import(project: Any, args: argparse.Namespace) -> int:
    from storage.assist.dictionary import import_entries

    added = import_entries(project, args.file)
    print(f"added {added} dictionary entr{'y' if added == 1 else 'ies'} from {args.file}", file=sys.stderr)
    return 0
