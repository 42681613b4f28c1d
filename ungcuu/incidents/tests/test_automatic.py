"""Incidents a machine opens (a probe, the hub's heartbeat watch) take the same path as a
person's report, under the system account that cannot sign in."""

from __future__ import annotations

from django.test import Client

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents.models import Incident, Source
from ungcuu.incidents.services import incident_open_automatic, incident_report
from ungcuu.org.system import SYSTEM_NAME, SYSTEM_USERNAME, system_user


def test_a_probe_opens_an_incident_numbered_and_routed_like_a_report(leader_a, center_a, internet):
    result = incident_open_automatic(
        center=center_a,
        incident_type=internet,
        source=Source.PROBE,
        key="probe:1:first-failure",
        description="HTTP https://dichvucong.gov.vn: hết thời gian chờ (10 s)",
    )

    incident = result.incident
    assert result.created and incident.number.startswith("BN-")
    assert incident.source == "probe" and incident.reporter.username == SYSTEM_USERNAME
    page = logged_in(leader_a).get(f"/incidents/{incident.pk}/").content.decode()
    assert SYSTEM_NAME in page
    api = api_client(leader_a).get(f"/api/v1/incidents/{incident.pk}").json()
    assert api["source"] == "probe" and api["major_incident"] is None


def test_the_same_outage_seen_twice_is_one_incident(center_a, internet):
    first = incident_open_automatic(
        center=center_a, incident_type=internet, source=Source.PROBE, key="probe:1:x"
    )
    again = incident_open_automatic(
        center=center_a, incident_type=internet, source=Source.PROBE, key="probe:1:x"
    )
    assert not again.created and again.incident.pk == first.incident.pk
    assert Incident.objects.count() == 1


def test_the_system_account_cannot_sign_in_and_people_cannot_pose_as_a_probe(
    staff_a, center_a, internet
):
    system = system_user()
    assert not system.is_active and not system.has_usable_password()
    client = Client()
    client.post("/login/", {"username": SYSTEM_USERNAME, "password": ""})
    assert "_auth_user_id" not in client.session

    try:
        incident_report(actor=staff_a, center=center_a, incident_type=internet, source="probe")
    except ServiceError as exc:
        assert exc.fields == {"source": "Nguồn báo sự cố không hợp lệ."}
    else:
        raise AssertionError("a person posed as a probe")
    assert not Incident.objects.exists()


def test_a_persons_report_says_person(staff_a, center_a, internet):
    incident = incident_report(actor=staff_a, center=center_a, incident_type=internet).incident
    assert incident.source == "person"
    assert api_client(staff_a).get(f"/api/v1/incidents/{incident.pk}").json()["source"] == "person"


def test_a_machine_restores_and_the_person_closing_writes_the_root_cause(
    leader_a, center_a, internet
):
    from django.utils import timezone

    from ungcuu.incidents.models import Status
    from ungcuu.incidents.services import incident_close
    from ungcuu.incidents.services.timeline import incident_restore_automatic

    incident = incident_open_automatic(
        center=center_a, incident_type=internet, source=Source.PROBE, key="probe:7:a"
    ).incident
    assert incident_restore_automatic(
        incident=incident,
        restored_at=timezone.now(),
        resolution="Giám sát tự động: hoạt động trở lại",
        key="probe:7:a",
    )
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED and incident.restored_at and not incident.root_cause

    try:
        incident_close(actor=leader_a, incident=incident)
    except ServiceError as exc:
        assert "root_cause" in exc.fields
    else:
        raise AssertionError("closed without a root cause")
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED

    response = api_client(leader_a).post(
        f"/api/v1/incidents/{incident.pk}/events",
        {"kind": "closed", "root_cause": "Nhà mạng bảo trì tuyến cáp"},
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert incident.root_cause == "Nhà mạng bảo trì tuyến cáp"
    # Restoring again (a late probe result) changes nothing.
    assert not incident_restore_automatic(
        incident=incident, restored_at=timezone.now(), resolution="x", key="probe:7:b"
    )
