"""Ordinary replies per second parsed, authenticated and classified by one worker thread."""
from __future__ import annotations

import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.app import App, build_app
from engine.clock import SystemClock
from engine.migrate import upgrade
from engine.models import InboundMessage
from engine.seed import seed_defaults
from engine.services.people import ensure_person
from engine.services.tokens import issue_token, reply_address
from engine.settings import Settings
from bench.workloads.reports import photo
from inbound.addresses import classify_recipient
from inbound.parse import parse_message
from inbound.process import _handler_key
from inbound.steps import STEPS
from inbound.store import store_message
from inbound.work import Work

MTA = "mx.pep.bench"
PEOPLE = 50
HISTORY = "\n".join(f"> Line {n} of the message PEP sent: the agreement, what it covers and how to reply."
                    for n in range(40))


def _reply(sender: str, to: str) -> bytes:
    """A reply as Gmail or Outlook sends it: new text, quoted history, an HTML twin, trusted auth results."""
    message = EmailMessage()
    message["Authentication-Results"] = f"{MTA}; spf=pass smtp.mailfrom={sender}; dkim=pass header.d=example.org; " \
                                        "dmarc=pass header.from=example.org"
    message["From"], message["To"], message["Subject"] = f"Shop Keeper <{sender}>", to, "Re: Information sharing"
    message["Message-ID"] = make_msgid(domain="example.org")
    message["In-Reply-To"] = make_msgid(domain="pep.bench")
    text = f"I agree.\n\nThanks, Sam\n\nOn Fri, 27 Nov 2026 at 10:00, PEP <noreply@pep.bench> wrote:\n{HISTORY}\n"
    message.set_content(text)
    message.add_alternative("<html><body><p>I agree.</p><p>Thanks, Sam</p><blockquote>"
                            + HISTORY.replace("\n", "<br>") + "</blockquote></body></html>", subtype="html")
    return message.as_bytes()


def _report_with_photo() -> bytes:
    """An incident report as a phone sends it: a few lines and a 200 KB JPEG, CRLF line ends as stored."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "keeper0@example.org", "incident@pep.bench", "Incident"
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content("When: today 3pm\nWhere: outside the shop\nWho: tall man, red coat\n\n"
                        "He threatened the cashier and left towards the station.\n")
    message.add_attachment(photo(), maintype="image", subtype="jpeg", filename="cctv.jpg")
    return message.as_bytes().replace(b"\n", b"\r\n")


def _parse_cpu_ms(raw: bytes, fast_split: bool, rounds: int) -> float:
    """CPU milliseconds to parse `raw` once, averaged over `rounds` parses."""
    parse_message(raw, fast_split=fast_split)
    started = time.process_time()
    for _ in range(rounds):
        parse_message(raw, fast_split=fast_split)
    return (time.process_time() - started) / rounds * 1e3


def _prepare(app: App, n: int) -> list[int]:
    with app.sessions() as session:
        seed_defaults(session, app.env)
        people = [ensure_person(session, app.env, f"keeper{i}@example.org", f"Keeper {i}") for i in range(PEOPLE)]
        ids: list[int] = []
        now = app.clock.now()
        for i in range(n):
            person = people[i % PEOPLE]
            token = issue_token(session, app.env, "isa", person, "partnership", None, timedelta(days=30))
            to = reply_address(app.env, token)
            ids += store_message(session, _reply(person.email, to), person.email, [to], "smtp", now)
        session.commit()
    return ids


def _classify(app: App, row_id: int, spent: dict[str, float] | None = None, timed: bool = False) -> str:
    """What a worker does before a handler acts: steps in order, then the handler's key; nothing kept."""
    spent = {} if spent is None else spent
    with app.sessions() as session:
        row = session.get(InboundMessage, row_id)
        assert row is not None
        recipient = classify_recipient(row.rcpt_to, app.settings.domain)
        assert recipient is not None
        work = Work(app=app, session=session, row=row, recipient=recipient)
        for step in STEPS:
            # Reading the clock costs more than some steps: only the breakdown pass does it.
            started = time.process_time() if timed else 0.0
            step(work)
            if timed:
                spent[step.__name__] = spent.get(step.__name__, 0.0) + time.process_time() - started
            if work.outcome is not None:
                break
        key = work.classification or _handler_key(app, work)
        session.rollback()
    return key


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 200 if quick else 3000
    with tempfile.TemporaryDirectory(prefix="pep-bench-processing-") as tmp:
        folder = Path(tmp)
        settings = Settings(database_url=f"sqlite:///{folder / 'pep.db'}", var_dir=str(folder / "var"),
                            domain="pep.bench", secret_key="bench-secret-key-0123456789", trusted_authserv_id=MTA)
        app = build_app(settings, SystemClock())
        try:
            upgrade(app.db)
            ids = _prepare(app, n)
            _classify(app, ids[0])  # warm caches (templates, compiled statements) outside the timing
            wall, cpu = time.perf_counter(), time.process_time()
            keys = [_classify(app, row_id) for row_id in ids]
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            spent: dict[str, float] = {}
            for row_id in ids[: min(len(ids), 500)]:
                _classify(app, row_id, spent, timed=True)
            n_timed = min(len(ids), 500)
            with app.sessions() as session:
                size = sum(len(raw or b"") for raw in session.scalars(select(InboundMessage.raw))) / len(ids)
        finally:
            app.close()
    report = _report_with_photo()
    rounds = 10 if quick else 100
    large = [
        {"name": f"{len(report) // 1024} KB report with a 200 KB photo: CPU ms to parse", "unit": "ms",
         "value": round(_parse_cpu_ms(report, True, rounds), 2)},
        {"name": "the same report read by the stdlib feed parser alone: CPU ms", "unit": "ms",
         "value": round(_parse_cpu_ms(report, False, rounds), 2)},
    ]
    if set(keys) != {"reply:isa"}:
        raise RuntimeError(f"replies were not all classified as ISA replies: {sorted(set(keys))}")
    return [{"workload": "processing", "variant": "one worker thread, SQLite", "n": n, "figures": [
        {"name": "ordinary replies parsed, authenticated and classified per second", "value": round(n / wall, 1),
         "unit": "/s"},
        {"name": "per CPU-second (the per-core figure)", "value": round(n / cpu, 1), "unit": "/s"},
        {"name": "average reply size", "value": round(size / 1024, 1), "unit": "KB"},
    ] + [{"name": f"CPU per reply in step {name}", "value": round(seconds / n_timed * 1e3, 2), "unit": "ms"}
         for name, seconds in spent.items()] + large}]
