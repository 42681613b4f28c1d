"""Reminders: low stock, certificate expiry, missed start-of-day check, equipment
due for a test, periodic password change. Sent through the notification outbox
once per key, and shown on the home page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ungcuu.core.site import absolute
from ungcuu.notify import services as notify
from ungcuu.org.models import Center, Role, User
from ungcuu.readiness.models import (
    Certificate,
    CertStatus,
    Equipment,
    EquipmentKind,
    EquipmentStatus,
    SupplyItem,
)
from ungcuu.readiness.services.certificates import warning_level
from ungcuu.readiness.services.checks import check_missed, policy_for
from ungcuu.sync.outbox import reminds_here

IT_ROLES = (Role.IT_OFFICER,)
LEADER_ROLES = (Role.TEAM_LEADER, Role.CENTER_LEADER)


@dataclass
class Reminder:
    kind: str
    key: str
    title: str
    body: str
    url: str
    urgent: bool = False
    people: list[User] = field(default_factory=list)


def _people(center: Center, roles) -> list[User]:
    return list(User.objects.filter(center=center, role__in=list(roles), is_active=True))


def _here(person: User | None, center: Center) -> bool:
    """Still an active officer of this center (not deactivated, not moved elsewhere)."""
    return bool(person is not None and person.is_active and person.center_id == center.pk)


def _link(name: str, *args) -> str:
    return reverse(name, args=args)


def _when(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def center_reminders(center: Center, now: datetime | None = None) -> list[Reminder]:
    """What needs doing at a center now (drill records never take part)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    stamp = today.isoformat()
    found: list[Reminder] = []
    it_people = _people(center, IT_ROLES) or _people(center, LEADER_ROLES)

    if check_missed(center, now):
        deadline = policy_for(center).check_deadline
        found.append(
            Reminder(
                kind="check",
                key=f"check-missed:{center.pk}:{stamp}",
                title=f"Chưa kiểm tra phần mềm đầu ngày – {center.short_name}",
                body=(
                    f"Đến {deadline:%H:%M} ngày {_when(today)} {center.name} chưa kiểm tra "
                    "phần mềm, đường truyền, máy in đầu ngày."
                ),
                url=_link("readiness:check"),
                urgent=True,
                people=_people(center, LEADER_ROLES),
            )
        )

    for item in SupplyItem.objects.filter(center=center, stock__lte=F("threshold")).select_related(
        "assignee"
    ):
        found.append(
            Reminder(
                kind="supply",
                key=f"supply-low:{item.pk}:{stamp}",
                title=f"Vật tư sắp hết: {item.name} – {center.short_name}",
                body=(
                    f"{item.name} chỉ còn {item.stock} {item.unit} "
                    f"(định mức {item.quota}, báo khi còn {item.threshold}). Đề nghị bổ sung."
                ),
                url=_link("readiness:supply", item.pk),
                urgent=item.stock == 0,
                people=[item.assignee] if _here(item.assignee, center) else it_people,
            )
        )

    for cert in (
        Certificate.objects.filter(center=center)
        .exclude(status=CertStatus.REVOKED)
        .select_related("holder")
    ):
        level = warning_level(cert, today)
        if level is None:
            continue
        left = cert.days_left(today)
        holder = [cert.holder] if _here(cert.holder, center) else []
        when = "đã hết hạn" if left < 0 else f"còn {left} ngày (hết hạn {_when(cert.valid_to)})"
        found.append(
            Reminder(
                kind="certificate",
                key=f"cert:{cert.pk}:{cert.valid_to.isoformat()}:{level}",
                title=f"Chứng thư số {when} – {cert.holder.display_name}",
                body=(
                    f"Chứng thư số số hiệu {cert.serial} của {cert.holder.display_name} {when}. "
                    "Làm thủ tục cấp mới theo quy định của Ban Cơ yếu Chính phủ."
                ),
                url=_link("readiness:certificate", cert.pk),
                urgent=level <= 7,
                people=list({p.pk: p for p in [*holder, *it_people]}.values()),
            )
        )

    for item in Equipment.objects.filter(center=center, next_maintenance_on__lte=today).exclude(
        status=EquipmentStatus.RETIRED
    ):
        found.append(
            Reminder(
                kind="equipment",
                key=f"equipment-due:{item.pk}:{item.next_maintenance_on.isoformat()}",
                title=f"Đến hạn kiểm tra, bảo trì: {item.name} – {center.short_name}",
                body=(
                    f"{item.get_kind_display()} “{item.name}” đến hạn kiểm tra, bảo trì từ "
                    f"{_when(item.next_maintenance_on)}."
                ),
                url=_link("readiness:equipment_item", item.pk),
                people=it_people,
            )
        )

    if not has_backup_printer(center):
        found.append(
            Reminder(
                kind="backup-printer",
                key=f"backup-printer:{center.pk}",
                title=f"Chưa có máy in dự phòng – {center.short_name}",
                body=(
                    "Phương án yêu cầu có ít nhất 1 máy in dự phòng hoặc có thể sử dụng luân "
                    "phiên giữa các bộ phận. Ghi máy in dự phòng (hoặc máy của bộ phận dùng "
                    "luân phiên) vào danh mục thiết bị, đánh dấu “thiết bị dự phòng”."
                ),
                url=_link("readiness:equipment"),
                people=it_people,
            )
        )
    return found


def has_backup_printer(center: Center) -> bool:
    """000 1.1c: a backup printer in working order is on the center's equipment register
    (one that is broken or away for repair cannot stand in today)."""
    return Equipment.objects.filter(
        center=center,
        kind=EquipmentKind.PRINTER,
        is_backup=True,
        status=EquipmentStatus.WORKING,
    ).exists()


def password_reminder(
    person: User, now: datetime | None = None, *, days: int | None = None
) -> Reminder | None:
    """Seed 000 1.2.3: remind each officer to change passwords every N days
    (``days``: the center's setting, when the caller already has it)."""
    if not person.center_id:
        return None
    if days is None:
        days = policy_for(person.center).password_days
    if not days:
        return None
    today = timezone.localtime(now or timezone.now()).date()
    since = timezone.localtime(person.date_joined).date()
    period = (today - since).days // days
    if period < 1:
        return None
    return Reminder(
        kind="password",
        key=f"password:{person.pk}:{period}",
        title="Đến kỳ đổi mật khẩu",
        body=(
            f"Định kỳ {days} ngày: đề nghị đổi mật khẩu các tài khoản phần mềm một cửa, "
            "Cổng Dịch vụ công, VNeID… dùng mật khẩu mạnh và không chia sẻ."
        ),
        url="",
        people=[person],
    )


def reminders_send(*, now: datetime | None = None) -> int:
    """Queue every due reminder once. Returns how many messages were queued."""
    now = now or timezone.now()
    queued = 0
    for center in Center.objects.all():
        if not reminds_here(center):
            continue  # the center's node reminds its people (or, at a node, another center)
        for reminder in center_reminders(center, now):
            queued += _send(reminder)
        days = policy_for(center).password_days  # once per center, not per officer
        for person in User.objects.filter(center=center, is_active=True):
            reminder = password_reminder(person, now, days=days)
            if reminder is not None:
                queued += _send(reminder)
    return queued


def _send(reminder: Reminder) -> int:
    count = 0
    url = absolute(reminder.url) if reminder.url else ""
    body = f"{reminder.body}\n{url}" if url else reminder.body
    for person in reminder.people:
        _, created = notify.remind(
            person=person,
            title=reminder.title,
            body=body,
            key=f"{reminder.key}:{person.pk}",
        )
        count += created
    return count
