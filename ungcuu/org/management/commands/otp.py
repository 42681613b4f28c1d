"""`ungcuu otp reset USERNAME` (a lost phone) and `ungcuu otp status USERNAME`."""

from django.core.management.base import BaseCommand, CommandError

from ungcuu.org.models import User
from ungcuu.org.two_step import two_step_reset, two_step_status


class Command(BaseCommand):
    help = (
        "Đăng nhập hai bước: `reset USERNAME` xóa ứng dụng xác thực và mã dự phòng của một "
        "người (mất điện thoại) để họ cài đặt lại ở lần đăng nhập sau; `status USERNAME` "
        "cho biết tình trạng."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="reset|status")
        reset = actions.add_parser("reset", help="Xóa ứng dụng xác thực và mã dự phòng.")
        reset.add_argument("username")
        status = actions.add_parser("status", help="Tình trạng đăng nhập hai bước.")
        status.add_argument("username")

    def handle(self, *args, action, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        if action == "reset":
            removed = two_step_reset(user=user)
            if removed:
                self.stdout.write(
                    f"Đã xóa ứng dụng xác thực và mã dự phòng của “{username}”. "
                    "Lần đăng nhập sau, người này sẽ cài đặt lại (quét mã QR mới)."
                )
            else:
                self.stdout.write(
                    f"“{username}” chưa cài đặt đăng nhập hai bước; không có gì để xóa."
                )
            return
        status = two_step_status(user)
        self.stdout.write(
            "Bắt buộc: {required}. Ứng dụng xác thực: {app}. Mã dự phòng còn: {left}.".format(
                required="có" if status["required"] else "không",
                app="đã cài" if status["app"] else "chưa cài",
                left=status["backup_left"],
            )
        )
