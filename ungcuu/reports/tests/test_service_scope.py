"""Minutes are written only for an incident the writer can read, whoever calls the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import make_user
from ungcuu.incidents.services import incident_report, incident_resolve
from ungcuu.org.models import Role
from ungcuu.reports.models import Minutes
from ungcuu.reports.services import minutes_save, minutes_view


@pytest.fixture
def resolved_a(staff_a, leader_a):
    incident = incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=IncidentType.objects.get(code="internet"),
        started_at=timezone.now() - timedelta(hours=2),
    ).incident
    incident_resolve(
        actor=leader_a,
        incident=incident,
        root_cause="Đứt cáp quang",
        on_site_reason="Tự khắc phục tại chỗ",
    )
    return incident


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.CENTER_LEADER, "center_b"),
        (Role.CENTER_LEADER, "center_c"),
        (Role.PROVINCE, "center_c"),
    ],
)
def test_minutes_of_an_incident_outside_ones_scope_are_refused(request, resolved_a, role, home):
    center = request.getfixturevalue(home)
    where = {"province": center.province} if role == Role.PROVINCE else {"center": center}
    outsider = make_user("outsider", role, **where)
    with pytest.raises(ServiceError) as refused:
        minutes_save(actor=outsider, incident=resolved_a, data=minutes_view(resolved_a).__dict__)
    assert refused.value.status == 404
    assert not Minutes.objects.exists()


def test_the_incidents_own_leader_still_writes_them(resolved_a, director_a):
    saved = minutes_save(
        actor=director_a, incident=resolved_a, data=minutes_view(resolved_a).__dict__
    )
    assert saved.center == resolved_a.center and saved.number == 1
