"""SmtpTransport delivers through a real Postfix relay."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from outbound.transport import SmtpTransport
from tests.outbound.transport.messages import finished_message
from tests.support.postfix import PrivatePostfix
from tests.support.smtp_sink import SmtpSink


def test_messages_sent_through_postfix_arrive_intact(postfix_relay: tuple[PrivatePostfix, SmtpSink]) -> None:
    # Given a private Postfix relaying to a sink, and a transport with a pool of three
    postfix, sink = postfix_relay
    transport = SmtpTransport(postfix.host, postfix.port, helo="pep.test", security="none", connections=3, timeout=10)
    messages = {
        f"m{i}@example.org": finished_message(subject=f"n{i}", body=f".dotted line {i}\nsecond line\n")
        for i in range(12)
    }

    # When four threads send twelve messages
    with ThreadPoolExecutor(max_workers=4) as workers:
        results = list(workers.map(lambda item: transport.send("bounces@pep.test", *item), messages.items()))
    transport.close()

    # Then Postfix accepted each one and relayed it, with the original content after its own Received header
    assert all(r.accepted for r in results), results
    received = sink.wait_for_messages(12, timeout=20)
    assert len(received) == 12, postfix.log()
    for message in received:
        [recipient] = message.recipients
        assert message.envelope_from == "bounces@pep.test"
        assert message.data.startswith(b"Received: ")
        original = messages[recipient]
        headers, _, body = original.partition(b"\r\n\r\n")
        assert message.data.endswith(b"\r\n\r\n" + body)
        assert b"Subject: " + original.split(b"Subject: ")[1].split(b"\r\n")[0] in message.data
