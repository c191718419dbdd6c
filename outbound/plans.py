"""The fast-path plans of the broadcasts a worker is sending, built on first use and kept in a bounded cache."""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from sqlalchemy.orm import Session

from engine.app import App
from engine.models import Broadcast
from engine.services.outbox import base_context
from outbound import deliver as single
from outbound.attachments import resolve_attachments, resolve_inline_images
from outbound.wire import WirePlan
from outbound.wire_unique import UniquePlan

log = logging.getLogger(__name__)
PERSONAL_KEYS = ("recipient_name", "recipient_email")


class PlanCache:
    """The plans of the last few broadcasts, per process (a worker serves few at a time): for each, the
    shared-body plan (`WirePlan`) and the own-body plan (`UniquePlan`), each built when first needed.

    A plan is trusted only after its first message came out identical to the slow path's, or (an own-body
    plan) once a plan of the same shape did: such plans differ only in their files' bytes, which compose()
    itself encoded, and a digest run has one per distinct chart. None means the broadcast has no such fast
    path and is built message by message.
    """

    def __init__(self, size: int = 8, shapes: int = 64) -> None:
        self._size = size
        self._plans: OrderedDict[tuple[int, str], Any] = OrderedDict()
        self._shapes_size = shapes
        self._shapes: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.Lock()

    def trusted(self, plan: WirePlan | UniquePlan) -> bool:
        """Whether this plan, or (own-body plans) one of its shape, has matched the slow path."""
        if plan.verified:
            return True
        with self._lock:
            return isinstance(plan, UniquePlan) and plan.shape in self._shapes

    def trust(self, plan: WirePlan | UniquePlan) -> None:
        """The plan's first message matched the slow path's."""
        plan.verified = True
        if isinstance(plan, UniquePlan):
            with self._lock:
                self._shapes[plan.shape] = None
                self._shapes.move_to_end(plan.shape)
                while len(self._shapes) > self._shapes_size:
                    self._shapes.popitem(last=False)

    def get(self, app: App, session: Session, broadcast: Broadcast) -> WirePlan | None:
        """The plan for messages whose values are the broadcast's and the recipient's name and address."""
        return self._get(app, session, broadcast, "wire")  # type: ignore[no-any-return]

    def unique(self, app: App, session: Session, broadcast: Broadcast) -> UniquePlan | None:
        """The plan for messages rendered from values of their own (a digest's)."""
        return self._get(app, session, broadcast, "unique")  # type: ignore[no-any-return]

    def put(self, broadcast_id: int, plan: WirePlan | UniquePlan | None, which: str = "wire") -> None:
        with self._lock:
            self._plans[(broadcast_id, which)] = plan
            self._plans.move_to_end((broadcast_id, which))
            while len(self._plans) > self._size:
                self._plans.popitem(last=False)

    def _get(self, app: App, session: Session, broadcast: Broadcast, which: str) -> Any:
        key = (broadcast.id, which)
        with self._lock:
            if key in self._plans:
                self._plans.move_to_end(key)
                return self._plans[key]
        plan = _build_wire(app, session, broadcast) if which == "wire" else _build_unique(app, session, broadcast)
        self.put(broadcast.id, plan, which)
        return plan


def _compose_args(app: App, session: Session, broadcast: Broadcast) -> dict[str, Any]:
    compose_args = single.compose_options(app, broadcast.kind, broadcast.bulk, broadcast.id)
    compose_args["inline_images"] = resolve_inline_images(session, broadcast.attachments)
    return compose_args


def _build_wire(app: App, session: Session, broadcast: Broadcast) -> WirePlan | None:
    shared = base_context(app.env, None, "x@invalid") | broadcast.context
    for key in PERSONAL_KEYS:
        shared.pop(key, None)
    try:
        return WirePlan.build(app.renderer, broadcast.kind, shared, PERSONAL_KEYS,
                              compose_args=_compose_args(app, session, broadcast),
                              attachments=resolve_attachments(session, broadcast.attachments))
    except Exception:  # noqa: BLE001 - the slow path reports the real error per delivery
        log.exception("broadcast %s: no fast path, building each message separately", broadcast.id)
        return None


def _build_unique(app: App, session: Session, broadcast: Broadcast) -> UniquePlan | None:
    try:
        return UniquePlan.build(compose_args=_compose_args(app, session, broadcast),
                                attachments=resolve_attachments(session, broadcast.attachments))
    except Exception:  # noqa: BLE001 - the slow path reports the real error per delivery
        log.exception("broadcast %s: no composed-once path, composing each message separately", broadcast.id)
        return None
