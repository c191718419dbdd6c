"""transport_from_url builds the configured transport or says clearly why it cannot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from outbound.transport import MaildirTransport, SmtpTransport, transport_from_url
from tests.outbound.transport.messages import finished_message
from tests.support.smtp_sink import SmtpSink


def test_a_relative_maildir_path_is_taken_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a working directory
    monkeypatch.chdir(tmp_path)

    # When a relative maildir URL is used
    transport = transport_from_url("maildir:var/outbox", helo="pep.test")

    # Then it writes under that directory
    assert isinstance(transport, MaildirTransport)
    assert transport.send("a@pep.test", "b@example.org", finished_message()).accepted
    assert len(os.listdir(tmp_path / "var" / "outbox" / "new")) == 1


@pytest.mark.parametrize("prefix", ["maildir:", "maildir://"])
def test_an_absolute_maildir_path_is_used_as_given(tmp_path: Path, prefix: str) -> None:
    # Given an absolute path / When it is the URL / Then the Maildir is there
    transport = transport_from_url(f"{prefix}{tmp_path}/box", helo="pep.test")
    assert isinstance(transport, MaildirTransport)
    assert transport.path == tmp_path / "box"


def test_smtp_url_settings_are_read_with_defaults() -> None:
    # Given URLs of each SMTP kind / When they are read / Then security, port and login follow
    starttls = transport_from_url("smtp://user%40force:p%3Ass@relay.example:2587", helo="pep.test")
    implicit = transport_from_url("smtps://relay.example", helo="pep.test")
    plain = transport_from_url("smtp+plain://127.0.0.1", helo="pep.test")
    assert (
        isinstance(starttls, SmtpTransport) and isinstance(implicit, SmtpTransport) and isinstance(plain, SmtpTransport)
    )
    assert (starttls.settings.security, starttls.settings.port) == ("starttls", 2587)
    assert (starttls.settings.username, starttls.settings.password) == ("user@force", "p:ss")
    assert (implicit.settings.security, implicit.settings.port, implicit.settings.username) == ("tls", 465, None)
    assert (plain.settings.security, plain.settings.port) == ("none", 25)
    default_port = transport_from_url("smtp://relay.example", helo="h")
    assert isinstance(default_port, SmtpTransport) and default_port.settings.port == 587


def test_query_options_size_the_pool(smtp_sink: SmtpSink) -> None:
    # Given a URL asking for one connection carrying two messages each and a short timeout
    url = f"smtp+plain://{smtp_sink.host}:{smtp_sink.port}?connections=1&timeout=2.5&messages_per_connection=2"

    # When the transport sends three messages
    transport = transport_from_url(url, helo="pep.test")
    assert isinstance(transport, SmtpTransport)
    for _ in range(3):
        assert transport.send("a@pep.test", "b@example.org", finished_message()).accepted
    transport.close()

    # Then the options took effect
    assert transport.settings.timeout == 2.5
    assert [m.connection for m in smtp_sink.wait_for_messages(3)] == [1, 1, 2]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "not one of"),
        ("ftp://host", "not one of"),
        ("/var/outbox", "not one of"),
        ("maildir:", "needs a path"),
        ("maildir://host/box", "names a host"),
        ("smtp://", "names no host"),
        ("smtp://relay.example:99999", "port"),
        ("smtp://relay.example:abc", "port"),
        ("smtp://[::1", "cannot be read"),
        ("smtp://relay.example/path", "has a path"),
        ("smtp://user@relay.example", "both user and password"),
        ("smtp://relay.example?connections=0", "connections must be a positive whole number"),
        ("smtp://relay.example?connections=two", "connections must be a positive whole number"),
        ("smtp://relay.example?timeout=nan", "timeout must be a positive number"),
        ("smtp://relay.example?pool=3", "unknown option 'pool'"),
        ("smtp://relay.example?timeout=1&timeout=2", "more than once"),
    ],
)
def test_a_bad_url_is_refused_with_a_one_line_reason(url: str, reason: str) -> None:
    # Given a URL that cannot work / When it is read / Then ValueError says why, on one line
    with pytest.raises(ValueError, match=reason) as raised:
        transport_from_url(url, helo="pep.test")
    assert "\n" not in str(raised.value)


def test_a_maildir_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    # Given a path under a plain file
    (tmp_path / "file").write_text("x")

    # When it is configured as the outbox / Then the error names the URL and the reason
    with pytest.raises(ValueError, match="cannot create the Maildir"):
        transport_from_url(f"maildir:{tmp_path}/file/outbox", helo="pep.test")


@pytest.mark.parametrize("helo", ["", "two words"])
def test_a_helo_name_that_is_not_one_word_is_refused(helo: str) -> None:
    # Given / When an SMTP URL with a bad HELO name / Then ValueError names the HELO
    with pytest.raises(ValueError, match="HELO"):
        transport_from_url("smtp://relay.example", helo=helo)


def test_the_password_never_appears_in_an_error() -> None:
    # Given a URL with a password and a bad option / When it is read / Then the message hides the password
    with pytest.raises(ValueError) as raised:
        transport_from_url("smtp://user:hunter2@relay.example?bogus=1", helo="pep.test")
    assert "hunter2" not in str(raised.value)
    assert "user:***@relay.example" in str(raised.value)
