"""The force's look and contact domain, applied to every outgoing message."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Colours end up inside CSS and HTML attributes in the compiled layout, so only
# plain hex colours are accepted: nothing else can break out of `style="…"`.
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
MAIL_DOMAIN = re.compile(r"(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class BrandingError(ValueError):
    """A branding setting that cannot be used in a message."""


@dataclass(frozen=True)
class Branding:
    """How messages look and which domain the service addresses live at."""

    force_name: str = "Your local police"
    primary_colour: str = "#1d3557"
    accent_colour: str = "#e9c46a"
    domain: str = "pep.localhost"
    text_colour: str = "#1f2933"
    background_colour: str = "#f4f5f7"
    service_name: str = "Partnership Engagement Platform"
    font_family: str = "Arial, Helvetica, sans-serif"

    def __post_init__(self) -> None:
        for name in ("primary_colour", "accent_colour", "text_colour", "background_colour"):
            value = getattr(self, name)
            if not _HEX_COLOUR.fullmatch(value):
                raise BrandingError(f"{name} must be a hex colour like #1d3557, not {value!r}")
        if not MAIL_DOMAIN.fullmatch(self.domain):
            raise BrandingError(f"domain is not a valid mail domain: {self.domain!r}")
        for name in ("force_name", "service_name"):
            value = getattr(self, name)
            if not value.strip() or not value.isprintable():
                raise BrandingError(f"{name} must be non-empty printable text, not {value!r}")
        if not re.fullmatch(r"[A-Za-z0-9 ,'-]+", self.font_family):
            raise BrandingError(f"font_family has characters not allowed in CSS: {self.font_family!r}")

    def address(self, local_part: str) -> str:
        """The full address of one of the service mailboxes, e.g. `help` -> help@domain."""
        return f"{local_part}@{self.domain}"
