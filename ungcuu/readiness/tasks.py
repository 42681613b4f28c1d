"""Background work of the readiness app."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ungcuu.readiness import services


@db_periodic_task(crontab(minute="10"))
def send_reminders() -> int:
    """Hourly, so a missed check is told soon after 09:00; each reminder goes once a day."""
    return services.reminders_send()
