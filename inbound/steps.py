"""The steps every inbound message goes through; their order is the STEPS list, not code."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import select

from engine.models import Person
from engine.services.bounces import record_bounce
from engine.services.people import person_with_address
from inbound.authresults import read_auth_results
from inbound.automatic import automatic_reason
from inbound.bounce import Bounce, detect_bounce
from inbound.errors import DmarcFailed, TooLarge, UnknownSender
from inbound.limits import ParseLimits
from inbound.parse import parse_message
from inbound.store import earlier_copy
from inbound.trim import new_text
from inbound.work import Work

Step = Callable[[Work], None]


def parse(work: Work) -> None:
    work.parsed = parse_message(work.row.raw or b"", ParseLimits())
    # The row's sender and auth are written once, with its outcome (process._work): setting them here too made
    # an UPDATE of their own at the handler's first flush.
    work.sender = work.parsed.from_addr
    work.new_text = new_text(work.parsed.text)


def drop_duplicate(work: Work) -> None:
    # The row's own pending changes (its sender) cannot change the answer: no flush before asking.
    with work.session.no_autoflush:
        earlier = earlier_copy(work.session, work.row)
    if earlier is not None:
        work.classification = "duplicate"
        work.finish(f"duplicate of inbound message {earlier}")


def detect_bounces(work: Work) -> None:
    """A bounce is never answered; at the bounce address it is evidence, anywhere else it is ignored."""
    assert work.parsed is not None
    bounce = detect_bounce(work.parsed)
    if work.recipient.kind == "bounces" or bounce is not None:
        work.classification = "bounce"
        work.auth["bounce"] = None if bounce is None else {
            "failed_address": bounce.failed_address, "status": bounce.status, "hard": bounce.hard,
            "policy": bounce.policy, "format": bounce.format, "diagnostic": bounce.diagnostic[:500]}
        if work.recipient.kind != "bounces":
            work.finish(_stray_bounce(work, bounce))


def _stray_bounce(work: Work, bounce: Bounce | None) -> str:
    """A report at another address counts when it names an address PEP writes to; it is never answered."""
    address = bounce.failed_address if bounce is not None else None
    if bounce is None or address is None or work.session.scalar(
            select(Person.id).where(Person.email == address)) is None:
        return "bounce sent to a non-bounce address: ignored"
    outcome = record_bounce(work.session, work.app.env, address, hard=bounce.hard, policy=bounce.policy,
                            status=bounce.status, diagnostic=bounce.diagnostic, inbound_message_id=work.row.id)
    return f"bounce for {address} sent to a non-bounce address: counted (score {outcome.score:g})"


def detect_automatic(work: Work) -> None:
    """Automatic mail (auto-replies, lists, our own) is never answered: no loops."""
    assert work.parsed is not None
    if work.classification == "bounce":
        return
    reason = automatic_reason(work.parsed, work.app.settings.domain)
    if reason:
        work.classification = "automatic"
        work.finish(f"automatic mail ({reason}): not answered")


def authenticate(work: Work) -> None:
    """Record what the trusted MTA said of the sender; a DMARC fail never changes anything."""
    assert work.parsed is not None
    results = read_auth_results(work.parsed, work.app.settings.trusted_authserv_id)
    work.auth.update({"spf": results.spf, "dkim": results.dkim, "dmarc": results.dmarc,
                      "trusted": results.trusted})
    if results.trusted and (results.dmarc or "").lower() == "fail":
        raise DmarcFailed("the sender's domain says this message is forged (DMARC fail)")


def identify_sender(work: Work) -> None:
    if work.classification == "bounce":
        return
    if work.sender:
        # Nothing is pending here that the answer could depend on: no flush before asking.
        with work.session.no_autoflush:
            work.person = person_with_address(work.session, work.sender)
    if work.person is None:
        raise UnknownSender(f"{work.sender or 'an unknown sender'} is not registered")


def refuse_oversized(work: Work) -> None:
    """A message kept without its body (over the size limit in a mailbox) is answered, never acted on."""
    raw = work.row.raw or b""
    if work.classification == "bounce" or work.row.size <= len(raw):
        return
    limit = work.app.settings.max_message_bytes
    raise TooLarge(f"your message was {_in_words(work.row.size)}; PEP accepts messages of up to "
                   f"{_in_words(limit)}, attachments included")


def _in_words(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{-(-size // 1000)} KB"


STEPS: list[Step] = [parse, drop_duplicate, detect_bounces, detect_automatic, authenticate, identify_sender,
                     refuse_oversized]
