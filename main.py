"""Event Annotator's composition root: parse the command line, open the project, run a command
or start the window.

    event-annotator [--project FILE]                       open the window
    event-annotator [--project FILE] import PATH… [--encoding ENC]
    event-annotator [--project FILE] export --format F [-o FILE|DIR] [--status S] [--strict] [--relations] [--docbin F]
    event-annotator [--project FILE] stats [--json]
    event-annotator [--project FILE] agreement [--json] [--html FILE] [--labels L,…] [--annotators A,…]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sqlite3
import sys
import textwrap
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence, TextIO

from storage.paths import APP_NAME, default_project_path

_EXAMPLES = """\
examples:
  event-annotator --project news.sqlite import articles/
  event-annotator --project news.sqlite                  (annotate in the window)
  event-annotator --project news.sqlite export --format spacy --status done -o train.jsonl
  event-annotator --project news.sqlite stats
"""

_FORMAT_HELP = """\
formats (one JSON record per line, UTF-8, offsets in code points, end exclusive):
  native   lossless: text, meta, spans with ids, events; re-imports exactly
  spacy    {"text", "spans": [{"start", "end", "label"}], "meta"} for doc.char_span
           and Prodigy; --docbin FILE.spacy also writes a spaCy DocBin
  doccano  {"text", "label": [[start, end, "LABEL"]]}; --relations writes
           entities/relations, one relation from trigger to argument per role
  hf-bio   one sentence per record {"id", "tokens", "ner_tags"}, IOB2 tags;
           spans BIO cannot hold (nested, overlapping) are dropped and counted
  events   one record per event frame: type, trigger, roles, attributes, sentence
  plover   PLOVER 2.0 records, one per event: actor/recipient entities (code, sector,
           identifier_id), event, mode, context, event_loc, quad_code, event_scale,
           text_info offsets, coder, coded_date; needs a PLOVER scheme
  brat     a folder (-o DIR): <id>.txt and <id>.ann (brat standoff) per article
           and annotation.conf; replaces only an empty folder or a brat export
"""


def _wrap(text: str) -> str:
    # The raw formatter keeps the hand-made tables below; paragraphs are wrapped here instead.
    return textwrap.fill(text, width=78, break_on_hyphens=False)


def _parser() -> argparse.ArgumentParser:
    from storage.importing.registry import FORMATS as IMPORTERS

    import_formats = "formats (detected from the extension, then the first record):\n" + "\n".join(
        f"  {f.name:<12} {f.title} ({', '.join(f.suffixes)})" for f in IMPORTERS.values())

    from storage.exporting import FOLDER_FORMATS, FORMATS
    from storage.model import STATUSES

    parser = argparse.ArgumentParser(
        prog=APP_NAME, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EXAMPLES,
        description=_wrap("Annotate news articles with actors, locations and event frames, and export "
                          "them as training data. Without a command, opens the window."))
    parser.add_argument("--project", type=Path, default=None, metavar="FILE",
                        help=f"the project file, created if needed (default: {default_project_path()})")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    imp = commands.add_parser(
        "import", help="import articles: .txt, native .jsonl, brat, doccano, Prodigy/spaCy, Label Studio, CoNLL…",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_wrap("Import articles. A .txt file is one article; the house header "
                          "' date YYYY-MM-DD headline' sets its date and title. A .jsonl file is a "
                          "native export, annotations included. Other tools' files keep their "
                          "annotations too; each file's format is detected from its extension and "
                          "content unless --format says. Folders are searched recursively. "
                          "Each file is all or nothing: a bad one is reported with its line and "
                          "changes nothing, the others still import. Articles already in the project "
                          "are skipped; what a format holds that the project cannot is counted."),
        epilog=import_formats + "\n\n" + _wrap("exit status: 0 when every file imported (skipped "
                                                "duplicates are fine), 1 when any failed"))
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a file or a folder")
    imp.add_argument("--encoding", default=None, metavar="ENC",
                     help="the files' text encoding, e.g. cp1252 (default: UTF-8, or UTF-16 with a BOM)")
    imp.add_argument("--format", default=None, choices=list(IMPORTERS),
                     help="read every file as this format (default: detected per file)")
    imp.add_argument("--discontinuous", choices=("split", "refuse"), default="split",
                     help="brat spans in fragments (0 5;10 15): one span per fragment with a note "
                          "(default), or refuse the file")
    imp.add_argument("--answers", choices=("accept", "all"), default="accept",
                     help="Prodigy: import accepted tasks only (default; the others are counted), or "
                          "all, rejected and ignored ones with status skipped")
    imp.add_argument("--text-key", default=None, metavar="KEY",
                     help="doccano / Label Studio: the field holding the text (default: detected)")
    imp.add_argument("--predictions", action="store_true",
                     help="Label Studio: import predictions too, the model version as annotator "
                          "(default: counted, not imported)")
    imp.add_argument("--labels", default=None, metavar="NAMES",
                     help="Hugging Face integer ner_tags: their names in id order, O,B-PER,I-PER,… "
                          "or a JSON file (a list, or a dataset_info.json)")
    imp.add_argument("--annotator", default=None, metavar="NAME",
                     help="put every annotation of the files into annotator layer NAME (whatever they "
                          "name); an article already in the project receives them instead of being "
                          "skipped, unless NAME already annotates it (that file is refused)")
    exp = commands.add_parser(
        "export", help="write annotations as training data", epilog=_FORMAT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_wrap("Export articles with their annotations. Every span is checked against "
                          "the text first; a mismatch stops the export. A file is written only "
                          "when complete; the summary on standard error says what was written "
                          "and what was dropped."))
    exp.add_argument("--format", required=True, choices=FORMATS + FOLDER_FORMATS,
                     help="see formats below")
    exp.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                     help="output file, or folder for brat (default: standard output)")
    exp.add_argument("--status", choices=STATUSES, default=None,
                     help="only articles with this status, e.g. done")
    exp.add_argument("--layer", default=None, metavar="gold|NAME|all",
                     help="which annotator layer: gold, one annotator's, or all stacked. gold or NAME "
                          "writes only the articles that layer annotated or marked done (gold: or that "
                          "are curated); the others are left out and counted. Default: gold where an "
                          "article has it, else its only layer; an article with two or more layers and "
                          "no gold is left out and named (native: all)")
    exp.add_argument("--relations", action="store_true",
                     help="doccano only: entities/relations, one relation per event argument")
    exp.add_argument("--strict", action="store_true",
                     help="refuse to export incomplete event frames (no type, a required role empty); "
                          "without it they are written and named in the summary")
    exp.add_argument("--docbin", type=Path, default=None, metavar="FILE",
                     help="spacy only: also write a spaCy DocBin (.spacy), needs spaCy installed")
    st = commands.add_parser("stats", help="count articles, spans, events and annotators",
                             description="Articles by status, spans by label, events by type, "
                                         "arguments by role, and spans and events per annotator.")
    st.add_argument("--json", action="store_true", help="print JSON instead of a table")
    from storage.team.cli import add_commands as add_team_commands

    add_team_commands(commands)
    from storage.assist.cli import add_commands as add_assist_commands  # assist train/suggest/dictionary

    add_assist_commands(commands)
    from storage.scheme_cli import add_commands as add_scheme_commands

    add_scheme_commands(commands)
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

    with _first_interrupt_cancels() as cancelled:
        report = import_paths(project, args.paths, options=_import_options(args),
                              progress=_progress(sys.stderr), cancelled=cancelled)
    for line in report.summary_lines():
        print(line, file=sys.stderr)
    if report.cancelled:
        return 130
    return 0 if report.ok else 1


def _import_options(args):
    from storage.importing import ImportOptions

    return ImportOptions(encoding=args.encoding, format=args.format, discontinuous=args.discontinuous,
                         answers=args.answers, text_key=args.text_key, labels=args.labels,
                         predictions=args.predictions, annotator=args.annotator)


@contextmanager
def _first_interrupt_cancels() -> Iterator[Callable[[], bool]]:
    """Ctrl+C once: finish the current file, stop, and print the summary; twice: stop at once."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False  # signal handlers can only be set from the main thread
        return
    pressed: list[int] = []

    def handler(signum: int, frame: object) -> None:
        if pressed:
            raise KeyboardInterrupt
        pressed.append(signum)
        print("\nstopping after this file (Ctrl+C again to stop now)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: bool(pressed)
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_export(project, args) -> int:
    from storage.exporting import export_to_path, export_to_stream

    options = dict(status=args.status, relations=args.relations, docbin=args.docbin, layer=args.layer,
                   strict=args.strict,
                   progress=_progress(sys.stderr))
    if args.output is not None:
        report = export_to_path(project, args.format, args.output, **options)
    else:
        stdout = _utf8_stdout()
        try:
            report = export_to_stream(project, args.format, stdout, **options)
        finally:
            stdout.flush()
            if stdout is not sys.stdout:
                stdout.detach()  # leave sys.stdout's buffer open
        report.path = "standard output"
    print(report.summary(), file=sys.stderr)
    if report.articles == 0 and not report.left_out:  # an empty training file is rarely what was meant: say why
        print(f"note: the project has no articles{f' with status {args.status}' if args.status else ''}",
              file=sys.stderr)
    return 0


def _utf8_stdout() -> TextIO:
    """Standard output as UTF-8 with "\\n" line ends, whatever the console's code page: JSONL is UTF-8."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        return sys.stdout
    sys.stdout.flush()
    return io.TextIOWrapper(buffer, encoding="utf-8", newline="\n")


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
    from storage.sqlite_errors import plain_error

    path = args.project or default_project_path()
    if args.command != "import" and not path.exists():
        # Reading a mistyped path would create an empty project and "export" nothing, successfully.
        print(f"error: there is no project at {path}; import articles into it first "
              f"({APP_NAME} --project {path} import PATH…)", file=sys.stderr)
        return 1
    try:
        # stats and export only read: they work on a read-only file, folder or disk too.
        with Project.open(path, read_only=args.command in ("stats", "export")) as project:
            command = getattr(args, "run", None) or {
                "import": _run_import, "export": _run_export, "stats": _run_stats}[args.command]
            return command(project, args)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        plain = plain_error(path, exc)
        if plain is exc:
            raise  # anything else is our bug: the traceback is what a report needs
        # Committed work stays committed; the failed transaction rolled back.
        print(f"error: {plain}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Imports commit whole files and exports write to a temporary file, so nothing is half-done.
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `export | head`): not an error worth a traceback. Point
        # stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
