"""`pep isa publish|status`."""
from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import func, select

from engine.cli.context import command_session
from engine.cli.output import emit
from engine.errors import InvalidInput
from engine.models import IsaConfirmation, IsaVersion, Partnership
from engine.services.isa import publish_version


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("isa", help="the Information Sharing Agreement").add_subparsers(dest="verb",
                                                                                           required=True)
    pub = group.add_parser("publish", help="publish a new ISA version from a text file")
    pub.add_argument("file")
    pub.add_argument("--period-months", type=int, default=12)
    pub.set_defaults(func=run_publish)
    status = group.add_parser("status", help="each partnership's ISA state")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=run_status)


def run_publish(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput(f"{args.file}: no such file")
    with command_session() as (app, session):
        version = publish_version(session, app.env, path.read_text(encoding="utf-8"), args.period_months)
    print(f"ISA version {version.version} published ({version.period_months} months, sha256 {version.sha256[:12]}…)")
    return 0


def run_status(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        latest = (select(IsaConfirmation.partnership_id, func.max(IsaConfirmation.id).label("cid"))
                  .group_by(IsaConfirmation.partnership_id).subquery())
        rows = []
        query = (select(Partnership, IsaConfirmation, IsaVersion)
                 .outerjoin(latest, latest.c.partnership_id == Partnership.id)
                 .outerjoin(IsaConfirmation, IsaConfirmation.id == latest.c.cid)
                 .outerjoin(IsaVersion, IsaVersion.id == IsaConfirmation.isa_version_id)
                 .order_by(Partnership.name))
        for partnership, confirmation, version in session.execute(query):
            rows.append({"partnership": partnership.name, "state": partnership.status,
                         "version": version.version if version else None,
                         "confirmed_at": confirmation.confirmed_at if confirmation else None,
                         "expires_at": confirmation.expires_at if confirmation else None})
    emit(rows, args.json)
    return 0
