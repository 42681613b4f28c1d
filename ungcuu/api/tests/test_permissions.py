"""What each role may do to an incident it can see, through the API."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ungcuu.api.tests.helpers import INCIDENTS, post_event, post_json, report, report_body
from ungcuu.core.testing import api_client, make_user
from ungcuu.incidents.models import Incident, IncidentEvent
from ungcuu.org.models import Role


@pytest.fixture
def commune_leader_a(center_a):
    return make_user("a.commune", Role.COMMUNE_LEADER, center=center_a)


def _resolved(leader, **kwargs):
    incident = report(leader, leader.center, **kwargs)
    response = post_event(api_client(leader), incident.pk, kind="resolved", root_cause="Hết giấy")
    assert response.status_code == 201
    return incident


def test_staff_can_report(staff_a):
    response = post_json(api_client(staff_a), INCIDENTS, report_body())

    assert response.status_code == 201
    assert Incident.objects.get().reporter == staff_a


def test_staff_can_tick_steps(staff_a):
    incident = report(staff_a, staff_a.center)

    response = post_event(api_client(staff_a), incident.pk, kind="step_done", step=1)

    assert response.status_code == 201
    incident.refresh_from_db()
    assert incident.steps_done == [1]


def test_staff_cannot_close_a_resolved_incident(staff_a, leader_a):
    incident = _resolved(leader_a)

    response = post_event(api_client(staff_a), incident.pk, kind="closed")

    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."
    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert not incident.events.filter(kind="closed").exists()


def test_closing_an_incident_that_is_not_resolved_is_a_conflict_even_for_staff(staff_a):
    incident = report(staff_a, staff_a.center)

    response = post_event(api_client(staff_a), incident.pk, kind="closed")

    assert response.status_code == 409
    incident.refresh_from_db()
    assert incident.status == "reported"


@pytest.mark.parametrize("kind", ["acknowledged", "started", "resolved"])
def test_staff_cannot_take_over_handling(staff_a, kind):
    # A colleague's report they never handled: their own simple one they may resolve (R12).
    colleague = make_user("a.colleague", Role.STAFF, center=staff_a.center)
    incident = report(colleague, staff_a.center)

    response = post_event(api_client(staff_a), incident.pk, kind=kind, root_cause="Hết giấy")

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == "reported"


def test_staff_assigned_to_the_incident_may_resolve_it(staff_a, leader_a):
    incident = report(staff_a, staff_a.center)
    post_event(api_client(leader_a), incident.pk, kind="assigned", assignee="a.staff")

    response = post_event(api_client(staff_a), incident.pk, kind="resolved", root_cause="Hết giấy")

    assert response.status_code == 201
    incident.refresh_from_db()
    assert incident.status == "resolved"


def test_staff_cannot_reopen(staff_a, leader_a):
    incident = _resolved(leader_a)

    response = post_event(api_client(staff_a), incident.pk, kind="reopened", reason="Lại hỏng")

    assert response.status_code == 403


def test_the_team_leader_may_close_and_reopen(leader_a):
    incident = _resolved(leader_a)
    client = api_client(leader_a)

    assert post_event(client, incident.pk, kind="closed").status_code == 201
    assert post_event(client, incident.pk, kind="reopened", reason="Lại hỏng").status_code == 201


def test_the_commune_leader_cannot_resolve(commune_leader_a):
    incident = report(commune_leader_a, commune_leader_a.center)
    before = IncidentEvent.objects.count()

    response = post_event(
        api_client(commune_leader_a), incident.pk, kind="resolved", root_cause="Hết giấy"
    )

    assert response.status_code == 403
    assert IncidentEvent.objects.count() == before
    incident.refresh_from_db()
    assert incident.status == "reported"


def test_the_commune_leader_reads_and_may_note(commune_leader_a, staff_a):
    incident = report(staff_a, staff_a.center)
    client = api_client(commune_leader_a)

    assert client.get(f"{INCIDENTS}/{incident.pk}").status_code == 200
    assert post_event(client, incident.pk, kind="note", text="Đã nắm").status_code == 201
    assert post_event(client, incident.pk, kind="step_done", step=1).status_code == 403


def test_a_vendor_cannot_report_and_nothing_is_created(vendor_user, center_a):
    response = post_json(api_client(vendor_user), INCIDENTS, report_body(center="bachngoc"))

    assert 400 <= response.status_code < 500
    assert Incident.objects.count() == 0


def test_a_vendor_reporting_is_forbidden(vendor_user, center_a):
    response = post_json(api_client(vendor_user), INCIDENTS, report_body(center="bachngoc"))

    assert response.status_code == 403


def test_a_vendor_may_acknowledge_start_and_resolve_what_was_escalated_to_it(
    leader_a, vendor_user, vnpt
):
    incident = report(leader_a, leader_a.center, code="internet")
    post_event(api_client(leader_a), incident.pk, kind="escalated", organisations=[vnpt.id])
    vendor = api_client(vendor_user)

    assert post_event(vendor, incident.pk, kind="started").status_code == 201
    assert post_event(vendor, incident.pk, kind="step_done", step=1).status_code == 403
    resolved = post_event(
        vendor,
        incident.pk,
        kind="resolved",
        root_cause="Đứt cáp quang",
        restored_at=timezone.now().isoformat(),
    )
    assert resolved.status_code == 201
    assert post_event(vendor, incident.pk, kind="closed").status_code == 403
    incident.refresh_from_db()
    assert incident.status == "resolved"


def test_the_province_may_escalate_an_incident_of_its_center(province_user, staff_a, vnpt):
    incident = report(staff_a, staff_a.center, code="internet")

    response = post_event(
        api_client(province_user), incident.pk, kind="escalated", organisations=[vnpt.id]
    )

    assert response.status_code == 201
    incident.refresh_from_db()
    assert incident.status == "escalated"
