"""`pep audit list`."""
from __future__ import annotations

import argparse
from datetime import datetime

from sqlalchemy import select

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.errors import InvalidInput
from engine.models import AuditEvent


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("audit", help="the audit log").add_subparsers(dest="verb", required=True)
    listing = group.add_parser("list", help="list audit events, oldest first")
    listing.add_argument("--subject", type=int, help="only events about this subject id")
    listing.add_argument("--since", help="ISO date or time")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        query = select(AuditEvent).order_by(AuditEvent.id)
        if args.subject is not None:
            query = query.where(AuditEvent.object_kind == "subject", AuditEvent.object_id == args.subject)
        if args.since:
            try:
                since = datetime.fromisoformat(args.since)
            except ValueError:
                raise InvalidInput(f"--since {args.since!r} is not an ISO date") from None
            query = query.where(AuditEvent.at >= (since if since.tzinfo else since.replace(tzinfo=app.settings.tz)))
        rows = [{"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "object": e.object_kind,
                 "object_id": e.object_id, "details": e.details} for e in session.scalars(query)]
    emit(rows, args.json, ["id", "at", "actor", "action", "object", "object_id", "details"])
    return 0
