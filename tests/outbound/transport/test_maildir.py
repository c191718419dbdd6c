"""MaildirTransport writes one complete file per message, atomically and uniquely named."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from outbound.transport import MaildirTransport
from tests.outbound.transport.messages import finished_message


def test_a_message_lands_in_new_with_its_envelope_prepended(tmp_path: Path) -> None:
    # Given a Maildir transport on a directory that does not exist yet
    outbox = tmp_path / "var" / "outbox"
    transport = MaildirTransport(outbox)
    data = finished_message(subject="Pubwatch alert")

    # When a message is sent
    result = transport.send("bounces+abc@pep.test", "member@example.org", data)

    # Then the Maildir layout exists and new/ holds the message with the envelope lines first
    assert result.accepted
    assert {p.name for p in outbox.iterdir()} == {"tmp", "new", "cur"}
    [file] = list((outbox / "new").iterdir())
    content = file.read_bytes()
    assert content == b"Return-Path: <bounces+abc@pep.test>\r\nDelivered-To: <member@example.org>\r\n" + data
    parsed = message_from_bytes(content, policy=default)
    assert parsed["Subject"] == "Pubwatch alert"
    assert parsed["Delivered-To"] == "<member@example.org>"
    assert list((outbox / "tmp").iterdir()) == []


def test_messages_sent_from_many_threads_each_get_their_own_complete_file(tmp_path: Path) -> None:
    # Given one transport and 100 different messages
    transport = MaildirTransport(tmp_path)
    messages = {f"m{i}@example.org": finished_message(subject=f"n{i}", body=f"body {i}\n" * 500) for i in range(100)}

    # When eight threads send them at once
    with ThreadPoolExecutor(max_workers=8) as workers:
        results = list(workers.map(lambda item: transport.send("a@pep.test", *item), messages.items()))

    # Then there are 100 uniquely named files, each exactly one whole message
    assert all(r.accepted for r in results)
    files = list((tmp_path / "new").iterdir())
    assert len(files) == 100
    found = {}
    for file in files:
        _return_path, delivered_to, message = file.read_bytes().split(b"\r\n", 2)
        found[delivered_to.removeprefix(b"Delivered-To: <").removesuffix(b">").decode()] = message
    assert found == messages


def test_a_file_appears_in_new_only_when_complete(tmp_path: Path) -> None:
    # Given a transport and a reader watching new/ from another thread while large messages are written
    transport = MaildirTransport(tmp_path)
    data = finished_message(body="x" * 70 + "\n") + b"y" * 2_000_000 + b"\r\n"
    expected_size = len(data) + len(b"Return-Path: <a@pep.test>\r\nDelivered-To: <b@example.org>\r\n")
    sizes_seen: list[int] = []

    def watch() -> None:
        for _ in range(2000):
            for entry in os.scandir(tmp_path / "new"):
                sizes_seen.append(entry.stat().st_size)

    # When five messages are written while it watches
    with ThreadPoolExecutor(max_workers=1) as reader:
        watching = reader.submit(watch)
        for _ in range(5):
            assert transport.send("a@pep.test", "b@example.org", data).accepted
        watching.result()

    # Then every file the reader ever saw in new/ was already complete
    assert set(sizes_seen) <= {expected_size}
    assert len(list((tmp_path / "new").iterdir())) == 5


def test_a_directory_that_cannot_be_written_gives_a_temporary_failure(tmp_path: Path) -> None:
    # Given a Maildir whose tmp/ has been replaced by a file
    transport = MaildirTransport(tmp_path)
    (tmp_path / "tmp").rmdir()
    (tmp_path / "tmp").write_text("not a directory")

    # When a message is sent
    result = transport.send("a@pep.test", "b@example.org", finished_message())

    # Then it is a temporary failure that says what went wrong, and new/ stays empty
    assert result.temporary and "maildir write failed" in result.detail
    assert list((tmp_path / "new").iterdir()) == []


def test_an_envelope_address_with_a_line_break_is_refused(tmp_path: Path) -> None:
    # Given a transport
    transport = MaildirTransport(tmp_path)

    # When the recipient would inject a header line
    result = transport.send("a@pep.test", "b@example.org>\r\nBcc: <x@example.org", finished_message())

    # Then it is refused for good and nothing is written
    assert result.permanent
    assert list((tmp_path / "new").iterdir()) == []


def test_a_large_message_and_one_with_bare_line_ends_are_written_whole_with_crlf(tmp_path: Path) -> None:
    # Given a message of several megabytes (more than one write may take), and one with bare LF and CR
    transport = MaildirTransport(tmp_path / "outbox")
    large = b"Subject: photo\r\n\r\n" + b"".join(b"%076d\r\n" % i for i in range(60_000))
    bare = b"Subject: bare\n\nline one\rline two\n"
    # When both are sent
    assert transport.send("a@pep.test", "large@example.org", large).accepted
    assert transport.send("a@pep.test", "bare@example.org", bare).accepted
    # Then each file holds every byte, line ends made CRLF, with the envelope lines first
    contents = {f.read_bytes() for f in (tmp_path / "outbox" / "new").iterdir()}
    assert contents == {b"Return-Path: <a@pep.test>\r\nDelivered-To: <large@example.org>\r\n" + large,
                        b"Return-Path: <a@pep.test>\r\nDelivered-To: <bare@example.org>\r\n"
                        b"Subject: bare\r\n\r\nline one\r\nline two\r\n"}
    assert list((tmp_path / "outbox" / "tmp").iterdir()) == []
