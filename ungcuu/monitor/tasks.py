"""Background work: running the probes that are due, and forgetting old figures."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ungcuu.monitor import services

# The queue's periodic tasks run once a minute; the passes between are scheduled, so a
# probe of a 10-second interval is checked on time.
PASS_SECONDS = 10


@db_task(retries=0)
def probe_pass() -> int:
    return services.run_due()


@db_periodic_task(crontab(minute="*"))
def probe_tick() -> int:
    """Every minute: run the due probes, and schedule the passes of the minute."""
    ran = services.run_due()
    for delay in range(PASS_SECONDS, 60, PASS_SECONDS):
        probe_pass.schedule(delay=delay)
    return ran


@db_periodic_task(crontab(minute="45", hour="19"))
def probe_prune() -> int:
    """Every night (02:45 in Vietnam): drop figures older than the keeping period."""
    return services.prune()
