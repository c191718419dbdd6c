"""`pep`: the one console script; each group of verbs lives in its own module."""
from __future__ import annotations

import argparse
import logging
import sys
from typing import NoReturn, Sequence

from engine.cli import (area_cmd, audit_cmd, config_cmd, deliveries, demo, inbound_cmd, init_cmd, isa_cmd,
                        partnerships, person_cmd, serve, team_cmd, type_cmd)
from engine.cli import (admin_cmd, alert_cmd, bounce_cmd, broadcast_cmd, dataview_cmd, exclusion_cmd, rules_cmd,
                        scheduler_cmd, subject_cmd, template_cmd)
from engine.cli import digest_cmd, report_cmd
from engine.errors import PepError

GROUPS = (init_cmd, serve, area_cmd, type_cmd, person_cmd, team_cmd, partnerships, isa_cmd, audit_cmd,
          inbound_cmd, deliveries, demo, config_cmd, scheduler_cmd, admin_cmd, bounce_cmd, alert_cmd, rules_cmd,
          broadcast_cmd, template_cmd, subject_cmd, dataview_cmd, exclusion_cmd, report_cmd, digest_cmd)


class UsageError(Exception):
    """A command line that does not parse."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> Parser:
    parser = Parser(prog="pep", description="Partnership Engagement Platform")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except PepError as exc:
        print(f"pep: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
