"""`ungcuu backup [PATH]`: one archive of the database and the uploaded files."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from ungcuu.core.backup import backup_create, backup_prune
from ungcuu.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và các tệp ảnh/video đã tải lên vào một tệp. PATH là tên tệp "
        "hoặc một thư mục; bỏ trống thì lưu vào thư mục sao lưu (UNGCUU_BACKUP_DIR)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None, help="Tệp hoặc thư mục đích.")
        parser.add_argument(
            "--prune",
            action="store_true",
            help=f"Sau đó chỉ giữ lại {settings.BACKUP_KEEP} bản mới nhất trong thư mục sao lưu.",
        )

    def handle(self, *args, path: str | None, prune: bool, **options):
        try:
            made = backup_create(path=path)
            removed = backup_prune() if prune else []
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        uploads = made.manifest["uploads"]
        self.stdout.write(
            self.style.SUCCESS(f"Đã sao lưu vào {made.path}")
            + f" ({filesizeformat(made.path.stat().st_size)}): {made.rows} bản ghi, "
            f"{uploads['files']} tệp tải lên."
        )
        for path_removed in removed:
            self.stdout.write(f"Đã xóa bản cũ {path_removed.name}")
