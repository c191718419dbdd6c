"""`kill -9` of the intake while several clients send: every acknowledged message is stored and processed
exactly once; clients that saw the connection drop retry, and their copies are recognised."""
from __future__ import annotations

import threading
import time
import uuid
from email.message import EmailMessage
from typing import Any, Callable

from sqlalchemy import func, select

from engine.models import Delivery, InboundMessage
from engine.services.partnerships import invite
from tests.faults.clients import Tally, send_until_acknowledged
from tests.faults.conftest import app_of, scaled
from tests.faults.processes import PepProcess, settle
from tests.faults.services import free_port

CLIENTS = 4


def _reply_token(stack: dict[str, Any]) -> tuple[str, str]:
    app = app_of(stack)
    with app.sessions() as session:
        invite(session, app.env, "Faultshire Traders", "shopwatch", "Faultshire", "chair@traders.example")
        session.commit()
        return "chair@traders.example", session.scalar(select(Delivery.reply_token))  # type: ignore[return-value]


def _message(sender: str, to: str, n: int) -> tuple[str, str, str, bytes]:
    message = EmailMessage()
    message_id = f"<fault-{n}-{uuid.uuid4().hex[:8]}@traders.example>"
    message["From"], message["To"], message["Subject"], message["Message-ID"] = sender, to, f"Question {n}", message_id
    message.set_content(f"Is this the right address? ({n})\n")
    return message_id.strip("<>"), sender, to, message.as_bytes()


def test_intake_killed_mid_stream_loses_nothing_and_processes_each_once(stack: dict[str, Any],
                                                                        figures: Callable[..., None]) -> None:
    # Given PEP's intake and a worker as separate processes, and messages ready in several clients
    total = scaled(5000, 200)
    port = free_port()
    env = stack["env"] | {"PEP_SMTP_LISTEN": f"127.0.0.1:{port}"}
    intake, worker = PepProcess("smtpd", env, stack["logs"]), PepProcess("worker", env, stack["logs"])
    intake.start(wait_for_port=port)
    worker.start()
    sender, reply_to = _reply_token(stack)
    messages = [_message(sender, reply_to, n) for n in range(total)]
    tally = Tally()
    deadline = time.monotonic() + 600
    threads = [threading.Thread(target=send_until_acknowledged, args=(port, messages[i::CLIENTS], tally, deadline))
               for i in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        # When the intake is killed with SIGKILL a third of the way through, and restarted
        settle(lambda: len(tally.acknowledged) >= total // 3, 300, 0.01)
        intake.kill()
        time.sleep(0.5)
        intake.start(wait_for_port=port)
        for thread in threads:
            thread.join()
        # Then, once the worker has caught up, every acknowledged message is stored and processed exactly once
        app = app_of(stack)

        def caught_up() -> bool:
            with app.sessions() as session:
                pending = session.scalar(select(func.count()).select_from(InboundMessage).where(
                    InboundMessage.status.not_in(("done", "duplicate"))))
            return pending == 0
        assert settle(caught_up, 300), worker.logs()
        with app.sessions() as session:
            rows = session.execute(select(InboundMessage.message_id_header, InboundMessage.status)).all()
    finally:
        intake.terminate()
        worker.terminate()
    stored = {mid for mid, _ in rows}
    done: dict[str, int] = {}
    for mid, status in rows:
        if status == "done":
            done[mid] = done.get(mid, 0) + 1
    lost = tally.acknowledged - stored
    processed_twice = [mid for mid, count in done.items() if count > 1]
    figures(sent=total, acknowledged=len(tally.acknowledged), stored=len(stored), processed=len(done),
            duplicates_recognised=sum(1 for _, s in rows if s == "duplicate"), client_retries=tally.retries,
            lost=len(lost), duplicated=len(processed_twice))
    assert not tally.gave_up and len(tally.acknowledged) == total
    assert not lost and not processed_twice
    assert set(done) == tally.acknowledged
