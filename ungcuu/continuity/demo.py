"""Demo data for paper intake: the procedures desks take most, dossiers taken on paper
during past outages (all re-entered), some still waiting behind today's open outages,
one overdue, and a note on one waiting-room screen.

Everything goes through ``ungcuu.continuity.services`` with ``now=`` set to the moment,
as the product would have recorded it."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from ungcuu.continuity import services
from ungcuu.continuity.models import BoardNotice, Procedure
from ungcuu.continuity.workdays import Calendar
from ungcuu.incidents.models import OPEN_STATUSES, Incident
from ungcuu.org.models import Center, Role, User

# Common procedures of a commune desk: (name, working days, cut-off hour or None).
PROCEDURES = [
    ("Đăng ký khai sinh", 1, time(15, 0)),
    ("Đăng ký kết hôn", 1, time(15, 0)),
    ("Đăng ký khai tử", 1, time(15, 0)),
    ("Chứng thực bản sao từ bản chính", 0, time(15, 0)),
    ("Chứng thực chữ ký trong giấy tờ, văn bản", 0, time(15, 0)),
    ("Cấp bản sao trích lục hộ tịch", 0, None),
    ("Xác nhận tình trạng hôn nhân", 3, None),
    ("Đăng ký thường trú", 7, None),
    ("Đăng ký tạm trú", 3, None),
    ("Đăng ký biến động đất đai", 10, None),
]
DOCUMENTS = ["Tờ khai / đơn theo mẫu", "Bản sao Căn cước công dân", "Giấy tờ gốc để đối chiếu"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thị Thu", "Quang", "Ngọc", "Xuân"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hà", "Hải", "Hương", "Lan", "Long", "Mai", "Nam", "Tâm"]
OUTAGE_TYPES = {"internet", "software-down", "power", "national-db"}


def _citizen(rng: random.Random, province_code: int) -> tuple[str, str, str]:
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    born = rng.randint(1950, 2005)
    century = 0 if born < 2000 else 2
    female = "Thị" in name
    cccd = f"{province_code:03d}{century + female}{born % 100:02d}{rng.randint(0, 999999):06d}"
    phone = f"09{rng.randint(10000000, 99999999)}"
    return name, cccd, phone


def _dossier_code(center: Center, day: datetime, n: int) -> str:
    return (
        f"000.00.{center.province.code % 100:02d}.H{center.province.code:02d}-{day:%y%m%d}-{n:04d}"
    )


def _take(rng, center, staff, incident, received_at, procedures):
    procedure = rng.choice(procedures)
    name, cccd, phone = _citizen(rng, center.province.code)
    return services.intake_create(
        actor=staff,
        center=center,
        incident=incident,
        citizen_name=name,
        citizen_id=cccd,
        phone=phone,
        procedure=procedure.name,
        documents=rng.sample(DOCUMENTS, rng.randint(1, 3)),
        received_at=received_at,
        needs_db_check=incident is not None and incident.incident_type.code == "national-db",
        client_uuid=None,
        now=received_at + timedelta(minutes=2),
    ).intake


def fill(*, seed: int = 2026, now: datetime | None = None) -> int:
    """Add the demo's paper intake to the demo centers. Returns how many dossiers."""
    rng = random.Random(f"{seed}:paper")
    now = now or timezone.now()
    procedures = [
        Procedure.objects.get_or_create(
            name=name, defaults={"processing_days": days, "cutoff": cutoff}
        )[0]
        for name, days, cutoff in PROCEDURES
    ]
    made = 0
    for center in Center.objects.select_related("province").order_by("code"):
        staff = list(User.objects.filter(center=center, role=Role.STAFF))
        if not staff:
            continue
        calendar = Calendar.for_center(center)
        outages = Incident.objects.filter(
            center=center, incident_type__code__in=OUTAGE_TYPES, impact="stopped", is_drill=False
        ).select_related("incident_type")
        # Oldest first, so the temporary receipt numbers follow the time of receipt.
        for incident in reversed(list(outages.order_by("-started_at")[:6])):
            end = min(incident.restored_at or now, now)
            start = incident.started_at + timedelta(minutes=20)
            if end - start < timedelta(minutes=20):
                continue
            times = sorted(start + (end - start) * rng.random() for _ in range(rng.randint(1, 4)))
            for received in times:
                intake = _take(rng, center, rng.choice(staff), incident, received, procedures)
                made += 1
                if incident.status not in OPEN_STATUSES and incident.restored_at:
                    back = timezone.localtime(incident.restored_at).date()
                    day = calendar.next_working_day(back) if rng.random() < 0.3 else back
                    moment = timezone.make_aware(datetime.combine(day, time(9, 30)))
                    moment = max(moment, incident.restored_at + timedelta(minutes=30))
                    if moment < now:
                        services.intake_reenter(
                            actor=intake.received_by,
                            intake=intake,
                            dossier_code=_dossier_code(center, moment, rng.randint(1, 60)),
                            now=moment,
                        )
    # One dossier taken by hand three working days ago and never re-entered: overdue.
    center = Center.objects.filter(code="tanky").first()
    staff = User.objects.filter(center=center, role=Role.STAFF).first()
    if center and staff:
        day = timezone.localtime(now).date()
        calendar = Calendar.for_center(center)
        for _ in range(3):
            day -= timedelta(days=1)
            while not calendar.is_working_day(day):
                day -= timedelta(days=1)
        received = timezone.make_aware(datetime.combine(day, time(10, 15)))
        _take(rng, center, staff, None, received, procedures)
        made += 1
    center = Center.objects.filter(code="bachngoc").first()
    if center:
        BoardNotice.objects.update_or_create(
            center=center,
            defaults={
                "expected_recovery": "khoảng 30 phút nữa",
                "message": "Người dân có thể ngồi chờ tại hàng ghế; có nước uống miễn phí.",
            },
        )
    return made
