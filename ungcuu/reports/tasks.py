"""Background work: building a large report; reports upward (R17, R23)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ungcuu.reports import services, upward


@db_task(retries=0)
def build_report(job_id: int) -> str:
    return services.report_job_run(job_id)


@db_task(retries=0)
def upward_send(report_id: int) -> str:
    return upward.upward_send(report_id)


@db_task(retries=0)
def upward_repeat(incident_id: int) -> int:
    return upward.upward_repeat(incident_id)


@db_periodic_task(crontab(minute="*"))
def upward_sweep() -> int:
    """Every minute: prolonged incidents, lost repeat checks, retries due."""
    return upward.upward_sweep()
