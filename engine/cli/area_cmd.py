"""`pep area add|list`."""
from __future__ import annotations

import argparse

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.models import Area
from engine.services.areas import add_area, list_areas


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("area", help="the area tree").add_subparsers(dest="verb", required=True)
    add = group.add_parser("add", help="add an area")
    add.add_argument("name")
    add.add_argument("--parent")
    add.set_defaults(func=run_add)
    listing = group.add_parser("list", help="list areas")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)


def run_add(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        area = add_area(session, app.env, args.name, args.parent)
    print(f"area {area.name} added")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        areas = list_areas(session)
        names = {a.id: a.name for a in areas}
        rows = [{"id": a.id, "name": a.name, "parent": names.get(a.parent_id) if a.parent_id else None,
                 "depth": a.path.count("/") - 2} for a in areas]
    emit(rows, args.json, ["id", "name", "parent"])
    return 0


def area_name(session, area_id: int | None) -> str | None:  # type: ignore[no-untyped-def]
    if area_id is None:
        return None
    area = session.get(Area, area_id)
    return area.name if area else None
