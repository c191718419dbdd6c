"""The server-side TLS context for STARTTLS, from PEP_TLS_CERT and PEP_TLS_KEY."""
from __future__ import annotations

import ssl

from engine.errors import InvalidInput


def server_tls_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    """A context offering STARTTLS, or None when no certificate is configured."""
    if not cert or not key:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise InvalidInput(f"PEP_TLS_CERT/PEP_TLS_KEY cannot be loaded: {exc}") from None
    return context
