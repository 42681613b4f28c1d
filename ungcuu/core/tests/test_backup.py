"""`ungcuu backup` and `ungcuu restore`: every record and every uploaded file comes back.

These run on whichever database the suite runs on (SQLite, then PostgreSQL with
pg_dump/pg_restore), through the real commands."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from PIL import Image

from ungcuu.core import backup
from ungcuu.core.backup import backup_create, backup_prune, model_counts
from ungcuu.core.tasks import daily_backup, utc_time_of
from ungcuu.core.testing import make_user
from ungcuu.incidents.models import Attachment, Incident
from ungcuu.incidents.services import incident_report
from ungcuu.org.models import Role, User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.BACKUP_DIR = tmp_path / "backups"
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True  # the report's notification runs inline, not in ./data
    yield
    HUEY.immediate = before


@pytest.fixture(autouse=True)
def _needs_pg_tools():
    if connection.vendor == "postgresql":
        missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if not shutil.which(tool)]
        if missing:
            pytest.skip(f"{', '.join(missing)} not installed (postgresql-client)")


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile("man-hinh.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def history(staff_a, leader_a, center_a, printer_paper, internet):
    incident_report(actor=staff_a, center=center_a, incident_type=printer_paper)
    incident_report(
        actor=leader_a,
        center=center_a,
        incident_type=internet,
        description="Mất mạng toàn Trung tâm từ 8h15",
        files=[photo()],
    )
    return Attachment.objects.get()


def restore(path, *args) -> str:
    out = StringIO()
    call_command("restore", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_restore_gives_back_every_record_and_file(history, tmp_path, settings):
    counts_before = model_counts()
    photo_bytes = Path(history.file.path).read_bytes()
    out = StringIO()
    call_command("backup", str(tmp_path / "sao-luu.tar.gz"), stdout=out)
    assert "Đã sao lưu vào" in out.getvalue()
    archive = tmp_path / "sao-luu.tar.gz"
    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"] == counts_before
    assert manifest["counts"]["incidents.Incident"] == 2
    assert manifest["uploads"]["files"] == 1

    # Life goes on after the backup: an incident is deleted, a person added, the photo lost.
    Incident.objects.filter(attachments__isnull=True).delete()
    make_user("nguoi.moi", Role.STAFF, center=history.incident.center)
    Path(history.file.path).unlink()
    assert model_counts() != counts_before

    said = restore(archive, "--yes")

    assert "Đã khôi phục" in said
    assert model_counts() == counts_before  # every model, row for row
    assert Incident.objects.count() == 2
    assert not User.objects.filter(username="nguoi.moi").exists()
    assert Path(history.file.path).read_bytes() == photo_bytes
    # What was there before the restore was kept, so the restore itself can be undone.
    safety = list(Path(settings.BACKUP_DIR).glob("ungcuu-before-restore-*.tar.gz"))
    assert len(safety) == 1


def test_backup_into_a_folder_names_the_file_by_date(history, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    made = backup_create(path=folder)
    assert made.path.parent == folder
    assert backup._NAME.match(made.path.name)
    assert made.rows == sum(model_counts().values())


def test_archives_are_named_by_local_time(db, tmp_path):
    # 19:30 UTC on 22/11 is 02:30 on 23/11 in Việt Nam.
    evening = datetime(2026, 11, 22, 19, 30, tzinfo=UTC)
    made = backup_create(path=tmp_path, now=evening)
    assert made.path.name == "ungcuu-backup-20261123-023000.tar.gz"
    assert made.manifest["created_at"] == "2026-11-22T19:30:00+00:00"  # the manifest stays UTC


def test_restore_refuses_a_backup_made_by_a_newer_version(history, tmp_path):
    made = backup_create(path=tmp_path / "a.tar.gz")

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["readiness"] = "9999_from_the_future"
        return json.dumps(manifest).encode()

    _rewrite(made.path, tmp_path / "b.tar.gz", newer)
    Incident.objects.all().delete()
    _refused(tmp_path / "b.tar.gz", "phiên bản UngCuu mới hơn")
    assert Incident.objects.count() == 0


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy an archive, letting ``change(name, data)`` alter a member's bytes."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
            else:
                dst.addfile(member)


def _refused(path, message: str, *args: str) -> None:
    before = model_counts()
    with pytest.raises(CommandError, match=message):
        restore(path, *(args or ["--yes"]))
    assert model_counts() == before


def test_restore_refuses_a_backup_of_another_database_engine(history, tmp_path):
    made = backup_create(path=tmp_path / "a.tar.gz")
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def swap_engine(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["engine"] = other
        return json.dumps(manifest).encode()

    _rewrite(made.path, tmp_path / "b.tar.gz", swap_engine)
    Incident.objects.all().delete()
    _refused(tmp_path / "b.tar.gz", "không khôi phục được")
    assert Incident.objects.count() == 0  # nothing was put back either


def test_restore_refuses_a_truncated_archive(history, tmp_path):
    made = backup_create(path=tmp_path / "a.tar.gz")
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(made.path.read_bytes()[: made.path.stat().st_size // 2])
    _refused(cut, "đã bị hỏng")


def test_restore_refuses_a_database_copy_that_does_not_match_its_checksum(history, tmp_path):
    made = backup_create(path=tmp_path / "a.tar.gz")

    def flip(name, data):
        if name.startswith("database."):
            middle = len(data) // 2
            return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
        return data

    _rewrite(made.path, tmp_path / "b.tar.gz", flip)
    _refused(tmp_path / "b.tar.gz", "không khớp mã kiểm tra")


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    text = tmp_path / "ghi-chu.tar.gz"
    text.write_text("không phải bản sao lưu", encoding="utf-8")
    _refused(text, "không phải bản sao lưu UngCuu")
    _refused(tmp_path / "khong-co.tar.gz", "Không tìm thấy tệp sao lưu")


def test_restore_asks_before_replacing_anything(history, tmp_path, monkeypatch):
    made = backup_create(path=tmp_path / "a.tar.gz")
    Incident.objects.all().delete()

    # Not at a terminal and no --yes: refused.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    _refused(made.path, "--yes", "--no-safety-copy")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: "")
    _refused(made.path, "Đã hủy", "--no-safety-copy")
    assert Incident.objects.count() == 0

    monkeypatch.setattr("builtins.input", lambda prompt: "Có")
    said = restore(made.path)
    assert Incident.objects.count() == 2
    created = datetime.fromisoformat(made.manifest["created_at"])
    local = timezone.localtime(created)
    assert f"{local:%H:%M:%S ngày %d/%m/%Y} (giờ Việt Nam)" in said
    assert "UTC" not in said


def _touch(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"x")
    return path


def test_retention_deletes_only_the_oldest_archives(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    days = [f"ungcuu-backup-202611{day:02d}-193000.tar.gz" for day in range(1, 7)]
    for name in reversed(days):
        _touch(folder, name)
    same_second = _touch(folder, "ungcuu-backup-20261106-193000-1.tar.gz")
    others = [
        _touch(folder, "ungcuu-before-restore-20261101-080000.tar.gz"),
        _touch(folder, "ghi-chu.txt"),
    ]

    removed = backup_prune(directory=folder, keep=3)

    assert sorted(p.name for p in removed) == days[:4]
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([days[4], days[5], same_second.name, *(p.name for p in others)])


def test_the_daily_backup_keeps_the_configured_number(history, settings):
    settings.BACKUP_KEEP = 2
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir()
    oldest = _touch(folder, "ungcuu-backup-20200101-193000.tar.gz")
    older = _touch(folder, "ungcuu-backup-20200102-193000.tar.gz")

    daily_backup.call_local()  # what the worker runs each day

    left = backup.backups_in(folder)
    assert len(left) == 2
    assert not oldest.exists()
    assert left[0] == older
    manifest = json.loads(tarfile.open(left[1]).extractfile("manifest.json").read())
    assert manifest["counts"]["incidents.Attachment"] == 1


def test_the_daily_backup_runs_at_the_configured_local_time():
    task = daily_backup.s()
    assert task.validate_datetime(datetime(2026, 11, 23, 19, 30))  # 02:30 in Vietnam
    assert not task.validate_datetime(datetime(2026, 11, 23, 19, 31))
    assert not task.validate_datetime(datetime(2026, 11, 23, 2, 30))


def test_the_daily_time_is_local_time_turned_into_utc():
    assert utc_time_of("02:30").strftime("%H:%M") == "19:30"
    assert utc_time_of("07:00").strftime("%H:%M") == "00:00"


def test_backup_into_a_missing_folder_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("backup", str(tmp_path / "khong-co" / "a.tar.gz"), stdout=StringIO())
    assert not (tmp_path / "khong-co").exists()
