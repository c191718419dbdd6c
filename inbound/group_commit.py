"""Group commit: one committer thread stores rows from concurrent SMTP/LMTP sessions, several per fsync."""
from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from engine.db import SessionFactory
from inbound.store import store_message

log = logging.getLogger(__name__)


@dataclass
class Pending:
    """One message waiting for the next commit; `done` resolves to its row ids, or to the failure."""

    raw: bytes
    mail_from: str
    recipients: list[str]
    source: str
    received_at: datetime
    done: Future[list[int]] = field(default_factory=Future)


class GroupCommitter:
    """Batches what concurrent sessions submit into one transaction, so one fsync covers many messages.

    A session is answered 250 only after the batch holding ITS message committed: `store` blocks until
    then. A batch that fails to commit fails every message in it (each sender gets 451 and retries),
    after one try of each message on its own, so a single bad message cannot keep refusing others.
    SQLite allows one writer at a time and every commit is an fsync (synchronous=FULL); batching is how
    durable intake keeps up with an MTA's queue. Nothing waits to fill a batch: the committer takes
    whatever queued while the previous commit was on disk, so a lone session pays one commit per message.
    """

    def __init__(self, factory: SessionFactory, max_batch: int = 64,
                 on_commit: Callable[[int], None] | None = None) -> None:
        self.factory = factory
        self.max_batch = max_batch
        self.on_commit = on_commit
        self._queue: queue.Queue[Pending | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="intake-committer", daemon=True)
        self._stopped = False

    def start(self) -> "GroupCommitter":
        self._thread.start()
        return self

    def submit(self, raw: bytes, mail_from: str, recipients: list[str], source: str,
               received_at: datetime) -> Future[list[int]]:
        pending = Pending(raw, mail_from, recipients, source, received_at)
        if self._stopped:
            pending.done.set_exception(RuntimeError("intake is stopping"))
        else:
            self._queue.put(pending)
        return pending.done

    def store(self, raw: bytes, mail_from: str, recipients: list[str], source: str,
              received_at: datetime) -> list[int]:
        """Block until the message is committed; raises when it could not be (answer 451)."""
        return self.submit(raw, mail_from, recipients, source, received_at).result()

    def stop(self) -> None:
        """Commit what is queued, then end the committer thread."""
        self._stopped = True
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(30)

    def _take_batch(self) -> tuple[list[Pending], bool]:
        first = self._queue.get()
        if first is None:
            return [], True
        batch, last = [first], False
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                last = True
                break
            batch.append(item)
        return batch, last

    def _run(self) -> None:
        while True:
            batch, last = self._take_batch()
            if batch:
                self._commit(batch)
            if last:
                return

    def _commit(self, batch: list[Pending]) -> None:
        try:
            ids = self._write(batch)
        except Exception as exc:  # noqa: BLE001 - reported to every waiting session as 451
            if len(batch) == 1:
                log.warning("could not store a message: %s", exc)
                batch[0].done.set_exception(exc)
                return
            log.warning("a batch of %d messages failed (%s); trying each alone", len(batch), exc)
            for item in batch:
                self._commit([item])
            return
        for item, row_ids in zip(batch, ids):
            item.done.set_result(row_ids)
        if self.on_commit is not None:
            self.on_commit(len(batch))

    def _write(self, batch: list[Pending]) -> list[list[int]]:
        with self.factory() as session:
            ids = [store_message(session, item.raw, item.mail_from, item.recipients, item.source,
                                 item.received_at) for item in batch]
            session.commit()
        return ids
