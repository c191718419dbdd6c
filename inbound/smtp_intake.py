"""The aiosmtpd handler: RCPT checks the address, DATA stores and enqueues. Nothing else."""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from typing import Any, Callable

from inbound import smtp_codes
from inbound.addresses import classify_recipient
from inbound.lmtp import PerRecipientLMTP
from inbound.rate_limit import IntakeRateLimits

log = logging.getLogger(__name__)

# Hands a message to the committer and returns at once; the future resolves once it is committed.
Submit = Callable[[bytes, str, list[str]], "Future[list[int]]"]


class IntakeHandler:
    """Validates recipients against PEP's addresses and hands accepted messages to `submit`.

    The commit happens on the committer's thread; the connection waits for it without blocking the event
    loop, and answers 250 only once its message is committed. Over LMTP each recipient is stored on its
    own and gets its own reply (RFC 2033).
    """

    def __init__(self, domain: str, accepted_kinds: frozenset[str], submit: Submit,
                 max_recipients: int = 20, rate_limits: IntakeRateLimits | None = None) -> None:
        self.domain = domain
        self.rate_limits = rate_limits
        self.accepted_kinds = accepted_kinds
        self.submit = submit
        self.max_recipients = max_recipients

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        recipient = classify_recipient(address, self.domain)
        if recipient is None:
            domain = address.rpartition("@")[2].lower()
            return smtp_codes.UNKNOWN_RECIPIENT if domain == self.domain.lower() else smtp_codes.NOT_OUR_DOMAIN
        if recipient.kind not in self.accepted_kinds:
            return smtp_codes.UNKNOWN_RECIPIENT
        if len(envelope.rcpt_tos) >= self.max_recipients:
            return smtp_codes.TOO_MANY_RECIPIENTS
        envelope.rcpt_tos.append(address)
        return smtp_codes.RCPT_OK

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        mail_from = envelope.mail_from or ""
        if self.rate_limits is not None and not self.rate_limits.admit(mail_from, _client_ip(session)):
            log.warning("rate limit reached: message from %s refused with 451", mail_from or "<>")
            return smtp_codes.RATE_LIMITED
        if isinstance(server, PerRecipientLMTP):
            replies = await asyncio.gather(*(self._store(raw, mail_from, [rcpt]) for rcpt in envelope.rcpt_tos))
            return "\r\n".join(replies)
        return await self._store(raw, mail_from, list(envelope.rcpt_tos))

    async def _store(self, raw: bytes, mail_from: str, recipients: list[str]) -> str:
        try:
            await asyncio.wrap_future(self.submit(raw, mail_from, recipients))
        except Exception:  # noqa: BLE001 - whatever failed, the message is not stored: the sender must retry
            log.exception("could not store a message from %s", mail_from)
            return smtp_codes.TRY_AGAIN_LATER
        return smtp_codes.OK


def _client_ip(session: Any) -> str:
    peer = getattr(session, "peer", None)
    return str(peer[0]) if isinstance(peer, tuple) and peer else ""
