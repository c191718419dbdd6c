"""Which PEP addresses a message fetched from a mailbox was for (IMAP has no envelope)."""
from __future__ import annotations

from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses

from inbound.addresses import classify_recipient

# Headers the delivering MTA writes for the envelope recipient come first: when they name a PEP
# address, that copy was delivered for it alone (To may list several of PEP's addresses).
ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To")
VISIBLE_HEADERS = ("To", "Cc")


def _headers(raw: bytes) -> Message:
    # compat32 keeps hostile headers as plain strings: reading addresses here must never raise.
    return BytesHeaderParser().parsebytes(raw)


def _addresses(message: Message, names: tuple[str, ...]) -> list[str]:
    values: list[str] = []
    for name in names:
        values.extend(str(v) for v in message.get_all(name, []))
    return [addr for _name, addr in getaddresses(values) if "@" in addr]


def pep_recipients(raw: bytes, domain: str) -> list[str]:
    """PEP's addresses the message was delivered to, lower-cased and de-duplicated, in header order.

    Delivered-To/X-Original-To/Envelope-To are preferred; otherwise To and Cc. Empty when none is
    one of PEP's addresses.
    """
    message = _headers(raw)
    for names in (ENVELOPE_HEADERS, VISIBLE_HEADERS):
        found: list[str] = []
        for addr in _addresses(message, names):
            if classify_recipient(addr, domain) is not None and addr.lower() not in found:
                found.append(addr.lower())
        if found:
            return found
    return []


def return_path(raw: bytes) -> str:
    """The envelope sender the delivering MTA recorded, or empty."""
    found = _addresses(_headers(raw), ("Return-Path",))
    return found[0] if found else ""
