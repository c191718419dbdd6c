"""`pep partnership invite|list|show`."""
from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.models import Area, IsaConfirmation, Partnership, PartnershipType, Person, Role
from engine.services.partnerships import find_partnership, invite, list_partnerships


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("partnership", help="partnerships").add_subparsers(dest="verb", required=True)
    inv = group.add_parser("invite", help="invite a partnership by its chair's address")
    inv.add_argument("--name", required=True)
    inv.add_argument("--type", required=True)
    inv.add_argument("--area", required=True)
    inv.add_argument("--chair", required=True, help="the chair's email address")
    inv.add_argument("--chair-name", default="")
    inv.add_argument("--disc", action="store_true", help="its members are registered in PEP too")
    inv.set_defaults(func=run_invite)
    listing = group.add_parser("list", help="list partnerships")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    show = group.add_parser("show", help="one partnership in full")
    show.add_argument("id", help="id or name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)


def run_invite(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        partnership = invite(session, app.env, args.name, args.type, args.area, args.chair, args.disc,
                             chair_name=args.chair_name)
    print(f"partnership {partnership.name} invited (id {partnership.id}); the ISA is on its way to {args.chair}")
    return 0


def describe(session: Session, p: Partnership) -> dict[str, Any]:
    chairs = session.scalars(select(Person.email).join(Role, Role.person_id == Person.id).where(
        Role.partnership_id == p.id, Role.role == "chair", Role.ended_at.is_(None)))
    latest = session.scalar(select(IsaConfirmation).where(IsaConfirmation.partnership_id == p.id)
                            .order_by(IsaConfirmation.confirmed_at.desc()).limit(1))
    return {"id": p.id, "name": p.name, "type": session.get(PartnershipType, p.type_id).name,  # type: ignore[union-attr]
            "area": session.get(Area, p.area_id).name, "status": p.status,  # type: ignore[union-attr]
            "chairs": sorted(chairs), "disc_enabled": p.disc_enabled, "authoring_agreed": p.authoring_agreed,
            "isa_confirmed_at": latest.confirmed_at if latest else None,
            "isa_expires_at": latest.expires_at if latest else None}


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        rows = [describe(session, p) for p in list_partnerships(session)]
    if not args.json:
        rows = [r | {"chairs": ", ".join(r["chairs"])} for r in rows]
    emit(rows, args.json, ["id", "name", "type", "area", "status", "chairs"])
    return 0


def run_show(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        row = describe(session, find_partnership(session, args.id))
    if args.json:
        emit([row], True)
    else:
        for key, value in row.items():
            print(f"{key:>17}: {value if value is not None else ''}")
    return 0
