"""The database side of a backup: a consistent copy, its row counts, putting it back."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

from ungcuu.core.errors import ServiceError

DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DB_FILES:
        raise ServiceError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {vendor}.")
    return vendor


def _tables() -> dict[str, str]:
    """Every table the models own, by model label (the many-to-many tables too)."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in tables.values():
            tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def _count(cursor, existing: set[str]) -> dict[str, int]:
    counts = {}
    for label, table in _tables().items():
        if table in existing:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[label] = cursor.fetchone()[0]
    return counts


def model_counts() -> dict[str, int]:
    """Rows per model in the live database."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        return _count(cursor, existing)


# --- SQLite


def _sqlite_copy(target: Path) -> dict[str, int]:
    """Copy the live database with SQLite's online backup API; count rows in the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        existing = {row[0] for row in cursor.fetchall()}
        counts = _count(cursor, existing)
        # A self-contained file: no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    return counts


def _sqlite_restore(source: Path) -> None:
    check = sqlite3.connect(source)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise ServiceError("Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng.")
        connection.ensure_connection()
        # Page by page into the live database: other processes see the restored data
        # at their next read, and a WAL database stays in WAL mode.
        check.backup(connection.connection)
    finally:
        check.close()


# --- PostgreSQL


def _pg_env() -> dict[str, str]:
    params = connection.settings_dict
    env = dict(os.environ)
    for key, name in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")]:
        if params.get(key):
            env[name] = str(params[key])
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    env["PGDATABASE"] = str(params["NAME"])
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise ServiceError(
            f"Không tìm thấy chương trình {name}: cài gói postgresql-client "
            f"(cùng phiên bản với máy chủ PostgreSQL) rồi chạy lại."
        )
    return found


def _run(args: list[str], what: str) -> None:
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ServiceError(
            f"{what} không thành công: {detail[-1] if detail else result.returncode}"
        )


def _pg_copy(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot the row counts were read from, so both agree."""
    pg_dump = _pg_tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        counts = _count(cursor, existing)
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            "Sao lưu PostgreSQL (pg_dump)",
        )
    return counts


def _pg_restore(source: Path) -> None:
    """Drop the current tables and load the dump in ONE transaction (psql -1): either
    the whole backup is in, or nothing changed."""
    pg_restore, psql = _pg_tool("pg_restore"), _pg_tool("psql")
    _run([pg_restore, "--list", str(source)], "Đọc bản sao lưu PostgreSQL (pg_restore)")
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    drop = (
        "DROP TABLE IF EXISTS "
        + ", ".join(connection.ops.quote_name(t) for t in tables)
        + " CASCADE"
        if tables
        else "SELECT 1"
    )
    connection.close()
    env = _pg_env()
    script = subprocess.Popen(
        [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(source)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    loaded = subprocess.run(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            f"--command={drop}",
            "--file=-",
        ],
        env=env,
        stdin=script.stdout,
        capture_output=True,
        text=True,
    )
    script.stdout.close()
    script_errors = script.stderr.read().decode(errors="replace")
    script.wait()
    if script.returncode != 0 or loaded.returncode != 0:
        detail = (loaded.stderr or script_errors).strip().splitlines()
        raise ServiceError(
            "Khôi phục PostgreSQL không thành công, dữ liệu hiện tại giữ nguyên: "
            + (detail[-1] if detail else str(loaded.returncode))
        )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def database_copy(kind: str, target: Path) -> dict[str, int]:
    """Copy the live database to ``target``; the rows per model of that copy."""
    return _sqlite_copy(target) if kind == "sqlite" else _pg_copy(target)


def database_restore(kind: str, source: Path) -> None:
    if kind == "sqlite":
        _sqlite_restore(source)
    else:
        _pg_restore(source)
