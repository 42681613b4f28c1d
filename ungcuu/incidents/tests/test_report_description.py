"""R8 (004 B2 "Mô tả rõ sự cố"): the report form asks for a description of a complex incident
or of "Sự cố khác"; a simple one still goes with a tap; the API keeps accepting a report
without one (offline queues, other tools), and the team leader sees "Chưa có mô tả"."""

from __future__ import annotations

import uuid

import pytest

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents import services
from ungcuu.incidents.models import Incident


def post(**extra) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "incident_type": "printer-paper",
        "impact": "partial",
        "description": "",
        "citizens_waiting": "0",
        "started_at": "",
        **extra,
    }


@pytest.mark.parametrize(
    "extra",
    [
        {"incident_type": "internet"},
        {"incident_type": "other"},
        {"incident_type": "other", "tier": "simple"},
        {"incident_type": "internet", "description": "   "},
    ],
)
def test_a_complex_or_other_report_without_description_is_asked_for_one(staff_a, db, extra):
    answer = logged_in(staff_a).post("/incidents/new/", post(**extra))
    assert answer.status_code == 400
    assert "Vui lòng mô tả rõ sự cố" in answer.content.decode()
    assert not Incident.objects.exists()


def test_a_simple_report_still_goes_without_description(staff_a, printer_paper):
    answer = logged_in(staff_a).post("/incidents/new/", post())
    assert answer.status_code == 302
    assert Incident.objects.get().description == ""


def test_a_complex_report_with_a_description_goes(staff_a, internet):
    answer = logged_in(staff_a).post(
        "/incidents/new/", post(incident_type="internet", description="Mất mạng cả tầng 1")
    )
    assert answer.status_code == 302
    assert Incident.objects.get().description == "Mất mạng cả tầng 1"


def test_the_api_keeps_accepting_a_complex_report_without_description(staff_a, internet):
    answer = api_client(staff_a).post(
        "/api/v1/incidents",
        {"client_uuid": str(uuid.uuid4()), "type": "internet", "impact": "stopped"},
        content_type="application/json",
    )
    assert answer.status_code == 201


def test_the_team_leader_sees_that_the_incident_has_no_description(staff_a, leader_a, db):
    other = IncidentType.objects.get(code="other")
    bare = services.incident_report(actor=staff_a, center=staff_a.center, incident_type=other)
    told = services.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=other, description="Quạt cháy"
    )
    client = logged_in(leader_a)
    assert "Chưa có mô tả" in client.get(f"/incidents/{bare.incident.pk}/").content.decode()
    assert "Chưa có mô tả" not in client.get(f"/incidents/{told.incident.pk}/").content.decode()
