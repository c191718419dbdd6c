"""One inbound message as it moves through the steps: what has been learnt about it so far."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from engine.models import InboundMessage, Person
from inbound.addresses import Recipient

if TYPE_CHECKING:
    from engine.app import App
    from inbound.parse import ParsedMessage


@dataclass
class Work:
    """The message, its session and app, and each step's findings; `outcome` set means done."""

    app: "App"
    session: Session
    row: InboundMessage
    recipient: Recipient
    parsed: "ParsedMessage | None" = None
    sender: str | None = None
    person: Person | None = None
    new_text: str = ""
    auth: dict[str, Any] = field(default_factory=dict)
    classification: str = ""
    outcome: str | None = None

    def finish(self, outcome: str) -> None:
        self.outcome = outcome
