"""Drafts with bad input: nothing is kept or sent, and the preview (or one refusal) says exactly why."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.app import App
from engine.errors import NotPermitted
from engine.models import Delivery, Publication
from engine.services.draft_header import split_draft
from engine.services.people import get_person
from engine.services.publications import prepare_draft
from tests.harness.force import area, officer, partnership


@pytest.fixture
def force(app: App) -> App:
    with app.sessions() as session:
        env = app.env
        area(session, env, "Sussex")
        area(session, env, "East", "Sussex")
        area(session, env, "West", "Sussex")
        partnership(session, env, "East Pubwatch", "pubwatch", "East")
        partnership(session, env, "West Pubwatch", "pubwatch", "West")
        partnership(session, env, "Stale Shopwatch", "shopwatch", "West", isa_current=False)
        officer(session, env, "pc@police.example", "East")
        officer(session, env, "coord@police.example", "West", role="coordinator")
        officer(session, env, "chief@police.example", None, role="admin")
        partnership(session, env, "Chair Only", "bcrp", "East")
        session.commit()
    return app


def test_header_block_is_read_with_line_numbers() -> None:
    # Given a draft with a header block, a typo and a repeated key
    draft = split_draft("\nAudience: pubwatch\nAudiance: all\nArea: East\nArea: West\n\nBody text.\nNote: not a header")
    # Then known fields keep their lines, problems name theirs, and the body starts after the blank line
    assert draft.fields["audience"].line == 2 and draft.fields["area"].line == 4
    assert [line for line, _ in draft.problems] == [3, 5]
    assert draft.body == "Body text.\nNote: not a header"


@pytest.mark.parametrize(("sender", "address", "text", "error"), [
    ("pc@police.example", "alerts", "Area: Eastt\n\nText", "line 1: unknown area 'Eastt'"),
    ("pc@police.example", "alerts", "Audience: pubwatch, skatepark\n\nText", "line 1: unknown partnership type 'skatepark'"),
    ("pc@police.example", "alerts", "Category: gossip\n\nText", "line 1: unknown category 'gossip'"),
    ("pc@police.example", "alerts", "Area: East\nExpires: 2020-01-01\n\nText", "line 2: the expiry is in the past"),
    ("pc@police.example", "alerts", "Expires: 900 days\n\nText", "line 1: the expiry is beyond the policy maximum"),
    ("pc@police.example", "alerts", "Expires: soon\n\nText", "line 1: 'soon' is not a date"),
    ("pc@police.example", "alerts", "Area: West\n\nText", "line 1: West is outside the areas you may publish to"),
    ("coord@police.example", "alerts", "Area: East\n\nText", "line 1: East is outside the areas you may publish to"),
    ("pc@police.example", "alerts", "Kind: news\n\nText", "line 1: unknown kind 'news'"),
    ("pc@police.example", "publish", "Kind: event\n\nText", "needs a When: line"),
    ("pc@police.example", "publish", "Kind: event\nWhen: 2020-05-01 19:00\n\nText", "line 2: the date is in the past"),
    ("pc@police.example", "alerts", "Reach: everyone\n\nText", "line 1: unknown reach 'everyone'"),
    ("coord@police.example", "alerts", "Audience: bcrp\nCategory: wanted\n\nText", "no partnership matches"),
    ("chief@police.example", "alerts", "Audience: shopwatch\nCategory: wanted\n\nText", "no partnership matches"),
])
def test_bad_drafts_keep_nothing_and_the_preview_says_why(force: App, sender: str, address: str, text: str,
                                                          error: str) -> None:
    app = force
    with app.sessions() as session:
        # Given a registered police sender and a draft with one mistake
        person = get_person(session, sender)
        # When the draft is prepared
        outcome = prepare_draft(session, app.env, person, address, "A title", text, [])
        session.commit()
        # Then nothing is kept, the preview says exactly what is wrong, and it offers no SEND
        assert outcome.publication is None
        assert any(error in e for e in outcome.preview["errors"]), outcome.preview["errors"]
        assert session.scalar(select(func.count()).select_from(Publication)) == 0
        preview = session.scalar(select(Delivery).where(Delivery.kind == "police.publication.preview"))
        assert preview.to_addr == sender and preview.reply_token is None and not preview.context["can_send"]


def test_a_sender_without_publishing_rights_is_refused(force: App) -> None:
    app = force
    with app.sessions() as session:
        # Given a chair (not police) When they send a draft, Then it is refused and nothing is queued
        chair = get_person(session, "chair@east-pubwatch.example")
        with pytest.raises(NotPermitted):
            prepare_draft(session, app.env, chair, "alerts", "Title", "Text", [])


def test_a_good_draft_is_kept_with_a_send_token_and_counts(force: App) -> None:
    app = force
    with app.sessions() as session:
        # Given an admin's draft to pubwatches everywhere
        chief = get_person(session, "chief@police.example")
        outcome = prepare_draft(session, app.env, chief, "alerts", "Disorder", "Audience: pubwatch\n\nText", [])
        session.commit()
        # Then it is kept as a draft, default expiry for info, and the preview carries a reply address
        assert outcome.publication is not None and outcome.publication.status == "draft"
        assert outcome.preview["recipients"] == 2 and outcome.preview["expires_on"] == "2026-12-25"
        preview = session.scalar(select(Delivery).where(Delivery.kind == "police.publication.preview"))
        assert preview.reply_token and preview.reply_token.startswith("reply+d-")
