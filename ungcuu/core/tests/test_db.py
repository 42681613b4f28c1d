"""The PostgreSQL backend's health check: a connection the server ended is replaced before
a request uses it, and a sound one is kept without a statement sent (core/db)."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from ungcuu.org.models import User

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _other_session():
    """A connection of its own to the same server, as an administrator's would be."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


def _state_change(admin, pid: int):
    return admin.execute(
        "SELECT state_change FROM pg_stat_activity WHERE pid = %s", [pid]
    ).fetchone()[0]


def _check_before_reuse() -> None:
    """What Django does before a request or a task first uses a kept connection."""
    connection.health_check_done = False
    connection.close_if_health_check_failed()


def test_a_sound_idle_connection_is_kept_and_the_check_sends_the_server_nothing():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    User.objects.count()
    pid = connection.connection.info.backend_pid
    with _other_session() as admin:
        before = _state_change(admin, pid)
        time.sleep(0.05)
        _check_before_reuse()
        assert connection.connection is not None
        assert connection.connection.info.backend_pid == pid
        assert _state_change(admin, pid) == before  # no statement ran on it


def test_a_connection_the_server_ended_is_replaced_and_the_next_query_works():
    User.objects.count()
    pid = connection.connection.info.backend_pid
    with _other_session() as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's goodbye reaches the socket
    assert not connection.is_usable()
    _check_before_reuse()
    assert User.objects.count() >= 0  # no OperationalError: a new connection
    assert connection.connection.info.backend_pid != pid
