"""One typed settings object, read from PEP_* environment variables and an optional pep.toml."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import InvalidInput


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(frozen=True)
class Settings:
    """Every setting PEP reads; the environment variable is PEP_ plus the upper-cased field name."""

    database_url: str = field(default="sqlite:///var/pep.db", metadata=_doc(
        "SQLAlchemy URL of the database: SQLite embedded, postgresql+psycopg://… distributed"))
    broker_url: str | None = field(default=None, metadata=_doc(
        "Redis URL for dramatiq workers on many hosts; unset means an in-process queue"))
    queue_namespace: str = field(default="pep", metadata=_doc(
        "prefix of PEP's keys in Redis, so several deployments can share one server"))
    domain: str = field(default="pep.localhost", metadata=_doc(
        "the mail domain of PEP's addresses (incident@, alerts@, reply+…@)"))
    smtp_listen: str = field(default="127.0.0.1:8025", metadata=_doc(
        "host:port the SMTP intake listens on (port 0 picks a free port)"))
    lmtp_listen: str = field(default="127.0.0.1:8024", metadata=_doc(
        "host:port, or a path for a Unix socket, the LMTP intake listens on"))
    outbound: str = field(default="maildir:var/outbox", metadata=_doc(
        "where messages go: maildir:PATH, or smtp://user:pass@relay:587 (smtps:// for implicit TLS)"))
    imap_url: str | None = field(default=None, metadata=_doc(
        "imaps://user:pass@host/INBOX to poll a mailbox instead of receiving by SMTP"))
    secret_key: str | None = field(default=None, metadata=_doc(
        "key that signs reply tokens; unset means generated once into var/secret.key"))
    timezone: str = field(default="Europe/London", metadata=_doc(
        "the force's timezone for schedules and dates shown to people"))
    var_dir: str = field(default="var", metadata=_doc(
        "folder for the embedded database, the secret key and the outbox"))
    force_name: str = field(default="Example Constabulary", metadata=_doc(
        "the police force's name, shown in every message"))
    max_message_bytes: int = field(default=10_000_000, metadata=_doc(
        "largest message accepted by SMTP/LMTP (552 beyond it)"))
    trusted_authserv_id: str | None = field(default=None, metadata=_doc(
        "host name of the deployment's own MTA whose Authentication-Results headers are trusted"))
    invitation_valid_days: int = field(default=30, metadata=_doc(
        "how long the reply token in an ISA invitation stays valid"))
    worker_threads: int = field(default=4, metadata=_doc(
        "threads per worker process"))
    sweep_seconds: int = field(default=10, metadata=_doc(
        "how often the sweeper re-enqueues work left pending"))
    claim_timeout_seconds: int = field(default=300, metadata=_doc(
        "after this long a claimed row is considered abandoned and is re-enqueued"))
    inbound_max_attempts: int = field(default=5, metadata=_doc(
        "tries of an inbound message before it is parked for an operator"))
    delivery_lifetime_hours: int = field(default=120, metadata=_doc(
        "how long a temporarily failing delivery is retried before it fails"))
    sender_address: str = field(default="", metadata=_doc(
        "From address of PEP's messages; empty means noreply@<domain>"))
    tls_cert: str | None = field(default=None, metadata=_doc(
        "PEM certificate chain for STARTTLS on the SMTP intake; unset means no STARTTLS"))
    tls_key: str | None = field(default=None, metadata=_doc(
        "PEM private key of PEP_TLS_CERT"))
    imap_processed_folder: str = field(default="PEP/Processed", metadata=_doc(
        "IMAP folder that stored messages are moved to (created if missing); never deleted"))
    imap_poll_seconds: int = field(default=60, metadata=_doc(
        "longest wait between IMAP checks (IDLE wakes PEP sooner when the server supports it)"))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def from_address(self) -> str:
        return self.sender_address or f"noreply@{self.domain}"

    def var_path(self, *parts: str) -> Path:
        return Path(self.var_dir, *parts)

    def with_changes(self, **changes: Any) -> "Settings":
        return replace(self, **changes)


def setting_docs() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every setting, for the docs and `pep config`."""
    rows = []
    for f in fields(Settings):
        rows.append((f"PEP_{f.name.upper()}", "" if f.default is None else str(f.default), f.metadata["doc"]))
    return rows


def _convert(name: str, kind: Any, raw: Any) -> Any:
    text = str(raw).strip()
    if kind in (int, "int"):
        try:
            return int(text)
        except ValueError:
            raise InvalidInput(f"PEP_{name.upper()} must be a whole number, not {text!r}") from None
    if text == "":
        return None if "None" in str(kind) else ""
    return text


def load_settings(environ: Mapping[str, str] | None = None, toml_path: Path | None = None) -> Settings:
    """Settings from pep.toml (if present) overlaid by PEP_* environment variables."""
    env = os.environ if environ is None else environ
    path = toml_path or Path(env.get("PEP_CONFIG", "pep.toml"))
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(Settings)}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(f"{path}: {exc}") from None
        for key, raw in data.items():
            name = key.lower().removeprefix("pep_")
            if name not in known:
                raise InvalidInput(f"{path}: unknown setting {key!r}")
            values[name] = _convert(name, known[name].type, raw)
    for name, f in known.items():
        var = f"PEP_{name.upper()}"
        if var in env:
            values[name] = _convert(name, f.type, env[var])
    settings = Settings(**values)
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"PEP_TIMEZONE {settings.timezone!r} is not a known timezone") from None
    if settings.max_message_bytes < 1024:
        raise InvalidInput("PEP_MAX_MESSAGE_BYTES must be at least 1024")
    if not settings.domain or "@" in settings.domain:
        raise InvalidInput(f"PEP_DOMAIN {settings.domain!r} is not a mail domain")
    if bool(settings.tls_cert) != bool(settings.tls_key):
        raise InvalidInput("PEP_TLS_CERT and PEP_TLS_KEY must be set together")
