"""`pep admin run --as EMAIL "LINE" …`: the admin@ commands from the console, as that person, with their permissions."""
from __future__ import annotations

import argparse
import sys

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.commands.execute import run_lines
from engine.commands.parse import VERBS
from engine.services.people import get_person


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("admin", help="admin@ commands from the console").add_subparsers(dest="verb",
                                                                                          required=True)
    run = group.add_parser("run", help="run command lines as a registered person, with that person's permissions",
                           epilog="commands: " + "; ".join(verb.usage for verb in VERBS))
    run.add_argument("--as", dest="as_email", required=True, help="the registered person the commands are run as")
    run.add_argument("lines", nargs="+", help='one command per argument, e.g. "STATUS"')
    run.add_argument("--json", action="store_true")
    run.set_defaults(func=run_commands)


def run_commands(args: argparse.Namespace) -> int:
    """Each line's outcome on stdout; a refused line changes nothing and makes the exit status 2."""
    with command_session() as (app, session):
        person = get_person(session, args.as_email)
        outcomes = run_lines(session, app.env, person, args.lines)
    emit([{"line": o.line, "done": o.done, "outcome": o.text} for o in outcomes], args.json)
    refused = [o for o in outcomes if not o.done]
    if refused:
        print(f"pep: {len(refused)} of {len(outcomes)} line(s) refused: {refused[0].text}", file=sys.stderr)
        return 2
    return 0
