"""Event Annotator's composition root: parse the command line, open the project, run a command
or start the window.

    event-annotator [--project FILE]                       open the window
    event-annotator [--project FILE] import PATH… [--encoding ENC]
    event-annotator [--project FILE] export --format F [-o FILE] [--status S] [--relations] [--docbin F]
    event-annotator [--project FILE] stats [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence, TextIO

from platformdirs import user_data_path

APP_NAME = "event-annotator"


def default_project_path() -> Path:
    """The project used when no --project is given, in the user's data directory."""
    return user_data_path(APP_NAME, appauthor=False) / "default.sqlite"


def _parser() -> argparse.ArgumentParser:
    from storage.exporting import FORMATS
    from storage.model import STATUSES

    parser = argparse.ArgumentParser(prog=APP_NAME, description="Annotate news articles with "
                                     "actors, locations and event frames; export training data.")
    parser.add_argument("--project", type=Path, default=None,
                        help=f"project file (default: {default_project_path()})")
    commands = parser.add_subparsers(dest="command")
    imp = commands.add_parser("import", help="import .txt files, folders or native .jsonl")
    imp.add_argument("paths", nargs="+", type=Path)
    imp.add_argument("--encoding", default=None,
                     help="text encoding of the files (default: UTF-8, or UTF-16 with a BOM)")
    exp = commands.add_parser("export", help="export annotations as training data")
    exp.add_argument("--format", required=True, choices=FORMATS)
    exp.add_argument("-o", "--output", type=Path, default=None, help="output file (default: stdout)")
    exp.add_argument("--status", choices=STATUSES, default=None, help="only articles with this status")
    exp.add_argument("--relations", action="store_true",
                     help="doccano: write entities/relations, one relation per event argument")
    exp.add_argument("--docbin", type=Path, default=None,
                     help="spacy: also write a spaCy DocBin (.spacy) file")
    st = commands.add_parser("stats", help="counts by status, label, event type and annotator")
    st.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _progress(stream: TextIO):
    """A progress callback that draws on a terminal and stays silent otherwise."""
    if not stream.isatty():
        return None

    def report(done: int, total: int, what: str) -> None:
        stream.write(f"\r{done}/{total} {what[:60]:<60}")
        stream.flush()
        if done >= total:
            stream.write("\n")
    return report


def _run_import(project, args) -> int:
    from storage.importing import import_paths

    report = import_paths(project, args.paths, encoding=args.encoding, progress=_progress(sys.stderr))
    for line in report.summary_lines():
        print(line, file=sys.stderr)
    return 0 if report.ok else 1


def _run_export(project, args) -> int:
    from storage.exporting import export_to_path, export_to_stream

    options = dict(status=args.status, relations=args.relations, docbin=args.docbin,
                   progress=_progress(sys.stderr))
    if args.output is None:
        report = export_to_stream(project, args.format, sys.stdout, **options)
    else:
        report = export_to_path(project, args.format, args.output, **options)
    print(report.summary(), file=sys.stderr)
    return 0


def _run_stats(project, args) -> int:
    from storage.stats import format_stats, project_stats

    stats = project_stats(project)
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        from gui.app import run_app

        return run_app(args.project)

    from storage.model import AnnotatorError
    from storage.project import Project

    path = args.project or default_project_path()
    try:
        with Project.open(path) as project:
            command = {"import": _run_import, "export": _run_export, "stats": _run_stats}[args.command]
            return command(project, args)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
