"""Every SMTP/LMTP reply PEP's intake gives, named once."""
from __future__ import annotations

OK = "250 2.0.0 OK: stored"
RCPT_OK = "250 2.1.5 OK"
UNKNOWN_RECIPIENT = "550 5.1.1 No such address here"
NOT_OUR_DOMAIN = "550 5.7.1 Relaying denied: not a PEP address"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
MESSAGE_TOO_BIG = "552 5.3.4 Message too big"
TRY_AGAIN_LATER = "451 4.3.0 Temporary storage failure, try again later"
RATE_LIMITED = "451 4.7.1 Too many messages from you, try again later"
BAD_MESSAGE = "554 5.6.0 Message could not be read"

# aiosmtpd's own replies around DATA, which the quicker DATA reader (inbound.smtp_data) gives word for word.
DATA_GO_AHEAD = "354 End data with <CR><LF>.<CR><LF>"
DATA_NEEDS_RCPT = "503 Error: need RCPT command"
DATA_SYNTAX = "501 Syntax: DATA"
DATA_LINE_TOO_LONG = "500 Line too long (see RFC5321 4.5.3.1.6)"
DATA_TOO_MUCH = "552 Error: Too much mail data"
DATA_ACCEPTED = "250 OK"
