"""Read the SPF, DKIM and DMARC verdicts our own MTA recorded, ignoring any a sender could forge."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import authres

from inbound.parse import ParsedMessage

_AUTHSERV_ID = re.compile(r"^\s*(?:\([^)]*\)\s*)?([^\s;()]+)")
_METHODS = ("spf", "dkim", "dmarc")


@dataclass(frozen=True)
class AuthResults:
    """Verdicts from the trusted Authentication-Results header (all None when `trusted` is False).

    `raw` keeps every Authentication-Results value in the message, topmost first, as evidence."""

    spf: str | None = None
    dkim: str | None = None
    dmarc: str | None = None
    trusted: bool = False
    raw: list[str] = field(default_factory=list)


def read_auth_results(msg: ParsedMessage, trusted_authserv_id: str | None) -> AuthResults:
    """Verdicts from the topmost Authentication-Results header whose authserv-id is ours.

    Our MTA prepends its header, so the topmost one carrying its id is the one it wrote; a
    lower one with the same id was added before the message reached us and is not believed.
    If that header cannot be parsed, nothing is trusted."""
    raw = msg.headers("Authentication-Results")
    wanted = (trusted_authserv_id or "").strip().lower()
    if not wanted:
        return AuthResults(raw=raw)
    for value in raw:
        match = _AUTHSERV_ID.match(value)
        if match is None or match.group(1).lower() != wanted:
            continue
        try:
            # authres parses RFC 8601 with comments, versions and non-standard properties
            # ("action=none" from Microsoft, "arc=pass (…)") without falling over.
            header = authres.AuthenticationResultsHeader.parse_value(value)
        except Exception:
            return AuthResults(raw=raw)
        verdicts = _verdicts(header.results)
        return AuthResults(spf=verdicts["spf"], dkim=verdicts["dkim"], dmarc=verdicts["dmarc"], trusted=True, raw=raw)
    return AuthResults(raw=raw)


def _verdicts(results: list[object]) -> dict[str, str | None]:
    found: dict[str, list[str]] = {method: [] for method in _METHODS}
    for result in results:
        method = str(getattr(result, "method", "")).lower()
        if method in found:
            found[method].append(str(getattr(result, "result", "")).lower())
    verdicts: dict[str, str | None] = {method: (values[0] if values else None) for method, values in found.items()}
    # A message may carry several DKIM signatures; one that verifies is enough.
    if "pass" in found["dkim"]:
        verdicts["dkim"] = "pass"
    return verdicts
