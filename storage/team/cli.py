"""The team commands of ``event-annotator``: ``agreement`` (and, as they land, ``team split``/``merge``).

``add_commands`` adds the subcommands to main.py's parser and sets ``run`` on each, so main.py
needs one line to dispatch them and knows nothing of teams.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from storage.model import AnnotatorError


def _names(value: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one name, separated by commas")
    return names


def add_commands(commands: Any) -> None:
    """Add ``agreement`` to main.py's subparsers."""
    agree = commands.add_parser(
        "agreement", help="inter-annotator agreement between annotator layers",
        description="Pairwise span precision/recall/F1 (exact and overlapping match), Cohen's kappa "
                    "and Krippendorff's alpha (nominal) over matched units and over tokens, and "
                    "tiered event-frame agreement, over the articles two or more annotators "
                    "annotated. README.md (Agreement) says what each figure means.")
    agree.add_argument("--json", action="store_true", help="print JSON instead of tables")
    agree.add_argument("--html", type=Path, default=None, metavar="FILE",
                       help="also write the report as an HTML page")
    agree.add_argument("--labels", type=_names, default=None, metavar="L1,L2",
                       help="only spans with these labels")
    agree.add_argument("--annotators", type=_names, default=None, metavar="A,B",
                       help="only these annotators' layers (default: all)")
    agree.set_defaults(run=run_agreement)


def run_agreement(project: Any, args: argparse.Namespace) -> int:
    from storage.team.agreement import agreement
    from storage.team.agreement_report import format_text, to_html
    from storage.team.corpus import layer_names, read_layers

    layers = layer_names(project.db.conn)
    annotators = args.annotators or layers
    unknown = [name for name in annotators if name not in layers]
    if unknown:
        raise AnnotatorError(f"no annotator layer named {', '.join(unknown)} "
                             f"(layers: {', '.join(layers) or 'none'})")
    if args.labels:
        known = {label.name for label in project.scheme.labels}
        missing = [label for label in args.labels if label not in known]
        if missing:
            raise AnnotatorError(f"unknown label {', '.join(missing)} (labels: {', '.join(sorted(known))})")
    report = agreement(read_layers(project.db.conn, annotators=annotators), annotators, labels=args.labels)
    if args.html is not None:
        from storage.exporting import _AtomicFile

        with _AtomicFile(args.html) as out:
            out.handle.write(to_html(report, title=f"Agreement: {project.path.name if project.path else ''}"))
        print(f"wrote {args.html}", file=sys.stderr)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_text(report))
    return 0
