"""Signed, expiring, purpose-bound reply tokens, short enough for an address's local part.

A token reads `<purpose>-<id>-<expiry>-<mac>`: the purpose letter, the reply_tokens row id and the
expiry hour (both base 36), and an HMAC-SHA256 over them truncated to 100 bits. Everything is
lower-case so that mail systems that fold case do not break it. The signature and the expiry can
be checked without the database; who it was sent to and whether it was used live in the row.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timezone

from engine.errors import PepError

PURPOSE_CODES: dict[str, str] = {
    "isa": "i",
    "draft": "d",
    "alert": "a",
    "report": "r",
    "command": "c",
    "digest": "g",
    "review": "v",
    "bounce": "b",
    "help": "h",
    "withdraw": "w",
    "exclusion": "x",
}
_CODE_PURPOSES = {code: purpose for purpose, code in PURPOSE_CODES.items()}
_MAC_CHARS = 20


class TokenError(PepError):
    """A reply token that cannot be acted on."""

    reason = "invalid"


class TokenInvalid(TokenError):
    """Malformed or tampered: the signature does not match."""

    reason = "invalid"


class TokenExpired(TokenError):
    """Past its expiry."""

    reason = "expired"


class TokenUsed(TokenError):
    """A one-time token that was used already."""

    reason = "used"


class TokenWrongSender(TokenError):
    """Sent back from an address other than the one it was sent to."""

    reason = "wrong_sender"


@dataclass(frozen=True)
class DecodedToken:
    """What a token's text says, once its signature checks out."""

    purpose: str
    token_id: int
    expires_at: datetime


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if n == 0:
        return "0"
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(digits[r])
    return "".join(reversed(out))


class TokenSigner:
    """Encodes and checks token text with the deployment's secret key."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the secret key must be at least 16 bytes")
        self._secret = secret

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._secret, body.encode("ascii"), hashlib.sha256).digest()
        return base64.b32encode(digest).decode("ascii").lower()[:_MAC_CHARS]

    def encode(self, purpose: str, token_id: int, expires_at: datetime) -> str:
        hours = int(expires_at.timestamp() // 3600) + (1 if expires_at.timestamp() % 3600 else 0)
        body = f"{PURPOSE_CODES[purpose]}-{_b36(token_id)}-{_b36(hours)}"
        return f"{body}-{self._mac(body)}"

    def decode(self, text: str, now: datetime | None = None) -> DecodedToken:
        """The token's meaning; raises TokenInvalid or (when `now` is given) TokenExpired."""
        parts = text.strip().lower().split("-")
        if len(parts) != 4 or parts[0] not in _CODE_PURPOSES:
            raise TokenInvalid("the reply address is not one PEP issued")
        body = "-".join(parts[:3])
        if not hmac.compare_digest(self._mac(body), parts[3]):
            raise TokenInvalid("the reply address has been altered")
        try:
            token_id, hours = int(parts[1], 36), int(parts[2], 36)
        except ValueError:
            raise TokenInvalid("the reply address is not one PEP issued") from None
        expires_at = datetime.fromtimestamp(hours * 3600, tz=timezone.utc)
        if now is not None and now >= expires_at:
            raise TokenExpired("the reply address has expired")
        return DecodedToken(_CODE_PURPOSES[parts[0]], token_id, expires_at)
