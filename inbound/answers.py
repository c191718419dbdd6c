"""One table from every error a message can meet to the answer its sender gets (or none)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from engine.errors import Conflict, InvalidInput, NotFound, NotPermitted, PepError
from engine.tokens import TokenExpired, TokenInvalid, TokenUsed, TokenWrongSender
from inbound.errors import DmarcFailed, NotUnderstood, TooLarge, UnknownSender


@dataclass(frozen=True)
class Answer:
    """The message kind to send and the values it needs; `kind=None` means never answer."""

    kind: str | None
    reason: str
    context: Callable[[Exception], dict[str, Any]]


def _refused(next_step: str) -> Callable[[Exception], dict[str, Any]]:
    return lambda exc: {"reason": str(exc), "next_step": next_step}


ANSWERS: tuple[tuple[type[Exception], Answer], ...] = (
    (DmarcFailed, Answer(None, "dmarc_fail", lambda exc: {})),
    (UnknownSender, Answer("any.sender.unregistered", "unregistered",
                           lambda exc: {"contact": "your partnership's chair or your local police team"})),
    (NotUnderstood, Answer("any.reply.unclear", "unclear",
                           lambda exc: {"understood": getattr(exc, "understood", ""),
                                        "expected": getattr(exc, "expected", "")})),
    (TooLarge, Answer("any.reply.refused", "too_large",
                      _refused("Please send it again with smaller or fewer attachments, or spread them over "
                               "several messages."))),
    (TokenExpired, Answer("any.reply.refused", "expired",
                          _refused("Ask your police contact to send it again."))),
    (TokenUsed, Answer("any.reply.refused", "used",
                       _refused("Nothing more is needed: your earlier reply was recorded."))),
    (TokenWrongSender, Answer("any.reply.refused", "wrong_sender",
                              _refused("Please reply from the address the message was sent to."))),
    (TokenInvalid, Answer("any.reply.refused", "invalid",
                          _refused("Please reply to the original message without changing the address."))),
    (NotPermitted, Answer("any.reply.refused", "not_permitted", _refused("Ask your police contact for help."))),
    (InvalidInput, Answer("any.reply.refused", "invalid_input", _refused("Please check and send it again."))),
    (NotFound, Answer("any.reply.refused", "not_found", _refused("Please check and send it again."))),
    (Conflict, Answer("any.reply.refused", "conflict", _refused("Nothing has changed."))),
    (PepError, Answer("any.reply.refused", "refused", _refused("Nothing has changed."))),
)


def answer_for(exc: Exception) -> Answer | None:
    """The answer for `exc`, by the most specific class listed; None for errors that are bugs."""
    for kind, answer in ANSWERS:
        if isinstance(exc, kind):
            return answer
    return None
