"""SmtpTransport delivers intact messages through a real SMTP server and reuses connections."""

from __future__ import annotations

import pytest

from tests.outbound.transport.conftest import MakeTransport
from tests.outbound.transport.messages import finished_message
from tests.support.smtp_sink import SmtpSink


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-command-at-a-time"])
def test_message_arrives_byte_for_byte_including_lines_that_start_with_a_dot(
    make_transport: MakeTransport, pipelining: bool
) -> None:
    # Given a sink and a message whose body has lines starting with "." (even a lone ".")
    body = ".starts with a dot\n.\n..two dots\nplain\n"
    data = finished_message(body=body)
    with SmtpSink(pipelining=pipelining) as sink:
        transport = make_transport(sink)

        # When it is sent
        result = transport.send("bounces+x@pep.test", "member@example.org", data)

        # Then it is accepted and arrives exactly as handed over, with its envelope
        assert result.accepted and not result.temporary
        assert result.code == 250
        [received] = sink.wait_for_messages(1)
        assert received.data == data
        assert received.envelope_from == "bounces+x@pep.test"
        assert received.recipients == ("member@example.org",)


def test_message_that_starts_with_a_dot_and_lacks_a_final_line_break_arrives_whole(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given raw data whose very first line starts with "." and with no final CRLF
    data = b".X-Odd: header\r\n\r\nlast line"
    transport = make_transport(smtp_sink)

    # When it is sent
    result = transport.send("a@pep.test", "b@example.org", data)

    # Then the sink sees the same content, ended by the CRLF the protocol requires
    assert result.accepted
    assert smtp_sink.wait_for_messages(1)[0].data == data + b"\r\n"


def test_bare_line_feeds_are_sent_as_crlf(smtp_sink: SmtpSink, make_transport: MakeTransport) -> None:
    # Given data with bare LF and bare CR line ends (the stuff of SMTP smuggling)
    data = b"Subject: x\n\nline one\n.\nline two\rend\r\n"
    transport = make_transport(smtp_sink)

    # When it is sent
    assert transport.send("a@pep.test", "b@example.org", data).accepted

    # Then every line ending on the wire was CRLF and the lone "." did not end the message
    assert smtp_sink.wait_for_messages(1)[0].data == b"Subject: x\r\n\r\nline one\r\n.\r\nline two\r\nend\r\n"


def test_one_connection_carries_many_messages(smtp_sink: SmtpSink, make_transport: MakeTransport) -> None:
    # Given a transport with a pool of four connections
    transport = make_transport(smtp_sink, connections=4)

    # When ten messages are sent one after another
    results = [transport.send("a@pep.test", f"m{i}@example.org", finished_message()) for i in range(10)]

    # Then all arrive over a single connection
    assert all(r.accepted for r in results)
    assert len(smtp_sink.wait_for_messages(10)) == 10
    assert smtp_sink.connections == 1
    assert transport.connections_opened == 1


def test_a_connection_is_replaced_after_its_message_allowance(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given connections that may carry three messages each
    transport = make_transport(smtp_sink, messages_per_connection=3)

    # When seven messages are sent
    for i in range(7):
        assert transport.send("a@pep.test", f"m{i}@example.org", finished_message()).accepted

    # Then three connections were used, the messages spread over them in order
    received = smtp_sink.wait_for_messages(7)
    assert smtp_sink.connections == 3
    assert [m.connection for m in received] == [1, 1, 1, 2, 2, 2, 3]


def test_an_idle_connection_is_not_reused_after_the_idle_timeout(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given a transport on a clock the test moves, with a 10-second idle timeout
    now = [1000.0]
    transport = make_transport(smtp_sink, idle_timeout=10.0, clock=lambda: now[0])
    assert transport.send("a@pep.test", "b@example.org", finished_message()).accepted

    # When the next message comes 5 seconds later, and another 11 seconds after that
    now[0] += 5
    assert transport.send("a@pep.test", "b@example.org", finished_message()).accepted
    now[0] += 11
    assert transport.send("a@pep.test", "b@example.org", finished_message()).accepted

    # Then the first connection served the first two and a new one the third
    assert [m.connection for m in smtp_sink.wait_for_messages(3)] == [1, 1, 2]


def test_eight_bit_content_is_announced_as_such(smtp_sink: SmtpSink, make_transport: MakeTransport) -> None:
    # Given a message with raw UTF-8 in its body
    data = "Subject: caf\u00e9\r\n\r\nna\u00efve\r\n".encode()
    transport = make_transport(smtp_sink)

    # When it is sent
    assert transport.send("a@pep.test", "b@example.org", data).accepted

    # Then it arrives unchanged, sent with BODY=8BITMIME
    [received] = smtp_sink.wait_for_messages(1)
    assert received.data == data
    assert received.mail_options == ("BODY=8BITMIME",)


def test_an_address_with_a_line_break_is_refused_before_anything_is_sent(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given a recipient address that would smuggle a command into the connection
    transport = make_transport(smtp_sink)

    # When it is used
    result = transport.send("a@pep.test", "b@example.org>\r\nRCPT TO:<c@example.org", finished_message())

    # Then it is a permanent failure and nothing arrives
    assert result.permanent
    assert "not allowed" in result.detail
    assert transport.send("a@pep.test", "ok@example.org", finished_message()).accepted
    assert [m.recipients for m in smtp_sink.wait_for_messages(1)] == [("ok@example.org",)]
