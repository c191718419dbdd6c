"""`pep isa publish|status|evidence`."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from sqlalchemy import select

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.errors import InvalidInput, NotFound
from engine.models import IsaConfirmation, IsaVersion, Partnership
from engine.scheduler.isa_jobs import request_new_version
from engine.services.isa import current_version, publish_version
from engine.services.isa_evidence import evidence_rows
from engine.services.isa_standing import deadline_of, isa_state, latest_confirmation
from engine.services.partnerships import find_partnership


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("isa", help="the Information Sharing Agreement").add_subparsers(dest="verb",
                                                                                           required=True)
    pub = group.add_parser("publish", help="publish a new ISA version from a text file; every partnership is "
                                           "asked to confirm it within PEP_ISA_GRACE_DAYS")
    pub.add_argument("file")
    pub.add_argument("--period-months", type=int, default=12)
    pub.set_defaults(func=run_publish)
    status = group.add_parser("status", help="each partnership's ISA state")
    status.add_argument("--json", action="store_true")
    status.add_argument("--now", help="ISO date and time to judge the states as of")
    status.set_defaults(func=run_status)
    evidence = group.add_parser("evidence", help="the stored evidence of a partnership's confirmations")
    evidence.add_argument("partnership", help="id or name")
    evidence.add_argument("--json", action="store_true")
    evidence.set_defaults(func=run_evidence)


def run_publish(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput(f"{args.file}: no such file")
    with command_session() as (app, session):
        version = publish_version(session, app.env, path.read_text(encoding="utf-8"), args.period_months)
        asked = request_new_version(session, app.env)
    print(f"ISA version {version.version} published ({version.period_months} months, sha256 {version.sha256[:12]}…); "
          f"{asked} chair(s) asked to confirm it within {app.settings.isa_grace_days} days")
    return 0


def run_status(args: argparse.Namespace) -> int:
    with command_session(args.now) as (app, session):
        current = current_version(session)
        now = app.clock.now()
        latest = latest_confirmation()
        query = (select(Partnership, IsaConfirmation, IsaVersion, deadline_of(app.env, current).label("deadline"))
                 .outerjoin(latest, latest.c.partnership_id == Partnership.id)
                 .outerjoin(IsaConfirmation, IsaConfirmation.id == latest.c.confirmation_id)
                 .outerjoin(IsaVersion, IsaVersion.id == IsaConfirmation.isa_version_id)
                 .order_by(Partnership.name))
        rows = []
        for partnership, confirmation, version, deadline in session.execute(query):
            rows.append({"partnership": partnership.name, "state": partnership.status,
                         "isa": isa_state(app.env, partnership.status, version, current,
                                          deadline if confirmation else None, now),
                         "version": version.version if version else None,
                         "confirmed_at": confirmation.confirmed_at if confirmation else None,
                         "expires_at": confirmation.expires_at if confirmation else None,
                         "confirm_by": deadline if confirmation else None})
    emit(rows, args.json)
    return 0


def run_evidence(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        partnership = find_partnership(session, args.partnership)
        rows = evidence_rows(session, partnership)
    if not rows:
        raise NotFound(f"{partnership.name} has never confirmed the ISA")
    if args.json:
        print(json.dumps(rows, indent=1, default=str))
        return 0
    for row in rows:
        print(f"confirmation {row['confirmation_id']} of {partnership.name}")
        for key in ("confirmed_by", "confirmed_at", "expires_at", "isa_version", "isa_sha256", "from",
                    "message_id", "inbound_message_id", "auth"):
            print(f"  {key}: {row[key]}")
        print("  raw reply:")
        print("\n".join("    " + line for line in (row["raw_reply"] or "(not stored)").splitlines()))
    return 0
