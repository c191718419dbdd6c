"""The fast path (composed once, values filled in) gives byte for byte the slow path's message."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outbound.branding import Branding
from outbound.compose import OutAttachment, compose
from outbound.render import Renderer
from outbound.wire import Envelope, WirePlan, usable_value
from tests.harness.kinds import kinds_folder, notice_values

DATE = dt.datetime(2026, 11, 27, 10, 0, 5, tzinfo=dt.timezone.utc)
OPTIONS = {"from_addr": "noreply@pep.test", "from_name": "Sussex Police", "auto_submitted": True, "bulk": True,
           "list_id": "member.notice.pep.test", "list_unsubscribe": "mailto:help@pep.test?subject=UNSUBSCRIBE",
           "boundary": "=_pep.b7_="}
RECIPIENTS = [
    ("Ann Smith", "ann@shop.example", None),
    ("Member 12 O'Neil-Jones", "member12@shop3.example", None),
    ("Ann", "a@b.example", None),
    ("Zoë Ñúñez-Łukasiewicz", "zoe@shop.example", "reply+abc123@pep.test"),
    ("李小龍", "lee@takeaway.example", None),
    ("Séan O'Brien & Sons <Ltd>", "sean.obrien@pub.example", None),
    ("Dr. J. R. \"Bob\" Hartley-Smythe of the very long name indeed", "bob@x.example", "reply+q@pep.test"),
    ("x" * 90, "long.local.part.here@a-rather-long-domain-name.example.org", None),
]


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> Renderer:
    folder = kinds_folder(tmp_path_factory.mktemp("templates"))
    return Renderer(folder, Branding(force_name="Sussex Police", domain="pep.test"))


def shared(paragraphs: int) -> dict[str, object]:
    return notice_values(paragraphs) | {"force_name": "Sussex Police",
                                        "addresses": {"help": "help@pep.test", "admin": "admin@pep.test"}}


def slow(renderer: Renderer, values: dict[str, object], envelope: Envelope,
         attachments: list[OutAttachment]) -> bytes:
    rendered = renderer.render("member.notice", values)
    return compose(rendered, to_addr=envelope.to_addr, to_name=envelope.to_name, message_id=envelope.message_id,
                   date=envelope.date, return_path=envelope.return_path, reply_to=envelope.reply_to,
                   attachments=attachments, **OPTIONS)


@pytest.mark.parametrize("paragraphs", [1, 40])
@pytest.mark.parametrize("with_attachment", [False, True])
def test_fast_path_output_is_identical_to_the_slow_path(renderer: Renderer, paragraphs: int,
                                                        with_attachment: bool) -> None:
    # Given a broadcast's shared values (short, and ~30 KB long), maybe a file attached, and one plan
    attachments = [OutAttachment("notice.txt", "Bring this to the meeting.\n".encode(), "text/plain")] \
        if with_attachment else []
    plan = WirePlan.build(renderer, "member.notice", shared(paragraphs), ("recipient_name", "recipient_email"),
                          compose_args=OPTIONS, attachments=attachments)
    assert plan is not None
    for number, (name, address, reply_to) in enumerate(RECIPIENTS):
        # When each recipient's message is made both ways with the same Message-ID, date and envelope
        envelope = Envelope(address, name, f"<d{number}.1764237600@pep.test>", DATE,
                            f"bounces+tok{number}x@pep.test", reply_to)
        values = {"recipient_name": name, "recipient_email": address}
        assert all(usable_value(v) for v in values.values())
        fast = plan.message(envelope, values)
        # Then the bytes are the same, and the person's own name is in them
        assert fast == slow(renderer, shared(paragraphs) | values, envelope, attachments), name
    assert len(fast) > (25_000 if paragraphs == 40 else 2_000)


def test_a_subject_using_a_personal_value_gets_no_fast_path(tmp_path: Path) -> None:
    # Given a kind whose Subject prints the recipient's name (which the rules forbid)
    folder = kinds_folder(tmp_path / "t")
    text = (folder / "member.notice.txt").read_text()
    (folder / "member.notice.txt").write_text(text.replace("Subject: {{ title }}", "Subject: {{ recipient_name }}"))
    templates = Renderer(folder, Branding(force_name="Sussex Police", domain="pep.test"))
    # When a plan is asked for
    plan = WirePlan.build(templates, "member.notice", shared(1), ("recipient_name", "recipient_email"),
                          compose_args=OPTIONS)
    # Then there is none: such messages are built one by one
    assert plan is None


def test_a_value_changed_by_a_filter_gets_no_fast_path(tmp_path: Path) -> None:
    # Given a kind that prints the name in capitals
    folder = kinds_folder(tmp_path / "t")
    text = (folder / "member.notice.txt").read_text()
    (folder / "member.notice.txt").write_text(text.replace("Dear {{ recipient_name }}", "Dear {{ recipient_name|upper }}"))
    templates = Renderer(folder, Branding(force_name="Sussex Police", domain="pep.test"))
    # When a plan is asked for / Then there is none
    assert WirePlan.build(templates, "member.notice", shared(1), ("recipient_name", "recipient_email"),
                          compose_args=OPTIONS) is None


@pytest.mark.parametrize("value, usable", [("Ann", True), ("", False), (" Ann", False), ("Ann\nEvil: x", False),
                                           ("Ann  Smith", False), ("Zoë", True), (3, False)])
def test_only_tidy_one_line_values_take_the_fast_path(value: object, usable: bool) -> None:
    # Given a per-recipient value / When checked / Then only non-empty single-line text is placed directly
    assert usable_value(value) is usable
