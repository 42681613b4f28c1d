"""The one statistics computation behind the quarterly report, its workbook, the JSON
answer and the dashboards.

Incidents count in the period in which they started; their whole acknowledgement and
restore times count there, even when those fall after the period. Drills never count.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, FloatField, Func, Value
from django.utils import timezone

from ungcuu.catalog.models import IncidentType, Tier
from ungcuu.incidents.models import Incident, IncidentEscalation
from ungcuu.reports.periods import Period
from ungcuu.reports.selectors import Scope


class MinutesBetween(Func):
    """Minutes from the second moment to the first, computed by the database (reading
    four timestamps per incident into Python cost more than the rest of the report)."""

    output_field = FloatField()
    arg_joiner = " - "
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 60.0)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 1440.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


class EpochSeconds(Func):
    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
            **extra,
        )


ROW_FIELDS = (
    "id",
    "number",
    "center_id",
    "incident_type_id",
    "tier",
    "started_epoch",
    "ack_minutes",
    "down_minutes",
    "waiting_minutes",
    "open_minutes",
    "citizens_affected",
    "dossiers_delayed",
)


@dataclass
class Durations:
    """Minutes: how many were measured, median and 90th percentile."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass
class TypeRow:
    code: str
    name: str
    tier: str
    count: int = 0
    downtime_minutes: int = 0
    citizens_affected: int = 0


@dataclass
class CenterRow:
    code: str
    name: str
    count: int = 0
    complex: int = 0
    downtime_minutes: int = 0
    citizens_affected: int = 0
    mtta_median: float | None = None
    mttr_median: float | None = None


@dataclass
class Flagged:
    """An incident the report names: slow, long, recurring, to report upwards."""

    id: int
    number: str
    center: str
    type: str
    started_at: str
    minutes: int | None
    reason: str = ""


@dataclass
class Recurrence:
    center: str
    center_code: str
    type: str
    type_code: str
    count: int
    numbers: list[str]


@dataclass
class EquipmentRecurrence:
    """One piece of equipment involved in several incidents of the period."""

    id: int
    center: str
    center_code: str
    equipment: str
    kind: str
    count: int
    numbers: list[str]


@dataclass
class MajorRow:
    """A major incident of the period: one shared outage, counted once (issue 12)."""

    number: str
    type: str
    scope: str  # province / national
    centers: int  # the scope's centers it hit
    incidents: int  # the scope's incidents folded into it
    started_at: str
    resolved_at: str | None


@dataclass
class Stats:
    scope: str
    scope_code: str
    is_province: bool
    period: str
    date_from: str
    date_to: str
    total: int = 0
    by_tier: dict[str, int] = field(default_factory=dict)
    by_type: list[TypeRow] = field(default_factory=list)
    by_center: list[CenterRow] = field(default_factory=list)
    mtta: Durations = field(default_factory=Durations)
    mttr: Durations = field(default_factory=Durations)
    downtime_minutes: int = 0
    longest: Flagged | None = None
    not_restored: int = 0
    citizens_affected: int = 0
    dossiers_delayed: int = 0
    escalations: list[dict] = field(default_factory=list)
    recurrences: list[Recurrence] = field(default_factory=list)
    equipment_recurrences: list[EquipmentRecurrence] = field(default_factory=list)
    slow_acks: list[Flagged] = field(default_factory=list)
    long_outages: list[Flagged] = field(default_factory=list)
    to_report: list[Flagged] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    paper_intake: dict | None = None
    drills: dict | None = None
    thresholds: dict = field(default_factory=dict)
    # Shared outages: each counted once; ``outages`` is the total with each major incident
    # as one (every center's downtime still counts in downtime_minutes and by_center).
    major_incidents: list[MajorRow] = field(default_factory=list)
    outages: int = 0
    # Availability per monitored service (issue 12): one row per probe of the scope.
    availability: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], share: float) -> float | None:
    """Linear interpolation between the closest ranks (the spreadsheet PERCENTILE.INC)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = math.ceil(position)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 1)


def durations(values: list[float]) -> Durations:
    return Durations(count=len(values), median=percentile(values, 0.5), p90=percentile(values, 0.9))


def _local(epoch: float, zone) -> str:
    """dd/mm/yyyy HH:MM in local time (called for thousands of incidents: no strftime)."""
    local = datetime.fromtimestamp(round(epoch), zone)
    return f"{local.day:02d}/{local.month:02d}/{local.year} {local.hour:02d}:{local.minute:02d}"


def incidents_in(scope: Scope, period: Period):
    """The real (not drill) incidents of the scope that started in the period."""
    return Incident.objects.filter(
        scope.incident_q(),
        is_drill=False,
        started_at__gte=period.start,
        started_at__lt=period.end,
    )


def compute(scope: Scope, period: Period, *, now: datetime | None = None) -> Stats:
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    slow_ack = settings.REPORT_SLOW_ACK_MINUTES
    long_outage = settings.REPORT_LONG_OUTAGE_MINUTES
    repeat = settings.REPORT_RECURRENCE
    stats = Stats(
        scope=scope.name,
        scope_code=scope.code,
        is_province=scope.is_province,
        period=period.label,
        date_from=period.first.isoformat(),
        date_to=period.last.isoformat(),
        thresholds={
            "slow_ack_minutes": slow_ack,
            "long_outage_minutes": long_outage,
            "recurrence": repeat,
        },
    )
    qs = incidents_in(scope, period).annotate(
        ack_minutes=MinutesBetween(F("acknowledged_at"), F("reported_at")),
        # Seconds since 1970 rather than a timestamp: Django's timestamp loader for
        # psycopg parses each one with a regular expression in Python.
        started_epoch=EpochSeconds(F("started_at")),
        down_minutes=MinutesBetween(F("restored_at"), F("started_at")),
        # For what is not acknowledged or not restored yet: the time since.
        waiting_minutes=MinutesBetween(Value(now), F("reported_at")),
        open_minutes=MinutesBetween(Value(now), F("started_at")),
    )
    rows = list(qs.order_by("started_at", "id").values_list(*ROW_FIELDS))
    types = {t.pk: t for t in IncidentType.objects.all()}
    centers = {
        c.pk: c
        for c in ([scope.center] if scope.center else scope.province.centers.order_by("ward_name"))
    }

    by_type: dict[int, TypeRow] = {}
    by_center: dict[int, CenterRow] = {
        pk: CenterRow(code=c.code, name=c.short_name) for pk, c in centers.items()
    }
    center_acks: dict[int, list[float]] = defaultdict(list)
    center_restores: dict[int, list[float]] = defaultdict(list)
    tiers: Counter = Counter()
    acks: list[float] = []
    restores: list[float] = []
    groups: dict[tuple[int, int], list[tuple[int, str, float]]] = defaultdict(list)
    flagged_long: dict[int, Flagged] = {}

    for (
        pk,
        number,
        center_id,
        type_id,
        tier,
        started,
        ack_minutes,
        down_minutes,
        waiting,
        open_minutes,
        citizens,
        dossiers,
    ) in rows:
        kind = types[type_id]
        center = centers[center_id]
        stats.total += 1
        tiers[tier] += 1
        stats.citizens_affected += citizens
        stats.dossiers_delayed += dossiers
        type_row = by_type.setdefault(
            type_id, TypeRow(code=kind.code, name=kind.name, tier=kind.tier)
        )
        type_row.count += 1
        type_row.citizens_affected += citizens
        center_row = by_center[center_id]
        center_row.count += 1
        center_row.complex += tier == Tier.COMPLEX
        center_row.citizens_affected += citizens
        groups[(center_id, type_id)].append((pk, number, started))

        ref = (pk, number, center, kind, started, zone)
        if ack_minutes is not None:
            acks.append(ack_minutes)
            center_acks[center_id].append(ack_minutes)
        waited = ack_minutes if ack_minutes is not None else waiting
        if waited > slow_ack:
            reason = "" if ack_minutes is not None else "chưa có người nhận tin"
            stats.slow_acks.append(_flagged(*ref, waited, reason))

        restored = down_minutes is not None
        if restored:
            down = max(down_minutes, 0)
            restores.append(down)
            center_restores[center_id].append(down)
            stats.downtime_minutes += down
            type_row.downtime_minutes += down
            center_row.downtime_minutes += down
            if stats.longest is None or down > (stats.longest.minutes or 0):
                stats.longest = _flagged(*ref, down, "")
        else:
            stats.not_restored += 1
            down = open_minutes
        if down > long_outage:
            item = _flagged(*ref, down, "" if restored else "chưa khôi phục")
            stats.long_outages.append(item)
            flagged_long[pk] = item

    stats.downtime_minutes = round(stats.downtime_minutes)
    for row in by_type.values():
        row.downtime_minutes = round(row.downtime_minutes)
    for pk, row in by_center.items():
        row.downtime_minutes = round(row.downtime_minutes)
        row.mtta_median = percentile(center_acks[pk], 0.5)
        row.mttr_median = percentile(center_restores[pk], 0.5)
    stats.by_tier = {Tier.SIMPLE.value: tiers[Tier.SIMPLE], Tier.COMPLEX.value: tiers[Tier.COMPLEX]}
    stats.by_type = sorted(by_type.values(), key=lambda r: (-r.count, r.name))
    stats.by_center = sorted(by_center.values(), key=lambda r: (-r.count, r.name))
    stats.mtta = durations(acks)
    stats.mttr = durations(restores)
    stats.escalations = escalations(scope, period)
    major_figures(stats, scope, period, zone)
    availability_figures(stats, scope, period)

    long_text = f"kéo dài trên {_hours(long_outage)}"
    for item in flagged_long.values():
        stats.to_report.append(
            replace(item, reason=long_text + (f", {item.reason}" if item.reason else ""))
        )
    for (center_id, type_id), members in sorted(
        groups.items(), key=lambda item: (-len(item[1]), centers[item[0][0]].short_name)
    ):
        if len(members) < repeat:
            continue
        numbers = [number for _pk, number, _started in members]
        stats.recurrences.append(
            Recurrence(
                center=centers[center_id].short_name,
                center_code=centers[center_id].code,
                type=types[type_id].name,
                type_code=types[type_id].code,
                count=len(members),
                numbers=numbers,
            )
        )
        # A repeated fault is reported once, by its latest occurrence.
        pk, number, started = members[-1]
        if pk not in flagged_long:
            stats.to_report.append(
                Flagged(
                    id=pk,
                    number=number,
                    center=centers[center_id].short_name,
                    type=types[type_id].name,
                    started_at=_local(started, zone),
                    minutes=None,
                    reason=f"lặp lại {len(members)} lần trong kỳ ({', '.join(numbers[:-1])})",
                )
            )
    known = {row[0]: (row[1], centers[row[2]], types[row[3]], row[5]) for row in rows}
    equipment_recurrences(stats, scope, period, known, zone, repeat)
    stats.to_report.sort(key=lambda f: f.number)
    stats.slow_acks.sort(key=lambda f: -(f.minutes or 0))
    stats.long_outages.sort(key=lambda f: -(f.minutes or 0))
    stats.paper_intake = paper_intake_figures(scope, period)
    stats.drills = drill_figures(scope, period)
    stats.proposals = proposals(stats)
    return stats


def equipment_recurrences(stats: Stats, scope, period, known: dict, zone, repeat: int) -> None:
    """The same equipment (a printer, the line, the UPS …) named on `repeat` or more
    incidents of the period. Its latest incident goes to the superior unit, unless it
    is already listed there. `known` holds the period's incidents already read:
    pk → (number, center, type, started)."""
    from ungcuu.readiness.models import Equipment, EquipmentKind, IncidentEquipment

    links = IncidentEquipment.objects.filter(
        scope.incident_q("incident__"),
        incident__is_drill=False,
        incident__started_at__gte=period.start,
        incident__started_at__lt=period.end,
    ).values_list("equipment_id", "incident_id")
    groups: dict[int, list[int]] = defaultdict(list)
    for equipment_id, incident_id in links:
        if incident_id in known:
            groups[equipment_id].append(incident_id)
    groups = {k: v for k, v in groups.items() if len(v) >= repeat}
    if not groups:
        return
    items = {e.pk: e for e in Equipment.objects.filter(pk__in=groups)}
    kinds = {k: str(v) for k, v in EquipmentKind.choices}
    reported = {f.id for f in stats.to_report}
    for equipment_id, members in sorted(
        groups.items(), key=lambda item: (-len(item[1]), items[item[0]].name, item[0])
    ):
        members.sort(key=lambda pk: (known[pk][3], pk))
        item = items[equipment_id]
        center = known[members[0]][1]
        numbers = [known[pk][0] for pk in members]
        stats.equipment_recurrences.append(
            EquipmentRecurrence(
                id=equipment_id,
                center=center.short_name,
                center_code=center.code,
                equipment=item.name,
                kind=kinds.get(item.kind, item.kind),
                count=len(members),
                numbers=numbers,
            )
        )
        latest = members[-1]
        if latest not in reported:
            reported.add(latest)
            number, _center, kind, started = known[latest]
            stats.to_report.append(
                Flagged(
                    id=latest,
                    number=number,
                    center=center.short_name,
                    type=kind.name,
                    started_at=_local(started, zone),
                    minutes=None,
                    reason=(
                        f"thiết bị “{item.name}” gặp sự cố {len(members)} lần trong kỳ "
                        f"({', '.join(numbers[:-1])})"
                    ),
                )
            )


def _flagged(pk, number, center, kind, started, zone, minutes, reason) -> Flagged:
    return Flagged(
        id=pk,
        number=number,
        center=center.short_name,
        type=kind.name,
        started_at=_local(started, zone),
        minutes=round(minutes) if minutes is not None else None,
        reason=reason,
    )


def escalations(scope: Scope, period: Period) -> list[dict]:
    """How many incidents of the period went to each outside organisation."""
    rows = (
        IncidentEscalation.objects.filter(
            scope.incident_q("incident__"),
            incident__is_drill=False,
            incident__started_at__gte=period.start,
            incident__started_at__lt=period.end,
        )
        .values("organisation__name")
        .annotate(count=Count("incident_id", distinct=True))
        .order_by("-count", "organisation__name")
    )
    return [{"organisation": r["organisation__name"], "count": r["count"]} for r in rows]


def _scope_filter(scope: Scope) -> dict:
    return {"center": scope.center} if scope.center else {"center__province": scope.province}


def paper_intake_figures(scope: Scope, period: Period) -> dict:
    """Dossiers taken on paper in the period, and how many were re-entered by their
    deadline (the working day after the outage ended). Drills aside."""
    from ungcuu.continuity.models import PaperIntake
    from ungcuu.continuity.services import reentry_due
    from ungcuu.continuity.workdays import Calendar

    intakes = PaperIntake.objects.filter(
        **_scope_filter(scope),
        is_drill=False,
        received_at__gte=period.start,
        received_at__lt=period.end,
    ).select_related("center", "incident")
    calendars: dict[int, Calendar] = {}
    taken = reentered = on_time = late = pending = 0
    for intake in intakes.iterator(chunk_size=2000):
        taken += 1
        calendar = calendars.setdefault(intake.center_id, Calendar.for_center(intake.center))
        due = reentry_due(intake, calendar)
        if intake.reentered_at is None:
            pending += 1
            continue
        reentered += 1
        if due is None or timezone.localtime(intake.reentered_at).date() <= due:
            on_time += 1
        else:
            late += 1
    return {
        "taken": taken,
        "reentered": reentered,
        "reentered_on_time": on_time,
        "reentered_late": late,
        "pending": pending,
    }


def drill_figures(scope: Scope, period: Period) -> dict:
    """Drills held in the period, and the reaction times measured during them."""
    from django.db.models import Avg

    from ungcuu.readiness.models import Drill, DrillStatus

    drills = Drill.objects.filter(
        **_scope_filter(scope),
        status=DrillStatus.DONE,
        started_at__gte=period.start,
        started_at__lt=period.end,
    )
    figures = drills.aggregate(
        held=Count("id"),
        report=Avg("minutes_to_report"),
        ack=Avg("minutes_to_ack"),
        paper=Avg("minutes_to_paper"),
    )
    return {
        "held": figures["held"],
        "minutes_to_report": _round(figures["report"]),
        "minutes_to_ack": _round(figures["ack"]),
        "minutes_to_paper": _round(figures["paper"]),
    }


def _round(value) -> float | None:
    return None if value is None else round(value, 1)


def _hours(minutes: float) -> str:
    if minutes < 60:
        return f"{round(minutes)} phút"
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} giờ" + (f" {rest} phút" if rest else "")


def duration_text(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{round(minutes)} phút"
    days, rest = divmod(round(minutes), 24 * 60)
    text = _hours(rest) if rest else ""
    if days:
        return f"{days} ngày" + (f" {text}" if text else "")
    return text


# What to propose for a recurring type, in the words of the seeds' prevention lines.
TYPE_ADVICE = {
    "printer-paper": "dự trữ đủ giấy in đúng loại, vệ sinh và bảo dưỡng máy in định kỳ",
    "printer-ink": "dự trữ hộp mực, kiểm tra mực trước giờ làm việc, bố trí máy in dự phòng",
    "login": "rà soát tài khoản sắp hết hạn, hướng dẫn cán bộ đổi mật khẩu đúng quy định",
    "slow-system": "kiểm tra đường truyền và cấu hình máy trạm, phối hợp đơn vị vận hành phần mềm",
    "internet": "đề nghị nhà mạng kiểm tra tuyến cáp, trang bị đường truyền dự phòng (4G/5G)",
    "software-down": "đề nghị đơn vị vận hành phần mềm báo cáo nguyên nhân và phương án khắc phục",
    "national-db": "phối hợp đầu mối cấp tỉnh kiểm tra kết nối CSDL quốc gia, chuyên ngành",
    "digital-cert": "rà soát hạn chứng thư số, chuẩn bị chứng thư số dự phòng",
    "power": "kiểm tra bộ lưu điện (UPS), bảo dưỡng máy nổ và dự trữ nhiên liệu",
    "qms": "bảo trì hệ thống bấm số, chuẩn bị phiếu số thứ tự bằng giấy",
    "disaster": "rà soát phương án phòng chống thiên tai, sao lưu dữ liệu ra nơi an toàn",
}


def proposals(stats: Stats) -> list[str]:
    """Improvement proposals drafted from the figures, for the leader to edit."""
    out: list[str] = []
    if stats.total == 0:
        return [
            "Trong kỳ không phát sinh sự cố; tiếp tục duy trì kiểm tra đầu ngày "
            "và diễn tập định kỳ."
        ]
    for item in stats.recurrences[:5]:
        advice = TYPE_ADVICE.get(item.type_code, "tìm nguyên nhân gốc và biện pháp phòng ngừa")
        out.append(
            f"{item.center}: sự cố “{item.type}” lặp lại {item.count} lần trong kỳ – "
            f"đề nghị {advice}."
        )
    for item in stats.equipment_recurrences[:5]:
        out.append(
            f"{item.center}: thiết bị “{item.equipment}” gặp sự cố {item.count} lần trong kỳ – "
            "đề nghị kiểm tra, bảo trì hoặc thay thế, bố trí thiết bị dự phòng."
        )
    if stats.slow_acks:
        share = round(100 * len(stats.slow_acks) / stats.total)
        out.append(
            f"{len(stats.slow_acks)} sự cố ({share}%) được nhận tin sau hơn "
            f"{stats.thresholds['slow_ack_minutes']} phút – đề nghị bố trí đủ người trực ứng cứu, "
            "kiểm tra số điện thoại và kênh Zalo nhận tin của Tổ ứng cứu."
        )
    if stats.long_outages:
        out.append(
            f"{len(stats.long_outages)} sự cố gián đoạn trên "
            f"{_hours(stats.thresholds['long_outage_minutes'])} – đề nghị chuyển sang tiếp nhận "
            "hồ sơ bằng giấy sớm hơn và báo cáo đơn vị quản lý cấp trên."
        )
    if stats.escalations:
        top = stats.escalations[0]
        out.append(
            f"Chuyển tuyến nhiều nhất tới {top['organisation']} ({top['count']} sự cố) – đề nghị "
            "thống nhất đầu mối, thời gian phản hồi và cam kết chất lượng dịch vụ."
        )
    if stats.citizens_affected:
        out.append(
            f"{stats.citizens_affected} lượt người dân bị ảnh hưởng – tiếp tục niêm yết thông báo, "
            "hướng dẫn người dân và ưu tiên người dân yếu thế khi có sự cố."
        )
    if not out:
        out.append("Các sự cố được nhận tin và khắc phục kịp thời; tiếp tục duy trì.")
    return out


def major_figures(stats: Stats, scope: Scope, period: Period, zone) -> None:
    """The major incidents the scope's incidents of the period were folded into, and the
    number of distinct outages with each major incident counted once."""
    from django.db.models import Count

    from ungcuu.incidents.models import MajorIncident

    folded = (
        incidents_in(scope, period)
        .filter(major_incident__isnull=False)
        .values("major_incident")
        .annotate(incidents=Count("pk"), centers=Count("center", distinct=True))
    )
    counts = {row["major_incident"]: row for row in folded}
    majors = MajorIncident.objects.filter(pk__in=counts).select_related("incident_type")
    for major in majors.order_by("started_at", "pk"):
        row = counts[major.pk]
        stats.major_incidents.append(
            MajorRow(
                number=major.number,
                type=major.incident_type.name,
                scope=major.scope,
                centers=row["centers"],
                incidents=row["incidents"],
                started_at=_local(major.started_at.timestamp(), zone),
                resolved_at=_local(major.resolved_at.timestamp(), zone)
                if major.resolved_at
                else None,
            )
        )
    folded_total = sum(row["incidents"] for row in counts.values())
    stats.outages = stats.total - folded_total + len(counts)


def availability_figures(stats: Stats, scope: Scope, period: Period) -> None:
    """Each probe's share of successful checks in the period (the monitor app)."""
    from ungcuu.monitor.selectors import availability
    from ungcuu.org.models import Center

    if scope.center:
        centers = Center.objects.filter(pk=scope.center.pk)
    else:
        centers = Center.objects.filter(province_id=scope.province.pk)
    names = dict(centers.values_list("pk", "ward_name"))
    for row in availability(list(names), period.start, period.end):
        checks = row.up + row.down
        stats.availability.append(
            {
                "center": names.get(row.center_id, row.center),
                "service": row.name,
                "checks": checks,
                "percent": round(100 * row.up / checks, 2) if checks else None,
            }
        )
