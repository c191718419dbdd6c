"""`pep inbound list|show|retry`: what came in, what became of it, and a second chance."""
from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path

from sqlalchemy import select

from engine.cli.context import command_session, parse_now
from engine.cli.output import emit
from engine.errors import InvalidInput, NotFound
from engine.models import InboundMessage
from engine.queue.requeue import requeue
from engine.settings import Settings, load_settings
from engine.tokens import TokenSigner


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("inbound", help="inbound messages").add_subparsers(dest="verb", required=True)
    listing = group.add_parser("list", help="list inbound messages, newest first")
    listing.add_argument("--failed", action="store_true", help="only those parked or waiting to retry")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    show = group.add_parser("show", help="one inbound message, with its raw text")
    show.add_argument("id", type=int)
    show.set_defaults(func=run_show)
    retry = group.add_parser("retry", help="process a parked message again")
    retry.add_argument("id", type=int)
    retry.set_defaults(func=run_retry)
    parse = group.add_parser("parse", help="what PEP understands of .eml files, storing nothing")
    parse.add_argument("files", nargs="+", metavar="FILE.eml")
    parse.add_argument("--json", action="store_true", help="one JSON array, one object per file")
    parse.add_argument("--now", help="judge token expiry as of this ISO time")
    parse.set_defaults(func=run_parse)


def _row(m: InboundMessage) -> dict[str, object]:
    return {"id": m.id, "received_at": m.received_at, "from": m.sender or m.mail_from, "to": m.rcpt_to,
            "status": m.status, "classification": m.classification, "outcome": m.outcome, "error": m.error,
            "attempts": m.attempts}


def run_list(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        query = select(InboundMessage).order_by(InboundMessage.id.desc()).limit(args.limit)
        if args.failed:
            query = query.where(InboundMessage.status.in_(("parked", "retry")))
        rows = [_row(m) for m in session.scalars(query)]
    emit(rows, args.json, ["id", "received_at", "from", "to", "status", "outcome"])
    return 0


def run_show(args: argparse.Namespace) -> int:
    with command_session() as (_app, session):
        message = session.get(InboundMessage, args.id)
        if message is None:
            raise NotFound(f"no inbound message {args.id}")
        for key, value in _row(message).items():
            print(f"{key:>14}: {value if value is not None else ''}")
        print()
        print((message.raw or b"(raw message deleted under the retention policy)").decode("utf-8", "replace"))
    return 0


def run_retry(args: argparse.Namespace) -> int:
    with command_session() as (app, session):
        requeue(session, app.env, InboundMessage, args.id, what="inbound message", retryable=("parked", "retry"),
                waiting="retry", queue="inbound")
    print(f"inbound message {args.id} will be processed again")
    return 0


def _signer(settings: Settings) -> tuple[TokenSigner, bool]:
    """The deployment's signer without creating a key file; (throw-away signer, False) when there is none yet."""
    if settings.secret_key:
        return TokenSigner(settings.secret_key.encode("utf-8")), True
    path = settings.var_path("secret.key")
    if path.is_file():
        return TokenSigner(path.read_bytes().strip()), True
    return TokenSigner(secrets.token_bytes(32)), False


def _read_all(names: list[str]) -> list[tuple[str, bytes]]:
    """Every file's bytes, or InvalidInput naming the first that cannot be read (so nothing is half printed)."""
    found = []
    for name in names:
        try:
            found.append((name, Path(name).read_bytes()))
        except OSError as exc:
            raise InvalidInput(f"cannot read {name}: {exc.strerror or exc}") from None
    return found


def run_parse(args: argparse.Namespace) -> int:
    from inbound.understand import understand  # the inbound package is only needed by this verb

    files = _read_all(args.files)
    settings = load_settings()
    signer, has_key = _signer(settings)
    now = parse_now(args.now).now()
    results = []
    for name, raw in files:
        result = {"file": name} | understand(raw, signer, settings.domain, now)
        if not has_key and result["token_purpose"] is None and result["recipient_kind"] in ("reply", "bounces"):
            result["errors"].append("no secret key configured yet: tokens cannot be checked")
        results.append(result)
    if args.json:
        json.dump(results, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for result in results:
        print(f"== {result['file']}")
        for key in ("recipient_kind", "token_purpose", "automatic", "bounce", "errors"):
            print(f"{key:>15}: {result[key] if result[key] not in (None, []) else '-'}")
        names = ", ".join(f"{a['filename'] or '(unnamed)'} {a['content_type']}" for a in result["attachments"])
        print(f"{'attachments':>15}: {names or '-'}")
        print("new text:")
        print("  " + "\n  ".join(result["new_text"].splitlines() or ["(none)"]))
    return 0
