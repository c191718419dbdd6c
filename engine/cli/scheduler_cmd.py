"""`pep scheduler` (the periodic jobs, in the foreground) and `pep tick [--now ISO]` (once)."""
from __future__ import annotations

import argparse
import json
import signal

from engine.cli.context import make_app
from engine.scheduler.loop import SchedulerLoop
from engine.scheduler.tick import run_tick


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    loop = sub.add_parser("scheduler", help="run the periodic jobs every PEP_SCHEDULER_SECONDS; safe on several hosts")
    loop.set_defaults(func=run_scheduler)
    tick = sub.add_parser("tick", help="run the periodic jobs that are due as of NOW, once")
    tick.add_argument("--now", help="ISO date and time to run as of (naive means PEP_TIMEZONE); default now")
    tick.add_argument("--json", action="store_true")
    tick.set_defaults(func=run_tick_once)


def run_tick_once(args: argparse.Namespace) -> int:
    app = make_app(args.now)
    try:
        done = run_tick(app)
    finally:
        app.close()
    if args.json:
        print(json.dumps(done))
    else:
        print(f"as of {app.clock.now().astimezone(app.settings.tz).isoformat()}: "
              + ", ".join(f"{name} {count}" for name, count in done.items()))
    return 0


def run_scheduler(args: argparse.Namespace) -> int:
    app = make_app()
    loop = SchedulerLoop(app)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _signum, _frame: loop.stop())
    print(f"PEP scheduler: a tick every {app.settings.scheduler_seconds} s", flush=True)
    try:
        loop.start().wait()
    finally:
        app.close()
        print("PEP scheduler: stopped", flush=True)
    return 0
