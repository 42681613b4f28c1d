"""What the link and the servers share: the address, the time limits, polling."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

HOST = "127.0.0.1"
# A loaded 2-core machine running both test suites at once: a first start (every
# migration) has been seen to take 30 s there.
START_TIMEOUT = 240.0
STOP_TIMEOUT = 30.0
COMMAND_TIMEOUT = 300.0

UP = "up"  # from the proxy's client (the node) to its target (the hub)
DOWN = "down"  # the answers, back to the client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], Any], timeout: float = 60.0, every: float = 0.1) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)
