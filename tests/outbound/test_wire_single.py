"""A message of its own filled into a plan composed once per shape is the message `compose()` builds for it."""
from __future__ import annotations

import base64
import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outbound.attachment_splice import compose_with_attachments, encoded_file
from outbound.compose import ComposeError, InlineImage, OutAttachment, compose
from outbound.render import Rendered
from outbound.single_plans import SinglePlans
from outbound.header_values import single_line
from outbound.wire_parts import Envelope, HeaderWriter, fold
from outbound.wire_single import SinglePlan

SHARED = {"from_addr": "noreply@pep.test", "from_name": "Sussex Police", "auto_submitted": True, "bulk": False}
LOGO = InlineImage("logo.force", b"\x89PNG\r\n\x1a\n" + b"\x00\xff" * 300, "Force logo", filename="logo.png")

# Text that exercises folding and quoted-printable: accents, CJK, quotes, '=', tabs, long runs without spaces.
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
    ["=", " ", "\t", "é", "李", '"', ",", "<", "\\", "/", "-"]), min_size=1, max_size=90)
files = st.lists(st.builds(
    OutAttachment, filename=words, content=st.integers(1, 20_000).map(lambda n: random.Random(n).randbytes(n)),
    content_type=st.sampled_from(["image/jpeg", "application/pdf", "text/plain", "video/mp4"]),
    charset=st.none() | st.just("utf-8")), max_size=3)


@st.composite
def messages(draw: st.DrawFn) -> tuple[Rendered, dict[str, Any]]:
    images = draw(st.sampled_from([(), (LOGO,)]))
    html = draw(words) + ("<img src='cid:logo.force'>" if images else "") + "\n" + draw(words)
    rendered = Rendered(draw(words), draw(words) + "\n" + draw(words) + "\n", html)
    args = {"to_addr": draw(st.sampled_from(["alex@shop.example", "o'neil.k+x@corner-shop.example"])),
            "to_name": draw(st.none() | words), "message_id": f"<d{draw(st.integers(1, 10**9))}.17@pep.test>",
            "date": dt.datetime(2026, 11, 30, 8, 0, draw(st.integers(0, 59)), tzinfo=dt.timezone.utc),
            "return_path": "bounces+AbC-12_x@pep.test",
            "reply_to": draw(st.none() | st.just("reply+Tok3n@pep.test")),
            "in_reply_to": draw(st.none() | st.just("<CAF+1=x@mail.example>")),
            "attachments": draw(files), "inline_images": images, **SHARED}
    return rendered, args


def envelope(args: dict[str, Any]) -> Envelope:
    return Envelope(args["to_addr"], args["to_name"], args["message_id"], args["date"], args["return_path"],
                    args["reply_to"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages(), st.integers(0, 2**32))
def test_a_planned_message_is_the_composed_message(message: tuple[Rendered, dict[str, Any]], seed: int) -> None:
    rendered, args = message
    plan = SinglePlan.build(options=SHARED, attachments=args["attachments"], inline_images=args["inline_images"],
                            in_reply_to=args["in_reply_to"] is not None)
    random.seed(seed)  # the MIME boundaries are random: both draw the same ones
    made = plan.message(rendered, envelope(args), args["in_reply_to"], args["attachments"], args["inline_images"])
    random.seed(seed)
    assert made == compose(rendered, **args)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(messages(), min_size=2, max_size=4), st.integers(0, 2**32))
def test_the_cache_gives_compose_bytes_for_every_message(batch: list[tuple[Rendered, dict[str, Any]]],
                                                         seed: int) -> None:
    plans = SinglePlans(size=2)  # small: shapes are also evicted and made again
    for rendered, args in batch:
        random.seed(seed)
        expected = compose_with_attachments(rendered, **args)
        random.seed(seed)
        plans.compose(rendered, **args)  # the first of a shape also makes the plan, which draws boundaries
        random.seed(seed)
        assert plans.compose(rendered, **args) == expected
    assert plans.trusted >= 1  # the last message's shape, at least, was made from its plan


def message_args(**changes: Any) -> dict[str, Any]:
    return {"to_addr": "alex@shop.example", "to_name": "Alex", "message_id": "<d1.2@pep.test>",
            "date": dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc), "return_path": "bounces+x@pep.test",
            "attachments": [OutAttachment("photo.jpg", b"\xff\xd8" * 5000, "image/jpeg")], **SHARED} | changes


@pytest.mark.parametrize("changes, error", [
    ({"to_addr": "alex@@shop"}, "to_addr is not a plain email address"),
    ({"in_reply_to": "no angle brackets"}, "in_reply_to must look like <unique@domain>"),
    ({"inline_images": [LOGO]}, "is not referenced as cid:logo.force"),
    ({"date": dt.datetime(2026, 11, 30)}, "date must be a timezone-aware datetime"),
])
def test_a_value_compose_refuses_is_refused_with_its_reason(changes: dict[str, Any], error: str) -> None:
    plans = SinglePlans()
    rendered = Rendered("Thanks", "Received.\n", "<p>Received.</p>\n")
    plans.compose(rendered, **message_args())  # the shape's plan exists and is trusted
    assert plans.trusted == 1
    with pytest.raises(ComposeError, match=error):
        plans.compose(rendered, **message_args(**changes))


def test_an_empty_file_and_a_fixed_boundary_are_left_to_compose() -> None:
    plans = SinglePlans()
    rendered = Rendered("Thanks", "Received.\n", "<p>Received.</p>\n")
    for args in (message_args(attachments=[OutAttachment("empty.txt", b"", "text/plain")]),
                 message_args(boundary="=_pep.b7_=")):
        random.seed(3)
        expected = compose(rendered, **args)
        random.seed(3)
        assert plans.compose(rendered, **args) == expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600) | st.integers(0, 300_000).map(lambda n: random.Random(n).randbytes(n)))
def test_a_file_is_base64_encoded_as_the_library_encodes_it(content: bytes) -> None:
    # Lengths around a line's 57 bytes and the padding cases, and photo-sized files
    assert encoded_file(content) == base64.encodebytes(content).replace(b"\n", b"\r\n")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["photo.jpg", "IMG_0001.JPG", "café photo.jpg", "a" * 90 + ".jpg"]) | words,
                min_size=2, max_size=8), st.integers(0, 2**32))
def test_one_plan_names_each_file_as_compose_does_when_names_repeat(names: list[str], seed: int) -> None:
    # One plan for a shape; its messages' files are named alike or not, so remembered names are used and replaced
    plan = SinglePlan.build(options=SHARED, attachments=message_args()["attachments"], inline_images=(),
                            in_reply_to=False)
    rendered = Rendered("Thanks", "Received.\n", "<p>Received.</p>\n")
    for name in names + names:
        args = message_args(attachments=[OutAttachment(name, b"\xff\xd8" * 100, "image/jpeg")], reply_to=None)
        random.seed(seed)
        made = plan.message(rendered, envelope(args), None, args["attachments"], ())
        random.seed(seed)
        assert made == compose(rendered, **args)


plain_words = (st.text(alphabet="abcXYZ019'.,:/-", min_size=1, max_size=12)
               | st.sampled_from(["=?utf-8?q?caf=C3=A9?=", "(x)"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(plain_words, min_size=1, max_size=14).map(" ".join) | words, min_size=1, max_size=6))
def test_a_subject_line_is_written_as_the_library_folds_it(subjects: list[str]) -> None:
    # Plain subjects of every length (some longer than a line), and any others, one writer remembering shapes
    writer = HeaderWriter()
    for subject in subjects + subjects:
        assert writer.subject(subject) == fold("Subject", single_line(subject))
