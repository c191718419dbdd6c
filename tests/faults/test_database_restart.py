"""PostgreSQL restarted during intake: 451 while it is down, never 250 for what was not stored, and PEP
recovers by itself."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from sqlalchemy import select

from engine.models import InboundMessage
from tests.faults.clients import Tally, send_until_acknowledged
from tests.faults.conftest import app_of, scaled
from tests.faults.processes import PepProcess, settle
from tests.faults.services import free_port
from tests.faults.test_intake_killed import _message, _reply_token


def test_database_down_means_451_and_intake_recovers_without_restart(stack: dict[str, Any],
                                                                      figures: Callable[..., None]) -> None:
    # Given PEP's intake as its own process, and clients sending
    total = scaled(2000, 200)
    port = free_port()
    env = stack["env"] | {"PEP_SMTP_LISTEN": f"127.0.0.1:{port}"}
    intake = PepProcess("smtpd", env, stack["logs"])
    intake.start(wait_for_port=port)
    sender, reply_to = _reply_token(stack)
    messages = [_message(sender, reply_to, n) for n in range(total)]
    tally = Tally()
    deadline = time.monotonic() + 600
    threads = [threading.Thread(target=send_until_acknowledged, args=(port, messages[i::2], tally, deadline))
               for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        # When PostgreSQL stops a quarter of the way through, stays down two seconds, and comes back
        settle(lambda: len(tally.acknowledged) >= total // 4, 300, 0.01)
        stack["postgres"].stop("immediate")
        acknowledged_at_stop = len(tally.acknowledged)
        time.sleep(2)
        acknowledged_while_down = len(tally.acknowledged) - acknowledged_at_stop
        stack["postgres"].start()
        for thread in threads:
            thread.join()
        with app_of(stack).sessions() as session:
            stored = set(session.scalars(select(InboundMessage.message_id_header)))
    finally:
        intake.terminate()
    lost = tally.acknowledged - stored
    figures(sent=total, acknowledged=len(tally.acknowledged), stored=len(stored),
            answered_451=tally.temporary_codes.get(451, 0), acknowledged_while_down=acknowledged_while_down,
            lost=len(lost), duplicated=0)
    # Then senders were told to try again while it was down, everything acknowledged is stored,
    # and the intake took mail again without being restarted
    assert tally.temporary_codes.get(451, 0) > 0
    assert acknowledged_while_down <= 2  # at most the transactions already committing when it stopped
    assert not lost and len(tally.acknowledged) == total and not tally.gave_up
    assert intake.starts == 1
