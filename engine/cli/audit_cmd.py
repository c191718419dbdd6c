"""`pep audit list|verify|seal`: the append-only, hash-chained audit log."""
from __future__ import annotations

import argparse
from datetime import timedelta

from sqlalchemy import select

from engine.audit_chain import seal, verify
from engine.cli.context import command_session, parse_since
from engine.cli.output import emit
from engine.models import AuditEvent


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("audit", help="the audit log").add_subparsers(dest="verb", required=True)
    listing = group.add_parser("list", help="list audit events, oldest first")
    listing.add_argument("--subject", type=int, help="only events about this subject id")
    listing.add_argument("--since", help="ISO date or time")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    verify_p = group.add_parser("verify", help="check the audit hash chain; exit 1 if it is broken")
    verify_p.add_argument("--json", action="store_true")
    verify_p.set_defaults(func=run_verify)
    seal_p = group.add_parser("seal", help="seal every event that is due into the hash chain now")
    seal_p.add_argument("--now", help="ISO time to act as of")
    seal_p.set_defaults(func=run_seal)


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        query = select(AuditEvent).order_by(AuditEvent.id)
        if args.subject is not None:
            query = query.where(AuditEvent.object_kind == "subject", AuditEvent.object_id == args.subject)
        since = parse_since(args.since, app.settings.tz)
        if since is not None:
            query = query.where(AuditEvent.at >= since)
        rows = [{"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "object": e.object_kind,
                 "object_id": e.object_id, "details": e.details} for e in session.scalars(query)]
    emit(rows, args.json, ["id", "at", "actor", "action", "object", "object_id", "details"])
    return 0


def run_verify(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        result = verify(session)
    if args.json:
        emit([{"ok": result.ok, "checked": result.checked, "broken_id": result.broken_id,
               "reason": result.reason}], True)
    elif result.ok:
        print(f"audit chain intact: {result.checked} sealed events checked")
    else:
        print(f"audit chain BROKEN at event {result.broken_id}: {result.reason} "
              f"({result.checked} events before it are intact)")
    return 0 if result.ok else 1


def run_seal(args: argparse.Namespace) -> int:
    with command_session(args.now) as (app, session):
        count = seal(session, app.clock.now(), timedelta(seconds=app.settings.audit_settle_seconds))
    print(f"{count} audit events sealed")
    return 0
