"""A province's hub and a center's node as real processes, and the link between them.

- ``LinkProxy``: a TCP proxy on 127.0.0.1 that a test can cut at once, after so many
  bytes of a request or an answer, or make silent (a link that drops every packet).
- ``UngcuuServer``: a real ``ungcuu serve`` in its own process group and data dir, that a
  test can stop, kill -9 (all its processes at once, as a power cut) and start again on
  the same data and port; ``run_command`` runs any ``ungcuu`` command beside it.
- ``api``: one JSON request, with a timeout; errors of the link are raised as they come.

Linux only (process groups, /proc), like the production target.
"""

from ungcuu.sync.tests.harness.calls import api, postgres_database, suite_database_env
from ungcuu.sync.tests.harness.common import (
    COMMAND_TIMEOUT,
    DOWN,
    HOST,
    START_TIMEOUT,
    STOP_TIMEOUT,
    UP,
    free_port,
    wait_until,
)
from ungcuu.sync.tests.harness.link import LinkProxy, LinkStats
from ungcuu.sync.tests.harness.server import (
    ServerError,
    UngcuuServer,
    migrated_seed,
    process_alive,
    seed_into,
)

__all__ = [
    "COMMAND_TIMEOUT",
    "DOWN",
    "HOST",
    "START_TIMEOUT",
    "STOP_TIMEOUT",
    "UP",
    "LinkProxy",
    "LinkStats",
    "ServerError",
    "UngcuuServer",
    "api",
    "free_port",
    "migrated_seed",
    "postgres_database",
    "process_alive",
    "seed_into",
    "suite_database_env",
    "wait_until",
]
