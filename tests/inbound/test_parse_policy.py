"""The per-message parsing policy reads headers as `policy.default` does, parsing each value once."""
from __future__ import annotations

from email import message_from_bytes, policy

from inbound.parse_policy import MessagePolicy, message_policy

RAW = (b"From: Sam <sam@shop.example>\r\nTo: help@pep.test\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n"
       b"Content-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n")


def test_headers_read_as_the_default_policy_reads_them() -> None:
    # Given the same message read with policy.default and with the per-message policy
    default = message_from_bytes(RAW, policy=policy.default)
    ours = message_from_bytes(RAW, policy=MessagePolicy())
    # Then every header has the same value and the same structured parts
    for name in ("From", "To", "Subject", "Content-Type"):
        assert str(ours[name]) == str(default[name])
    assert ours["From"].addresses[0].addr_spec == "sam@shop.example" and ours["Subject"] == "Café"
    assert ours.get_content_type() == "text/plain" and ours.get_content_charset() == "utf-8"


def test_a_value_is_parsed_once_per_message_and_not_shared_between_messages() -> None:
    # Given one policy, When the same header is read twice, Then the same parsed object comes back
    first = MessagePolicy()
    assert first.header_fetch_parse("Subject", "Hello") is first.header_fetch_parse("Subject", "Hello")
    # And another message's policy parses its own
    assert MessagePolicy().header_fetch_parse("Subject", "Hello") is not first.header_fetch_parse("Subject", "Hello")


def test_header_classes_are_built_once_and_headers_still_read_as_the_default_policy() -> None:
    # Given two messages read with their own policies
    first, second = message_policy(), message_policy()
    one = first.header_fetch_parse("Content-Type", 'text/plain; charset="utf-8"')
    other = second.header_fetch_parse("Content-Type", "text/html; charset=iso-8859-1")
    # Then their Content-Type headers share one class, and read exactly as policy.default reads them
    assert type(one) is type(other)
    assert one is not second.header_fetch_parse("Content-Type", 'text/plain; charset="utf-8"')
    default = policy.default.header_fetch_parse("Content-Type", 'text/plain; charset="utf-8"')
    assert (str(one), one.content_type, dict(one.params)) == (str(default), default.content_type, dict(default.params))
