"""SMTP refusals and broken connections become the right SendResult, and the pool recovers."""

from __future__ import annotations

import socket

import pytest

from outbound.transport import SmtpTransport
from tests.outbound.transport.conftest import MakeTransport
from tests.outbound.transport.messages import finished_message
from tests.support.smtp_sink import Command, SmtpSink


@pytest.mark.parametrize("command", ["MAIL", "RCPT", "DATA"])
@pytest.mark.parametrize("code", [421, 451])
def test_a_4xx_reply_is_temporary_and_the_next_message_goes_through(
    smtp_sink: SmtpSink, make_transport: MakeTransport, command: Command, code: int
) -> None:
    # Given a sink that answers the next <command> with a 4xx code, on a fresh connection
    transport = make_transport(smtp_sink)
    smtp_sink.answer_next(command, code)

    # When a message is sent
    result = transport.send("a@pep.test", "b@example.org", finished_message())

    # Then it is a temporary failure with the server's code, and the next message arrives
    assert not result.accepted and result.temporary
    assert result.code == code
    assert str(code) in result.detail
    assert transport.send("a@pep.test", "c@example.org", finished_message()).accepted
    assert [m.recipients for m in smtp_sink.wait_for_messages(1)] == [("c@example.org",)]


def test_after_a_421_the_connection_is_replaced_and_after_a_451_it_is_kept(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given a transport with one working connection
    transport = make_transport(smtp_sink)
    assert transport.send("a@pep.test", "b@example.org", finished_message()).accepted

    # When a message gets 451 at end of data, and the next gets 421 there
    smtp_sink.answer_next("DATA", 451)
    first = transport.send("a@pep.test", "b@example.org", finished_message())
    smtp_sink.answer_next("DATA", 421)
    second = transport.send("a@pep.test", "b@example.org", finished_message())
    third = transport.send("a@pep.test", "b@example.org", finished_message())

    # Then both failures are temporary, the 451 left the connection usable (RSET) and the
    # 421 made the transport open a second one
    assert (first.temporary, first.code) == (True, 451)
    assert (second.temporary, second.code) == (True, 421)
    assert third.accepted
    assert [m.connection for m in smtp_sink.wait_for_messages(2)] == [1, 2]


def test_a_recipient_refused_with_550_is_a_permanent_failure_with_its_code(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given a sink that refuses one address
    smtp_sink.refuse_recipient("gone@example.org", 550, "5.1.1 No such user")
    transport = make_transport(smtp_sink)

    # When a message is sent to it, and then to someone else
    refused = transport.send("a@pep.test", "gone@example.org", finished_message())
    accepted = transport.send("a@pep.test", "here@example.org", finished_message())

    # Then the first is permanent with code and reason, and the connection carried on
    assert refused.permanent
    assert refused.code == 550
    assert "RCPT TO" in refused.detail and "No such user" in refused.detail
    assert accepted.accepted
    assert smtp_sink.connections == 1


def test_a_552_to_rcpt_is_treated_as_temporary(smtp_sink: SmtpSink, make_transport: MakeTransport) -> None:
    # Given a sink that answers RCPT with 552 (old servers' "too many recipients")
    smtp_sink.answer_next("RCPT", 552, text="5.5.3 Too many recipients")
    transport = make_transport(smtp_sink)

    # When a message is sent
    result = transport.send("a@pep.test", "b@example.org", finished_message())

    # Then it will be retried later, as RFC 5321 tells clients to do
    assert result.temporary and result.code == 552


def test_refusal_of_the_message_content_is_permanent(smtp_sink: SmtpSink, make_transport: MakeTransport) -> None:
    # Given a sink that refuses the next message content with 554
    smtp_sink.answer_next("DATA", 554, text="5.7.1 Message rejected")
    transport = make_transport(smtp_sink)

    # When a message is sent
    result = transport.send("a@pep.test", "b@example.org", finished_message())

    # Then the failure is permanent and says it was the content that was refused
    assert result.permanent and result.code == 554
    assert result.detail.startswith("end of data refused")


@pytest.mark.parametrize("command", ["MAIL", "RCPT", "DATA"])
def test_a_connection_dropped_mid_transaction_is_temporary_and_the_pool_recovers(
    smtp_sink: SmtpSink, make_transport: MakeTransport, command: Command
) -> None:
    # Given a fresh transport and a sink that hangs up at <command> without answering
    transport = make_transport(smtp_sink)
    smtp_sink.drop_next(command)

    # When a message is sent, then another
    dropped = transport.send("a@pep.test", "b@example.org", finished_message())
    after = transport.send("a@pep.test", "c@example.org", finished_message())

    # Then the first is temporary without a code, and the second arrives on a new connection
    assert not dropped.accepted and dropped.temporary and dropped.code is None
    assert after.accepted
    [received] = smtp_sink.wait_for_messages(1)
    assert received.recipients == ("c@example.org",)
    assert received.connection == 2


def test_a_reused_connection_closed_by_the_server_is_replaced_without_failing_the_message(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given a transport whose idle connection the server then closes (421 at MAIL, as a
    # server shutting down idle connections does)
    transport = make_transport(smtp_sink)
    assert transport.send("a@pep.test", "b@example.org", finished_message()).accepted
    smtp_sink.answer_next("MAIL", 421)

    # When the next message is sent
    result = transport.send("a@pep.test", "c@example.org", finished_message())

    # Then nothing had been sent on the dead connection, so it went out on a new one
    assert result.accepted
    assert [m.connection for m in smtp_sink.wait_for_messages(2)] == [1, 2]


def test_a_server_that_cannot_be_reached_gives_a_temporary_failure() -> None:
    # Given a port where nothing listens
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = SmtpTransport("127.0.0.1", port, helo="pep.test", security="none", timeout=2.0)

    # When a message is sent
    result = transport.send("a@pep.test", "b@example.org", finished_message())

    # Then it is temporary and says the connection failed
    assert result.temporary and result.code is None
    assert result.detail.startswith("connection failed")
    transport.close()


def test_a_closed_transport_refuses_to_send(smtp_sink: SmtpSink, make_transport: MakeTransport) -> None:
    # Given a transport that has been closed
    transport = make_transport(smtp_sink)
    transport.close()

    # When it is asked to send
    result = transport.send("a@pep.test", "b@example.org", finished_message())

    # Then it answers with a temporary failure instead of reopening
    assert result.temporary and "closed" in result.detail
    assert smtp_sink.connections == 0
