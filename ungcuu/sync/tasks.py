"""Background work: the node's sync loop; the hub's watch for silent nodes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup

from ungcuu.sync.conf import is_node


@on_startup(name="ungcuu-sync-loop")
def start_sync() -> None:
    """A node's worker keeps it in step with the hub (one loop per process)."""
    if is_node():
        from ungcuu.sync.node import start_loop

        start_loop()


@db_periodic_task(crontab(minute="*"))
def silence_watch() -> int:
    """Every minute at a hub: a node silent longer than the setting opens an incident."""
    if is_node():
        return 0
    from ungcuu.sync.hub import silence_sweep

    return silence_sweep()
