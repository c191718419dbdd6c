"""Poll a mailbox over IMAP: store each new message, advance the cursor, move it to the processed folder."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from imapclient import IMAPClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.db import SessionFactory
from engine.models import ImapCursor
from inbound.imap_recipients import pep_recipients, return_path
from inbound.imap_url import ImapTarget
from inbound.store import store_message

log = logging.getLogger(__name__)


@dataclass
class PollerStats:
    """What the poller has done, for logs and tests."""

    stored: int = 0
    moved: int = 0
    polls: int = 0
    idles: int = 0
    connects: int = 0
    failures: int = 0
    last_error: str | None = None
    ready: threading.Event = field(default_factory=threading.Event)


class ImapPoller:
    """Reads `target` oldest first; each message is committed with the cursor before it is moved.

    A crash between the commit and the move leaves the message in the mailbox at or below the cursor:
    the next pass moves it without storing it again. Nothing is ever deleted: a server without MOVE
    gets COPY, then the original is flagged and expunged only once the copy exists.
    """

    def __init__(self, target: ImapTarget, factory: SessionFactory, clock: Clock, domain: str,
                 processed_folder: str = "PEP/Processed", poll_seconds: float = 15,
                 first_backoff: float = 1.0, max_backoff: float = 60.0, timeout: float = 30,
                 max_bytes: int | None = None) -> None:
        self.target = target
        self.factory = factory
        self.clock = clock
        self.domain = domain
        self.processed_folder = processed_folder
        self.poll_seconds = poll_seconds
        self.first_backoff, self.max_backoff = first_backoff, max_backoff
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.stats = PollerStats()
        self._seen: tuple[int, int] = (0, 0)  # (UIDVALIDITY, highest UID the last pass listed)

    def run(self, stop: threading.Event) -> None:
        """Poll until `stop` is set; any failure (server gone, database down) waits, then reconnects."""
        delay = self.first_backoff
        while not stop.is_set():
            try:
                client = self.connect()
            except Exception as exc:  # noqa: BLE001 - retried with back-off
                delay = self._failed(exc, stop, delay)
                continue
            polls = self.stats.polls
            try:
                self.serve(client, stop)
            except Exception as exc:  # noqa: BLE001 - a dropped connection or an outage: reconnect
                # The wait starts short again only after a pass succeeded, so a database outage
                # behind a reachable server backs off like an unreachable server does.
                if self.stats.polls > polls:
                    delay = self.first_backoff
                delay = self._failed(exc, stop, delay)
            finally:
                _close_quietly(client)

    def _failed(self, exc: Exception, stop: threading.Event, delay: float) -> float:
        self.stats.failures += 1
        self.stats.last_error = f"{type(exc).__name__}: {exc}"
        log.warning("IMAP %s: %s; trying again in %.1f s", self.target.name, self.stats.last_error, delay)
        stop.wait(delay)
        return min(delay * 2, self.max_backoff)

    def connect(self) -> IMAPClient:
        client = IMAPClient(self.target.host, self.target.port, ssl=self.target.ssl, timeout=self.timeout)
        try:
            client.login(self.target.user, self.target.password)
            if not client.folder_exists(self.processed_folder):
                client.create_folder(self.processed_folder)
        except Exception:
            _close_quietly(client)
            raise
        self.stats.connects += 1
        return client

    def serve(self, client: IMAPClient, stop: threading.Event) -> None:
        while not stop.is_set():
            self.poll_once(client)
            self.stats.polls += 1
            self.stats.ready.set()
            self.wait_for_mail(client, stop)

    def poll_once(self, client: IMAPClient) -> int:
        """Store every message above the cursor, oldest first; returns how many were stored."""
        selected = client.select_folder(self.target.folder)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        with self.factory() as session:
            last_uid = self._cursor(session, uidvalidity).last_uid
            session.commit()
        if last_uid:
            self._move(client, [uid for uid in client.search(["UID", f"1:{last_uid}"]) if uid <= last_uid])
        fresh = sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)
        self._seen = (uidvalidity, max([last_uid, *fresh]))
        sizes = self._sizes(client, fresh)
        for uid in fresh:
            size = sizes.get(uid, 0)
            if self.max_bytes is not None and size > self.max_bytes:
                # Over the limit SMTP would refuse with 552: keep the header, so the sender can be told, and
                # leave the whole message in the processed folder for an operator. Never read it into memory.
                fetched = client.fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid)
                part = b"BODY[HEADER]"
            else:
                fetched = client.fetch([uid], ["BODY.PEEK[]"]).get(uid)
                part = b"BODY[]"
            if fetched is None:
                continue  # expunged by someone else meanwhile
            self._store(uid, uidvalidity, bytes(fetched[part]), size)
            self._move(client, [uid])
        return len(fresh)

    def _sizes(self, client: IMAPClient, uids: list[int]) -> dict[int, int]:
        """Each message's size as the server counts it; asked only when there is a limit to apply."""
        if self.max_bytes is None or not uids:
            return {}
        return {uid: int(data.get(b"RFC822.SIZE", 0)) for uid, data in client.fetch(uids, ["RFC822.SIZE"]).items()}

    def _cursor(self, session: Session, uidvalidity: int) -> ImapCursor:
        cursor = session.scalar(select(ImapCursor).where(ImapCursor.mailbox == self.target.name))
        if cursor is None:
            cursor = ImapCursor(mailbox=self.target.name, uidvalidity=uidvalidity, last_uid=0,
                                updated_at=self.clock.now())
            session.add(cursor)
        elif cursor.uidvalidity != uidvalidity:
            log.warning("IMAP %s: UIDVALIDITY changed; reading the mailbox again", self.target.name)
            cursor.uidvalidity, cursor.last_uid, cursor.updated_at = uidvalidity, 0, self.clock.now()
        return cursor

    def _store(self, uid: int, uidvalidity: int, raw: bytes, size: int = 0) -> None:
        """The message (over the limit, its header and real size) and the cursor past it, in one transaction."""
        recipients = pep_recipients(raw, self.domain) or [""]
        now = self.clock.now()
        with self.factory() as session:
            store_message(session, raw, return_path(raw), recipients, "imap", now, size)
            cursor = self._cursor(session, uidvalidity)
            cursor.last_uid, cursor.updated_at = max(cursor.last_uid, uid), now
            session.commit()
        self.stats.stored += 1

    def _move(self, client: IMAPClient, uids: list[int]) -> None:
        if not uids:
            return
        if client.has_capability("MOVE"):
            client.move(uids, self.processed_folder)
        else:
            client.copy(uids, self.processed_folder)
            client.delete_messages(uids)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(uids)
            else:
                client.expunge()
        self.stats.moved += len(uids)

    def _arrived_since_last_pass(self, client: IMAPClient) -> bool:
        """Whether the mailbox holds mail the last pass did not list.

        IDLE reports only what arrives once it has started, and a server tells of mail that lands during a
        pass in the answer to whichever command comes next (a SEARCH, a MOVE), where the client library does
        not pass it on. Selecting the mailbox again asks the server for its state now: a UIDNEXT beyond the
        last UID listed means new mail.
        """
        selected = client.select_folder(self.target.folder)
        uidvalidity, uidnext = int(selected[b"UIDVALIDITY"]), selected.get(b"UIDNEXT")
        if uidnext is None:  # RFC 3501 requires it; without it, the next poll finds the mail
            return False
        seen_validity, seen_uid = self._seen
        return uidvalidity != seen_validity or int(uidnext) - 1 > seen_uid

    def wait_for_mail(self, client: IMAPClient, stop: threading.Event) -> None:
        """IDLE until the server reports something or `poll_seconds` pass; plain waiting without IDLE."""
        if not client.has_capability("IDLE"):
            stop.wait(self.poll_seconds)
            return
        if self._arrived_since_last_pass(client):
            return
        client.idle()
        self.stats.idles += 1
        try:
            deadline = time.monotonic() + self.poll_seconds
            while not stop.is_set() and time.monotonic() < deadline:
                asked = time.monotonic()
                if client.idle_check(timeout=1):
                    return
                # imapclient hides end-of-file during IDLE: it returns no responses at once instead
                # of after the timeout. Treat that as the server gone, so the poller reconnects.
                if time.monotonic() - asked < 0.5:
                    raise ConnectionError("the IMAP server closed the connection during IDLE")
        finally:
            client.idle_done()


def _close_quietly(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection may already be gone
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001
            pass
