"""Injection: line breaks, markup, template syntax and SQL in names, titles and commands stay inert text."""
from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from email.header import Header
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.models import Partnership, Person
from tests.conftest import wait_until
from tests.harness.force import officer, partnership
from tests.harness.mail import body_text, messages_to, reply_message, send
from tests.harness.running import Pep
from tests.security.conftest import Cli, processed

INJECTED = ("Bcc", "X-Injected")
BREAKS = {"crlf": "\r\n", "lf": "\n", "cr": "\r", "line separator": "\u2028", "paragraph separator": "\u2029",
          "next line": "\u0085"}


def _raw_files(outbox: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted((outbox / "new").iterdir())] if (outbox / "new").is_dir() else []


def assert_headers_clean(raw: bytes) -> None:
    """No header was smuggled in, and no raw line break character sits in the header block."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    message = message_from_bytes(raw, policy=policy.default)
    assert not any(name in message for name in INJECTED), head
    assert not any(line.lower().startswith((b"bcc:", b"x-injected:")) for line in head.splitlines())
    for separator in ("\u2028", "\u2029", "\u0085"):
        assert separator.encode() not in head, head


def test_line_breaks_in_a_chair_name_and_partnership_name_never_make_headers(pep: Pep, cli: Cli) -> None:
    sent = []
    for n, (kind, brk) in enumerate(BREAKS.items()):
        # When a partnership is invited whose name and chair name carry a line break and a header
        code, _out, err = cli("partnership", "invite", "--name", f"Kemptown {n}{brk}X-Injected: yes",
                              "--type", "shopwatch", "--area", "Brighton East", "--chair", f"chair{n}@kemptown.example",
                              "--chair-name", f"Jane{brk}Bcc: victim@evil.example")
        # Then it is either refused in one line (status 2), or the invitation goes out (checked below)
        assert code in (0, 2) and (code == 0 or err.count("\n") == 1), (kind, err)
        if code == 0:
            sent.append(f"chair{n}@kemptown.example")
    wait_until(lambda: len(_raw_files(pep.outbox)) >= len(sent))
    # And no invitation carries a smuggled header or goes to anyone but its chair
    for raw in _raw_files(pep.outbox):
        assert_headers_clean(raw)
        to = message_from_bytes(raw, policy=policy.default)["To"]
        assert [a.addr_spec for a in to.addresses][0] in sent and len(to.addresses) == 1


def test_line_breaks_in_a_person_name_added_by_the_console_are_refused_or_inert(pep: Pep, cli: Cli) -> None:
    for brk in BREAKS.values():
        # When a person is added with a line break and a header in their name
        code, _out, err = cli("person", "add", f"x{ord(brk[-1])}@shop.example", "--name",
                              f"Jane{brk}Bcc: victim@evil.example", "--role", "admin")
        # Then the console refuses it in one line, or keeps it as a name (never a header, checked below)
        assert code in (0, 2) and (code == 0 or err.count("\n") == 1)
        if code == 0:
            # And a message to that person carries no smuggled header
            send(pep.port, reply_message(f"x{ord(brk[-1])}@shop.example", "help@pep.test", "STATUS"))
    for raw in wait_until(lambda: _raw_files(pep.outbox) if len(_raw_files(pep.outbox)) >= 1 else None):
        assert_headers_clean(raw)


def _alert(subject: str, body_extra: str = "") -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = "pc.okafor@police.example", "alerts@pep.test"
    message.set_content("Audience: pubwatch\nArea: Brighton East\nCategory: info\nReach: chairs\n"
                        f"Expires: 14 days\n\n{body_extra}\n")
    # An encoded-word lets a sender put any character, line breaks included, into the decoded Subject
    return f"Subject: {Header(subject, 'utf-8').encode()}\r\n".encode() + message.as_bytes(policy=policy.SMTP)


def test_an_alert_title_with_line_breaks_and_template_syntax_is_inert(pep: Pep) -> None:
    with pep.app.sessions() as session:
        partnership(session, pep.app.env, "Kemptown Pubwatch", "pubwatch", "Brighton East")
        officer(session, pep.app.env, "pc.okafor@police.example", "Brighton East")
        session.commit()
    # When an officer's alert title carries CRLF, U+2028 and a header, and the text carries HTML and template code
    title = "Meeting\r\nX-Injected: yes\u2028Bcc: victim@evil.example {{ 7*7 }}"
    text = "<script>alert(1)</script> {{ 7*7 }} {% raw %}{{ settings.secret_key }}{% endraw %} {# c #}"
    with smtplib.SMTP("127.0.0.1", pep.port, timeout=10) as smtp:
        smtp.sendmail("pc.okafor@police.example", ["alerts@pep.test"], _alert(title, text))
    preview_raw = wait_until(lambda: _raw_files(pep.outbox))[0]
    # Then the preview has no smuggled header, and the text is shown as written, never run
    assert_headers_clean(preview_raw)
    preview = message_from_bytes(preview_raw, policy=policy.default)
    plain = body_text(preview)  # type: ignore[arg-type]
    assert "Meeting X-Injected: yes Bcc: victim@evil.example {{ 7*7 }}" in plain
    # And once SENT, the alert the chair gets is just as inert
    send(pep.port, reply_message("pc.okafor@police.example", str(preview["Reply-To"]), "SEND"))
    wait_until(lambda: messages_to(pep.outbox, "chair@kemptown-pubwatch.example"))
    for raw in _raw_files(pep.outbox):
        assert_headers_clean(raw)
    alert = messages_to(pep.outbox, "chair@kemptown-pubwatch.example")[0]
    plain = body_text(alert)
    assert "{{ 7*7 }}" in plain and "{% raw %}{{ settings.secret_key }}" in plain
    assert str(pep.app.settings.secret_key) not in alert.as_string()
    html = alert.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;" in html


# No NUL here: a shell cannot pass one in an argument (a NUL in mail is dropped by the parser).
SQL = ["Robert'); DROP TABLE people;--", "x' OR '1'='1", '"; DELETE FROM partnerships; --', "%_\\%", "🦀 \u202e"]


@pytest.mark.parametrize("value", SQL, ids=["drop", "or", "delete", "like", "odd"])
def test_sql_metacharacters_in_names_areas_and_commands_are_stored_as_text(pep: Pep, cli: Cli, value: str) -> None:
    # Given a partnership that a wildcard or an always-true condition would match
    with pep.app.sessions() as session:
        partnership(session, pep.app.env, "Kemptown Pubwatch", "pubwatch", "Brighton East")
        session.commit()
    # When a name, an area and a command line carry SQL metacharacters
    results = [
        cli("area", "add", value, "--parent", "Sussex"),
        cli("person", "add", "sql@shop.example", "--name", value, "--role", "admin"),
        cli("admin", "run", "--as", "sql@shop.example", f'ADD MEMBER m@shop.example "{value}" FOR "{value}"'),
        cli("partnership", "show", value),
    ]
    send(pep.port, reply_message("sql@shop.example", "admin@pep.test", f'INVITE c@x.example "{value}" TYPE pubwatch '
                                                                       f'AREA "{value}"'))
    # Then each is refused in one line or stored as the very text given; no table lost a row or vanished
    for code, _out, err in results:
        assert code in (0, 2) and (code == 0 or err.count("\n") == 1)
    processed(pep, 1)
    with pep.app.sessions() as session:
        assert list(session.scalars(select(Partnership.name))) == ["Kemptown Pubwatch"]
        names = list(session.scalars(select(Person.name)))
    # And looking the text up matches nothing: no wildcard or condition reached the database
    assert results[3][0] == 2 and "Kemptown" not in results[3][1]
    if results[1][0] == 0:
        assert value.replace("\x00", "") in names or value in names
