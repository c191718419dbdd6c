"""What every use case needs besides its session: settings, the clock and the token signer."""
from __future__ import annotations

from dataclasses import dataclass

from engine.clock import Clock
from engine.settings import Settings
from engine.tokens import TokenSigner


@dataclass(frozen=True)
class Env:
    """Passed explicitly to services; nothing here is mutable."""

    settings: Settings
    clock: Clock
    signer: TokenSigner

    def address(self, local: str) -> str:
        return f"{local}@{self.settings.domain}"
