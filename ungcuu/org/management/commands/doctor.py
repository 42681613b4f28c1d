"""`ungcuu doctor`: is this installation ready to alert someone? Exit 1 when not."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ungcuu.org.models import Center
from ungcuu.org.setup.checks import doctor_checks


class Command(BaseCommand):
    help = (
        "Kiểm tra cơ sở dữ liệu, tiến trình nền và hàng đợi, kênh nhận tin đã gửi thử, ổ đĩa, "
        "đồng hồ, bản sao lưu gần nhất, địa chỉ công khai (UNGCUU_BASE_URL) và từng Trung tâm. "
        "Trả mã 1 khi có mục chưa đạt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--center", help="Chỉ kiểm tra Trung tâm có mã này (ví dụ bachngoc).")

    def handle(self, *args, center: str | None = None, **options):
        centers = None
        if center:
            centers = list(Center.objects.filter(code=center))
            if not centers:
                raise CommandError(f"Không có Trung tâm mã “{center}”.")
        found = doctor_checks(centers)
        bad = 0
        for where, check in found:
            mark = self.style.SUCCESS("[ĐẠT]  ") if check.ok else self.style.ERROR("[CHƯA] ")
            bad += not check.ok
            line = f"{mark}{where + ': ' if where else ''}{check.title}"
            if check.detail:
                line += f" — {check.detail}"
            self.stdout.write(line)
        if bad:
            self.stdout.write(self.style.ERROR(f"{bad}/{len(found)} mục chưa đạt."))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"Tất cả {len(found)} mục đều đạt."))
