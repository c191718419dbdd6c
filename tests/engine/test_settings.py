"""Settings: embedded defaults as designed, overridden by pep.toml and then by the environment."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import InvalidInput
from engine.settings import Settings, load_settings, setting_docs


def test_embedded_defaults_are_the_designed_ones(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "absent.toml")
    assert settings.database_url == "sqlite:///var/pep.db"
    assert settings.broker_url is None and settings.imap_url is None and settings.secret_key is None
    assert (settings.domain, settings.smtp_listen) == ("pep.localhost", "127.0.0.1:8025")
    assert settings.outbound == "maildir:var/outbox" and settings.timezone == "Europe/London"


def test_toml_then_environment(tmp_path: Path) -> None:
    path = tmp_path / "pep.toml"
    path.write_text('PEP_DOMAIN = "mail.force.example"\nmax_message_bytes = 2048\nforce_name = "Sussex"\n')
    settings = load_settings({"PEP_FORCE_NAME": "Kent Police"}, path)
    assert settings.domain == "mail.force.example" and settings.max_message_bytes == 2048
    assert settings.force_name == "Kent Police"


@pytest.mark.parametrize("env,message", [
    ({"PEP_MAX_MESSAGE_BYTES": "lots"}, "whole number"),
    ({"PEP_TIMEZONE": "Mars/Olympus"}, "not a known timezone"),
    ({"PEP_DOMAIN": "a@b"}, "not a mail domain"),
])
def test_bad_values_are_named(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        load_settings(env, tmp_path / "absent.toml")


def test_unknown_toml_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pep.toml"
    path.write_text('PEP_DOMIAN = "typo.example"\n')
    with pytest.raises(InvalidInput, match="unknown setting"):
        load_settings({}, path)


def test_every_setting_is_documented_and_in_the_operator_guide() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "operators.md").read_text(encoding="utf-8")
    for variable, _default, meaning in setting_docs():
        assert meaning and variable in guide, variable
    assert len(setting_docs()) == len(Settings.__dataclass_fields__)
