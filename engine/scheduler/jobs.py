"""The periodic jobs, in the order a tick runs them: data, not code."""
from __future__ import annotations

from engine.scheduler.isa_jobs import lapse_expired, request_new_version, send_reminders
from engine.scheduler.job import Job
from engine.scheduler.weekly_daily import daily_retention, weekly_digest
from engine.services.exclusions import expire_exclusions

JOBS: list[Job] = [
    Job("isa.new_version", request_new_version),
    Job("isa.reminders", send_reminders),
    Job("isa.lapse", lapse_expired),
    Job("exclusions.expire", expire_exclusions),
    Job("retention.daily", daily_retention),
    Job("digest.weekly", weekly_digest),
]
