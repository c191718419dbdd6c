"""`pep exclusion propose|approve|list|appeal|lift`."""
from __future__ import annotations

import argparse

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.errors import NotFound
from engine.models import Exclusion
from engine.services.exclusions import approve, lift, list_exclusions, lodge_appeal, propose
from engine.services.people import get_person
from engine.services.subjects import find_subject


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("exclusion", help="partnership exclusion schemes").add_subparsers(dest="verb", required=True)
    prop = group.add_parser("propose", help="propose excluding a subject (as a board member)")
    prop.add_argument("subject", help="subject id or PARTNERSHIP:REF")
    prop.add_argument("--by", required=True, help="the proposing chair's email address")
    prop.add_argument("--months", type=int)
    prop.add_argument("--reason", required=True)
    prop.set_defaults(func=run_propose)
    appr = group.add_parser("approve", help="record a board member's approval")
    appr.add_argument("id", type=int)
    appr.add_argument("--by", required=True, help="the board member's email address")
    appr.set_defaults(func=run_approve)
    listing = group.add_parser("list", help="list exclusions")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    appeal = group.add_parser("appeal", help="record an appeal (after the incident-free months)")
    appeal.add_argument("id", type=int)
    appeal.set_defaults(func=run_appeal)
    lifting = group.add_parser("lift", help="lift an exclusion early (an appeal upheld)")
    lifting.add_argument("id", type=int)
    lifting.add_argument("--reason", required=True)
    lifting.set_defaults(func=run_lift)


def _exclusion(session, key: int) -> Exclusion:  # type: ignore[no-untyped-def]
    found = session.get(Exclusion, key)
    if found is None:
        raise NotFound(f"no exclusion {key}")
    return found


def run_propose(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        ex = propose(session, app.env, get_person(session, args.by), find_subject(session, args.subject),
                     args.months, args.reason)
        ex_id, status, months = ex.id, ex.status, ex.months
    print(f"exclusion {ex_id}: {status} ({months} months)")
    return 0


def run_approve(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        outcome = approve(session, app.env, _exclusion(session, args.id), get_person(session, args.by))
    print(outcome)
    return 0


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        rows = list_exclusions(session)
    emit(rows, args.json, ["id", "partnership", "subject", "name", "stage", "status", "approvals", "ends_at"])
    return 0


def run_appeal(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        lodge_appeal(session, app.env, _exclusion(session, args.id), "cli")
    print(f"appeal against exclusion {args.id} recorded")
    return 0


def run_lift(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        lift(session, app.env, _exclusion(session, args.id), "cli", args.reason)
    print(f"exclusion {args.id} lifted; every member is being told")
    return 0
