from django.core.management.base import BaseCommand, CommandError

from ungcuu.org.models import User
from ungcuu.org.services import token_issue


class Command(BaseCommand):
    help = "In ra một mã truy cập API mới cho người dùng (Authorization: Bearer <mã>)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--label", default="cli")

    def handle(self, *args, username, label, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        if not user.is_active:
            raise CommandError(f"Tài khoản “{username}” đang bị khóa.")
        self.stdout.write(token_issue(user=user, label=label))
