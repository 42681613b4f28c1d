"""One request to a server, and a PostgreSQL database of its own."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json as jsonlib
import os
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ungcuu.sync.tests.harness.common import HOST

if TYPE_CHECKING:
    from ungcuu.sync.tests.harness.link import LinkProxy
    from ungcuu.sync.tests.harness.server import UngcuuServer

# --- PostgreSQL for a server -------------------------------------------------------------------


@contextlib.contextmanager
def postgres_database(server_url: str, prefix: str = "ungcuu_sync") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``server_url``, dropped after."""
    import psycopg

    parts = urlsplit(server_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def suite_database_env() -> Iterator[dict[str, str]]:
    """The environment that puts a server on the engine the test run uses: nothing for
    SQLite (the server's own file), a new database on the same PostgreSQL otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield {}
        return
    with postgres_database(url) as database_url:
        yield {"DATABASE_URL": database_url}


# --- one request -----------------------------------------------------------------------------


def api(
    server: UngcuuServer | LinkProxy | str,
    method: str,
    path: str,
    token: str | None = None,
    json: Any = None,
    *,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float = 30.0,
) -> tuple[int, Any]:
    """One request to ``server`` (or a proxy, or a base URL); the answer as (status, body),
    the body parsed when it is JSON (gunzipped first when it came compressed). A broken
    link raises (OSError, http.client.HTTPException) as it comes."""
    parts = urlsplit(server if isinstance(server, str) else server.url)
    send = dict(headers or {})
    send.setdefault("Accept", "application/json")
    send.setdefault("Connection", "close")
    if token:
        send.setdefault("Authorization", f"Bearer {token}")
    if json is not None:
        data = jsonlib.dumps(json, ensure_ascii=False).encode()
        send.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection(parts.hostname or HOST, parts.port or 80, timeout=timeout)
    try:
        conn.request(method, (parts.path.rstrip("/") or "") + path, body=data, headers=send)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    if response.getheader("Content-Encoding", "") == "gzip":
        raw = gzip.decompress(raw)
    kind = response.getheader("Content-Type", "")
    if not raw:
        return response.status, None
    if "json" in kind:
        return response.status, jsonlib.loads(raw)
    return response.status, raw.decode(errors="replace")
