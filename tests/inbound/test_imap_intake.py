"""IMAP intake against a real Dovecot: cursor, oldest first, move not delete, UIDVALIDITY, IDLE, restarts."""
from __future__ import annotations

import threading
import uuid
from typing import Iterator

import pytest
from sqlalchemy import select

from engine.app import App, build_app
from engine.models import ImapCursor, InboundMessage
from inbound.imap_poll import ImapPoller
from inbound.imap_url import parse_imap_url
from inbound.process import process_inbound
from tests.conftest import wait_until
from tests.support.dovecot import PrivateDovecot, dovecot, dovecot_available  # noqa: F401 - fixture
from tests.harness.services import require


def message(n: int, to: str = "bounces+t1@pep.test", extra: str = "") -> bytes:
    return (f"Return-Path: <sender{n}@example.org>\r\nFrom: Sender {n} <sender{n}@example.org>\r\n"
            f"To: {to}\r\n{extra}Subject: message {n}\r\nMessage-ID: <m{n}.{uuid.uuid4().hex}@example.org>\r\n"
            f"\r\nBody {n}\r\n").encode()


@pytest.fixture
def folder(dovecot: PrivateDovecot) -> str:  # noqa: F811 - the fixture imported above
    """A fresh folder per test, so tests sharing the module's server never see each other's mail."""
    name = f"in-{uuid.uuid4().hex[:8]}"
    with dovecot.client() as client:
        client.create_folder(name)
    return name


def poller_for(server: PrivateDovecot, app: App, folder: str, **kwargs: float) -> ImapPoller:
    target = parse_imap_url(server.url.replace("/INBOX", f"/{folder}"))
    return ImapPoller(target, app.sessions, app.clock, "pep.test", processed_folder=f"{folder}-done", **kwargs)


def stored(app: App) -> list[InboundMessage]:
    with app.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_messages_are_stored_oldest_first_and_moved_not_deleted(app: App, dovecot: PrivateDovecot,  # noqa: F811
                                                                folder: str) -> None:
    # Given three messages in the mailbox
    raws = [message(1), message(2, to="Someone <reply+abc@pep.test>"), message(3, to="chair@elsewhere.example")]
    for raw in raws:
        dovecot.append(raw, folder)
    poller = poller_for(dovecot, app, folder)
    # When PEP polls once
    client = poller.connect()
    try:
        count = poller.poll_once(client)
    finally:
        client.logout()
    # Then each is stored raw, in UID order, from IMAP, with the recipient read from its headers
    rows = stored(app)
    assert count == 3
    assert [row.raw for row in rows] == raws
    assert [row.source for row in rows] == ["imap"] * 3
    assert [row.rcpt_to for row in rows] == ["bounces+t1@pep.test", "reply+abc@pep.test", ""]
    assert rows[0].mail_from == "sender1@example.org"
    # And the mailbox is empty, every message is in the processed folder, and the cursor is past them
    assert dovecot.uids(folder) == []
    assert len(dovecot.uids(f"{folder}-done")) == 3
    with app.sessions() as session:
        cursor = session.scalar(select(ImapCursor))
        assert cursor.last_uid == 3 and cursor.mailbox.endswith(f"/{folder}")
    # When one more message arrives and PEP polls again
    dovecot.append(message(4), folder)
    client = poller.connect()
    try:
        assert poller.poll_once(client) == 1
    finally:
        client.logout()
    # Then only the new one is stored
    assert len(stored(app)) == 4


def test_a_message_stored_but_not_moved_is_moved_without_storing_it_again(app: App, dovecot: PrivateDovecot,  # noqa: F811
                                                                          folder: str) -> None:
    # Given a message that was stored, whose move did not happen (PEP stopped in between)
    dovecot.append(message(1), folder)
    poller = poller_for(dovecot, app, folder)
    client = poller.connect()
    try:
        poller._move = lambda _client, _uids: None  # type: ignore[method-assign] - simulates the crash point
        poller.poll_once(client)
        assert dovecot.uids(folder) == [1]
        del poller._move
        # When PEP polls again
        poller.poll_once(client)
    finally:
        client.logout()
    # Then the message is moved, and stored only once
    assert dovecot.uids(folder) == [] and len(dovecot.uids(f"{folder}-done")) == 1
    assert len(stored(app)) == 1


def test_uidvalidity_change_rescans_and_duplicates_are_recognised(app: App, dovecot: PrivateDovecot,  # noqa: F811
                                                                  folder: str) -> None:
    # Given a message already stored from the mailbox
    raw = message(1, to="reply+abc@pep.test")
    dovecot.append(raw, folder)
    poller = poller_for(dovecot, app, folder)
    client = poller.connect()
    try:
        poller.poll_once(client)
    finally:
        client.logout()
    with app.sessions() as session:
        before = session.scalar(select(ImapCursor.uidvalidity))
    # When the server renumbers the mailbox (recreated: new UIDVALIDITY) and the same message is in it again
    with dovecot.client() as admin:
        admin.delete_folder(folder)
        admin.create_folder(folder)
        admin.append(folder, raw)
    client = poller.connect()
    try:
        poller.poll_once(client)
    finally:
        client.logout()
    # Then the cursor has the new UIDVALIDITY, the mailbox was read again from UID 1
    with app.sessions() as session:
        cursor = session.scalar(select(ImapCursor))
        assert cursor.uidvalidity != before and cursor.last_uid == 1
    first, second = stored(app)
    # And processing recognises the second copy as a duplicate of the first
    process_inbound(app, first.id)
    process_inbound(app, second.id)
    statuses = {row.id: row.status for row in stored(app)}
    assert statuses[first.id] == "done" and statuses[second.id] == "duplicate"


def test_a_message_over_the_size_limit_is_kept_whole_in_the_mailbox_and_its_sender_told(
        app: App, dovecot: PrivateDovecot, folder: str) -> None:  # noqa: F811
    from engine.models import Delivery
    from tests.harness.force import area, partnership
    with app.sessions() as session:
        area(session, app.env, "Brighton")
        partnership(session, app.env, "Kemptown Pubwatch", "pubwatch", "Brighton", members=1)
        session.commit()
    member = "m0@kemptown-pubwatch.example"
    # Given a member's report of 60 KB in the mailbox, and a 20 KB limit
    big = (f"Return-Path: <{member}>\r\nFrom: {member}\r\nTo: incident@pep.test\r\nSubject: CCTV\r\n"
           f"Message-ID: <big.{uuid.uuid4().hex}@example.org>\r\n\r\n").encode() + b"x" * 76 * 800
    dovecot.append(big, folder)
    small = build_app(app.settings.with_changes(max_message_bytes=20_000), app.clock)
    poller = poller_for(dovecot, small, folder, max_bytes=small.settings.max_message_bytes)
    # When PEP polls and processes what it stored
    client = poller.connect()
    try:
        assert poller.poll_once(client) == 1
    finally:
        client.logout()
    [row] = stored(app)
    process_inbound(small, row.id)
    small.close()
    # Then only the header was read and kept, with the message's real size
    assert row.raw == big.split(b"\r\n\r\n")[0] + b"\r\n\r\n" and row.size >= len(big)
    # And the whole message is in the processed folder, not deleted
    with dovecot.client() as imap:
        imap.select_folder(f"{folder}-done")
        sizes = [int(data[b"RFC822.SIZE"]) for data in imap.fetch(imap.search(), ["RFC822.SIZE"]).values()]
    assert sizes == [row.size]
    # And the member is told it was too large and what to do, and no report was made of it
    with app.sessions() as session:
        done = session.get(InboundMessage, row.id)
        answers = list(session.scalars(select(Delivery).where(Delivery.to_addr == member)))
    assert (done.status, done.classification) == ("done", "too_large")
    assert [a.kind for a in answers] == ["any.reply.refused"]
    assert answers[0].context["reason"] == (f"your message was {-(-row.size // 1000)} KB; PEP accepts messages of "
                                            "up to 20 KB, attachments included")
    assert "smaller or fewer attachments" in answers[0].context["next_step"]


def run_poller(poller: ImapPoller) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=poller.run, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def test_idle_notices_new_mail_and_polling_survives_a_server_restart(app: App, dovecot: PrivateDovecot,  # noqa: F811
                                                                     folder: str) -> None:
    # Given a poller waiting in IDLE, with a long poll interval so only IDLE can wake it quickly
    poller = poller_for(dovecot, app, folder, poll_seconds=60, first_backoff=0.2, max_backoff=1)
    stop, thread = run_poller(poller)
    try:
        wait_until(lambda: poller.stats.idles >= 1)
        # When a message arrives, Then it is stored within moments
        dovecot.append(message(1), folder)
        wait_until(lambda: poller.stats.stored == 1)
        # When the server restarts in the middle of polling (down for a second)
        dovecot.restart(pause=1.0)
        dovecot.append(message(2), folder)
        # Then the poller reconnects with back-off and stores the next message, once
        wait_until(lambda: poller.stats.stored == 2, timeout=20)
        assert poller.stats.failures >= 1 and poller.stats.connects >= 2
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert len(stored(app)) == 2 and dovecot.uids(folder) == []


def test_mail_that_lands_while_a_pass_is_finishing_is_not_left_for_the_next_poll(
        app: App, dovecot: PrivateDovecot, folder: str) -> None:  # noqa: F811
    # Given a poller with a long poll interval, and a message that lands after the pass has listed the
    # mailbox but before the poller waits in IDLE (the moment a pass is storing and moving)
    poller = poller_for(dovecot, app, folder, poll_seconds=60)
    passes = poller.poll_once

    def pass_then_mail_lands(client: object) -> int:
        count = passes(client)
        if poller.stats.polls == 0:
            dovecot.append(message(1), folder)
        return count

    poller.poll_once = pass_then_mail_lands  # type: ignore[method-assign]
    stop, thread = run_poller(poller)
    try:
        # When the poller goes on, Then the message is stored within moments, not after the poll interval
        wait_until(lambda: poller.stats.stored == 1, timeout=10)
    finally:
        stop.set()
        thread.join(10)
    assert dovecot.uids(folder) == [] and len(stored(app)) == 1


@pytest.fixture(scope="module")
def plain_dovecot() -> Iterator[PrivateDovecot]:
    """A Dovecot that advertises neither IDLE nor MOVE: the fallbacks PEP must use elsewhere."""
    require("Dovecot (dovecot-imapd), started as root", dovecot_available())
    server = PrivateDovecot(extra_conf="imap_capability = IMAP4rev1 LITERAL+ UIDPLUS\n").start()
    try:
        yield server
    finally:
        server.remove()


def test_without_idle_or_move_it_polls_and_copies_then_expunges(app: App, plain_dovecot: PrivateDovecot) -> None:
    # Given a server without IDLE or MOVE and a poller checking every half second
    with plain_dovecot.client() as client:
        assert not client.has_capability("IDLE") and not client.has_capability("MOVE")
        folder = f"in-{uuid.uuid4().hex[:8]}"
        client.create_folder(folder)
    poller = poller_for(plain_dovecot, app, folder, poll_seconds=0.5)
    stop, thread = run_poller(poller)
    try:
        wait_until(poller.stats.ready.is_set)
        # When a message arrives
        plain_dovecot.append(message(1), folder)
        # Then the next poll stores it, and the copy in the processed folder replaces the original
        wait_until(lambda: poller.stats.stored == 1)
        wait_until(lambda: plain_dovecot.uids(folder) == [])
    finally:
        stop.set()
        thread.join(10)
    assert len(plain_dovecot.uids(f"{folder}-done")) == 1


def test_pep_serve_polls_the_mailbox_when_configured(settings, dovecot: PrivateDovecot,  # noqa: F811
                                                     folder: str) -> None:
    from tests.harness.running import start_pep
    # Given PEP running with PEP_IMAP_URL set
    url = dovecot.url.replace("/INBOX", f"/{folder}")
    # A short check interval: a message that lands in the instant before IDLE starts is read at the next check.
    pep = start_pep(settings.with_changes(imap_url=url, imap_processed_folder=f"{folder}-done", imap_poll_seconds=2))
    try:
        assert pep.runtime.imap is not None
        # When a reply arrives in the mailbox
        dovecot.append(message(1, to="reply+abc@pep.test"), folder)
        # Then it is stored from IMAP and processed by the normal queue
        def processed() -> bool:
            rows = stored(pep.app)
            return bool(rows) and rows[0].status == "done"
        wait_until(processed)
        assert stored(pep.app)[0].source == "imap"
    finally:
        pep.stop()
