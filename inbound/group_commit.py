"""Group commit: one committer thread stores rows from concurrent SMTP/LMTP connections, several per fsync."""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from engine.db import SessionFactory, bound_engine
from inbound.intake_insert import IntakeInsert
from inbound.store import INBOUND_QUEUE, new_rows

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
    """Batches what concurrent SMTP/LMTP connections submit into one transaction, so one fsync covers many messages.

    A connection is answered 250 only after the batch holding ITS message committed: the future `submit`
    returns resolves then (`store` blocks until then). A batch that fails to commit fails every message
    in it (each sender gets 451 and retries), after one try of each message on its own, so a single bad
    message cannot keep refusing others. SQLite allows one writer at a time and every commit is an
    fsync (synchronous=FULL); batching is how durable intake keeps up with an MTA's queue. A lone
    connection pays one commit per message and never waits for company (see `_take_batch`).
    """

    def __init__(self, factory: SessionFactory, wake: Callable[[str, int], None] | None = None,
                 max_batch: int = 64, max_wait: float = 0.002, longest_wait: float = 0.02,
                 on_commit: Callable[[int], None] | None = None) -> None:
        self.factory = factory
        self.longest_wait = longest_wait
        self._last_commit = 0.0
        self._insert = IntakeInsert(bound_engine(factory))
        self.wake = wake
        self.max_wait = max_wait
        self._expected = 1
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
        """The next batch: whatever is queued, plus, for a short while, the connections just answered.

        The connections answered after the last commit usually send their next message within a round trip;
        waiting briefly for them (only up to the number of connections seen in the last cycle) lets every
        busy connection share each fsync instead of alternating in halves. The wait is `max_wait`, or as
        long as the last commit took when that was longer (a slow disk, a busy machine), up to
        `longest_wait`: leaving a connection behind costs it a whole commit of its own, so waiting up to
        one commit's time for it costs no more than not waiting. A lone connection never waits.
        """
        first = self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        deadline = time.monotonic() + min(self.longest_wait, max(self.max_wait, self._last_commit))
        while len(batch) < self.max_batch:
            try:
                if len(batch) < self._expected:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                else:
                    item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _run(self) -> None:
        try:
            while True:
                batch, last = self._take_batch()
                if batch:
                    self._commit(batch)
                    self._expected = min(self.max_batch, len(batch) + self._queue.qsize())
                if last:
                    return
        finally:
            self._insert.close()

    def _commit(self, batch: list[Pending]) -> None:
        started = time.monotonic()
        try:
            ids = self._write(batch)
            self._last_commit = time.monotonic() - started
        except Exception as exc:  # noqa: BLE001 - reported to every waiting connection as 451
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
        self._wake(ids)
        if self.on_commit is not None:
            self.on_commit(len(batch))

    def _write(self, batch: list[Pending]) -> list[list[int]]:
        rows = [new_rows(item.raw, item.mail_from, item.recipients, item.source, item.received_at)
                for item in batch]
        ids = iter(self._insert.write([row for item_rows in rows for row in item_rows]))
        return [[next(ids) for _row in item_rows] for item_rows in rows]

    def _wake(self, ids: list[list[int]]) -> None:
        # After the connections were answered: queueing work is not on the path to a 250. A lost wake-up
        # loses nothing (the sweeper finds rows still "received").
        if self.wake is None:
            return
        for row_ids in ids:
            for row_id in row_ids:
                try:
                    self.wake(INBOUND_QUEUE, row_id)
                except Exception:  # noqa: BLE001
                    log.exception("could not queue inbound message %s", row_id)
