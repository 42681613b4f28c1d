"""`ungcuu restore PATH`: put back the database and uploads of a backup archive."""

from __future__ import annotations

import sys
from datetime import UTC

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ungcuu.core.backup import ENGINE_NAMES, backup_restore
from ungcuu.core.errors import ServiceError

YES = {"y", "yes", "co", "có", "dong y", "đồng ý"}


def _local(created_at) -> str:
    """The manifest's UTC moment as local time (Asia/Ho_Chi_Minh), as officers read it."""
    moment = parse_datetime(str(created_at or ""))
    if moment is None:
        return str(created_at)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return f"{timezone.localtime(moment):%H:%M:%S ngày %d/%m/%Y} (giờ Việt Nam)"


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và tệp tải lên từ một bản sao lưu của `ungcuu backup`. "
        "Dữ liệu hiện tại được sao lưu trước (ungcuu-before-restore-…) rồi mới bị thay thế."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp sao lưu (.tar.gz).")
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_true",
            dest="yes",
            help="Không hỏi xác nhận.",
        )
        parser.add_argument(
            "--no-safety-copy",
            action="store_true",
            help="Không sao lưu dữ liệu hiện tại trước khi khôi phục.",
        )

    def _confirm(self, manifest: dict) -> bool:
        engine = ENGINE_NAMES.get(manifest["engine"], manifest["engine"])
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Bản sao lưu lúc {_local(manifest['created_at'])}, {engine}, {rows} bản ghi, "
            f"{manifest['uploads']['files']} tệp tải lên.\n"
            "Toàn bộ dữ liệu hiện tại sẽ được thay bằng dữ liệu trong bản sao lưu này."
        )
        if not sys.stdin or not sys.stdin.isatty():
            raise ServiceError("Cần xác nhận: chạy lại với --yes để khôi phục mà không hỏi.")
        answer = input("Gõ “có” để tiếp tục, Enter để hủy: ")
        return answer.strip().lower() in YES

    def handle(self, *args, path: str, yes: bool, no_safety_copy: bool, **options):
        try:
            done = backup_restore(
                path=path,
                confirm=None if yes else self._confirm,
                safety_copy=not no_safety_copy,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if done.safety_copy:
            self.stdout.write(f"Dữ liệu trước khi khôi phục đã được lưu ở {done.safety_copy}")
        if done.mismatches:
            for label, (expected, found) in done.mismatches.items():
                self.stderr.write(f"{label}: bản sao lưu có {expected}, khôi phục được {found}")
            raise CommandError("Số bản ghi sau khi khôi phục không khớp bản sao lưu.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục {sum(done.counts.values())} bản ghi và "
                f"{done.manifest['uploads']['files']} tệp tải lên."
            )
            + " Hãy khởi động lại `ungcuu serve` nếu đang chạy."
        )
