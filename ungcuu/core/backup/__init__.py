"""Backups of the database and the uploaded files, in one archive with a manifest.

An archive (``ungcuu-backup-YYYYMMDD-HHMMSS.tar.gz``, local time) holds:

- ``manifest.json``: format version, database engine, when it was made (UTC), the
  number of rows of every model and the checksum of the database copy;
- the database: ``database.sqlite3`` (a copy made with SQLite's online backup API,
  consistent while the server keeps writing) or ``database.pgdump`` (``pg_dump``
  custom format, taken in the same snapshot as the row counts);
- ``uploads/``: the photos and videos of incidents (``MEDIA_ROOT``).

A restore checks everything before it changes anything, keeps a copy of the current
data first, and compares the restored row counts with the manifest.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ungcuu.core.backup.database import (
    DB_FILES,
    ENGINE_NAMES,
    database_copy,
    database_restore,
    engine,
    model_counts,
    sha256_of,
)
from ungcuu.core.errors import ServiceError

__all__ = [
    "ENGINE_NAMES",
    "Backup",
    "Restored",
    "backup_create",
    "backup_daily",
    "backup_open",
    "backup_prune",
    "backup_restore",
    "backups_in",
    "model_counts",
]

FORMAT = 1
PREFIX = "ungcuu-backup-"
SAFETY_PREFIX = "ungcuu-before-restore-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
UPLOADS = "uploads"
_NAME = re.compile(
    rf"^{re.escape(PREFIX)}(?P<stamp>\d{{8}}-\d{{6}})(-(?P<n>\d+))?{re.escape(SUFFIX)}$"
)


@dataclass
class Backup:
    path: Path
    manifest: dict

    @property
    def rows(self) -> int:
        return sum(self.manifest["counts"].values())


@dataclass
class Restored:
    manifest: dict
    counts: dict[str, int]
    safety_copy: Path | None
    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)


# --- Archives


def _local_stamp(now: datetime) -> str:
    """Archives are named by the local time (Asia/Ho_Chi_Minh), as an officer reads it."""
    return timezone.localtime(now).strftime("%Y%m%d-%H%M%S")


def _archive_name(directory: Path, now: datetime) -> Path:
    stamp = _local_stamp(now)
    path = directory / f"{PREFIX}{stamp}{SUFFIX}"
    number = 1
    while path.exists():
        path = directory / f"{PREFIX}{stamp}-{number}{SUFFIX}"
        number += 1
    return path


def _target(path: Path | str | None, now: datetime) -> Path:
    if path is None or str(path) == "":
        directory = Path(settings.BACKUP_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        return _archive_name(directory, now)
    target = Path(path).expanduser()
    if target.is_dir() or str(path).endswith(("/", os.sep)):
        target.mkdir(parents=True, exist_ok=True)
        return _archive_name(target, now)
    if not target.parent.is_dir():
        raise ServiceError(f"Thư mục “{target.parent}” không tồn tại.")
    return target


def _applied_migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        last: dict[str, str] = {}
        for app, name in cursor.fetchall():
            last[app] = name
    return last


def backup_create(*, path: Path | str | None = None, now: datetime | None = None) -> Backup:
    """Write one archive of the database and the uploads; returns where and what."""
    now = now or datetime.now(UTC)
    kind = engine()
    try:
        target = _target(path, now)
        manifest = _write(target, kind, now)
    except (OSError, sqlite3.Error) as exc:
        where = path or settings.BACKUP_DIR
        reason = getattr(exc, "strerror", None) or exc
        raise ServiceError(
            f"Không ghi được bản sao lưu vào “{where}”: {reason}. "
            "Kiểm tra chỗ trống trên ổ đĩa và quyền ghi thư mục."
        ) from exc
    return Backup(path=target, manifest=manifest)


def _write(target: Path, kind: str, now: datetime) -> dict:
    uploads = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".ungcuu-backup-", dir=target.parent) as work:
        db_file = Path(work) / DB_FILES[kind]
        counts = database_copy(kind, db_file)
        files = sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.is_dir() else []
        manifest = {
            "format": FORMAT,
            "app": "ungcuu",
            "engine": kind,
            "created_at": now.astimezone(UTC).isoformat(timespec="seconds"),
            "database": {
                "file": db_file.name,
                "bytes": db_file.stat().st_size,
                "sha256": sha256_of(db_file),
            },
            "migrations": _applied_migrations(),
            "counts": counts,
            "uploads": {
                "files": len(files),
                "bytes": sum(p.stat().st_size for p in files),
            },
        }
        partial = Path(work) / "archive.part"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for file in files:
                tar.add(file, arcname=f"{UPLOADS}/{file.relative_to(uploads).as_posix()}")
        os.replace(partial, target)
    return manifest


@contextlib.contextmanager
def backup_open(path: Path | str) -> Iterator[tuple[dict, Path]]:
    """Unpack and check an archive; yields its manifest and the unpacked folder.
    Anything wrong raises a ServiceError before a single row is touched."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise ServiceError(f"Không tìm thấy tệp sao lưu “{source}”.")
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ungcuu-restore-", dir=data_dir) as work:
        folder = Path(work)
        try:
            with tarfile.open(source, "r:gz") as tar:
                tar.extractall(folder, filter="data")
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            raise ServiceError(
                f"Tệp “{source.name}” không phải bản sao lưu UngCuu hoặc đã bị hỏng ({exc})."
            ) from exc
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            kind = manifest["engine"]
            version = int(manifest["format"])
            db_name = manifest["database"]["file"]
            checksum = manifest["database"]["sha256"]
            dict(manifest["counts"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ServiceError(
                f"Tệp “{source.name}” thiếu hoặc hỏng phần mô tả (manifest.json): "
                "không phải bản sao lưu UngCuu."
            ) from exc
        if manifest.get("app") != "ungcuu":
            raise ServiceError(f"Tệp “{source.name}” không phải bản sao lưu UngCuu.")
        if version > FORMAT:
            raise ServiceError(
                "Bản sao lưu này được tạo bởi phiên bản UngCuu mới hơn: hãy cập nhật UngCuu "
                "trước khi khôi phục."
            )
        current = engine()
        if kind != current:
            raise ServiceError(
                f"Bản sao lưu này là của cơ sở dữ liệu {ENGINE_NAMES.get(kind, kind)}, "
                f"nhưng hệ thống đang dùng {ENGINE_NAMES[current]}: không khôi phục được. "
                "Hãy khôi phục trên hệ thống cùng loại cơ sở dữ liệu."
            )
        _known_migrations(manifest.get("migrations") or {})
        db_file = folder / Path(db_name).name
        if not db_file.is_file() or sha256_of(db_file) != checksum:
            raise ServiceError(
                f"Dữ liệu trong tệp “{source.name}” không khớp mã kiểm tra: bản sao lưu đã bị "
                "hỏng, hãy dùng bản khác."
            )
        yield manifest, folder


def _known_migrations(recorded) -> None:
    """A backup made by newer code (a migration this code does not have) is refused:
    restoring it would leave tables this version cannot read."""
    from django.db.migrations.loader import MigrationLoader

    if not isinstance(recorded, dict):
        return
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in recorded.items() if (app, name) not in known)
    if unknown:
        raise ServiceError(
            "Bản sao lưu này được tạo bởi phiên bản UngCuu mới hơn (có thay đổi cơ sở dữ liệu "
            f"chưa có ở phiên bản này: {', '.join(unknown[:5])}): hãy cập nhật UngCuu trước "
            "khi khôi phục."
        )


def _replace_uploads(unpacked: Path) -> None:
    uploads = Path(settings.MEDIA_ROOT)
    uploads.parent.mkdir(parents=True, exist_ok=True)
    incoming = unpacked / UPLOADS
    if not incoming.is_dir():
        incoming.mkdir()
    old = uploads.with_name(f".{uploads.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if uploads.exists():
        os.replace(uploads, old)
    shutil.move(str(incoming), str(uploads))
    if old.exists():
        shutil.rmtree(old)


def backup_restore(
    *,
    path: Path | str,
    confirm: Callable[[dict], bool] | None = None,
    safety_copy: bool = True,
) -> Restored:
    """Put back the database and the uploads of an archive.

    ``confirm`` sees the manifest once the archive is checked and may still say no.
    Before anything is replaced the current data is saved (``ungcuu-before-restore-…``
    in the backup folder), so a restore of the wrong file can itself be undone."""
    with backup_open(path) as (manifest, folder):
        if confirm is not None and not confirm(manifest):
            raise ServiceError("Đã hủy: dữ liệu hiện tại giữ nguyên.")
        saved = None
        if safety_copy:
            directory = Path(settings.BACKUP_DIR)
            directory.mkdir(parents=True, exist_ok=True)
            stamp = _local_stamp(datetime.now(UTC))
            saved = backup_create(path=directory / f"{SAFETY_PREFIX}{stamp}{SUFFIX}").path
        db_file = folder / Path(manifest["database"]["file"]).name
        database_restore(manifest["engine"], db_file)
        _replace_uploads(folder)
        counts = model_counts()
        mismatches = {
            label: (expected, counts.get(label, 0))
            for label, expected in manifest["counts"].items()
            if counts.get(label, 0) != expected
        }
    # A backup from an older version gets the newer tables and columns.
    call_command("migrate", interactive=False, verbosity=0)
    return Restored(manifest=manifest, counts=counts, safety_copy=saved, mismatches=mismatches)


def backups_in(directory: Path | str) -> list[Path]:
    """The scheduled and manual archives of a folder, oldest first (never other files)."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and _NAME.match(p.name)]
    return sorted(found, key=_age_key)


def _age_key(path: Path) -> tuple[str, int]:
    match = _NAME.match(path.name)
    return (match["stamp"], int(match["n"] or 0))


def backup_prune(*, directory: Path | str | None = None, keep: int | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` archives; returns what was deleted."""
    keep = settings.BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise ServiceError("Phải giữ lại ít nhất 1 bản sao lưu.")
    found = backups_in(directory or settings.BACKUP_DIR)
    doomed = found[:-keep] if len(found) > keep else []
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def backup_daily() -> Backup:
    """The scheduled run: one archive in the backup folder, then the retention."""
    made = backup_create()
    backup_prune()
    return made
