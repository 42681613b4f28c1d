"""The task worker's sign of life: a time stamp in the shared cache, renewed every minute."""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "ungcuu:worker-heartbeat"
ALIVE_SECONDS = 180  # three missed minutes: the worker is gone or stuck


def beat(now: float | None = None) -> None:
    cache.set(KEY, time.time() if now is None else now, timeout=7 * 24 * 3600)


def seconds_since_beat(now: float | None = None) -> float | None:
    """Seconds since the worker last said it was alive; None when it never did."""
    last = cache.get(KEY)
    if last is None:
        return None
    return (time.time() if now is None else now) - float(last)
