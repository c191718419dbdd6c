"""The periodic jobs, in the order a tick runs them: data, not code."""
from __future__ import annotations

from engine.scheduler.isa_jobs import lapse_expired, request_new_version, send_reminders
from engine.scheduler.job import Job

JOBS: list[Job] = [
    Job("isa.new_version", request_new_version),
    Job("isa.reminders", send_reminders),
    Job("isa.lapse", lapse_expired),
]
