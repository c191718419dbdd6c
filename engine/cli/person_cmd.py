"""`pep person add|list`."""
from __future__ import annotations

import argparse

from sqlalchemy import select

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.models import Area, Partnership, Role
from engine.services.areas import find_area
from engine.services.partnerships import find_partnership
from engine.services.people import ROLES, add_person, list_people


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("person", help="people and their roles").add_subparsers(dest="verb", required=True)
    add = group.add_parser("add", help="register a person with a role")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--area")
    add.add_argument("--partnership")
    add.set_defaults(func=run_add)
    listing = group.add_parser("list", help="list people")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)


def run_add(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        area = find_area(session, args.area) if args.area else None
        partnership = find_partnership(session, args.partnership) if args.partnership else None
        person = add_person(session, app.env, args.email, args.name, args.role, area, partnership)
    print(f"{person.email} added as {args.role}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        areas = dict(session.execute(select(Area.id, Area.name)).all())
        partnerships = dict(session.execute(select(Partnership.id, Partnership.name)).all())
        roles: dict[int, list[str]] = {}
        for role in session.scalars(select(Role).where(Role.ended_at.is_(None))):
            scope = areas.get(role.area_id) if role.area_id else partnerships.get(role.partnership_id or -1)
            roles.setdefault(role.person_id, []).append(f"{role.role}:{scope}" if scope else role.role)
        rows = [{"id": p.id, "email": p.email, "name": p.name, "roles": sorted(roles.get(p.id, [])),
                 "digest": p.digest_on, "suppressed": p.suppressed_at is not None} for p in list_people(session)]
    if not args.json:
        rows = [r | {"roles": ", ".join(r["roles"])} for r in rows]
    emit(rows, args.json, ["id", "email", "name", "roles"])
    return 0
