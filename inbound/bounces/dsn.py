"""RFC 3464 delivery status notifications: the message/delivery-status part of a multipart/report."""

from __future__ import annotations

import re

from inbound.bounces.model import Bounce, make_bounce
from inbound.parse import ParsedMessage

_STATUS_TYPES = ("message/delivery-status", "message/global-delivery-status")
_FAILED_ACTIONS = ("failed", "delayed")


def detect(msg: ParsedMessage) -> Bounce | None:
    """The first failed (else delayed) recipient of a DSN; None if there is no DSN part or every
    recipient was delivered, relayed or expanded (a success notification)."""
    for attachment in msg.attachments:
        if attachment.content_type in _STATUS_TYPES:
            blocks = _field_blocks(attachment.data.decode("utf-8", "replace"))
            recipients = [block for block in blocks[1:] if "action" in block or "final-recipient" in block]
            for wanted in _FAILED_ACTIONS:
                for block in recipients:
                    if block.get("action", "failed").lower().split()[0:1] == [wanted]:
                        return _bounce(block)
            return None
    return None


def _bounce(block: dict[str, str]) -> Bounce:
    address = _address_value(block.get("original-recipient")) or _address_value(block.get("final-recipient"))
    diagnostic = block.get("diagnostic-code", "")
    diagnostic = re.sub(r"^\s*[\w-]+\s*;\s*", "", diagnostic)  # drop the "smtp;" type
    status = block.get("status", "").split()[0] if block.get("status", "").strip() else None
    if status and not re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", status):
        status = None
    if block.get("action", "").lower().startswith("delayed"):
        return make_bounce("rfc3464", address, diagnostic or "delivery delayed", status, permanent=False)
    return make_bounce("rfc3464", address, diagnostic, status, permanent=True)


def _address_value(value: str | None) -> str | None:
    """"rfc822; <jane@example.org>" -> "jane@example.org"."""
    if not value:
        return None
    _, _, address = value.rpartition(";")
    return address.strip() or None


def _field_blocks(text: str) -> list[dict[str, str]]:
    """Blank-line separated groups of "Name: value" fields, continuation lines unfolded."""
    blocks: list[dict[str, str]] = []
    for raw_block in re.split(r"\r?\n[ \t]*\r?\n", text.strip()):
        fields: dict[str, str] = {}
        name = None
        for line in raw_block.splitlines():
            if line[:1] in (" ", "\t") and name:
                fields[name] += " " + line.strip()
            elif ":" in line:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                fields.setdefault(name, value.strip())
        blocks.append(fields)
    return blocks
