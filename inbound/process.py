"""Work one stored inbound message: claim it, run the steps and its handler, answer, or retry and park."""
from __future__ import annotations

import logging
import traceback

from engine.app import App
from engine.models import InboundMessage
from engine.queue.claim import backoff, claim_row
from engine.queue.wakeups import take_kept, wake_after_commit
from engine.services.audit import record
from engine.services.notifications import claim_once
from engine.services.outbox import queue_message
from inbound.addresses import classify_recipient
from inbound.answers import answer_for
from inbound.errors import NoHandler
from inbound.handlers import handler_for
from inbound.steps import STEPS
from inbound.store import INBOUND_QUEUE
from inbound.work import Work

log = logging.getLogger(__name__)


def process_inbound(app: App, row_id: int) -> list[int]:
    """Idempotent: a row that is done, or claimed by a live worker, is left alone.

    Returns the deliveries its handler left for this worker to send now (`keep_here`); the caller sends them,
    or the sweeper finds them.
    """
    with app.sessions() as session:
        # The claiming UPDATE returns the row: the work starts from it instead of reading it again.
        claimed = claim_row(session, InboundMessage, row_id, app.clock.now(), ("received", "retry"),
                            app.claim_timeout, "processing")
        if claimed is None:
            session.rollback()
            return []
        session.commit()
    try:
        return _work(app, claimed)
    except Exception as exc:  # noqa: BLE001 - a bug or an outage: keep the message, retry, then park
        log.exception("inbound message %s failed", row_id)
        _failed(app, row_id, exc)
        return []


def _work(app: App, claimed: InboundMessage) -> list[int]:
    with app.sessions() as session:
        row = session.merge(claimed, load=False)  # as committed by the claim: nothing to read again
        recipient = classify_recipient(row.rcpt_to, app.settings.domain)
        if recipient is None:
            row.status, row.outcome = "done", "not a PEP address"
            session.commit()
            return []
        work = Work(app=app, session=session, row=row, recipient=recipient)
        try:
            with session.begin_nested():
                for step in STEPS:
                    step(work)
                    if work.outcome is not None:
                        break
                else:
                    key = _handler_key(app, work)  # by address: a "bounce" classification still goes to bounces
                    work.classification = work.classification or key
                    work.finish(handler_for(key)(work))
        except Exception as exc:  # noqa: BLE001 - typed errors are answered; others go to _failed
            answer = answer_for(exc)
            if answer is None:
                raise
            work.classification = work.classification or answer.reason
            work.finish(f"refused ({answer.reason}): {exc}")
            record(work.session, app.env, "pep", "inbound.refused", "inbound_message", work.row.id,
                   reason=answer.reason, sender=work.sender, address=work.recipient.kind)
            _answer(app, work, answer.kind, answer.reason, answer.context(exc))
        row.sender = work.sender
        row.auth = dict(work.auth)
        row.status = "duplicate" if work.classification == "duplicate" else "done"
        row.classification = work.classification[:40] or None
        row.outcome = work.outcome
        row.error = None
        session.commit()
        return take_kept(session)


def _handler_key(app: App, work: Work) -> str:
    if work.recipient.kind != "reply":
        return work.recipient.kind
    decoded = app.env.signer.decode(work.recipient.token or "")
    return f"reply:{decoded.purpose}"


def _answer(app: App, work: Work, kind: str | None, reason: str, context: dict[str, object]) -> None:
    """Tell the sender why, at most once per address, reason and day; never for automatic mail."""
    if kind is None or not work.sender or work.classification in ("automatic", "bounce", "duplicate"):
        return
    day = app.clock.now().astimezone(app.settings.tz).date().isoformat()
    if not claim_once(work.session, app.env, f"answer:{work.sender}:{reason}:{day}"):
        return
    if not _within_daily_answers(app, work, day):
        return
    subject = work.parsed.subject if work.parsed else ""
    queue_message(work.session, app.env, kind, context | {"original_subject": subject},
                  person=work.person, to_addr=work.sender,
                  in_reply_to=f"<{work.row.message_id_header}>" if work.row.message_id_header else None)
    record(work.session, app.env, "pep", "inbound.answered", "inbound_message", work.row.id,
           reason=reason, to=work.sender)


def _within_daily_answers(app: App, work: Work, day: str) -> bool:
    """A cap over all reasons: an auto-responder that escapes detection gets a few answers a day, not a loop."""
    cap = app.settings.inbound_answers_per_day
    return cap == 0 or any(claim_once(work.session, app.env, f"answers:{work.sender}:{day}:{n}") for n in range(cap))


def _failed(app: App, row_id: int, exc: Exception) -> None:
    with app.sessions() as session:
        row = session.get(InboundMessage, row_id)
        if row is None:
            return
        row.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]
        if isinstance(exc, NoHandler) or row.attempts >= app.settings.inbound_max_attempts:
            row.status = "parked"
        else:
            row.status = "retry"
            delay = backoff(row.attempts, app.settings.retry_base_seconds)
            row.next_attempt_at = app.clock.now() + delay
            wake_after_commit(session, INBOUND_QUEUE, row.id, int(delay.total_seconds() * 1000))
        row.claimed_at = None
        session.commit()
