"""One open SMTP connection that carries transactions of one message to one recipient."""

from __future__ import annotations

import smtplib
import ssl

from outbound.transport import replies
from outbound.transport.base import SendResult
from outbound.transport.framing import data_payload
from outbound.transport.replies import SERVICE_CLOSING, Stage
from outbound.transport.settings import SmtpSettings

_FORBIDDEN_IN_ADDRESS = frozenset("\r\n<> \t")


class ConnectError(Exception):
    """A connection could not be opened (refused, timed out, TLS or login failed)."""


class StaleConnection(Exception):
    """A reused connection was found closed before the message was sent; a fresh one may succeed."""


def open_connection(settings: SmtpSettings) -> SmtpConnection:
    """Connect, greet, secure and log in as ``settings`` say; raise ConnectError if that fails."""
    smtp: smtplib.SMTP | None = None
    try:
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                local_hostname=settings.helo,
                timeout=settings.timeout,
                context=settings.tls_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, local_hostname=settings.helo, timeout=settings.timeout)
        smtp.ehlo_or_helo_if_needed()
        encrypted = settings.security == "tls"
        if settings.security == "starttls" and smtp.has_extn("starttls"):
            smtp.starttls(context=settings.tls_context())
            smtp.ehlo()
            encrypted = True
        if settings.username is not None and settings.password is not None:
            if not encrypted and settings.security != "none":
                raise ConnectError("the server does not offer STARTTLS; refusing to send the password in clear")
            smtp.login(settings.username, settings.password)
        return SmtpConnection(smtp)
    except ConnectError:
        _quietly_close(smtp)
        raise
    except (smtplib.SMTPException, OSError, ValueError) as error:
        _quietly_close(smtp)
        raise ConnectError(_describe(error)) from error


class SmtpConnection:
    """A logged-in connection used by one thread at a time (the pool sees to that).

    MAIL, RCPT and DATA are written by hand rather than through ``sendmail`` so that
    the already-CRLF message is framed once (see framing.py) and, when the server
    offers PIPELINING, the three commands travel in one packet.
    """

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self._smtp = smtp
        self._pipelining = smtp.has_extn("pipelining")
        self._eight_bit = smtp.has_extn("8bitmime")
        self._smtputf8 = smtp.has_extn("smtputf8")
        self.transactions = 0
        self.broken = False
        # The step under way, so that a failure knows whether the message left us.
        self._stage = Stage.MAIL

    def deliver(self, envelope_from: str, recipient: str, data: bytes) -> SendResult:
        """Run one transaction; raise StaleConnection if a reused connection was already gone."""
        problem = _address_problem(envelope_from, allow_empty=True) or _address_problem(recipient)
        if problem:
            return SendResult(accepted=False, temporary=False, code=None, detail=problem)
        options = self._mail_options(envelope_from, recipient, data)
        if options is None:
            return SendResult(
                accepted=False,
                temporary=False,
                code=None,
                detail="the address is not ASCII and the server does not offer SMTPUTF8",
            )
        reused = self.transactions > 0
        self.transactions += 1
        self._stage = Stage.MAIL
        try:
            result = self._transaction(envelope_from, recipient, data, options)
        except (smtplib.SMTPException, OSError) as error:
            self.broken = True
            if reused and self._stage is Stage.MAIL:
                raise StaleConnection(_describe(error)) from error
            return replies.failed(self._stage, _describe(error))
        if result.code == SERVICE_CLOSING:
            self.broken = True
            if reused and self._stage is Stage.MAIL:
                raise StaleConnection(result.detail)
        elif not result.accepted:
            self._reset()
        return result

    def close(self) -> None:
        """Say QUIT if the connection still works, then drop the socket."""
        if not self.broken:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        _quietly_close(self._smtp)
        self.broken = True

    def _mail_options(self, envelope_from: str, recipient: str, data: bytes) -> bytes | None:
        options = b""
        if not data.isascii() and self._eight_bit:
            options += b" BODY=8BITMIME"
        if not (envelope_from.isascii() and recipient.isascii()):
            if not self._smtputf8:
                return None
            options += b" SMTPUTF8"
        return options

    def _transaction(self, envelope_from: str, recipient: str, data: bytes, options: bytes) -> SendResult:
        mail = b"MAIL FROM:<" + envelope_from.encode() + b">" + options + b"\r\n"
        rcpt = b"RCPT TO:<" + recipient.encode() + b">\r\n"
        smtp = self._smtp
        if self._pipelining:
            smtp.send(mail + rcpt + b"DATA\r\n")
            for stage in (Stage.MAIL, Stage.RCPT):
                self._stage = stage
                code, text = smtp.getreply()
                if code // 100 != 2:
                    if code != SERVICE_CLOSING:
                        self._abandon_pipelined_data(stage)
                    return replies.refused(stage, code, text)
        else:
            for stage, command in ((Stage.MAIL, mail), (Stage.RCPT, rcpt)):
                self._stage = stage
                smtp.send(command)
                code, text = smtp.getreply()
                if code // 100 != 2:
                    return replies.refused(stage, code, text)
            smtp.send(b"DATA\r\n")
        self._stage = Stage.DATA
        code, text = smtp.getreply()
        if code != 354:
            return replies.refused(Stage.DATA, code, text)
        self._stage = Stage.END_OF_DATA
        smtp.send(data_payload(data))
        code, text = smtp.getreply()
        if code // 100 != 2:
            return replies.refused(Stage.END_OF_DATA, code, text)
        return replies.accepted(code, text)

    def _abandon_pipelined_data(self, failed_stage: Stage) -> None:
        """Read the replies still owed after a refusal; the DATA must be refused too.

        A server that answers 354 to DATA although MAIL or RCPT failed leaves the connection
        in an unknowable state, so it is closed instead of reused.
        """
        owed = 2 if failed_stage is Stage.MAIL else 1
        for _ in range(owed):
            code, _text = self._smtp.getreply()
            if code == 354 or code == SERVICE_CLOSING:
                self.broken = True

    def _reset(self) -> None:
        if self.broken:
            return
        try:
            code, _text = self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            code = 0
        if code != 250:
            self.broken = True


def _address_problem(address: str, *, allow_empty: bool = False) -> str | None:
    if not address:
        return None if allow_empty else "the recipient address is empty"
    if _FORBIDDEN_IN_ADDRESS.intersection(address):
        return f"the address {address!r} contains characters not allowed in an SMTP envelope"
    return None


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {replies.reply_text(error.smtp_error)}"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error.reason or error}"
    text = str(error) or type(error).__name__
    return " ".join(text.split())


def _quietly_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.close()
        except OSError:
            pass
