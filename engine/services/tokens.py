"""Issue reply tokens and redeem them: bound to a person, a purpose, an expiry and one use."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.env import Env
from engine.models import Person, ReplyToken
from engine.services.row_insert import insert_row
from engine.tokens import TokenExpired, TokenInvalid, TokenUsed, TokenWrongSender


def issue_token(session: Session, env: Env, purpose: str, person: Person, object_kind: str,
                object_id: int | None, valid_for: timedelta, single_use: bool = True,
                data: dict[str, Any] | None = None) -> str:
    """A new token's text, for a `reply+TEXT@` address."""
    now = env.clock.now()
    expires_at = now + valid_for
    token_id = insert_row(session, ReplyToken, {
        "purpose": purpose, "person_id": person.id, "object_kind": object_kind, "object_id": object_id,
        "data": data or {}, "single_use": single_use, "created_at": now, "expires_at": expires_at, "used_at": None})
    return env.signer.encode(purpose, token_id, expires_at)


def reply_address(env: Env, token: str) -> str:
    return env.address(f"reply+{token}")


def check_token(session: Session, env: Env, text: str, sender_email: str | None) -> ReplyToken:
    """The token's row, if it is genuine, current, unused and came back from its person; else a TokenError."""
    now = env.clock.now()
    decoded = env.signer.decode(text, now)
    row = session.get(ReplyToken, decoded.token_id)
    if row is None or row.purpose != decoded.purpose:
        raise TokenInvalid("the reply address is not one PEP issued")
    if now >= row.expires_at:
        raise TokenExpired("the reply address has expired")
    if row.single_use and row.used_at is not None:
        raise TokenUsed("this message has been answered already")
    person = session.get(Person, row.person_id)
    if person is None or sender_email is None or person.email != sender_email.lower():
        raise TokenWrongSender("the reply came from a different address than the one we wrote to")
    return row


def use_token(session: Session, env: Env, row: ReplyToken) -> None:
    """Mark a one-time token used, in the caller's transaction; a concurrent second use fails."""
    if not row.single_use:
        return
    result = session.execute(update(ReplyToken).where(ReplyToken.id == row.id, ReplyToken.used_at.is_(None))
                             .values(used_at=env.clock.now()))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise TokenUsed("this message has been answered already")
    row.used_at = env.clock.now()
