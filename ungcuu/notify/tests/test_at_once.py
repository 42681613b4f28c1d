"""Who is told with the report (003 III.1, 004 B1), a center that chooses to wait, and the
complex incident that is resolved only once escalated or its on-site handling explained."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents import services as incident_services
from ungcuu.incidents.models import EventKind, IncidentEvent
from ungcuu.notify import services
from ungcuu.notify.models import Delivery, Level, RoutingPolicy
from ungcuu.notify.tests.helpers import report
from ungcuu.org.models import Contact, DutyShift, Organisation, OrganisationKind, Role, User


@pytest.fixture
def team(center_a, center_c, leader_a, director_a, province_user):
    """Everyone at center A who may be told, its province, and the outside units."""
    responder = make_user("a.duty", Role.RESPONDER, center=center_a)
    DutyShift.objects.create(center=center_a, person=responder, date=timezone.localdate())
    it_officer = make_user("a.it", Role.IT_OFFICER, center=center_a)
    isp = Organisation.objects.create(
        name="VNPT Nghệ An", kind=OrganisationKind.ISP, province=center_a.province
    )
    Contact.objects.create(organisation=isp, name="Tổ Đối ứng VNPT")
    make_user("vnpt.na", Role.VENDOR, organisation=isp)
    group = Organisation.objects.create(
        name="Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
        kind=OrganisationKind.PROVINCE_CENTER,
        province=center_a.province,
    )
    Contact.objects.create(organisation=group, name="Tổ Công tác tỉnh (nhóm Zalo)")
    software = Organisation.objects.create(
        name="VNPT IT Nghệ An", kind=OrganisationKind.SOFTWARE_VENDOR, province=center_a.province
    )
    Contact.objects.create(organisation=software, name="Tổ Đối ứng phần mềm")
    make_user("phanmem.na", Role.VENDOR, organisation=software)
    elsewhere = Organisation.objects.create(
        name="VNPT Thái Nguyên", kind=OrganisationKind.ISP, province=center_c.province
    )
    Contact.objects.create(organisation=elsewhere, name="Tổ Đối ứng Thái Nguyên", center=None)
    return {"responder": responder, "it": it_officer, "isp": isp}


def told(incident, level=Level.AT_ONCE) -> set[str]:
    """Usernames and contact names with a delivery of ``level`` about the incident."""
    rows = Delivery.objects.filter(incident=incident, level=level).select_related(
        "person", "contact"
    )
    return {d.person.username if d.person_id else d.contact.name for d in rows}


def reminders(leader) -> int:
    return Delivery.objects.filter(person=leader, level=Level.REMINDER).count()


def test_a_complex_report_tells_the_team_the_center_leader_it_and_the_province_at_once(
    send, team, staff_a, center_c, internet
):
    make_user("thainguyen.province", Role.PROVINCE, province=center_c.province)

    incident = send(report, staff_a, internet)

    assert told(incident) == {
        "a.leader",
        "a.duty",
        "a.director",  # 003 III.1: the center leader at once
        "a.it",  # 003 III.1: the officer in charge of technology
        "nghean.province",  # 004 B1: the Tổ Công tác tỉnh …
        "Tổ Đối ứng VNPT",  # … and the type's Tổ Đối ứng, with its people
        "vnpt.na",
        "Tổ Công tác tỉnh (nhóm Zalo)",  # internet names the province center too
    }


def test_a_simple_report_stays_inside_the_center(send, team, staff_a, printer_paper):
    incident = send(report, staff_a, printer_paper)

    assert told(incident) == {"a.leader", "a.duty", "a.it"}


def test_the_it_officer_is_not_called_out_for_a_flood(send, team, staff_a):
    disaster = IncidentType.objects.get(code="disaster")

    incident = send(report, staff_a, disaster)

    assert "a.director" in told(incident)
    assert "a.it" not in told(incident)


def test_a_national_db_incident_reaches_its_counterpart_team_and_the_province_group(
    send, team, staff_a
):
    national_db = IncidentType.objects.get(code="national-db")

    incident = send(report, staff_a, national_db)

    assert {"Tổ Đối ứng phần mềm", "phanmem.na", "Tổ Công tác tỉnh (nhóm Zalo)"} <= told(incident)
    assert "nghean.province" in told(incident)


def test_a_center_that_waits_tells_the_province_after_its_minutes_and_reminds_the_leader(
    send, team, staff_a, leader_a, center_a, internet
):
    RoutingPolicy.objects.update_or_create(
        center=center_a, defaults={"complex_outside": "after", "complex_outside_minutes": 15}
    )
    incident = send(report, User.objects.get(pk=staff_a.pk), internet)
    # Acknowledged in time, so only the center's own delay is at work.
    incident_services.incident_acknowledge(actor=leader_a, incident=incident)
    assert told(incident) == {"a.leader", "a.duty", "a.director", "a.it"}

    def sweep(minutes):
        return send(
            services.escalation_sweep, now=incident.reported_at + timedelta(minutes=minutes)
        )

    sweep(14)
    assert "nghean.province" not in told(incident)
    assert reminders(leader_a) == 0

    sweep(15)
    assert {"nghean.province", "Tổ Đối ứng VNPT", "vnpt.na"} <= told(incident)
    [late] = Delivery.objects.filter(incident=incident, person__username="nghean.province")
    assert "Tổ trưởng chưa chuyển tuyến" in late.body
    assert reminders(leader_a) == 1
    [reminder] = Delivery.objects.filter(person=leader_a, level=Level.REMINDER)
    assert "chuyển tuyến" in reminder.body

    sweep(16)
    assert reminders(leader_a) == 1
    assert (
        Delivery.objects.filter(incident=incident, person__username="nghean.province").count() == 1
    )

    sweep(30)
    assert reminders(leader_a) == 2

    incident_services.incident_escalate(
        actor=leader_a, incident=incident, organisations=[team["isp"]]
    )
    sweep(60)
    assert reminders(leader_a) == 2


def test_a_center_that_waits_is_not_asked_again_once_the_leader_escalated(
    send, team, staff_a, leader_a, center_a, internet
):
    RoutingPolicy.objects.update_or_create(center=center_a, defaults={"complex_outside": "after"})
    incident = send(report, User.objects.get(pk=staff_a.pk), internet)
    incident_services.incident_escalate(
        actor=leader_a, incident=incident, organisations=[team["isp"]]
    )

    send(services.escalation_sweep, now=incident.reported_at + timedelta(minutes=60))

    assert "nghean.province" not in told(incident)
    assert reminders(leader_a) == 0


# --- resolving a complex incident -------------------------------------------------------------


def test_a_complex_incident_never_escalated_needs_the_reason_it_was_handled_on_site(
    send, team, staff_a, leader_a, internet
):
    incident = send(report, staff_a, internet)

    with pytest.raises(ServiceError) as refused:
        incident_services.incident_resolve(actor=leader_a, incident=incident, root_cause="Cáp")
    assert refused.value.fields == {"on_site_reason": refused.value.message}
    assert "Lý do không chuyển tuyến" in refused.value.message

    incident_services.incident_resolve(
        actor=leader_a,
        incident=incident,
        root_cause="Lỏng đầu cáp quang",
        on_site_reason="Cán bộ CNTT cắm lại cáp, mạng có lại sau 3 phút",
    )
    event = IncidentEvent.objects.get(incident=incident, kind=EventKind.RESOLVED)
    assert event.payload["on_site_reason"] == "Cán bộ CNTT cắm lại cáp, mạng có lại sau 3 phút"
    # The reason is on the record people read: the timeline and the minutes.
    page = logged_in(leader_a).get(f"/incidents/{incident.pk}/").content.decode()
    minutes = logged_in(leader_a).get(f"/reports/minutes/{incident.pk}/print/").content.decode()
    assert "Cán bộ CNTT cắm lại cáp, mạng có lại sau 3 phút" in page
    assert "không chuyển tuyến: Cán bộ CNTT cắm lại cáp" in minutes


def test_an_escalated_complex_incident_and_a_simple_one_resolve_without_a_reason(
    send, team, staff_a, leader_a, internet, printer_paper
):
    escalated = send(report, staff_a, internet)
    incident_services.incident_escalate(
        actor=leader_a, incident=escalated, organisations=[team["isp"]]
    )
    simple = send(report, staff_a, printer_paper)

    for incident in (escalated, simple):
        incident_services.incident_resolve(actor=leader_a, incident=incident, root_cause="Xong")
        incident.refresh_from_db()
        assert incident.status == "resolved"


def test_the_resolve_page_asks_the_reason_only_for_a_complex_incident_never_escalated(
    send, team, staff_a, leader_a, internet, printer_paper
):
    client = logged_in(leader_a)
    incident = send(report, staff_a, internet)
    simple = send(report, staff_a, printer_paper)
    form = {
        "root_cause": "Lỏng đầu cáp",
        "restored_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "citizens_affected": 0,
        "dossiers_delayed": 0,
    }

    assert "on_site_reason" in client.get(f"/incidents/{incident.pk}/resolve/").content.decode()
    assert "on_site_reason" not in client.get(f"/incidents/{simple.pk}/resolve/").content.decode()

    refused = client.post(f"/incidents/{incident.pk}/resolve/", form)
    assert refused.status_code == 400
    assert "chưa được chuyển tuyến" in refused.content.decode()

    done = client.post(
        f"/incidents/{incident.pk}/resolve/", {**form, "on_site_reason": "Tự cắm lại cáp"}
    )
    assert done.status_code == 302
    event = IncidentEvent.objects.get(incident=incident, kind=EventKind.RESOLVED)
    assert event.payload["on_site_reason"] == "Tự cắm lại cáp"


# --- a burst ---------------------------------------------------------------------------------


def _burst(django_capture_on_commit_callbacks, staff, internet, count: int) -> list[int]:
    """Reports whose first messages nobody has worked out yet (their tasks not run)."""
    with django_capture_on_commit_callbacks(execute=False):
        return [report(staff, internet).pk for _ in range(count)]


def test_a_burst_of_complex_reports_is_worked_out_in_the_same_few_queries(
    django_capture_on_commit_callbacks, team, staff_a, staff_b, internet
):
    few = _burst(django_capture_on_commit_callbacks, staff_a, internet, 2)
    few += _burst(django_capture_on_commit_callbacks, staff_b, internet, 1)
    with CaptureQueriesContext(connection) as small:
        services.notify_report(few[0])
    assert Delivery.objects.filter(incident_id=few[0], person__username="vnpt.na").exists()

    many = _burst(django_capture_on_commit_callbacks, staff_a, internet, 15)
    many += _burst(django_capture_on_commit_callbacks, staff_b, internet, 5)
    with CaptureQueriesContext(connection) as large:
        services.notify_report(many[0])

    assert Delivery.objects.filter(incident_id__in=many, level=Level.AT_ONCE).values(
        "incident"
    ).distinct().count() == len(many)
    selects = [len(_selects(c)) for c in (small, large)]
    assert selects[0] == selects[1], selects
    # The rows are written together too, not one statement per incident.
    assert len(_inserts(large, "notify_delivery")) < len(many) / 2


def _selects(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]


def _inserts(captured, table: str) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')
    ]


# --- the policy page --------------------------------------------------------------------------


def test_the_center_chooses_to_wait_on_the_policy_page_and_sees_whose_numbers_they_are(
    leader_a,
):
    client = logged_in(leader_a)
    page = client.get("/policy/").text
    assert "mặc định của UngCuu, phương án không quy định" in page
    assert 'value="at_once" checked' in page

    response = client.post(
        "/policy/",
        {
            "simple_ack_minutes": "15",
            "complex_ack_minutes": "5",
            "prolonged_minutes": "30",
            "complex_outside": "after",
            "complex_outside_minutes": "20",
        },
    )

    assert response.status_code == 302
    policy = RoutingPolicy.objects.get(center=leader_a.center)
    assert (policy.complex_outside, policy.complex_outside_minutes) == ("after", 20)


def test_a_made_up_choice_is_refused_in_vietnamese(leader_a):
    response = logged_in(leader_a).post(
        "/policy/",
        {
            "simple_ack_minutes": "15",
            "complex_ack_minutes": "5",
            "prolonged_minutes": "30",
            "complex_outside": "never",
            "complex_outside_minutes": "0",
        },
    )

    assert response.status_code == 400
    assert "Số phút phải từ 1 đến 240." in response.text
    assert "Vui lòng chọn khi nào báo Tổ Công tác tỉnh và Tổ Đối ứng." in response.text
    assert RoutingPolicy.objects.get(center=leader_a.center).complex_outside == "at_once"


def test_a_center_that_names_other_units_for_a_type_tells_those_units(
    send, team, staff_a, center_a, internet
):
    """R25: the contacts of a type are the center's own choice once it has made one."""
    from ungcuu.catalog.models import TypeAdjustment

    TypeAdjustment.objects.create(
        center=center_a, incident_type=internet, escalation_targets=["software_vendor"]
    )

    incident = send(report, staff_a, internet)

    names = told(incident)
    assert "Tổ Đối ứng phần mềm" in names and "phanmem.na" in names
    assert "Tổ Đối ứng VNPT" not in names and "vnpt.na" not in names
