"""A message composed once with each reader's own bodies put in is the message `compose()` builds for them."""
from __future__ import annotations

import datetime as dt
import email
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outbound.compose import InlineImage, OutAttachment, compose
from outbound.render import Rendered, Renderer
from outbound.wire import Envelope
from outbound.wire_unique import UniquePlan
from tests.outbound.conftest import TEMPLATES_DIR

DATE = dt.datetime(2026, 11, 30, 8, 0, 3, tzinfo=dt.timezone.utc)
CHART = InlineImage("chart.digest", bytes(range(256)) * 23, "reports-per-week.png", filename="reports-per-week.png")
LOGO = InlineImage("logo.force", b"\x89PNG\r\n\x1a\n" + b"\x00\xff" * 300, "Force logo", filename="logo.png")
GUIDE = OutAttachment("guidance.txt", "Keep stock behind the counter.\nCall 999.\n".encode(), "text/plain", "utf-8")


def options(images: list[InlineImage]) -> dict[str, Any]:
    return {"from_addr": "noreply@pep.test", "from_name": "Sussex Police", "auto_submitted": True, "bulk": True,
            "list_id": "any.digest.pep.test", "list_unsubscribe": "mailto:help@pep.test?subject=UNSUBSCRIBE",
            "boundary": "=_pep.b12_=", "inline_images": images}


# Text that exercises quoted-printable: accents, CJK, '=', tabs, trailing spaces, long runs without spaces.
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(
    ["=", " ", "\t", "é", "李", "&", "<", ">", "{", "%"]), min_size=1, max_size=120)
items = st.lists(st.fixed_dictionaries({
    "id": st.integers(1, 99_999), "title": words, "until": st.just("2026-12-20"),
    "label": st.sampled_from(["Offender", "Wanted", "Information"]), "place": words | st.just(""),
    "when": st.just("Thu 10 Dec 2026, 19:00") | st.just("")}), max_size=6)


@st.composite
def digests(draw: st.DrawFn) -> dict[str, Any]:
    weeks = draw(st.lists(st.integers(0, 400), min_size=12, max_size=12))
    police = draw(st.none() | st.fixed_dictionaries({
        "area_week": st.integers(0, 50), "area_year": st.integers(0, 900), "bounces": st.integers(0, 9),
        "area_rows": st.lists(st.fixed_dictionaries({"name": words, "week": st.integers(1, 9),
                                                     "year": st.integers(1, 99)}), max_size=15),
        "lapsing": st.lists(st.fixed_dictionaries({"name": words, "by": st.just("2026-12-20")}), max_size=4)}))
    return {
        "recipient_name": draw(words), "recipient_email": "reader@shop.example",
        "force_name": "Sussex Police", "week_of": "2026-11-30",
        "addresses": {k: f"{k}@pep.test" for k in ("incident", "intel", "help", "admin", "alerts", "publish")},
        "partnerships": draw(words | st.just("")), "reports_week": weeks[-1], "reports_year": draw(st.integers(0, 999)),
        "isa": draw(st.lists(st.fixed_dictionaries({
            "partnership": words, "days": st.integers(0, 300), "by": st.just("2026-12-12"), "due": st.booleans(),
            "partnership_id": st.integers(1, 99)}), max_size=2)),
        "isa_due": draw(st.booleans()), "alerts": draw(items), "news": draw(items), "events": draw(items),
        "documents": draw(items), "police": police,
        "chart_rows": [{"week": f"2026-09-{n + 1:02d}", "reports": w} for n, w in enumerate(weeks)]}


envelopes = st.builds(
    Envelope, to_addr=st.sampled_from(["ann@shop.example", "member12@shop3.example",
                                       "long.local.part.here@a-rather-long-domain-name.example.org"]),
    to_name=words | st.none(), message_id=st.just("<d7.1764489600@pep.test>"), date=st.just(DATE),
    return_path=st.just("bounces+abc-123-x@pep.test"), reply_to=st.none() | st.just("reply+q-1-2-z@pep.test"))


def render(renderer: Renderer, values: dict[str, Any], images: list[InlineImage]) -> Rendered:
    """The digest's bodies; a second inline image is shown at the end of the HTML when there is one."""
    rendered = renderer.render("any.digest", values)
    if LOGO in images:
        rendered = Rendered(rendered.subject, rendered.text,
                            rendered.html.replace("</body>", '<img src="cid:logo.force" alt="Force logo">\n</body>'))
    return rendered


def slow(rendered: Rendered, envelope: Envelope, images: list[InlineImage],
         attachments: list[OutAttachment]) -> bytes:
    return compose(rendered, to_addr=envelope.to_addr, to_name=envelope.to_name,
                   message_id=envelope.message_id, date=envelope.date, return_path=envelope.return_path,
                   reply_to=envelope.reply_to, attachments=attachments, **options(images))


def parts(data: bytes) -> tuple[dict[str, str], str, str, list[tuple[str, str | None, bytes]]]:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    files = [(p.get_content_type(), p["Content-ID"], p.get_content()) for p in message.walk()
             if p.get_content_maintype() not in ("multipart", "text") or p.get_filename()]
    return {k: str(v) for k, v in message.items()}, text.get_content(), html.get_content(), files


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=digests(), envelope=envelopes, images=st.sampled_from([[CHART], [], [CHART, LOGO]]),
       attached=st.booleans())
def test_each_readers_message_is_the_one_compose_builds(renderer: Renderer, values: dict[str, Any],
                                                        envelope: Envelope, images: list[InlineImage],
                                                        attached: bool) -> None:
    # Given a broadcast's plan (its chart and maybe more inline, maybe a file attached) and a reader's own values
    attachments = [GUIDE] if attached else []
    plan = UniquePlan.build(compose_args=options(images), attachments=attachments)
    rendered = render(renderer, values, images)
    # When their message is made on the composed-once path and by compose()
    assert plan.fits(rendered)
    fast = plan.message(envelope, rendered)
    expected = slow(rendered, envelope, images, attachments)
    # Then the bytes are the same, and so are the headers, both bodies and every file as a reader's client sees them
    assert fast == expected
    assert parts(fast) == parts(expected)


def test_readers_of_one_broadcast_get_their_own_bodies_around_the_shared_parts(renderer: Renderer,
                                                                                kind_samples: dict[str, Any]) -> None:
    # Given one plan and two readers with different content
    plan = UniquePlan.build(compose_args=options([CHART]))
    first = kind_samples["any.digest"] | {"recipient_name": "Priya Shah"}
    second = first | {"recipient_name": "Tom Ó Briain", "alerts": [], "news": [{"id": 3, "title": "Road closure",
                                                                                 "until": "", "label": "", "place": "",
                                                                                 "when": ""}]}
    envelope = Envelope("p@shop.example", None, "<d1.1@pep.test>", DATE, "bounces+a@pep.test")
    one = parts(plan.message(envelope, renderer.render("any.digest", first)))
    two = parts(plan.message(envelope, renderer.render("any.digest", second)))
    # Then each has their own text and the same chart
    assert "Shoplifter active in the Lanes" in one[1] and "Shoplifter" not in two[1]
    assert "Road closure" in two[2] and "Tom Ó Briain" in two[1]
    assert one[3] == two[3] == [("image/png", "<chart.digest>", CHART.content)]


def test_a_body_that_does_not_show_an_inline_image_is_left_to_compose(renderer: Renderer,
                                                                      kind_samples: dict[str, Any]) -> None:
    # Given a plan with an inline image the rendered HTML does not refer to
    plan = UniquePlan.build(compose_args=options([CHART, LOGO]))
    # When a reader's bodies are checked / Then they do not fit: compose() refuses such a message, with its reason
    assert not plan.fits(renderer.render("any.digest", kind_samples["any.digest"]))


@pytest.fixture(scope="module")
def renderer(branding: Any) -> Renderer:
    """One renderer for every example (the templates compiled once)."""
    return Renderer(TEMPLATES_DIR, branding)
