"""One typed settings object, read from PEP_* environment variables and an optional pep.toml."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import InvalidInput


EXPIRY_DEFAULTS = ("offender=90,wanted=28,licence=90,order=180,id_sought=28,info=28,"
                   "news=28,event=90,meeting=90,document=365")

RETENTION_DEFAULTS = ("offender=72,wanted=24,licence=72,order=72,id_sought=24,exclusion=24,"
                      "reports=72,inbound=6,deliveries=24,audit=84")
REVIEW_DEFAULTS = "offender=12,wanted=3,licence=6,order=12,id_sought=3,exclusion=12,reports=12"


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
        "largest message accepted by SMTP/LMTP (552 beyond it) or acted on from an IMAP mailbox "
        "(the sender is told)"))
    trusted_authserv_id: str | None = field(default=None, metadata=_doc(
        "host name of the deployment's own MTA whose Authentication-Results headers are trusted"))
    invitation_valid_days: int = field(default=30, metadata=_doc(
        "how long the reply token in an ISA invitation stays valid"))
    worker_threads: int = field(default=4, metadata=_doc(
        "threads per worker process"))
    sweep_seconds: int = field(default=10, metadata=_doc(
        "how often the sweeper re-enqueues work left pending"))
    requeue_after_seconds: int = field(default=60, metadata=_doc(
        "work still waiting this long after it was due is handed to the queue again (the queue may have lost it)"))
    claim_timeout_seconds: int = field(default=300, metadata=_doc(
        "after this long a claimed row is considered abandoned and is re-enqueued"))
    inbound_max_attempts: int = field(default=5, metadata=_doc(
        "tries of an inbound message before it is parked for an operator"))
    retry_base_seconds: int = field(default=30, metadata=_doc(
        "first retry delay of failed work; each further try waits twice as long (capped at six hours)"))
    delivery_lifetime_hours: int = field(default=120, metadata=_doc(
        "how long a temporarily failing delivery is retried before it fails"))
    audit_settle_seconds: int = field(default=60, metadata=_doc(
        "audit events are sealed into the hash chain this long after they are written"))
    sender_address: str = field(default="", metadata=_doc(
        "From address of PEP's messages; empty means noreply@<domain>"))
    bounce_window_days: int = field(default=30, metadata=_doc(
        "bounces older than this many days no longer count toward suppressing an address"))
    bounce_threshold: int = field(default=3, metadata=_doc(
        "score at which an address is suppressed: a hard bounce counts 1, a soft one 0.5"))
    isa_reminder_days: str = field(default="14,7,1", metadata=_doc(
        "days before an ISA confirmation runs out that its chair is reminded (comma-separated)"))
    isa_reminder_hour: int = field(default=9, metadata=_doc(
        "local hour (PEP_TIMEZONE) from which a reminder day's reminders are sent"))
    isa_grace_days: int = field(default=30, metadata=_doc(
        "days every active partnership has to confirm a newly published ISA version before it lapses"))
    scheduler_seconds: int = field(default=60, metadata=_doc(
        "how often `pep scheduler` (and `pep serve`) runs the periodic jobs"))
    command_confirm_hours: int = field(default=48, metadata=_doc(
        "how long the summary of emailed admin@ commands waits for the sender's CONFIRM"))
    rules_file: str | None = field(default=None, metadata=_doc(
        "the deployment's targeting and routing rules (TOML); unset means rules/default.toml as shipped"))
    expiry_defaults: str = field(default=EXPIRY_DEFAULTS, metadata=_doc(
        "default days before a publication expires, per category (and per kind for info publications)"))
    expiry_max_days: int = field(default=365, metadata=_doc(
        "policy maximum: no publication or subject may stay current longer than this many days"))
    draft_valid_hours: int = field(default=24, metadata=_doc(
        "how long the SEND / CANCEL reply to an alert or publication preview stays valid"))

    def expiry_days(self) -> dict[str, int]:
        """PEP_EXPIRY_DEFAULTS as a mapping, e.g. {"wanted": 28, "document": 365}."""
        return parse_expiry_defaults(self.expiry_defaults)
    templates_dir: str = field(default="", metadata=_doc(
        "folder of message templates (a copy of templates/ with the force's changes); empty means PEP's own"))
    outbound_connections: int = field(default=4, metadata=_doc(
        "SMTP connections each PEP process keeps open to the relay (a ?connections= in PEP_OUTBOUND wins)"))
    outbound_rate_per_second: int = field(default=0, metadata=_doc(
        "most messages per second one process hands to the relay; 0 means no limit"))
    outbound_domain_rate_per_minute: int = field(default=0, metadata=_doc(
        "most messages per minute to one recipient domain, per process; 0 means no limit"))
    delivery_batch_size: int = field(default=100, metadata=_doc(
        "deliveries of a broadcast a worker claims in one statement and sends before claiming more"))
    delivery_streams: int = field(default=4, metadata=_doc(
        "batches of one broadcast worked on at once, across all worker processes and threads"))
    dkim_key_file: str = field(default="", metadata=_doc(
        "PEM file of the RSA key that DKIM-signs outgoing mail; empty means no signing (e.g. the relay signs)"))
    dkim_selector: str = field(default="", metadata=_doc(
        "DKIM selector: the key is published at SELECTOR._domainkey.<PEP_DOMAIN>"))
    exclusion_default_months: int = field(default=12, metadata=_doc(
        "length of an exclusion when the chair's EXCLUDE names no number of months"))
    exclusion_quorum: int = field(default=2, metadata=_doc(
        "board approvals (the proposer's included) that put an exclusion in force; capped at the board's size"))
    exclusion_warning_months: int = field(default=0, metadata=_doc(
        "when above 0, a subject's first exclusion in a partnership is a warning lasting this many months"))
    exclusion_appeal_after_months: int = field(default=6, metadata=_doc(
        "incident-free months after which an excluded person may appeal"))
    exclusion_extend_months: int = field(default=3, metadata=_doc(
        "months added to an exclusion when a new incident names the subject (0: never extended)"))
    exclusion_proposal_days: int = field(default=14, metadata=_doc(
        "days the board has to approve an exclusion proposal before it lapses"))
    partnership_subject_months: int = field(default=12, metadata=_doc(
        "how long a partnership's own subject record is kept before it expires"))
    match_link_score: int = field(default=88, metadata=_doc(
        "dataview: a score (0-100) at or above which two records are linked as one person automatically"))
    match_possible_score: int = field(default=72, metadata=_doc(
        "dataview: a score at or above which (and below the link score) a pair is shown as a possible match"))
    tls_cert: str | None = field(default=None, metadata=_doc(
        "PEM certificate chain for STARTTLS on the SMTP intake; unset means no STARTTLS"))
    tls_key: str | None = field(default=None, metadata=_doc(
        "PEM private key of PEP_TLS_CERT"))
    imap_processed_folder: str = field(default="PEP/Processed", metadata=_doc(
        "IMAP folder that stored messages are moved to (created if missing); never deleted"))
    imap_poll_seconds: int = field(default=15, metadata=_doc(
        "longest wait between IMAP checks (IDLE wakes PEP sooner when the server supports it)"))
    report_max_file_bytes: int = field(default=8_000_000, metadata=_doc(
        "largest single file kept with an incident or intelligence report; a bigger one is refused with an answer"))
    report_default_grading: str = field(default="2B P", metadata=_doc(
        "3x5x2 grading given to intelligence from partnership sources until the team regrades it (e.g. 2B P)"))
    report_reply_days: int = field(default=180, metadata=_doc(
        "how long the reply addresses of a report's conversation stay valid, for the reporter and the team"))
    digest_day: str = field(default="monday", metadata=_doc(
        "weekday the weekly digest goes out (monday … sunday), in PEP_TIMEZONE"))
    digest_time: str = field(default="08:00", metadata=_doc(
        "local time (HH:MM, PEP_TIMEZONE) from which the weekly digest is built and sent"))
    digest_variants: str = field(default="chair,police", metadata=_doc(
        "roles whose digest has its own part: chair (ISA status), police (area summary); empty means none"))
    retention_months: str = field(default=RETENTION_DEFAULTS, metadata=_doc(
        "months each kind of record is kept before it is deleted or anonymised: subjects per category after "
        "they stop being current, reports, raw inbound mail and deliveries after they were made; audit is never "
        "deleted by PEP"))
    review_months: str = field(default=REVIEW_DEFAULTS, metadata=_doc(
        "MOPI review period per subject category and for reports: the review date is set this long after creation"))
    retain_max_months: int = field(default=24, metadata=_doc(
        "policy maximum of a RETAIN reply to a review reminder, in months"))
    retention_hour: int = field(default=3, metadata=_doc(
        "local hour (PEP_TIMEZONE) from which the daily retention and expiry sweep runs"))
    intake_rate_window_seconds: int = field(default=60, metadata=_doc(
        "the sliding window, in seconds, of the intake's message rate limits"))
    intake_rate_per_sender: int = field(default=0, metadata=_doc(
        "most messages one MAIL FROM address may send in the window (451 4.7.1 beyond); 0 means no limit"))
    intake_rate_per_client: int = field(default=0, metadata=_doc(
        "most messages from one client IP in the window; 0 means no limit (leave 0 behind your own MTA)"))
    intake_rate_global: int = field(default=0, metadata=_doc(
        "most messages one intake process takes in the window from everyone together; 0 means no limit"))
    inbound_answers_per_day: int = field(default=3, metadata=_doc(
        "most answers (refusals, 'not understood') one address is sent per day, whatever the reasons; 0 means no limit"))

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


def parse_expiry_defaults(text: str) -> dict[str, int]:
    """`name=days,name=days` into a mapping; a malformed pair is an InvalidInput naming it."""
    days: dict[str, int] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        name, eq, value = pair.partition("=")
        if not eq or not value.strip().isdigit() or not name.strip():
            raise InvalidInput(f"PEP_EXPIRY_DEFAULTS: {pair!r} is not name=days")
        days[name.strip().lower()] = int(value)
    return days


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
    if settings.bounce_threshold < 1 or settings.bounce_window_days < 1:
        raise InvalidInput("PEP_BOUNCE_THRESHOLD and PEP_BOUNCE_WINDOW_DAYS must be at least 1")
    if not settings.domain or "@" in settings.domain:
        raise InvalidInput(f"PEP_DOMAIN {settings.domain!r} is not a mail domain")
    reminder_days(settings)
    from engine.services.grading import parse_grading  # noqa: PLC0415 - settings stay importable alone
    parse_grading(settings.report_default_grading, "PEP_REPORT_DEFAULT_GRADING")
    if not 0 <= settings.isa_reminder_hour <= 23:
        raise InvalidInput("PEP_ISA_REMINDER_HOUR must be 0 to 23")
    if settings.isa_grace_days < 1 or settings.scheduler_seconds < 1 or settings.command_confirm_hours < 1:
        raise InvalidInput("PEP_ISA_GRACE_DAYS, PEP_SCHEDULER_SECONDS and PEP_COMMAND_CONFIRM_HOURS must be positive")


def reminder_days(settings: Settings) -> tuple[int, ...]:
    """PEP_ISA_REMINDER_DAYS as whole days, largest first ("14,7,1" -> (14, 7, 1))."""
    try:
        days = sorted({int(part) for part in settings.isa_reminder_days.split(",") if part.strip()}, reverse=True)
    except ValueError:
        raise InvalidInput(f"PEP_ISA_REMINDER_DAYS {settings.isa_reminder_days!r} must be whole days "
                           "separated by commas, like 14,7,1") from None
    if not days or days[-1] < 1:
        raise InvalidInput("PEP_ISA_REMINDER_DAYS needs at least one day, each 1 or more")
    return tuple(days)
    if settings.expiry_max_days < 1:
        raise InvalidInput("PEP_EXPIRY_MAX_DAYS must be at least 1")
    for name, days in settings.expiry_days().items():
        if not 1 <= days <= settings.expiry_max_days:
            raise InvalidInput(f"PEP_EXPIRY_DEFAULTS: {name}={days} is beyond the policy maximum "
                               f"of {settings.expiry_max_days} days")
    for name in ("outbound_connections", "delivery_batch_size", "delivery_streams"):
        if getattr(settings, name) < 1:
            raise InvalidInput(f"PEP_{name.upper()} must be at least 1")
    for name in ("intake_rate_per_sender", "intake_rate_per_client", "intake_rate_global",
                 "inbound_answers_per_day"):
        if getattr(settings, name) < 0:
            raise InvalidInput(f"PEP_{name.upper()} must be 0 (no limit) or more")
    if settings.intake_rate_window_seconds < 1:
        raise InvalidInput("PEP_INTAKE_RATE_WINDOW_SECONDS must be at least 1")
    for name in ("outbound_rate_per_second", "outbound_domain_rate_per_minute"):
        if getattr(settings, name) < 0:
            raise InvalidInput(f"PEP_{name.upper()} must be 0 (no limit) or more")
    if bool(settings.dkim_key_file) != bool(settings.dkim_selector):
        raise InvalidInput("PEP_DKIM_KEY_FILE and PEP_DKIM_SELECTOR are set together, or neither")
    if bool(settings.tls_cert) != bool(settings.tls_key):
        raise InvalidInput("PEP_TLS_CERT and PEP_TLS_KEY must be set together")
