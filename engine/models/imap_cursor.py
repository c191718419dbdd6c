"""How far PEP has read an IMAP mailbox: its UIDVALIDITY and the last UID stored."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class ImapCursor(Base):
    """One row per polled mailbox; advanced in the same transaction as the message it stored.

    A different UIDVALIDITY means the server renumbered the mailbox: reading restarts at UID 1 and
    copies already stored are recognised as duplicates by their Message-ID and digest.
    """

    __tablename__ = "imap_cursors"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(400), unique=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime]
