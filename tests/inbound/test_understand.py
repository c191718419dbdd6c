"""`pep inbound parse`: what PEP understands of each file, with token purposes, storing nothing."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from engine.cli.main import main
from engine.tokens import TokenSigner
from inbound.understand import understand
from tests.inbound.conftest import FIXTURES

KEY = "test-secret-key-of-sufficient-length"
SIGNER = TokenSigner(KEY.encode())
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
DOMAIN = "pep.test"
KEYS = ["file", "new_text", "automatic", "bounce", "recipient_kind", "token_purpose", "attachments", "errors"]


def _message(to: str, text: str = "I agree", header: str = "To") -> bytes:
    message = EmailMessage()
    message["From"] = "chair@kemptown.example"
    message[header] = to
    message["Subject"] = "Re: agreement"
    message.set_content(text + "\n\nOn Monday, PEP wrote:\n> Please reply I AGREE\n")
    message.add_attachment(b"\x89PNG....", maintype="image", subtype="png", filename="cctv.png")
    return message.as_bytes()


TOKEN = SIGNER.encode("isa", 42, NOW + timedelta(days=3))
EXPIRED = SIGNER.encode("draft", 7, NOW - timedelta(hours=2))

# (raw message, recipient_kind, token_purpose, an error fragment or None)
CASES = [
    (_message(f"reply+{TOKEN}@pep.test"), "reply", "isa", None),
    (_message(f"Chair <reply+{TOKEN}@PEP.TEST>", header="Delivered-To"), "reply", "isa", None),
    (_message(f"reply+{TOKEN[:-1]}x@pep.test"), "reply", None, "altered"),
    (_message(f"reply+{EXPIRED}@pep.test"), "reply", "draft", "expired"),
    (_message("help@pep.test", "STATUS"), "help", None, None),
    (_message("someone@elsewhere.example"), None, None, None),
]


@pytest.mark.parametrize(("raw", "kind", "purpose", "error"), CASES,
                         ids=["isa-token", "delivered-to", "tampered", "expired", "help", "not-ours"])
def test_recipient_kind_and_token_purpose(raw: bytes, kind: str | None, purpose: str | None,
                                          error: str | None) -> None:
    # Given a reply to one of PEP's addresses (or not) / When it is understood
    result = understand(raw, SIGNER, DOMAIN, NOW)
    # Then the kind and purpose are read from the address, a bad token is an error, and only new text counts
    assert (result["recipient_kind"], result["token_purpose"]) == (kind, purpose)
    assert (error is None and result["errors"] == []) or any(error in e for e in result["errors"] if error)
    assert "Please reply" not in result["new_text"]
    assert result["attachments"] == [{"filename": "cctv.png", "content_type": "image/png", "size": 8, "inline": False}]


@pytest.mark.parametrize(("name", "automatic", "failed", "hard", "policy"), [
    ("bounces/rfc3464_postfix.eml", True, "old.manager@shop.example.co.uk", True, False),
    ("bounces/rfc3464_spamhaus_policy.eml", True, None, True, True),
    ("automatic/exchange_oof.eml", True, None, None, None),
    ("automatic/human_reply.eml", False, None, None, None),
])
def test_bounces_and_automatic_mail_from_real_fixtures(name: str, automatic: bool, failed: str | None,
                                                       hard: bool | None, policy: bool | None) -> None:
    # Given a real message / When it is understood
    result = understand((FIXTURES / name).read_bytes(), SIGNER, "pep.example.org.uk", NOW)
    # Then automatic mail says why, and a bounce names what failed and how
    assert (result["automatic"] is not None) is automatic
    if hard is None:
        assert result["bounce"] is None
    else:
        assert result["bounce"]["hard"] is hard and result["bounce"]["policy"] is policy
        assert failed is None or result["bounce"]["failed_address"] == failed


def test_the_cli_prints_one_object_per_file_and_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # Given two files, and settings whose database does not exist
    db = tmp_path / "never.db"
    for key, value in {"PEP_DATABASE_URL": f"sqlite:///{db}", "PEP_SECRET_KEY": KEY, "PEP_DOMAIN": DOMAIN,
                       "PEP_VAR_DIR": str(tmp_path / "var")}.items():
        monkeypatch.setenv(key, value)
    reply = tmp_path / "reply.eml"
    reply.write_bytes(_message(f"reply+{SIGNER.encode('isa', 1, datetime.now(timezone.utc) + timedelta(days=2))}@pep.test"))
    # When `pep inbound parse` reads them as JSON
    code = main(["inbound", "parse", str(reply), str(FIXTURES / "bounces" / "exim_user_unknown.eml"), "--json"])
    out, err = capsys.readouterr()
    # Then each file is one object with exactly the documented keys, and nothing was written anywhere
    assert code == 0 and err == ""
    results = json.loads(out)
    assert [list(r) for r in results] == [KEYS, KEYS]
    assert results[0]["token_purpose"] == "isa" and results[0]["new_text"].startswith("I agree")
    assert results[1]["bounce"]["failed_address"] == "stock.room@florist.example.co.uk"
    assert not db.exists() and not (tmp_path / "var").exists()


def test_a_missing_file_is_one_line_on_stderr_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # When one of the files cannot be read
    code = main(["inbound", "parse", str(FIXTURES / "automatic" / "human_reply.eml"), str(tmp_path / "gone.eml"),
                 "--json"])
    out, err = capsys.readouterr()
    # Then nothing is printed for the others, and the error is one line
    assert code == 2 and out == "" and err.count("\n") == 1 and "gone.eml" in err
