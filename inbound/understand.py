"""What PEP understands of one raw message, computed without storing or changing anything.

The same building blocks the worker uses (parse, trim, automatic, bounce, recipient, token), so
that `pep inbound parse` and the tests see exactly what processing would see.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.tokens import TokenError, TokenSigner
from inbound.addresses import Recipient, classify_recipient
from inbound.automatic import automatic_reason
from inbound.bounce import detect_bounce
from inbound.limits import ParseLimits
from inbound.parse import ParsedMessage, parse_message
from inbound.trim import new_text

# Delivered-To is written by the receiving MTA and names the envelope recipient; To and Cc
# are what the sender wrote and are the fallback.
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")


def pep_recipient(msg: ParsedMessage, domain: str) -> Recipient | None:
    """The first of PEP's addresses the message was delivered or written to."""
    for name in _RECIPIENT_HEADERS:
        for value in msg.headers(name):
            for candidate in value.replace(",", " ").replace(";", " ").split():
                found = classify_recipient(candidate.strip("<>\"'"), domain)
                if found is not None:
                    return found
    for address in [*msg.to, *msg.cc]:
        found = classify_recipient(address, domain)
        if found is not None:
            return found
    return None


def token_purpose(recipient: Recipient | None, signer: TokenSigner, now: datetime,
                  errors: list[str]) -> str | None:
    """The purpose a reply+/bounces+ token was signed for; a bad or expired token is added to `errors`."""
    if recipient is None or recipient.token is None:
        return None
    try:
        decoded = signer.decode(recipient.token)
    except TokenError as exc:
        errors.append(f"{recipient.kind}+ token: {exc}")
        return None
    if now >= decoded.expires_at:
        errors.append(f"{recipient.kind}+ token: expired at {decoded.expires_at.isoformat()}")
    return decoded.purpose


def understand(raw: bytes, signer: TokenSigner, domain: str, now: datetime,
               limits: ParseLimits = ParseLimits()) -> dict[str, Any]:
    """The fields of DESIGN §5's `pep inbound parse` object, except "file"."""
    msg = parse_message(raw, limits)
    errors = list(msg.errors)
    recipient = pep_recipient(msg, domain)
    bounce = detect_bounce(msg)
    return {
        "new_text": new_text(msg.text),
        "automatic": automatic_reason(msg, domain),
        "bounce": None if bounce is None else {
            "failed_address": bounce.failed_address, "status": bounce.status, "hard": bounce.hard,
            "policy": bounce.policy, "format": bounce.format, "diagnostic": bounce.diagnostic},
        "recipient_kind": recipient.kind if recipient else None,
        "token_purpose": token_purpose(recipient, signer, now, errors),
        "attachments": [{"filename": a.filename, "content_type": a.content_type, "size": len(a.data),
                         "inline": a.inline} for a in msg.attachments],
        "errors": errors,
    }
