"""Background work: thin tasks that call the services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ungcuu.notify import services


@db_task(retries=0)
def notify_report(incident_id: int) -> int:
    return services.notify_report(incident_id)


@db_task(retries=0)
def deliver(delivery_id: int) -> str:
    return services.deliver(delivery_id)


@db_periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Every minute: escalate what nobody acknowledged, resend what is due."""
    services.escalation_sweep()
    services.retry_sweep()
