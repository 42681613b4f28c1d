from django.core.management.base import BaseCommand, CommandError

from ungcuu.core.errors import ServiceError
from ungcuu.notify.models import Channel
from ungcuu.notify.services import channel_add
from ungcuu.org.models import User
from ungcuu.sync.conf import is_node

AT_NODE = (
    "Đây là máy của Trung tâm: kênh nhận tin do máy chủ của tỉnh quản lý. Hãy gắn kênh "
    "trên máy chủ của tỉnh (lệnh `ungcuu channel add` ở đó); máy này nhận lại thay đổi "
    "trong vòng một phút."
)


class Command(BaseCommand):
    help = "Kênh nhận tin: `channel add USERNAME APPRISE_URL`, `channel list`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Gắn một kênh (địa chỉ Apprise) cho một người")
        add.add_argument("username")
        add.add_argument("url")
        add.add_argument("--label", default="")
        sub.add_parser("list", help="Liệt kê các kênh")

    def handle(self, *args, action, **options):
        if action == "add":
            if is_node():  # the hub's copy wins at the next pull: nothing is written here
                raise CommandError(AT_NODE)
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng “{options['username']}”.")
            try:
                channel = channel_add(person=user, url=options["url"], label=options["label"])
            except ServiceError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"Đã gắn kênh {channel.scheme}:// cho {user.username} (thứ tự {channel.position})."
            )
            return
        for channel in Channel.objects.select_related("person", "contact__organisation"):
            owner = channel.person.username if channel.person_id else str(channel.contact)
            state = "" if channel.is_active else " (tắt)"
            self.stdout.write(
                f"{owner}\t{channel.position}\t{channel.scheme}://…\t{channel.label}{state}"
            )
