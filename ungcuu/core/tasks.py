"""Scheduled work of the core: the daily backup and the worker's heartbeat."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup

from ungcuu.core import heartbeat
from ungcuu.core.backup import backup_daily


def utc_time_of(local: str) -> time:
    """The queue keeps UTC: "02:30" in Vietnam (UTC+7, no summer time) is 19:30 UTC."""
    hour, minute = (int(part) for part in local.split(":"))
    moment = datetime.combine(datetime.now().date(), time(hour, minute))
    return moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE)).astimezone(ZoneInfo("UTC")).time()


@on_startup(name="ungcuu-heartbeat")
def heartbeat_at_start() -> None:
    heartbeat.beat()


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    """Every minute: `ungcuu doctor` and the set-up checklist see the worker is alive."""
    heartbeat.beat()


if settings.BACKUP_TIME != "off":
    _at = utc_time_of(settings.BACKUP_TIME)

    @db_periodic_task(crontab(minute=str(_at.minute), hour=str(_at.hour)))
    def daily_backup() -> None:
        """Every day at UNGCUU_BACKUP_TIME: back up, keep the newest UNGCUU_BACKUP_KEEP."""
        backup_daily()
