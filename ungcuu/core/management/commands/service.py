"""`ungcuu service install|uninstall`: start UngCuu with the machine, by itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ungcuu.core import service
from ungcuu.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Cài UngCuu thành dịch vụ tự chạy khi bật máy (sau mất điện): systemd trên Linux, "
        "Task Scheduler trên Windows. --print chỉ in ra, không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["install", "uninstall"])
        parser.add_argument(
            "--print", dest="print_only", action="store_true", help="Chỉ in tệp và lệnh, không ghi."
        )
        parser.add_argument(
            "--platform",
            choices=["linux", "windows"],
            default=None,
            help="Hệ điều hành đích (mặc định: máy này).",
        )
        parser.add_argument(
            "--target",
            type=Path,
            default=None,
            help="Thư mục ghi tệp (mặc định /etc/systemd/system; Windows: thư mục dữ liệu). "
            "Khác thư mục mặc định thì chỉ ghi tệp, không bật dịch vụ.",
        )
        parser.add_argument("--user", default=None, help="Tài khoản Linux chạy dịch vụ (User=).")
        parser.add_argument(
            "--no-enable", action="store_true", help="Chỉ ghi tệp, không bật/đăng ký dịch vụ."
        )

    def handle(self, *args, action, print_only, platform, target, user, no_enable, **options):
        platform = platform or service.current_platform()
        try:
            if action == "install":
                self._install(platform, target, user, not no_enable, print_only)
            else:
                self._uninstall(platform, target, print_only)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

    def _install(self, platform, target, user, enable, print_only):
        plan = service.install_plan(platform=platform, target=target, user=user, enable=enable)
        if print_only:
            self.stdout.write(plan.describe())
            return
        service.check_can_install(platform, plan)
        answers = service.install(plan)
        for path in plan.files:
            self.stdout.write(f"Đã ghi {path}")
        for answer in answers:
            if answer:
                self.stdout.write(answer)
        if plan.commands:
            self.stdout.write(
                self.style.SUCCESS("Đã cài dịch vụ: UngCuu sẽ tự chạy mỗi khi bật máy.")
            )
        else:
            self.stdout.write("Chưa bật dịch vụ (chỉ ghi tệp).")

    def _uninstall(self, platform, target, print_only):
        files, commands = service.uninstall_plan(platform=platform, target=target)
        if print_only:
            for command in commands:
                self.stdout.write(subprocess.list2cmdline(command))
            for path in files:
                self.stdout.write(f"xóa {path}")
            return
        for command in commands:
            subprocess.run(command, capture_output=True, text=True)  # absent already: fine
        for path in files:
            path.unlink(missing_ok=True)
            self.stdout.write(f"Đã xóa {path}")
