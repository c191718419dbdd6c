"""Read the SPF, DKIM and DMARC verdicts our own MTA recorded, ignoring any a sender could forge."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import authres

from inbound.authresults_simple import plain_results
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
        pairs = plain_results(value)  # the usual shape, read without the general parser
        if pairs is None:
            pairs = _general_results(value)
        if pairs is None:
            return AuthResults(raw=raw)
        verdicts = _verdicts(pairs)
        return AuthResults(spf=verdicts["spf"], dkim=verdicts["dkim"], dmarc=verdicts["dmarc"], trusted=True, raw=raw)
    return AuthResults(raw=raw)


def _general_results(value: str) -> list[tuple[str, str]] | None:
    """(method, result) pairs, lowercased, by the general RFC 8601 parser; None if it cannot parse `value`."""
    try:
        # authres parses RFC 8601 with comments, versions and non-standard properties
        # ("action=none" from Microsoft, "arc=pass (…)") without falling over.
        header = authres.AuthenticationResultsHeader.parse_value(value)
    except Exception:
        return None
    return [(str(getattr(result, "method", "")).lower(), str(getattr(result, "result", "")).lower())
            for result in header.results]


def _verdicts(results: list[tuple[str, str]]) -> dict[str, str | None]:
    """Verdicts per method from lowercased (method, result) pairs, in header order."""
    found: dict[str, list[str]] = {method: [] for method in _METHODS}
    for method, result in results:
        if method in found:
            found[method].append(result)
    verdicts: dict[str, str | None] = {method: (values[0] if values else None) for method, values in found.items()}
    # A message may carry several DKIM signatures; one that verifies is enough.
    if "pass" in found["dkim"]:
        verdicts["dkim"] = "pass"
    return verdicts
