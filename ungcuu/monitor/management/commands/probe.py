import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ungcuu.monitor import services
from ungcuu.monitor.models import Probe


class Command(BaseCommand):
    help = (
        "Giám sát tự động: `probe run [--once] [--all]` chạy các điểm giám sát đến hạn; "
        "`probe list` liệt kê trạng thái."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Chạy các điểm giám sát đến hạn")
        run.add_argument("--once", action="store_true", help="Chạy một lượt rồi thoát")
        run.add_argument(
            "--all", action="store_true", help="Kiểm tra ngay mọi điểm đang bật (một lượt)"
        )
        run.add_argument("--center", default="", help="Chỉ trung tâm có mã này (với --all)")
        sub.add_parser("list", help="Liệt kê các điểm giám sát")

    def handle(self, *args, action, **options):
        if action == "list":
            for probe in Probe.objects.select_related("center"):
                self._line(probe)
            return
        if options["all"]:
            probes = Probe.objects.filter(enabled=True).select_related("center")
            if options["center"]:
                probes = probes.filter(center__code=options["center"])
                if not probes.exists():
                    raise CommandError(f"Không có điểm giám sát nào ở “{options['center']}”.")
            for probe in probes:
                self._line(services.run_probe_now(probe))
            return
        try:
            while True:
                ran = services.run_due()
                if options["once"]:
                    self.stdout.write(f"Đã chạy {ran} điểm giám sát.")
                    return
                if ran:
                    self.stdout.write(f"{timezone.localtime():%H:%M:%S} đã chạy {ran} điểm.")
                time.sleep(2)
        except KeyboardInterrupt:
            return

    def _line(self, probe: Probe) -> None:
        checked = (
            f"{timezone.localtime(probe.last_checked_at):%H:%M:%S}"
            if probe.last_checked_at
            else "-"
        )
        state = "flapping" if probe.flapping else probe.state
        self.stdout.write(
            f"{probe.pk}\t{probe.center.code}\t{probe.name}\t{probe.kind}\t{probe.target}\t"
            f"{state}\t{checked}\t{probe.last_error}"
        )
