"""Django's PostgreSQL backend with a health check that costs no round trip.

Django checks a kept connection before a request reuses it (``CONN_HEALTH_CHECKS``) by
sending ``SELECT 1``: one round trip and one statement on the server for every request
and every task, the most frequent statement of a burst of reports. A connection that sits
idle between requests has nothing to read; when the server ends it (a restart, an
administrator's ``pg_terminate_backend``, an idle timeout) it sends its last message or
closes the socket, which makes the socket readable. So an idle connection is usable when
its socket has nothing waiting, which one non-blocking ``select`` tells. A connection in
any other state is checked as Django does.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from psycopg.pq import ConnStatus, TransactionStatus


class DatabaseWrapper(PostgresWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        if pgconn.status != ConnStatus.OK or pgconn.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        try:
            waiting, _, _ = select.select([pgconn.socket], [], [], 0)
        except (OSError, ValueError):  # the socket is already gone
            return False
        return not waiting
