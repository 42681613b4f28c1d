"""Report tests: incidents written through the services at fixed moments."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ungcuu.catalog.models import IncidentType
from ungcuu.incidents import services

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """A local moment written as "2026-03-31 23:50"."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def make_incident(
    *,
    reporter,
    code: str,
    started: str,
    ack: str | None = None,
    restored: str | None = None,
    citizens: int = 0,
    dossiers: int = 0,
    cause: str = "Nguyên nhân đã xác định",
    acker=None,
    drill: bool = False,
):
    incident = services.incident_report(
        actor=reporter,
        center=reporter.center,
        incident_type=IncidentType.objects.get(code=code),
        description=f"Sự cố {code}",
        started_at=at(started),
        now=at(started),
    ).incident
    if ack:
        services.incident_acknowledge(actor=acker or reporter, incident=incident, now=at(ack))
    if restored:
        services.incident_resolve(
            actor=acker or reporter,
            incident=incident,
            root_cause=cause,
            resolution="Đã xử lý theo hướng dẫn",
            restored_at=at(restored),
            citizens_affected=citizens,
            dossiers_delayed=dossiers,
            on_site_reason="Tự khắc phục tại chỗ" if incident.tier == "complex" else "",
            now=at(restored),
        )
    if drill:
        type(incident).objects.filter(pk=incident.pk).update(is_drill=True)
    incident.refresh_from_db()
    return incident


@pytest.fixture
def quarter_a(leader_a):
    """Center A, Q1 2026 (calendar): five real incidents, one drill, one outside the quarter."""
    return [
        # Crosses midnight: 40 min to acknowledge, 2 h 30 min to restore.
        make_incident(
            reporter=leader_a,
            code="internet",
            started="2026-01-10 23:00",
            ack="2026-01-10 23:40",
            restored="2026-01-11 01:30",
            citizens=12,
            dossiers=3,
        ),
        make_incident(
            reporter=leader_a,
            code="printer-paper",
            started="2026-02-02 08:00",
            ack="2026-02-02 08:05",
            restored="2026-02-02 08:15",
            citizens=2,
        ),
        make_incident(
            reporter=leader_a,
            code="printer-paper",
            started="2026-02-20 09:00",
            ack="2026-02-20 09:10",
            restored="2026-02-20 09:30",
        ),
        make_incident(
            reporter=leader_a,
            code="printer-paper",
            started="2026-03-05 14:00",
            ack="2026-03-05 14:02",
            restored="2026-03-05 14:12",
            citizens=1,
        ),
        # Crosses the quarter boundary: starts 31/3, restored 1/4 after 5 hours.
        make_incident(
            reporter=leader_a,
            code="power",
            started="2026-03-31 22:00",
            ack="2026-03-31 22:20",
            restored="2026-04-01 03:00",
            citizens=30,
            dossiers=10,
        ),
        make_incident(
            reporter=leader_a,
            code="power",
            started="2026-03-15 10:00",
            ack="2026-03-15 10:01",
            restored="2026-03-15 10:30",
            drill=True,
        ),
        make_incident(
            reporter=leader_a,
            code="internet",
            started="2026-04-01 00:10",
            ack="2026-04-01 00:20",
            restored="2026-04-01 00:40",
        ),
    ]
