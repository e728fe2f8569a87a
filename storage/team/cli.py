"""The team commands of ``event-annotator``: ``team split``, ``team merge`` and ``agreement``.

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


def _share(value: str) -> float:
    try:
        share = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number between 0 and 1") from None
    if not 0 <= share <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return share


def add_commands(commands: Any) -> None:
    """Add ``team`` (split, merge) and ``agreement`` to main.py's subparsers."""
    from storage.model import STATUSES

    team = commands.add_parser(
        "team", help="hand out packets to annotators and merge them back",
        description="Teams without a server: `team split` writes one project file (a packet) per "
                    "annotator; each annotates theirs in the window; `team merge` takes every packet's "
                    "annotations back into this project as that annotator's layer.")
    steps = team.add_subparsers(dest="team_command", title="steps", metavar="STEP", required=True)
    split = steps.add_parser(
        "split", help="write one packet per annotator",
        description="Write one packet per annotator into a folder, balanced: a share of the articles "
                    "(--overlap) goes to --per-article annotators, to measure agreement; the rest to one. "
                    "The scheme comes along and is frozen for the round.")
    split.add_argument("--annotators", type=_names, required=True, metavar="A,B,C", help="annotator names")
    split.add_argument("--overlap", type=_share, default=0.0, metavar="SHARE",
                       help="share of articles annotated by several people, e.g. 0.2 (default 0)")
    split.add_argument("--per-article", type=int, default=2, metavar="N",
                       help="annotators per overlap article (default 2)")
    split.add_argument("--status", choices=STATUSES, default=None, help="only articles with this status")
    split.add_argument("--gold", action="store_true",
                       help="give each packet the current gold layer as its starting annotations")
    split.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder for the packets")
    split.set_defaults(run=run_split)
    merge = steps.add_parser(
        "merge", help="take packets back as annotator layers",
        description="Merge packets: each one's annotations become its annotator's layer, all or nothing "
                    "per packet. The same packet twice changes nothing; a newer one replaces that "
                    "annotator's layer on its articles and says what changed. Packets are only read.",
        epilog="exit status: 0 when every packet merged or was unchanged, 1 when any was refused")
    merge.add_argument("packets", nargs="+", type=Path, metavar="PACKET")
    merge.set_defaults(run=run_merge)
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


def run_split(project: Any, args: argparse.Namespace) -> int:
    from storage.team.packets import split

    report = split(project, args.output, annotators=args.annotators, overlap=args.overlap,
                   per_article=args.per_article, status=args.status, with_gold=args.gold)
    for line in report.summary_lines():
        print(line, file=sys.stderr)
    return 0


def run_merge(project: Any, args: argparse.Namespace) -> int:
    from storage.team.merge import merge_packets

    outcomes = merge_packets(project, args.packets)
    for outcome in outcomes:
        print(outcome.line(), file=sys.stderr)
    return 1 if any(o.state == "refused" for o in outcomes) else 0


def run_agreement(project: Any, args: argparse.Namespace) -> int:
    from storage.team.agreement import agreement
    from storage.team.agreement_report import format_text, to_html
    from storage.team.corpus import layer_names, read_layers
    from storage.team.coverage import layer_coverage, nothing_back

    layers = layer_names(project.db.conn)
    annotators = args.annotators or [n for n in layers if n != "gold"]  # gold is the verdict, not a rater
    known = layer_coverage(project.db.conn)  # with layers handed out that have nothing back yet
    unknown = [name for name in annotators if name not in layers and name not in known]
    if unknown:
        raise AnnotatorError(f"no annotator layer named {', '.join(unknown)} "
                             f"(layers: {', '.join(known) or 'none'})")
    for name in annotators:
        if name not in layers:  # stats lists it, export --layer names it: say why it compares nothing
            print(f"note: {name}'s layer has nothing to compare yet: {nothing_back(known[name].handed_out)}",
                  file=sys.stderr)
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
