"""`pep serve|smtpd|lmtpd|imap|worker`: run PEP's processes until SIGINT or SIGTERM."""
from __future__ import annotations

import argparse
import signal
import threading

from engine.cli.context import make_app
from engine.errors import InvalidInput
from engine.runtime import Runtime

MODES = {
    "serve": ("everything in one process: SMTP intake (and IMAP when PEP_IMAP_URL is set), workers, sweeper",
              True, True, True),
    "smtpd": ("SMTP intake only", True, False, False),
    "worker": ("dramatiq workers and the sweeper (distributed mode)", False, True, True),
    "lmtpd": ("LMTP intake only, on PEP_LMTP_LISTEN (host:port or a Unix socket path)", False, False, False),
    "imap": ("IMAP polling of PEP_IMAP_URL only", False, False, False),
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name, (help_text, *_parts) in MODES.items():
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(func=run, mode=name)


def run(args: argparse.Namespace) -> int:
    _help, intake, workers, sweeper = MODES[args.mode]
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    app = make_app()
    if args.mode == "imap" and not app.settings.imap_url:
        raise InvalidInput("pep imap needs PEP_IMAP_URL, e.g. imaps://user:pass@mail.example/INBOX")
    runtime = Runtime(app, intake=intake, workers=workers, sweeper=sweeper, lmtp=args.mode == "lmtpd",
                      imap={"imap": True, "serve": None}.get(args.mode, False),
                      scheduler=args.mode == "serve").start()
    if runtime.intake is not None:
        print(f"PEP {args.mode}: SMTP intake on {runtime.intake.host}:{runtime.intake.port} "
              f"for @{app.settings.domain}", flush=True)
    if runtime.lmtp is not None:
        print(f"PEP {args.mode}: LMTP intake on {runtime.lmtp.address} for @{app.settings.domain}", flush=True)
    if runtime.imap is not None:
        print(f"PEP {args.mode}: polling IMAP {runtime.imap.target.name}", flush=True)
    if workers:
        print(f"PEP {args.mode}: workers running ({app.settings.worker_threads} threads, "
              f"{'Redis' if app.settings.broker_url else 'in-process'} queue)", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        runtime.stop()
        app.close()
        print(f"PEP {args.mode}: stopped", flush=True)
    return 0
