"""The start-of-day check (seed 000 2.2.5: "kiểm tra phần mềm đầu ngày")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError
from ungcuu.org.models import Center, User
from ungcuu.readiness.models import (
    CheckItem,
    CheckResult,
    CheckSubmission,
    DailyCheck,
    ReadinessPolicy,
)
from ungcuu.readiness.services.common import (
    client_uuid as _client_uuid,
)
from ungcuu.readiness.services.common import (
    is_checker,
    is_keeper,
    is_working_day,
    require,
    require_center,
    text,
)
from ungcuu.sync.outbox import require_writer

# (label, catalog code of the incident a fault opens)
DEFAULT_ITEMS: list[tuple[str, str]] = [
    ("Phần mềm một cửa (Hệ thống thông tin giải quyết TTHC) đăng nhập được", "software-down"),
    ("Cổng Dịch vụ công quốc gia truy cập được", "software-down"),
    ("Kết nối CSDL quốc gia về dân cư tra cứu được", "national-db"),
    ("Đường truyền Internet chính hoạt động", "internet"),
    ("Đường truyền Internet dự phòng (nhà mạng thứ hai) hoạt động", "internet"),
    ("Bộ phát Wi-Fi 4G/5G dự phòng sạc đầy, có sóng", "internet"),
    ("Máy in in được, đủ giấy", "printer-paper"),
    ("Máy in đủ mực, bản in rõ", "printer-ink"),
    ("Hệ thống bấm số xếp hàng (QMS) hoạt động", "qms"),
    ("Chứng thư số (USB token) nhận và ký thử được", "digital-cert"),
]


def policy_for(center: Center) -> ReadinessPolicy:
    policy, _ = ReadinessPolicy.objects.get_or_create(center=center)
    return policy


def checklist(center: Center) -> list[CheckItem]:
    """The center's active checklist; a center without one gets seed 000's defaults."""
    items = list(
        CheckItem.objects.filter(center=center, is_active=True).select_related("incident_type")
    )
    if items or CheckItem.objects.filter(center=center).exists():
        return items
    types = {t.code: t for t in IncidentType.objects.filter(code__in={c for _, c in DEFAULT_ITEMS})}
    CheckItem.objects.bulk_create(
        CheckItem(center=center, label=label, incident_type=types.get(code), position=n)
        for n, (label, code) in enumerate(DEFAULT_ITEMS, start=1)
    )
    return list(CheckItem.objects.filter(center=center).select_related("incident_type"))


def check_record(
    *,
    actor: User,
    center: Center,
    ok_items: Iterable[int | str],
    all_ok: bool = False,
    client_uuid=None,
    now: datetime | None = None,
) -> DailyCheck:
    """Record today's check: the ticked items passed, the others failed.

    One check per center per day: a second one the same day replaces the results
    (the later look is the true state); replaying any ``client_uuid`` already applied,
    even one a later check replaced, changes nothing and returns the day's check."""
    require(is_checker(actor))
    require_center(actor, center)
    require_writer(center, "kiểm tra đầu ngày")
    now = now or timezone.now()
    key = _client_uuid(client_uuid)
    existing = _submitted(key)
    if existing is not None:
        if existing.center_id != center.pk:
            raise ServiceError("Mã client_uuid này đã được dùng.", status=409, field="client_uuid")
        return existing
    items = checklist(center)
    try:
        chosen = {int(i) for i in ok_items}
    except (TypeError, ValueError) as exc:
        raise ServiceError("Mục kiểm tra không hợp lệ.", field="ok") from exc
    known = {item.pk for item in items}
    if chosen - known:
        raise ServiceError("Mục kiểm tra không thuộc danh sách của Trung tâm.", field="ok")
    if all_ok:
        chosen = known
    today = timezone.localtime(now).date()
    try:
        with transaction.atomic():
            run, created = DailyCheck.objects.select_for_update().get_or_create(
                center=center,
                day=today,
                defaults={"client_uuid": key, "done_at": now, "done_by": actor},
            )
            if not created:
                run.results.all().delete()
                run.client_uuid, run.done_at, run.done_by = key, now, actor
            CheckResult.objects.bulk_create(
                CheckResult(check_run=run, item=item, label=item.label, ok=item.pk in chosen)
                for item in items
            )
            run.faults = len(known - chosen)
            run.save()
            CheckSubmission.objects.create(client_uuid=key, check_run=run, at=now)
    except IntegrityError:  # the same replay raced itself
        existing = _submitted(key)
        if existing is None:
            raise
        return existing
    return run


def _submitted(key) -> DailyCheck | None:
    """The check a ``client_uuid`` was already applied to (the latest or an earlier one)."""
    run = DailyCheck.objects.filter(client_uuid=key).first()
    if run is None:
        sub = CheckSubmission.objects.filter(client_uuid=key).select_related("check_run").first()
        run = sub.check_run if sub else None
    return run


def today_check(center: Center, today: date) -> DailyCheck | None:
    return DailyCheck.objects.filter(center=center, day=today).first()


def check_missed(center: Center, now: datetime | None = None) -> bool:
    """True once the deadline (09:00 by default) has passed on a working day with no check."""
    local = timezone.localtime(now or timezone.now())
    if not is_working_day(local.date()):
        return False
    if local.time() < policy_for(center).check_deadline:
        return False
    return not DailyCheck.objects.filter(center=center, day=local.date()).exists()


def check_item_save(
    *,
    actor: User,
    center: Center,
    label: str,
    incident_type: IncidentType | None = None,
    is_active: bool = True,
    item: CheckItem | None = None,
) -> CheckItem:
    """Add a line to a center's checklist, or change one (past results keep their text)."""
    require(is_keeper(actor))
    require_center(actor, center)
    checklist(center)  # a center edits its own copy of the defaults
    if item is not None and item.center_id != center.pk:
        raise ServiceError("Không tìm thấy mục kiểm tra.", status=404)
    if item is None:
        last = CheckItem.objects.filter(center=center).order_by("-position").first()
        item = CheckItem(center=center, position=(last.position + 1) if last else 1)
    item.label = text(label, "label", limit=200, required=True)
    item.incident_type = incident_type
    item.is_active = bool(is_active)
    item.save()
    return item
