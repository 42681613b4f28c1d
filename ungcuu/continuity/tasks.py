"""Background work of the continuity app."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ungcuu.continuity import services


@db_periodic_task(crontab(minute="20"))
def reentry_reminders() -> int:
    """Hourly; each team leader is told about overdue re-entries once a day."""
    return services.reentry_reminders()
