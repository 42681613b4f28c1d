"""Demo data: signed-off minutes for the latest complex incidents of each demo center."""

from __future__ import annotations

from datetime import datetime

from ungcuu.catalog.models import Tier
from ungcuu.incidents.models import Incident
from ungcuu.org.models import Center, Role
from ungcuu.reports.services import minutes_save, minutes_view


def fill(*, centers: list[Center], now: datetime, per_center: int = 2) -> int:
    made = 0
    for center in centers:
        leader = center.people.filter(role=Role.CENTER_LEADER).order_by("id").first()
        if leader is None:
            continue
        latest = Incident.objects.filter(
            center=center, tier=Tier.COMPLEX, is_drill=False, restored_at__isnull=False
        ).order_by("restored_at")
        for incident in list(latest)[-per_center:]:
            draft = minutes_view(incident, now=now)
            minutes_save(actor=leader, incident=incident, data=draft.__dict__)
            made += 1
    return made
