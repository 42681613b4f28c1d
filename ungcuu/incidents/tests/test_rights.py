"""Rights as the plans give them (000/001 III.2–III.3, 004 step 1; R12, R13): the staff
escalate, and fix and close on the spot a simple incident they handled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.api.tests.helpers import post_event
from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import api_client, logged_in, make_user
from ungcuu.incidents import services
from ungcuu.incidents.models import EventKind, IncidentEscalation, Status
from ungcuu.incidents.selectors import incidents_for
from ungcuu.org.models import Role
from ungcuu.reports.services import minutes_draft


def report(actor, incident_type, **kwargs):
    kwargs.setdefault("started_at", timezone.now() - timedelta(hours=1))
    return services.incident_report(
        actor=actor, center=actor.center, incident_type=incident_type, **kwargs
    ).incident


def assert_row_is_the_timeline(incident) -> None:
    incident.refresh_from_db()
    derived = services.derive_state(incident)
    assert {field: getattr(incident, field) for field in services.DERIVED_FIELDS} == derived


@pytest.fixture
def hoa(center_a):
    """The desk officer of these tests, with a name the pages can be searched for."""
    person = make_user("a.hoa", Role.STAFF, center=center_a)
    person.full_name = "Nguyễn Thị Hoa"
    person.save(update_fields=["full_name"])
    return person


@pytest.fixture
def colleague(center_a):
    return make_user("a.lan", Role.STAFF, center=center_a)


# --- escalating (R13) ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.IT_OFFICER, Role.RESPONDER])
def test_the_staff_it_officer_and_responders_escalate_through_the_service(
    center_a, colleague, internet, vnpt, role
):
    person = make_user("a.person", role, center=center_a)
    # Someone else's incident: escalating is not limited to what one reported.
    incident = report(colleague, internet)

    services.incident_escalate(
        actor=person, incident=incident, organisations=[vnpt], note="Mất mạng toàn trung tâm"
    )

    incident.refresh_from_db()
    assert incident.status == Status.ESCALATED
    assert list(incident.escalated_to.all()) == [vnpt]
    event = incident.events.get(kind=EventKind.ESCALATED)
    assert event.actor == person
    assert_row_is_the_timeline(incident)


def test_staff_escalates_through_the_api(staff_a, internet, vnpt, vendor_user):
    incident = report(staff_a, internet)

    response = post_event(
        api_client(staff_a), incident.pk, kind="escalated", organisations=[vnpt.id]
    )

    assert response.status_code == 201
    assert response.json()["actor"] == "a.staff"
    incident.refresh_from_db()
    assert incident.status == Status.ESCALATED
    # The counterpart team it went to now sees it.
    assert incidents_for(vendor_user).filter(pk=incident.pk).exists()


def test_staff_escalates_from_the_page_and_the_timeline_names_them(hoa, internet, vnpt):
    incident = report(hoa, internet)
    client = logged_in(hoa)

    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Chuyển tuyến (báo đơn vị hỗ trợ)" in page
    assert f'name="organisations" value="{vnpt.pk}"' in page

    response = client.post(
        f"/incidents/{incident.pk}/escalated/",
        {"organisations": [str(vnpt.pk)], "text": "Đã khởi động lại modem"},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [(f"/incidents/{incident.pk}/", 302)]
    assert "<strong>Chuyển tuyến</strong> – Nguyễn Thị Hoa" in html
    assert IncidentEscalation.objects.filter(incident=incident, organisation=vnpt).exists()


def test_the_commune_leader_and_a_vendor_still_may_not_escalate(
    center_a, staff_a, leader_a, vendor_user, internet, vnpt
):
    commune = make_user("a.commune", Role.COMMUNE_LEADER, center=center_a)
    incident = report(staff_a, internet)
    services.incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt])

    for person in (commune, vendor_user):
        with pytest.raises(ServiceError) as refused:
            services.incident_escalate(actor=person, incident=incident, organisations=[vnpt])
        assert refused.value.status == 403
    assert incident.events.filter(kind=EventKind.ESCALATED).count() == 1


# --- fixing on the spot (R12) -------------------------------------------------------------


def test_staff_resolve_from_the_page_a_simple_incident_they_reported(hoa, printer_paper):
    incident = report(hoa, printer_paper)
    client = logged_in(hoa)

    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert f'href="/incidents/{incident.pk}/resolve/"' in page
    response = client.post(
        f"/incidents/{incident.pk}/resolve/",
        {
            "root_cause": "Hết giấy A4 ở khay 2",
            "resolution": "Bổ sung giấy",
            "restored_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "citizens_affected": "3",
            "dossiers_delayed": "0",
        },
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [(f"/incidents/{incident.pk}/", 302)]
    assert "<strong>Đã khắc phục</strong> – Nguyễn Thị Hoa" in html
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.assignee is None
    assert incident.root_cause == "Hết giấy A4 ở khay 2"
    assert "Khắc phục xong: Bổ sung giấy (Nguyễn Thị Hoa)." in minutes_draft(incident)["actions"]


def test_staff_resolve_a_colleagues_simple_incident_once_they_ticked_a_step(
    hoa, colleague, printer_paper
):
    incident = report(colleague, printer_paper)
    client = api_client(hoa)
    assert post_event(client, incident.pk, kind="step_done", step=1).status_code == 201

    response = post_event(client, incident.pk, kind="resolved", root_cause="Hết giấy")

    assert response.status_code == 201
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.events.get(kind=EventKind.RESOLVED).actor == hoa


def test_staff_may_not_resolve_a_simple_incident_of_a_colleague_they_never_handled(
    hoa, colleague, printer_paper
):
    incident = report(colleague, printer_paper)
    client = api_client(hoa)
    # A note is not handling it.
    assert post_event(client, incident.pk, kind="note", text="Quầy 2 báo").status_code == 201

    response = post_event(client, incident.pk, kind="resolved", root_cause="Hết giấy")

    assert response.status_code == 403
    page = logged_in(hoa).get(f"/incidents/{incident.pk}/").content.decode()
    assert f'href="/incidents/{incident.pk}/resolve/"' not in page
    incident.refresh_from_db()
    assert incident.status == Status.REPORTED


def test_staff_may_not_resolve_or_close_a_complex_incident_they_reported(hoa, leader_a, internet):
    incident = report(hoa, internet)
    services.incident_step(actor=hoa, incident=incident, step=1)

    with pytest.raises(ServiceError) as refused:
        services.incident_resolve(actor=hoa, incident=incident, root_cause="Đứt cáp")
    assert refused.value.status == 403

    services.incident_resolve(
        actor=leader_a,
        incident=incident,
        root_cause="Đứt cáp",
        on_site_reason="Tự khắc phục tại chỗ",
    )
    with pytest.raises(ServiceError) as refused:
        services.incident_close(actor=hoa, incident=incident)
    assert refused.value.status == 403
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED


def test_staff_close_a_simple_incident_they_fixed_and_the_minutes_name_them(
    hoa, leader_a, printer_paper
):
    incident = report(hoa, printer_paper)
    services.incident_resolve(actor=hoa, incident=incident, root_cause="Hết giấy")
    client = logged_in(hoa)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert f'action="/incidents/{incident.pk}/closed/"' in page

    response = client.post(f"/incidents/{incident.pk}/closed/", follow=True)

    html = response.content.decode()
    assert "<strong>Đóng sự cố</strong> – Nguyễn Thị Hoa" in html
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert "Đóng sự cố (Nguyễn Thị Hoa)." in minutes_draft(incident)["actions"]
    # Reopening stays with the leaders.
    with pytest.raises(ServiceError) as refused:
        services.incident_reopen(actor=hoa, incident=incident, reason="Lại hết giấy")
    assert refused.value.status == 403
    services.incident_reopen(actor=leader_a, incident=incident, reason="Lại hết giấy")
    assert_row_is_the_timeline(incident)


def test_staff_may_not_close_a_simple_incident_they_never_handled(
    hoa, colleague, leader_a, printer_paper
):
    incident = report(colleague, printer_paper)
    services.incident_resolve(actor=leader_a, incident=incident, root_cause="Hết giấy")

    response = post_event(api_client(hoa), incident.pk, kind="closed")

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED


@pytest.mark.parametrize("role", [Role.IT_OFFICER, Role.RESPONDER])
def test_the_it_officer_and_a_responder_close_only_the_simple_incidents_they_handled(
    center_a, colleague, leader_a, printer_paper, internet, role
):
    person = make_user("a.person", role, center=center_a)
    simple = report(colleague, printer_paper)
    services.incident_step(actor=person, incident=simple, step=1)
    services.incident_resolve(actor=person, incident=simple, root_cause="Hết giấy")
    untouched = report(colleague, printer_paper)
    services.incident_resolve(actor=leader_a, incident=untouched, root_cause="Hết giấy")
    complex_ = report(colleague, internet)
    services.incident_resolve(
        actor=person, incident=complex_, root_cause="Đứt cáp", on_site_reason="Tự khắc phục tại chỗ"
    )

    services.incident_close(actor=person, incident=simple)
    for incident in (untouched, complex_):
        with pytest.raises(ServiceError) as refused:
            services.incident_close(actor=person, incident=incident)
        assert refused.value.status == 403

    simple.refresh_from_db()
    assert simple.status == Status.CLOSED


def test_a_staff_assignee_resolves_a_complex_incident_and_the_minutes_name_who_gave_it(
    hoa, leader_a, internet
):
    incident = report(leader_a, internet)
    services.incident_assign(actor=leader_a, incident=incident, assignee=hoa)

    services.incident_resolve(
        actor=hoa, incident=incident, root_cause="Đứt cáp", on_site_reason="Tự khắc phục tại chỗ"
    )

    actions = minutes_draft(incident)["actions"]
    assert "Giao Nguyễn Thị Hoa xử lý (A Leader)." in actions
    assert "Khắc phục xong (không chuyển tuyến: Tự khắc phục tại chỗ) (Nguyễn Thị Hoa)." in actions
