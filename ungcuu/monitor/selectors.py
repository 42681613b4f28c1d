"""Reading probes: whose a user may see, and their availability over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from ungcuu.monitor.models import Probe, ProbeHour
from ungcuu.org.models import User
from ungcuu.org.scope import center_q


def probes_for(user: User) -> QuerySet[Probe]:
    return Probe.objects.filter(center_q(user)).select_related(
        "center", "incident_type", "open_incident"
    )


def probe_get(user: User, pk) -> Probe:
    probe = probes_for(user).filter(pk=pk).first()
    if probe is None:
        raise Http404("Không tìm thấy điểm giám sát.")
    return probe


@dataclass(frozen=True)
class Availability:
    """One probe's checks over a period: the share that were up, in percent."""

    probe_id: int
    center_id: int
    center: str
    name: str
    kind: str
    incident_type: str
    up: int
    down: int

    @property
    def checks(self) -> int:
        return self.up + self.down

    @property
    def percent(self) -> float | None:
        return round(100 * self.up / self.checks, 2) if self.checks else None


def availability(center_ids, start: datetime, end: datetime) -> list[Availability]:
    """Availability per probe (per service) of the given centers between ``start`` and
    ``end`` (whole hours: an hour counts when it begins in the period), for the quarterly
    report's figures. A probe that ran no check in the period has ``percent`` None."""
    probes = (
        Probe.objects.filter(center_id__in=list(center_ids))
        .select_related("center", "incident_type")
        .order_by("center__code", "name")
    )
    sums = {
        row["probe_id"]: row
        for row in ProbeHour.objects.filter(
            probe__center_id__in=list(center_ids), hour__gte=start, hour__lt=end
        )
        .values("probe_id")
        .annotate(up_total=Sum("up"), down_total=Sum("down"))
    }
    out = []
    for probe in probes:
        row = sums.get(probe.pk, {})
        out.append(
            Availability(
                probe_id=probe.pk,
                center_id=probe.center_id,
                center=probe.center.code,
                name=probe.name,
                kind=probe.kind,
                incident_type=probe.incident_type.code,
                up=row.get("up_total") or 0,
                down=row.get("down_total") or 0,
            )
        )
    return out


@dataclass(frozen=True)
class Cell:
    start: datetime
    up: int
    down: int

    @property
    def level(self) -> str:
        """none (no check), up, down, or part (some of each)."""
        if not (self.up or self.down):
            return "none"
        if not self.down:
            return "up"
        if not self.up:
            return "down"
        return "part"

    @property
    def percent(self) -> float | None:
        total = self.up + self.down
        return round(100 * self.up / total, 1) if total else None


@dataclass(frozen=True)
class Strip:
    probe: Probe
    hours: list[Cell]  # the last 24 hours, oldest first
    days: list[Cell]  # the last 7 days (local), oldest first

    @staticmethod
    def _percent(cells: list[Cell]) -> float | None:
        up = sum(c.up for c in cells)
        total = up + sum(c.down for c in cells)
        return round(100 * up / total, 2) if total else None

    @property
    def day_percent(self) -> float | None:
        return self._percent(self.hours)

    @property
    def week_percent(self) -> float | None:
        return self._percent(self.days)


def strips(center, *, now: datetime | None = None) -> list[Strip]:
    """The availability strip of each of a center's probes: 24 hours and 7 days."""
    now = now or timezone.now()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    first_hour = this_hour - timedelta(hours=23)
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - timedelta(days=6)
    probes = list(center.probes.select_related("incident_type", "open_incident"))
    rows: dict[int, list[ProbeHour]] = {}
    for row in ProbeHour.objects.filter(
        probe__in=probes, hour__gte=min(first_day, first_hour)
    ).order_by("hour"):
        rows.setdefault(row.probe_id, []).append(row)
    out = []
    for probe in probes:
        mine = rows.get(probe.pk, [])
        hours = []
        for n in range(24):
            start = first_hour + timedelta(hours=n)
            found = [r for r in mine if r.hour == start]
            hours.append(Cell(start, sum(r.up for r in found), sum(r.down for r in found)))
        days = []
        for n in range(7):
            start = first_day + timedelta(days=n)
            stop = start + timedelta(days=1)
            found = [r for r in mine if start <= r.hour < stop]
            days.append(Cell(start, sum(r.up for r in found), sum(r.down for r in found)))
        out.append(Strip(probe, hours, days))
    return out
