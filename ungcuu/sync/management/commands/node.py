"""`ungcuu node add|list|revoke CENTER_CODE` on a hub; `ungcuu node join URL KEY` and
`ungcuu node sync` on a center's node."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ungcuu.org.models import Center


class Command(BaseCommand):
    help = "Quản lý máy của Trung tâm (node) và đồng bộ với máy chủ của tỉnh."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Cấp mã cho máy của một Trung tâm (trên máy chủ).")
        add.add_argument("center")
        sub.add_parser("list", help="Các máy của Trung tâm và lần liên lạc cuối.")
        revoke = sub.add_parser("revoke", help="Thu hồi mã của máy một Trung tâm.")
        revoke.add_argument("center")
        join = sub.add_parser("join", help="Nối máy này với máy chủ của tỉnh.")
        join.add_argument("url")
        join.add_argument("key")
        sub.add_parser("sync", help="Đồng bộ ngay với máy chủ của tỉnh (trên máy Trung tâm).")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _center(self, code: str) -> Center:
        center = Center.objects.filter(code=code.strip()).first()
        if center is None:
            raise CommandError(f"Không có trung tâm mã “{code}”.")
        return center

    def _add(self, center, **options):
        from ungcuu.sync.hub import node_add

        node, key = node_add(self._center(center))
        self.stdout.write(
            f"Đã cấp mã cho máy của {node.center.name}. Mã chỉ hiện một lần; trên máy "
            "của Trung tâm chạy: ungcuu node join <địa chỉ máy chủ> <mã>"
        )
        self.stdout.write(key)

    def _list(self, **options):
        from ungcuu.sync.selectors import nodes_for

        rows = nodes_for()
        if not rows:
            self.stdout.write("Chưa có máy của Trung tâm nào.")
        for row in rows:
            seen = (
                timezone.localtime(row.last_seen_at).strftime("%d/%m/%Y %H:%M:%S")
                if row.last_seen_at
                else "chưa liên lạc"
            )
            state = "đã thu hồi" if row.revoked_at else ("im lặng" if row.silent else "hoạt động")
            self.stdout.write(
                f"{row.center.code}\t{state}\tliên lạc cuối: {seen}\tchờ đồng bộ: {row.backlog}"
            )

    def _revoke(self, center, **options):
        from ungcuu.sync.hub import node_revoke

        if node_revoke(self._center(center)):
            self.stdout.write("Đã thu hồi mã; máy đó không đồng bộ được nữa.")
        else:
            raise CommandError("Trung tâm này không có máy đang hoạt động.")

    def _join(self, url, key, **options):
        from ungcuu.sync import conf
        from ungcuu.sync.node import check_url

        try:
            check_url(url.rstrip("/"))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if "." not in key:
            raise CommandError("Mã không hợp lệ: dán đúng dòng cuối của `ungcuu node add`.")
        conf.store(url.rstrip("/"), key.strip())
        self.stdout.write(
            "Đã lưu địa chỉ máy chủ và mã vào thư mục dữ liệu. Chạy `ungcuu serve`: máy sẽ "
            "tự lấy dữ liệu của Trung tâm từ máy chủ."
        )

    def _sync(self, **options):
        from ungcuu.sync.conf import node_config
        from ungcuu.sync.node import HubUnreachable, bootstrap, sync_now

        if node_config() is None:
            raise CommandError("Máy này chưa nối với máy chủ của tỉnh (ungcuu node join).")
        try:
            written = bootstrap()
            pushed, pulls = sync_now()
        except HubUnreachable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã đồng bộ: {written} bản ghi danh mục, gửi {pushed} thay đổi, {pulls} lần nhận."
        )
