"""`pep init`: create or migrate the database and seed defaults (idempotent)."""
from __future__ import annotations

import argparse

from engine.cli.context import make_app
from engine.migrate import upgrade
from engine.seed import seed_defaults


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="create or migrate the database, seed defaults")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    app = make_app()
    try:
        upgrade(app.db)
        with app.sessions() as session:
            added = seed_defaults(session, app.env)
            session.commit()
    finally:
        app.close()
    print("database ready" + (f"; added {', '.join(added)}" if added else "; nothing to add"))
    return 0
