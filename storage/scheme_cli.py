"""The ``scheme`` commands of ``event-annotator``: ``scheme show`` and ``scheme upgrade-plover``.

``add_commands`` adds them to main.py's parser and sets ``run`` on each, so main.py needs one
line for them (as for the team commands).
"""
from __future__ import annotations

import argparse
import sys
from typing import Any


def add_commands(commands: Any) -> None:
    scheme = commands.add_parser(
        "scheme", help="show the project's label scheme, or upgrade it to PLOVER 2.0",
        description="The label scheme lives in the project file: labels, event types with their modes, "
                    "roles and attributes. New projects start with PLOVER 2.0; older ones keep theirs "
                    "until upgraded.")
    steps = scheme.add_subparsers(dest="scheme_command", title="commands", metavar="COMMAND", required=True)
    show = steps.add_parser("show", help="print the scheme's name, labels, event types, roles and attributes")
    show.set_defaults(run=run_show)
    upgrade = steps.add_parser(
        "upgrade-plover", help="upgrade the scheme to PLOVER 2.0, annotations kept",
        description="Roles source and target become actor and recipient; events of the older categories "
                    "move to PLOVER 2.0's (DEMAND → REQUEST, DISAPPROVE and INVESTIGATE → ACCUSE with "
                    "their mode, FIGHT → ASSAULT); modes, contexts, auxiliary modes, dead/injured/arrested "
                    "and ACTOR's code/sector/identifier_id are added. All or nothing; prints what moved. "
                    "Running it again changes nothing.")
    upgrade.set_defaults(run=run_upgrade)


def run_show(project: Any, args: argparse.Namespace) -> int:
    scheme = project.scheme
    print(f"scheme: {scheme.name or '(unnamed)'}{' ' + scheme.version if scheme.version else ''}")
    for label in scheme.labels:
        extra = f"  attributes: {', '.join(a.name + ('+' if a.multi else '') for a in label.attributes)}" \
            if label.attributes else ""
        print(f"label {label.name} ({label.kind}{', key ' + label.key if label.key else ''}){extra}")
    for kind in scheme.event_types:
        modes = f": {', '.join(kind.mode_names)}" if kind.modes else ""
        needs = f" (requires {', '.join(kind.required_roles)})" if kind.required_roles else ""
        print(f"event type {kind.name}{needs}{modes}")
    for role in scheme.roles:
        print(f"role {role.name}: {'/'.join(role.labels)}, {role.min_count}..{role.max_count or 'any'}")
    for attribute in scheme.attributes:
        print(f"attribute {attribute.name} ({attribute.kind}{', several' if attribute.multi else ''}"
              f"{', also on the article' if attribute.on_article else ''})")
    return 0


def run_upgrade(project: Any, args: argparse.Namespace) -> int:
    report = project.upgrade_scheme_to_plover()
    if not report.changed:
        print("the scheme is PLOVER 2.0 already: nothing changed", file=sys.stderr)
    for line in report.lines:
        print(line, file=sys.stderr)
    return 0
