"""Background work: thin tasks that call the services."""

from __future__ import annotations

import logging
import os
import threading

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from ungcuu.notify import services

logger = logging.getLogger(__name__)


@db_task(retries=0)
def notify_report(incident_id: int) -> int:
    if not HUEY.immediate:  # run in line (tests, UNGCUU_TASKS_IMMEDIATE): no batches
        services.pace_pass()
    return services.notify_report(incident_id)


@db_task(retries=0)
def after_report(incident_ids: list[int]) -> int:
    return services.after_report(incident_ids)


@db_task(retries=0)
def deliver(delivery_id: int) -> str:
    return services.deliver(delivery_id)


@db_periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Every minute: escalate what nobody acknowledged, resend what is due."""
    services.escalation_sweep()
    services.retry_sweep()


_recovered: set[int] = set()
_recovered_lock = threading.Lock()


@on_startup(name="ungcuu-outbox-recover")
def recover() -> None:
    """A worker that starts (after a crash, a kill -9, a power cut) first takes up what
    the dead one left: once per process, though every worker thread calls this."""
    with _recovered_lock:
        if os.getpid() in _recovered:
            return
        _recovered.add(os.getpid())
    try:
        queued = services.outbox_recover()
    except Exception:  # the worker must start anyway; the sweep will do it later
        logger.exception("outbox recovery at start-up failed")
        return
    if queued:
        logger.warning("outbox recovery at start-up: %s tasks queued again", queued)
