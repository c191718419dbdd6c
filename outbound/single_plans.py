"""Compose a message of its own through a cached `SinglePlan` of its shape, or `compose()` when that cannot."""
from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Hashable, Sequence
from typing import Any

from outbound.attachment_splice import compose_with_attachments
from outbound.compose import InlineImage, OutAttachment
from outbound.render import Rendered
from outbound.wire_single import SinglePlan
from outbound.wire_parts import Envelope

log = logging.getLogger(__name__)

# The compose() options a plan knows how to fill in per message; anything else goes to compose().
_OWN = ("to_addr", "to_name", "message_id", "date", "reply_to", "return_path", "in_reply_to")
_SHARED = ("from_addr", "from_name", "auto_submitted", "bulk", "list_id", "list_unsubscribe")
# First messages a plan may get wrong before its shape is left to compose() for good.
_CHANCES = 3


class SinglePlans:
    """A bounded cache of plans by shape (sender options, which optional headers, the files' types)."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._plans: dict[Hashable, SinglePlan | None] = {}  # None: that shape is left to compose()

    def compose(self, rendered: Rendered, *, attachments: Sequence[OutAttachment] = (),
                inline_images: Sequence[InlineImage] = (), **options: Any) -> bytes:
        """What `compose_with_attachments(rendered, ...)` returns for the same arguments."""
        wire = None
        shape = _shape(options, attachments, inline_images)
        if shape is not None:
            try:
                wire = self._planned(shape, rendered, attachments, inline_images, options)
            except Exception:  # noqa: BLE001 - a value the plan cannot check as compose() does: compose() says why
                wire = None
        if wire is None:
            return compose_with_attachments(rendered, attachments=attachments, inline_images=inline_images, **options)
        return wire

    @property
    def trusted(self) -> int:
        """How many shapes have a plan that made a message identical to compose()'s."""
        return sum(1 for plan in self._plans.values() if plan is not None and plan.verified)

    def _planned(self, shape: Hashable, rendered: Rendered, attachments: Sequence[OutAttachment],
                 inline_images: Sequence[InlineImage], options: dict[str, Any]) -> bytes | None:
        if shape not in self._plans:
            if len(self._plans) >= self._size:
                # worker threads share the cache: another may have evicted the same shape first
                self._plans.pop(next(iter(self._plans), None), None)
            try:
                self._plans[shape] = SinglePlan.build(
                    options={k: options[k] for k in _SHARED if k in options}, attachments=attachments,
                    inline_images=inline_images, in_reply_to=options.get("in_reply_to") is not None)
            except ValueError:
                self._plans[shape] = None
        plan = self._plans[shape]
        if plan is None or not plan.fits(rendered):
            return None
        envelope = Envelope(options["to_addr"], options.get("to_name"), options["message_id"], options["date"],
                            options["return_path"], options.get("reply_to"))
        if plan.verified:
            return plan.message(rendered, envelope, options.get("in_reply_to"), attachments, inline_images)
        # The first message of a plan is made both ways, drawing the same boundaries, before the plan is trusted.
        state = random.getstate()
        wire = plan.message(rendered, envelope, options.get("in_reply_to"), attachments, inline_images)
        random.setstate(state)
        expected = compose_with_attachments(rendered, attachments=attachments, inline_images=inline_images, **options)
        if wire != expected:
            # Another thread drawing boundaries in between also makes them differ: give the plan a few chances.
            plan.mismatches += 1
            if plan.mismatches >= _CHANCES:
                log.warning("a single-message plan differs from compose(); its shape is left to compose()")
                self._plans[shape] = None
        else:
            plan.verified = True
        return expected


def _shape(options: dict[str, Any], attachments: Sequence[OutAttachment],
           inline_images: Sequence[InlineImage]) -> Hashable | None:
    """What messages of one plan share, or None when the plan cannot make this message."""
    if any(k not in _OWN and k not in _SHARED for k in options) or options.get("return_path") is None:
        return None
    date = options.get("date")
    if not isinstance(date, dt.datetime) or date.utcoffset() is None:
        return None
    if any(not isinstance(f.content, bytes) or not f.content for f in (*attachments, *inline_images)):
        return None
    return (tuple((k, repr(options.get(k))) for k in _SHARED), options.get("reply_to") is None,
            options.get("in_reply_to") is None,
            tuple((a.content_type, a.charset) for a in attachments),
            tuple((i.cid, i.content_type, i.alt_text, i.filename) for i in inline_images))


# The process's plans: a bounded cache (a few shapes in practice: each kind of message with and without files).
PLANS = SinglePlans()
