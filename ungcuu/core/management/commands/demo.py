"""`ungcuu demo`: migrate, build the demo database once, print the demo logins."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ungcuu.core.demo import (
    ADMIN_LOGIN,
    DEMO_NOTE,
    DEMO_PASSWORD,
    demo_build,
    demo_exists,
    demo_logins,
)
from ungcuu.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Tạo cơ sở dữ liệu trình diễn: 5 Trung tâm mẫu, người dùng, đơn vị liên hệ, lịch trực "
        "và khoảng một năm lịch sử sự cố; in tài khoản demo. Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=12,
            help="Số tháng lịch sử sự cố cần tạo (mặc định 12).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Hạt giống ngẫu nhiên (mặc định 2026)."
        )

    def handle(self, *args, months: int, seed: int, **options):
        if not 0 <= months <= 12:
            raise CommandError("--months phải từ 0 đến 12.")
        call_command("migrate", interactive=False, verbosity=0)

        if demo_exists():
            self.stdout.write(
                "Dữ liệu demo đã có sẵn, không tạo thêm. "
                "(The demo data already exists; nothing was added.)"
            )
        else:
            self.stdout.write("Đang tạo dữ liệu demo… (building the demo database)")
            try:
                summary = demo_build(stdout=self.stdout, seed=seed, months=months)
            except ServiceError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã tạo {summary.incidents} sự cố với {summary.events} diễn biến "
                    f"({summary.open_incidents} đang mở, {summary.escalated_incidents} đã "
                    f"chuyển tuyến) trong {summary.seconds:.1f} giây. "
                    f"(Created {summary.incidents} incidents, {summary.events} events.)"
                )
            )
        self._print_logins()

    def _print_logins(self) -> None:
        users = demo_logins()
        if not users:
            self.stdout.write(
                "Cơ sở dữ liệu này đã có dữ liệu khác nên không tạo tài khoản demo. "
                "(This database already holds other data; no demo accounts were made.)"
            )
            return
        rows = [("Tên đăng nhập", "Vai trò", "Đơn vị")]
        rows += [(user.username, user.get_role_display(), user.home_name or "—") for user in users]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        self.stdout.write("")
        self.stdout.write("Tài khoản demo (demo logins):")
        for index, (username, role, home) in enumerate(rows):
            line = f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {home}"
            self.stdout.write(self.style.MIGRATE_HEADING(line) if index == 0 else line)
        self.stdout.write("")
        self.stdout.write(f"Mật khẩu chung cho mọi tài khoản (password): {DEMO_PASSWORD}")
        self.stdout.write(
            f"Tài khoản {ADMIN_LOGIN} luôn phải đăng nhập hai bước: lần đăng nhập đầu tiên sẽ "
            "hiện mã QR để cài ứng dụng xác thực (Google Authenticator, Microsoft "
            "Authenticator…) trên điện thoại. (The admin is asked to set up two-step sign-in "
            "with an authenticator app at the first sign-in; the other demo logins are not.)"
        )
        self.stdout.write(
            self.style.WARNING(
                f"{DEMO_NOTE}: không dùng cho hệ thống thật; đổi mật khẩu hoặc xóa các tài "
                "khoản này trước khi đưa vào sử dụng. (For the demo only: change or remove "
                "these accounts before real use.)"
            )
        )
