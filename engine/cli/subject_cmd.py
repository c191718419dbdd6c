"""`pep subject import|list`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli import subject_rights_cmd
from engine.cli.context import command_session
from engine.cli.output import emit
from engine.errors import InvalidInput
from engine.services.partnerships import find_partnership
from engine.services.subject_import import import_subjects
from engine.services.subjects import list_subjects

PARTLY_IMPORTED = 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("subject", help="subjects (persons of interest)").add_subparsers(dest="verb", required=True)
    imp = group.add_parser("import", help="import a partnership's subjects from CSV")
    imp.add_argument("file", help="CSV with columns ref,name,aliases,date_of_birth,description,last_seen")
    imp.add_argument("--partnership", required=True)
    imp.set_defaults(func=run_import)
    listing = group.add_parser("list", help="list subjects")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    subject_rights_cmd.register(group)


def run_import(args: argparse.Namespace) -> int:
    """Good rows are imported; each rejected row is one line on stderr, and the status is 1 if any were."""
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {args.file}: {exc.strerror}") from None
    with command_session() as (app, session):
        report = import_subjects(session, app.env, find_partnership(session, args.partnership), data)
    for line, reason in report.rejected:
        print(f"{args.file}:{line}: rejected: {reason}", file=sys.stderr)
    print(f"{len(report.imported)} subject{'s' if len(report.imported) != 1 else ''} imported, "
          f"{len(report.rejected)} row{'s' if len(report.rejected) != 1 else ''} rejected")
    return PARTLY_IMPORTED if report.rejected else 0


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        rows = list_subjects(session)
    if not args.json:
        rows = [r | {"aliases": "; ".join(r["aliases"])} for r in rows]
    emit(rows, args.json, ["id", "partnership", "ref", "name", "aliases", "date_of_birth", "last_seen", "expires_at"])
    return 0
