"""What a center still lacks before alerts reach someone, and the same checks for the
whole installation (`ungcuu doctor`)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.org.models import RESPONSE_TEAM_ROLES, Center, Role, User
from ungcuu.org.scope import sees_everything
from ungcuu.org.selectors import contacts_for

SETUP_ROLES = frozenset({Role.CENTER_LEADER, Role.IT_OFFICER})
# Who sees the banner on the home page while something is missing.
BANNER_ROLES = SETUP_ROLES | {Role.TEAM_LEADER}
BACKUP_MAX_AGE = timedelta(days=2)
DISK_MIN_FREE = 1024**3  # 1 GiB
QUEUE_MAX = 200
OUTBOX_LATE = timedelta(minutes=5)


def may_set_up(user: User, center: Center | None) -> bool:
    """A center leader or IT officer sets up their own center; an administrator any."""
    if not user.is_authenticated or center is None:
        return False
    if sees_everything(user):
        return True
    return user.role in SETUP_ROLES and user.center_id == center.id


def require_setup(user: User, center: Center) -> None:
    if not may_set_up(user, center):
        raise ServiceError(
            "Chỉ Lãnh đạo Trung tâm hoặc Cán bộ CNTT khai báo Trung tâm.", status=403
        )


@dataclass
class Check:
    key: str
    ok: bool
    title: str
    detail: str = ""
    anchor: str = ""  # where on the set-up page to fix it


# --- one center ------------------------------------------------------------------------


def _week_days(today: date) -> list[date]:
    """The working days left this week (today included); at the weekend, next week's."""
    days = [
        today + timedelta(days=n) for n in range(7 - today.weekday()) if (today.weekday() + n) < 5
    ]
    if not days:
        monday = today + timedelta(days=7 - today.weekday())
        days = [monday + timedelta(days=n) for n in range(5)]
    return days


def _channel_owner_q(center: Center) -> Q:
    return Q(person__center=center, person__is_active=True) | Q(contact__center=center)


def channels_untested(channels) -> tuple[list, list]:
    """(failed, never shown to work): a channel works once a test or a real message went
    through it, and stops when its last test failed."""
    from ungcuu.notify.models import Delivery, DeliveryState

    sent = Delivery.objects.filter(channel=OuterRef("pk"), state=DeliveryState.SENT)
    failed, unknown = [], []
    for channel in channels.annotate(has_sent=Exists(sent)):
        if channel.test_ok is False:
            failed.append(channel)
        elif channel.test_ok is None and not channel.has_sent:
            unknown.append(channel)
    return failed, unknown


def center_checks(center: Center, today: date | None = None) -> list[Check]:
    """The center's own list: who is told, who is on duty, whom to call, what it has."""
    from ungcuu.notify.models import Channel
    from ungcuu.readiness.models import Equipment

    today = today or timezone.localdate()
    checks: list[Check] = []
    team = list(
        User.objects.filter(center=center, is_active=True, role__in=sorted(RESPONSE_TEAM_ROLES))
        .annotate(has_channel=Exists(Channel.objects.filter(person=OuterRef("pk"), is_active=True)))
        .order_by("full_name")
    )
    leaders = [p for p in team if p.role == Role.TEAM_LEADER]
    checks.append(
        Check(
            "team_leader",
            bool(leaders),
            "Có Tổ trưởng Tổ ứng cứu",
            "" if leaders else "Chưa có ai giữ vai trò Tổ trưởng Tổ ứng cứu.",
            "import",
        )
    )
    silent_leaders = [p.display_name for p in leaders if not p.has_channel]
    checks.append(
        Check(
            "team_leader_channel",
            bool(leaders) and not silent_leaders,
            "Tổ trưởng có kênh nhận tin",
            ("Chưa có kênh: " + ", ".join(silent_leaders)) if silent_leaders else "",
            "channels",
        )
    )
    silent = [p.display_name for p in team if not p.has_channel and p.role != Role.TEAM_LEADER]
    checks.append(
        Check(
            "team_channels",
            not silent,
            "Thành viên Tổ ứng cứu có kênh nhận tin",
            ("Chưa có kênh: " + ", ".join(silent[:8]) + ("…" if len(silent) > 8 else ""))
            if silent
            else "",
            "channels",
        )
    )
    failed, unknown = channels_untested(
        Channel.objects.filter(_channel_owner_q(center), is_active=True)
    )
    parts = []
    if failed:
        parts.append(f"{len(failed)} kênh gửi thử bị lỗi")
    if unknown:
        parts.append(f"{len(unknown)} kênh chưa gửi thử")
    checks.append(
        Check(
            "channels_tested", not parts, "Các kênh đã gửi thử được", "; ".join(parts), "channels"
        )
    )
    from ungcuu.org.models import DutyShift

    days = _week_days(today)
    covered = set(
        DutyShift.objects.filter(center=center, date__in=days, person__is_active=True).values_list(
            "date", flat=True
        )
    )
    empty = [d for d in days if d not in covered]
    checks.append(
        Check(
            "duty_week",
            not empty,
            "Tuần này ngày nào cũng có người trực",
            ("Chưa có người trực: " + ", ".join(d.strftime("%d/%m") for d in empty))
            if empty
            else "",
            "import",
        )
    )
    has_contacts = bool(contacts_for(center))
    checks.append(
        Check(
            "contacts",
            has_contacts,
            "Có đầu mối liên hệ bên ngoài (nhà mạng, đơn vị phần mềm…)",
            "" if has_contacts else "Chưa có đầu mối nào.",
            "import",
        )
    )
    has_equipment = Equipment.objects.filter(center=center).exists()
    checks.append(
        Check(
            "equipment",
            has_equipment,
            "Đã khai báo thiết bị (máy in, đường truyền, máy nổ…)",
            "" if has_equipment else "Chưa có thiết bị nào.",
            "import",
        )
    )
    checks.append(backup_check())
    checks.append(base_url_check())
    return checks


# --- the installation ----------------------------------------------------------------------


def backup_check(now: datetime | None = None) -> Check:
    from ungcuu.core.backup import backups_in

    now = now or timezone.now()
    found = backups_in(settings.BACKUP_DIR)
    title = "Có bản sao lưu gần đây"
    if not found:
        return Check("backup", False, title, "Chưa có bản sao lưu nào (chạy: ungcuu backup).")
    newest = found[-1]
    made = datetime.fromtimestamp(newest.stat().st_mtime, tz=timezone.get_current_timezone())
    age = now - made
    if age > BACKUP_MAX_AGE:
        return Check(
            "backup", False, title, f"Bản sao lưu mới nhất đã {age.days} ngày ({newest.name})."
        )
    return Check(
        "backup", True, title, f"{newest.name}, lúc {timezone.localtime(made):%H:%M %d/%m/%Y}"
    )


def base_url_check() -> Check:
    from ungcuu.core import site

    url = site.base_url()
    title = "Địa chỉ công khai mở được từ điện thoại"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Check("base_url", False, title, f"Địa chỉ công khai không hợp lệ: {url!r}.")
    if site.is_loopback(url):
        return Check(
            "base_url",
            False,
            title,
            f"Địa chỉ công khai là {url}: điện thoại không mở được liên kết và mã QR. "
            "Đặt địa chỉ trong mạng nội bộ, ví dụ http://192.168.1.10:8000.",
        )
    return Check("base_url", True, title, url)


def database_check() -> Check:
    from django.db.migrations.executor import MigrationExecutor

    title = "Cơ sở dữ liệu trả lời"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # the doctor reports a broken database, it does not crash on it
        return Check("database", False, title, str(exc)[:200])
    if pending:
        return Check(
            "database",
            False,
            title,
            f"{len(pending)} bước cập nhật chưa chạy (chạy: ungcuu migrate).",
        )
    return Check("database", True, title, connection.vendor)


def worker_check() -> Check:
    from huey.contrib.djhuey import HUEY

    from ungcuu.core.heartbeat import ALIVE_SECONDS, seconds_since_beat
    from ungcuu.notify.models import Delivery, DeliveryState

    title = "Tiến trình nền (gửi tin, nhắc việc) đang chạy"
    since = seconds_since_beat()
    try:
        depth = HUEY.pending_count()
    except Exception:  # the queue file is missing or locked: the count is unknown
        depth = None
    late = (
        Delivery.objects.filter(
            state=DeliveryState.PENDING,
            created_at__lt=timezone.now() - OUTBOX_LATE,
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=timezone.now()))
        .count()
    )
    queue = f"hàng đợi {depth if depth is not None else '?'} việc, {late} tin chờ quá 5 phút"
    if since is None:
        return Check("worker", False, title, f"Chưa thấy tiến trình nền chạy lần nào; {queue}.")
    if since > ALIVE_SECONDS or since < -60:
        return Check(
            "worker", False, title, f"Lần cuối thấy chạy cách đây {int(since // 60)} phút; {queue}."
        )
    if (depth or 0) > QUEUE_MAX or late:
        return Check("worker", False, title, f"Đang chạy nhưng tồn việc: {queue}.")
    return Check("worker", True, title, queue)


def channels_check() -> Check:
    from ungcuu.notify.models import Channel

    failed, unknown = channels_untested(Channel.objects.filter(is_active=True))
    title = "Các kênh nhận tin đã gửi thử được"
    if not failed and not unknown:
        return Check("channels", True, title, "")
    names = ", ".join(str(c) for c in (failed + unknown)[:5])
    return Check(
        "channels",
        False,
        title,
        f"{len(failed)} kênh lỗi, {len(unknown)} kênh chưa gửi thử ({names}).",
    )


def disk_check() -> Check:
    usage = shutil.disk_usage(settings.DATA_DIR)
    free_gb = usage.free / 1024**3
    ok = usage.free >= DISK_MIN_FREE and usage.free >= usage.total * 0.05
    return Check("disk", ok, "Ổ đĩa còn chỗ", f"Còn trống {free_gb:.1f} GB ở {settings.DATA_DIR}.")


def clock_check() -> Check:
    now = timezone.now()
    title = "Đồng hồ máy đúng"
    if not 2025 <= now.year <= 2100:
        return Check("clock", False, title, f"Ngày giờ máy là {now:%d/%m/%Y}: hãy chỉnh lại.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT now()")
            database_now = cursor.fetchone()[0]
        drift = abs((database_now - now).total_seconds())
        if drift > 60:
            return Check(
                "clock", False, title, f"Máy này và máy cơ sở dữ liệu lệch nhau {int(drift)} giây."
            )
    return Check("clock", True, title, f"{timezone.localtime(now):%H:%M %d/%m/%Y}")


def doctor_checks(centers=None) -> list[tuple[str, Check]]:
    """Every check of the installation, then each center's list: (where, check) pairs."""
    found: list[tuple[str, Check]] = [("", database_check())]
    if found[0][1].ok:
        found += [("", worker_check()), ("", channels_check())]
    found += [("", disk_check()), ("", clock_check()), ("", backup_check()), ("", base_url_check())]
    if found[0][1].ok:
        for center in centers if centers is not None else Center.objects.all():
            for check in center_checks(center):
                if check.key not in ("backup", "base_url"):
                    found.append((center.short_name, check))
    return found


# --- the banner on the home page ----------------------------------------------------------


def setup_banner(user: User) -> dict | None:
    """For a center's leaders while something is missing: what, and where to fix it."""
    if not user.is_authenticated or user.role not in BANNER_ROLES or not user.center_id:
        return None
    missing = [c for c in center_checks(user.center) if not c.ok]
    if not missing:
        return None
    link = reverse("setup") if may_set_up(user, user.center) else None
    return {"missing": missing, "link": link}
