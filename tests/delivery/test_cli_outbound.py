"""`pep template preview`, `pep broadcast show`, `pep delivery list|retry` from the command line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from engine.app import build_app
from engine.clock import FixedClock
from engine.models import Delivery, Person
from engine.services.fanout import fan_out
from engine.services.people import add_person
from engine.settings import Settings


def test_template_preview_writes_the_html_from_sample_values(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Given a message kind with sample values
    out = tmp_path / "preview.html"
    # When an operator previews it
    code, stdout, _ = cli("template", "preview", "chair.isa.welcome", "--out", str(out))
    # Then the HTML is written, with the sample values in it
    assert code == 0 and str(out) in stdout
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "Brighton Pubwatch" in html


def test_template_preview_with_a_values_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Given a JSON file of values
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"contact": "Inspector Morse at Cowley"}))
    out = tmp_path / "p.html"
    # When previewed with it / Then those values are in the HTML
    assert cli("template", "preview", "any.sender.unregistered", "--values", str(values), "--out", str(out))[0] == 0
    assert "Inspector Morse at Cowley" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("argv, message", [
    (("template", "preview", "no.such.kind"), "no message kind"),
    (("template", "preview", "chair.isa.welcome", "--values", "/nonexistent/v.json"), "cannot read"),
    (("broadcast", "show", "999"), "no broadcast 999"),
])
def test_bad_requests_get_one_line_and_status_2(cli, argv: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    # Given a request that cannot be met / When run / Then one line on stderr, exit status 2
    code, _, err = cli(*argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_a_missing_value_in_the_values_file_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Given a values file lacking a value the template needs
    values = tmp_path / "values.json"
    values.write_text("{}")
    # When previewed / Then the error names the template file and nothing is written
    code, _, err = cli("template", "preview", "any.sender.unregistered", "--values", str(values),
                       "--out", str(tmp_path / "x.html"))
    assert code == 2 and "any.sender.unregistered" in err and not (tmp_path / "x.html").exists()


def test_broadcast_show_and_delivery_list_and_retry(cli, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    # Given a broadcast to three people, one delivery sent and one failed
    app = build_app(settings, FixedClock(__import__("tests.conftest", fromlist=["START"]).START))
    with app.sessions() as session:
        for name in ("ann", "bob", "cat"):
            add_person(session, app.env, f"{name}@shop.example", name.title(), "admin")
        broadcast = fan_out(session, app.env, "chair.isa.welcome", {}, select(Person.id))
        session.commit()
        ids = session.scalars(select(Delivery.id).where(Delivery.broadcast_id == broadcast.id)
                              .order_by(Delivery.id)).all()
        session.execute(update(Delivery).where(Delivery.id == ids[0]).values(status="sent"))
        session.execute(update(Delivery).where(Delivery.id == ids[1]).values(status="failed", last_error="550 no"))
        session.commit()
    app.close()
    # When the operator looks at the broadcast
    code, out, _ = cli("broadcast", "show", str(broadcast.id), "--json")
    # Then the counts say 1 queued, 1 sent, 1 failed
    shown = json.loads(out)
    assert code == 0 and (shown["queued"], shown["sent"], shown["failed"], shown["total"]) == (1, 1, 1, 3)
    code, out, _ = cli("broadcast", "show", str(broadcast.id))
    assert "3 deliveries: 1 queued, 1 sent, 1 failed, 0 bounced" in out
    # And the failed delivery is listed, can be retried, and is then queued again
    code, out, _ = cli("delivery", "list", "--status", "failed", "--json")
    assert [d["id"] for d in json.loads(out)] == [ids[1]]
    assert cli("delivery", "retry", str(ids[1]))[0] == 0
    code, out, _ = cli("delivery", "list", "--status", "queued", "--json")
    assert ids[1] in [d["id"] for d in json.loads(out)]
    # And a delivery that is not failed cannot be retried
    code, _, err = cli("delivery", "retry", str(ids[0]))
    assert code == 2 and "only failed or bounced" in err
