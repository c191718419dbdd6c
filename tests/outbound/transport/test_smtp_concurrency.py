"""Many threads share one SmtpTransport safely."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.outbound.transport.conftest import MakeTransport
from tests.outbound.transport.messages import finished_message
from tests.support.smtp_sink import SmtpSink


def test_messages_sent_from_eight_threads_all_arrive_exactly_once(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given one transport with a pool of three connections and 200 distinct messages
    transport = make_transport(smtp_sink, connections=3)
    messages = {f"m{i}@example.org": finished_message(subject=f"number {i}") for i in range(200)}

    # When eight threads send them all at once
    with ThreadPoolExecutor(max_workers=8) as workers:
        results = list(workers.map(lambda item: transport.send("a@pep.test", *item), messages.items()))

    # Then every send succeeded, each message arrived once and intact, over at most
    # three connections
    assert all(r.accepted for r in results)
    received = smtp_sink.wait_for_messages(200)
    assert len(received) == 200
    counts = Counter(m.recipients[0] for m in received)
    assert set(counts.values()) == {1}
    assert {m.recipients[0]: m.data for m in received} == messages
    assert 1 <= smtp_sink.connections <= 3


def test_concurrent_senders_recover_when_the_server_drops_connections(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given a sink that will hang up on three transactions at end of data
    transport = make_transport(smtp_sink, connections=4)
    smtp_sink.drop_next("DATA", times=3)

    # When eight threads send 40 messages
    with ThreadPoolExecutor(max_workers=8) as workers:
        results = list(
            workers.map(lambda i: transport.send("a@pep.test", f"m{i}@example.org", finished_message()), range(40))
        )

    # Then exactly the three dropped ones failed, temporarily, and the rest arrived
    failed = [r for r in results if not r.accepted]
    assert len(failed) == 3 and all(r.temporary for r in failed)
    assert len(smtp_sink.wait_for_messages(37)) == 37
