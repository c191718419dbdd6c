"""`pep bounce list|reset`: the evidence of failed deliveries per address, and a fresh start."""
from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.models import BounceEvent, Person
from engine.services.bounces import list_bounces, reset_bounces, score


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("bounce", help="bounce evidence and suppressed addresses").add_subparsers(
        dest="verb", required=True)
    listing = group.add_parser("list", help="bounces recorded, newest first")
    listing.add_argument("--address", help="only this address")
    listing.add_argument("--limit", type=int, default=500)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    reset = group.add_parser("reset", help="clear an address's bounce score and lift its suppression")
    reset.add_argument("address")
    reset.set_defaults(func=run_reset)


def _row(event: BounceEvent) -> dict[str, object]:
    return {"id": event.id, "at": event.at, "address": event.address, "person_id": event.person_id,
            "delivery_id": event.delivery_id, "inbound_message_id": event.inbound_message_id,
            "kind": "policy" if event.policy else ("hard" if event.hard else "soft"), "hard": event.hard,
            "policy": event.policy, "status": event.status, "diagnostic": event.diagnostic,
            "counted": not event.policy and event.cleared_at is None, "cleared_at": event.cleared_at}


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        rows = [_row(e) for e in list_bounces(session, args.address, args.limit)]
        if args.address:
            print(f"{args.address}: score {score(session, app.env, args.address):g} of "
                  f"{app.settings.bounce_threshold} within {app.settings.bounce_window_days} days",
                  file=sys.stderr)
    if not args.json:
        rows = [r | {"diagnostic": str(r["diagnostic"])[:60]} for r in rows]
    emit(rows, args.json, ["id", "at", "address", "kind", "status", "counted", "diagnostic"])
    return 0


def run_reset(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        person = session.scalar(select(Person).where(Person.email == args.address.strip().lower()))
        was_suppressed = person is not None and person.suppressed_at is not None
        cleared = reset_bounces(session, app.env, args.address, "reset by an operator", actor="cli")
    lifted = "; mail to it is no longer suppressed" if was_suppressed else ""
    print(f"{args.address}: {cleared} bounce(s) cleared{lifted}")
    return 0
