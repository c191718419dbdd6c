"""`pep team add|list`."""
from __future__ import annotations

import argparse

from sqlalchemy import select

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.models import Area
from engine.services.areas import find_area
from engine.services.teams import add_team, list_teams


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("team", help="police teams reports go to").add_subparsers(dest="verb", required=True)
    add = group.add_parser("add", help="add a team")
    add.add_argument("name")
    add.add_argument("--email", required=True)
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--area")
    where.add_argument("--central", action="store_true")
    add.set_defaults(func=run_add)
    listing = group.add_parser("list", help="list teams")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)


def run_add(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        area = find_area(session, args.area) if args.area else None
        team = add_team(session, app.env, args.name, args.email, area, args.central)
    print(f"team {team.name} added")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        areas = dict(session.execute(select(Area.id, Area.name)).all())
        rows = [{"id": t.id, "name": t.name, "email": t.email, "area": areas.get(t.area_id or -1),
                 "central": t.central} for t in list_teams(session)]
    emit(rows, args.json)
    return 0
