"""Demo registers for the five seed centers: checks, supplies, equipment,
certificates and drills — a few certificates expiring soon, one low stock, one
missed check. Everything goes through the readiness services."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.org.models import Center, User
from ungcuu.readiness import services
from ungcuu.readiness.models import MovementKind
from ungcuu.readiness.services.common import is_working_day

CHECK_DAYS = 20
MISSING_CHECK = "tanky"  # has not done today's check (nor the last working day's)
LOW_STOCK = "thaihoa"

LINES = {
    "bachngoc": (("VNPT Nghệ An", "18001166"), ("Viettel Nghệ An", "18008119")),
    "tanky": (("VNPT Nghệ An", "18001166"), ("Viettel Nghệ An", "18008119")),
    "thaihoa": (("Viettel Nghệ An", "18008119"), ("FPT Telecom", "19006600")),
    "dongphuc": (("VNPT Thái Nguyên", "18001166"), ("Viettel Thái Nguyên", "18008119")),
    "hungdao": (("VNPT Hải Phòng", "18001166"), ("MobiFone Hải Phòng", "18001090")),
}


def _at(day, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def fill(*, now: datetime, seed: int = 2026) -> None:
    """Add the readiness registers to the demo centers (call once, after the people)."""
    rng = random.Random(f"{seed}:readiness")
    today = timezone.localtime(now).date()
    for center in Center.objects.filter(code__in=LINES):
        people = {u.username.split(".", 1)[1]: u for u in User.objects.filter(center=center)}
        _checks(center, people, today, now, rng)
        _supplies(center, people, now, rng)
        _equipment(center, people, today, rng)
        _equipment_history(center, people, rng)
        _certificates(center, people, today)
        _drills(center, people, now)


def _checks(center, people, today, now, rng) -> None:
    services.checklist(center)
    items = [item.pk for item in services.checklist(center)]
    day, done = today, 0
    while done < CHECK_DAYS:
        if is_working_day(day):
            done += 1
            skip = center.code == MISSING_CHECK and done <= 2
            moment = _at(day, 7, 30 + rng.randrange(25))
            if not skip and moment <= now:
                faults = rng.sample(items, 1) if rng.random() < 0.15 else []
                services.check_record(
                    actor=people[rng.choice(["responder", "it", "staff"])],
                    center=center,
                    ok_items=[i for i in items if i not in faults],
                    now=moment,
                )
        day -= timedelta(days=1)


def _supplies(center, people, now, rng) -> None:
    it = people["it"]
    printer = rng.choice(["Canon LBP 2900", "HP LaserJet M211d", "Brother HL-L2321D"])
    for kind, name, unit, quota, threshold in (
        ("paper_a4", "Giấy A4 Double A 70gsm", "ram", 30, 5),
        ("paper_a5", "Giấy A5 in giấy hẹn", "ram", 10, 2),
        ("ink", f"Hộp mực cho {printer}", "hộp", 6, 1),
    ):
        item = services.supply_save(
            actor=it,
            center=center,
            kind=kind,
            name=name,
            unit=unit,
            quota=quota,
            threshold=threshold,
            printer_model=printer if kind == "ink" else "",
            assignee=it,
        )
        services.stock_move(
            actor=it,
            item=item,
            kind=MovementKind.RECEIVED,
            quantity_value=quota,
            note="Cấp theo định mức quý",
            now=now - timedelta(days=40),
        )
        used = (
            quota - threshold
            if center.code == LOW_STOCK and kind == "ink"
            else rng.randrange(1, max(2, quota - threshold - 1))
        )
        services.stock_move(
            actor=people["staff"],
            item=item,
            kind=MovementKind.USED,
            quantity_value=used,
            now=now - timedelta(days=rng.randrange(1, 30)),
        )


def _equipment(center, people, today, rng) -> None:
    it = people["it"]
    (main_isp, main_hotline), (backup_isp, backup_hotline) = LINES[center.code]
    rows = [
        ("line", f"Cáp quang {main_isp} 200 Mbps", False, main_isp, main_hotline),
        ("line", f"Cáp quang {backup_isp} 100 Mbps (dự phòng)", True, backup_isp, backup_hotline),
        ("router", "Bộ phát Wi-Fi 4G/5G dự phòng", True, backup_isp, backup_hotline),
        ("printer", "Máy in quầy 1", False, "", ""),
        ("printer", "Máy in quầy 2", False, "", ""),
        ("printer", "Máy in dự phòng", True, "", ""),
        ("generator", "Máy nổ 5 kVA", True, "", ""),
        ("ups", "Bộ lưu điện UPS 2 kVA phòng máy chủ", True, "", ""),
        ("qms", "Hệ thống bấm số xếp hàng (kiosk, màn hình quầy)", False, "", ""),
        ("pc", "Máy tính quầy 1–4", False, "", ""),
    ]
    for n, (kind, name, backup, provider, hotline) in enumerate(rows):
        tested = today - timedelta(days=rng.randrange(5, 80))
        # One item per center is due for its test, so the reminder shows.
        due = today - timedelta(days=2) if n == 6 else tested + timedelta(days=90)
        services.equipment_save(
            actor=it,
            center=center,
            kind=kind,
            name=name,
            is_backup=backup,
            provider=provider,
            hotline=hotline,
            contract=f"HĐ-{rng.randrange(10, 99)}/2025" if provider else "",
            location="Phòng máy chủ" if kind in ("line", "router", "ups") else "Bộ phận Một cửa",
            last_tested_on=tested,
            next_maintenance_on=due,
        )


# Which equipment the past incidents involved. Counter 2's printer takes most printer
# faults, so the quarterly report finds it failing again and again.
INVOLVED = {
    "printer-paper": ("Máy in quầy 2", "Máy in quầy 2", "Máy in quầy 1"),
    "printer-ink": ("Máy in quầy 2", "Máy in quầy 1"),
    "internet": ("Cáp quang",),
    "power": ("Bộ lưu điện",),
    "qms": ("Hệ thống bấm số",),
}


def _equipment_history(center, people, rng) -> None:
    from ungcuu.incidents.models import Incident

    items = sorted(center.equipment.all(), key=lambda i: i.is_backup)  # the main line first
    incidents = (
        Incident.objects.filter(center=center, incident_type__code__in=INVOLVED)
        .select_related("incident_type")
        .order_by("started_at")
    )
    for incident in incidents:
        prefix = rng.choice(INVOLVED[incident.incident_type.code])
        item = next((i for i in items if i.name.startswith(prefix)), None)
        if item is not None:
            services.equipment_link(actor=people["it"], incident=incident, equipment=item)


def _certificates(center, people, today) -> None:
    it = people["it"]
    # Days left per holder: one center has a certificate expiring within the week.
    left = {"director": 240, "leader": 400, "staff": 25 if center.code == "dongphuc" else 500}
    if center.code == "bachngoc":
        left["director"] = 5
    for n, (suffix, days) in enumerate(left.items()):
        end = today + timedelta(days=days)
        services.certificate_save(
            actor=it,
            center=center,
            holder=people[suffix],
            provider="bcy",
            serial=f"5402{center.ward_code:05d}{n:02d}",
            subject=people[suffix].display_name,
            valid_from=end - timedelta(days=3 * 365),
            valid_to=end,
        )


def _drills(center, people, now) -> None:
    leader = people["director"]
    crash = IncidentType.objects.get(code="software-down")
    past = now - timedelta(days=60)
    drill = services.drill_schedule(
        actor=leader,
        center=center,
        scenario=crash,
        scheduled_at=past + timedelta(hours=1),
        participants=[people["staff"], people["it"], people["responder"]],
        now=past,
    )
    services.drill_start(actor=leader, drill=drill, now=past + timedelta(hours=1))
    services.drill_end(actor=leader, drill=drill, now=past + timedelta(hours=2))
    services.drill_evaluate(
        actor=leader,
        drill=drill,
        minutes_to_paper=15,
        lessons="Chuyển sang tiếp nhận giấy nhanh; cần in sẵn thêm phiếu tiếp nhận ở mỗi quầy.",
    )
    internet = IncidentType.objects.get(code="internet")
    services.drill_schedule(
        actor=leader,
        center=center,
        scenario=internet,
        scheduled_at=now + timedelta(days=30),
        participants=[people["staff"], people["it"]],
        now=now,
    )
