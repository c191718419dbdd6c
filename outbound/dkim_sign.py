"""DKIM-sign outgoing messages (rsa-sha256, relaxed/relaxed) so receivers can trust they came from us."""

from __future__ import annotations

import dkim
import dkim.crypto

from outbound.header_values import HeaderValueError, checked_domain, checked_dot_atom

# Headers a receiver shows or acts on: those present are signed. The singletons are
# listed once more whether present or not, so nobody can add a second From, or a
# Cc that was not there, without breaking the signature.
_SIGNED = (
    b"from", b"to", b"cc", b"reply-to", b"subject", b"date", b"message-id",
    b"in-reply-to", b"references", b"mime-version", b"content-type",
    b"content-transfer-encoding", b"auto-submitted", b"precedence",
    b"list-id", b"list-unsubscribe",
)
_OVERSIGNED = (b"from", b"to", b"cc", b"reply-to", b"subject", b"date", b"message-id")


class DkimError(ValueError):
    """The key or the message cannot be used for signing."""


class DkimSigner:
    """Signs messages for one domain with one selector's private key."""

    def __init__(self, selector: str, domain: str, private_key_pem: bytes) -> None:
        try:
            self._selector = checked_dot_atom(selector, "DKIM selector").encode("ascii")
            self._domain = checked_domain(domain, "DKIM domain").encode("ascii")
        except HeaderValueError as error:
            raise DkimError(str(error)) from None
        try:
            # Parse now so a bad key fails at start-up, not on the first send.
            dkim.crypto.parse_pem_private_key(private_key_pem)
        except Exception as error:  # dkimpy raises several unrelated types for bad keys
            raise DkimError(f"DKIM private key is not a PEM RSA private key: {error}") from None
        self._key = private_key_pem

    def sign(self, message: bytes) -> bytes:
        """The message with a DKIM-Signature header prepended."""
        signer = dkim.DKIM(message, linesep=b"\r\n")
        present = [name.lower() for name, _ in signer.headers if name.lower() in _SIGNED]
        if b"from" not in present:
            raise DkimError("cannot DKIM-sign a message without a From header")
        # dkimpy stamps t= from the wall clock; it is informational (no x= expiry is set).
        try:
            signature: bytes = signer.sign(
                self._selector,
                self._domain,
                self._key,
                canonicalize=(b"relaxed", b"relaxed"),
                include_headers=present + list(_OVERSIGNED),
            )
        except dkim.DKIMException as error:
            raise DkimError(f"cannot DKIM-sign this message: {error}") from None
        return signature + message
