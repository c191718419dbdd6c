"""`pep subject export ID` (subject access) and `pep subject erase ID --reason R` (erasure)."""
from __future__ import annotations

import argparse
import json
import sys

from engine.cli.context import command_session
from engine.retention.subject_rights import erase_subject, export_subject, get_subject

OPERATOR = "cli"


def register(group: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = group.add_parser("export", help="everything held about a subject, with who received it (JSON)")
    export.add_argument("id", type=int)
    export.set_defaults(func=run_export)
    erase = group.add_parser("erase", help="erase a subject's personal details; past recipients are told")
    erase.add_argument("id", type=int)
    erase.add_argument("--reason", required=True)
    erase.set_defaults(func=run_erase)


def run_export(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        data = export_subject(session, app.env, get_subject(session, args.id), OPERATOR)
    json.dump(data, sys.stdout, indent=1, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
    return 0


def run_erase(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        told = erase_subject(session, app.env, get_subject(session, args.id), args.reason, OPERATOR)
    print(f"subject {args.id} erased; {told} past recipient{'s' if told != 1 else ''} told to delete their copies")
    return 0
