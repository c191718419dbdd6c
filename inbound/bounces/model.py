"""The Bounce record and the rules shared by every format: status codes, hard and policy failures."""

from __future__ import annotations

import re
from dataclasses import dataclass

from inbound.parse import ParsedMessage

ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+")
_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")
_SMTP_REPLY = re.compile(r"(?<!\d)([245])\d\d(?![\d.])")
_POLICY_WORDS = re.compile(
    r"spam|blocked|block ?list|black ?list|deny ?list|policy|reputation|dmarc|\bspf\b|not authori[sz]ed"
    r"|access denied|(?<!not )listed (?:at|on|in|by)|blocklisted|blacklisted|spamhaus|barracuda|rejected due to content|message content",
    re.I,
)
_PERMANENT_WORDS = re.compile(
    r"permanent|does ?n[o']t exist|no such (?:user|mailbox|recipient)|user unknown|unknown (?:user|recipient)"
    r"|not found|couldn't be found|could not be found|mailbox unavailable|invalid (?:recipient|address|mailbox)"
    r"|address rejected|not listed|no mailbox|account (?:is )?disabled|doesn't have an? .{0,30}account"
    r"|does not like recipient|given up|giving up",
    re.I,
)
_TRANSIENT_WORDS = re.compile(
    r"temporar|delayed|will (?:continue|retry|keep) tr|has not yet been delivered|try again later|still trying",
    re.I,
)


@dataclass(frozen=True)
class Bounce:
    """A delivery failure report. `hard`: the failure is permanent; `policy`: it was a spam,
    reputation or policy rejection, which says nothing about whether the address exists."""

    failed_address: str | None
    status: str | None
    hard: bool
    policy: bool
    format: str
    diagnostic: str


def make_bounce(fmt: str, address: str | None, diagnostic: str, status: str | None = None,
                permanent: bool | None = None) -> Bounce:
    """Build a Bounce, deriving status, `hard` and `policy` from what the format told us."""
    diagnostic = " ".join(diagnostic.split())[:1000]
    status = status or find_status(diagnostic)
    if status:
        hard = status.startswith("5")
    elif permanent is not None:
        hard = permanent
    else:
        code = _SMTP_REPLY.search(diagnostic)
        hard = (code.group(1) == "5") if code else bool(
            _PERMANENT_WORDS.search(diagnostic) and not _TRANSIENT_WORDS.search(diagnostic))
    subject = status.split(".")[1] if status else ""
    policy = subject == "7" or (subject != "1" and bool(_POLICY_WORDS.search(diagnostic)))
    return Bounce(
        failed_address=clean_address(address),
        status=status,
        hard=hard,
        policy=policy,
        format=fmt,
        diagnostic=diagnostic,
    )


def find_status(text: str) -> str | None:
    """The first RFC 3463 enhanced status code ("5.1.1") in `text`."""
    match = _STATUS.search(text)
    return ".".join(match.groups()) if match else None


def is_permanent_wording(text: str) -> bool:
    return bool(_PERMANENT_WORDS.search(text)) and not _TRANSIENT_WORDS.search(text)


def first_address(text: str) -> str | None:
    match = ADDRESS.search(text)
    return match.group(0) if match else None


def clean_address(address: str | None) -> str | None:
    if not address:
        return None
    address = address.strip().strip("<>\"' ").lower()
    return address if ADDRESS.fullmatch(address) else None


def returned_recipient(msg: ParsedMessage) -> str | None:
    """The To address of the original message returned inside the bounce, if any.

    PEP sends one message per recipient, so that address is the one that failed."""
    for attachment in msg.attachments:
        if attachment.content_type in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            head = attachment.data.decode("utf-8", "replace").split("\n\n")[0].replace("\r", "")
            match = re.search(r"^To:[ \t]*(.*(?:\n[ \t].*)*)", head, re.M | re.I)
            if match:
                return first_address(match.group(1))
    return None


def section(text: str, start: int, max_lines: int = 12) -> str:
    """Up to `max_lines` non-blank lines of `text` from offset `start` (a diagnostic block)."""
    lines = (line.strip() for line in text[start : start + 5000].split("\n"))
    return "\n".join([line for line in lines if line][:max_lines])


def paragraph(text: str, start: int, max_lines: int = 12) -> str:
    """The first block of consecutive non-blank lines of `text` at or after offset `start`."""
    kept: list[str] = []
    for line in text[start : start + 5000].split("\n"):
        line = line.strip()
        if line:
            kept.append(line)
        elif kept:
            break
    return "\n".join(kept[:max_lines])
