"""`pep type add|list`."""
from __future__ import annotations

import argparse

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.services.ptypes import add_type, list_types


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("type", help="partnership types").add_subparsers(dest="verb", required=True)
    add = group.add_parser("add", help="add a partnership type")
    add.add_argument("name")
    add.set_defaults(func=run_add)
    listing = group.add_parser("list", help="list partnership types")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)


def run_add(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        ptype = add_type(session, app.env, args.name)
    print(f"type {ptype.name} added")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        rows = [{"id": t.id, "name": t.name} for t in list_types(session)]
    emit(rows, args.json)
    return 0
