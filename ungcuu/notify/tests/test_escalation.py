"""Escalation: nobody acknowledged in time, a complex incident that lasts, and the explicit
escalation to outside units from the incident page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents import services as incident_services
from ungcuu.notify import services
from ungcuu.notify.models import Delivery, EscalationRun, Level, RoutingPolicy
from ungcuu.notify.tests.helpers import channel, report
from ungcuu.org.models import Center, Contact, Organisation, OrganisationKind, Role, User


@pytest.fixture
def sweep(send):
    def run(incident, minutes: float) -> int:
        """Run the escalation sweep as if ``minutes`` had passed since the report."""
        return send(
            services.escalation_sweep, now=incident.reported_at + timedelta(minutes=minutes)
        )

    return run


@pytest.fixture
def isp(center_a):
    """The center's ISP (type "internet" escalates to kind isp), with a contact and a person."""
    return Organisation.objects.create(
        name="VNPT Nghệ An – Trung tâm Kinh doanh",
        kind=OrganisationKind.ISP,
        province=center_a.province,
    )


@pytest.fixture
def people(receiver, staff_a, leader_a, director_a, province_user, commune_leader_a, isp, center_c):
    """Everyone who may be told, each with a channel of their own on the receiver."""
    isp_desk = Contact.objects.create(organisation=isp, name="Tổ Đối ứng VNPT", phone="0238123456")
    isp_person = make_user("vnpt.na", Role.VENDOR, organisation=isp)
    power = Organisation.objects.create(
        name="Điện lực Thái Hòa", kind=OrganisationKind.ELECTRICITY, province=isp.province
    )
    power_desk = Contact.objects.create(organisation=power, name="Trực vận hành")
    other_province = make_user("thainguyen.province", Role.PROVINCE, province=center_c.province)
    for path, owner in {
        "/leader": {"person": leader_a},
        "/director": {"person": director_a},
        "/province": {"person": province_user},
        "/commune": {"person": commune_leader_a},
        "/isp-desk": {"contact": isp_desk},
        "/isp-person": {"person": isp_person},
        "/power-desk": {"contact": power_desk},
        "/elsewhere": {"person": other_province},
    }.items():
        channel(receiver, path, **owner)
    return isp_desk


def told(receiver) -> set[str]:
    return {r.path for r in receiver.received}


# --- nobody acknowledged ----------------------------------------------------------------------


def test_it_tells_the_center_leader_when_nobody_acknowledges_a_simple_incident_in_15_minutes(
    send, sweep, receiver, people, staff_a, printer_paper
):
    incident = send(report, staff_a, printer_paper, description="Máy in hết giấy")
    assert told(receiver) == {"/leader"}

    assert sweep(incident, 14) == 0
    assert told(receiver) == {"/leader"}

    assert sweep(incident, 15) == 1
    [message] = receiver.at("/director")
    assert "CHƯA AI NHẬN TIN" in message.text
    assert "Máy in hết giấy" in message.text
    assert "/ack/" in message.text
    # A simple incident stays inside the center.
    assert told(receiver) == {"/leader", "/director"}


OUTSIDE = {"/director", "/province", "/isp-desk", "/isp-person"}


def test_a_complex_incident_is_told_to_the_province_and_counterparts_with_the_report(
    send, sweep, receiver, people, staff_a, internet
):
    incident = send(report, staff_a, internet, description="Mất kết nối mạng toàn bộ Một cửa")

    # 004 B1: the team leader reports at once to the Tổ Công tác tỉnh and the Tổ Đối ứng.
    assert told(receiver) == {"/leader"} | OUTSIDE
    for path in OUTSIDE:
        [message] = receiver.at(path)
        assert "Mất kết nối mạng toàn bộ Một cửa" in message.text
    assert "/elsewhere" not in told(receiver)

    assert sweep(incident, 4) == 0
    # Nobody acknowledged in 5 minutes: the center leader is told again; the others once.
    assert sweep(incident, 5) == 1
    assert len(receiver.at("/director")) == 2
    assert "CHƯA AI NHẬN TIN" in receiver.at("/director")[1].text
    assert len(receiver.at("/province")) == 1


def test_a_center_that_waits_tells_the_province_and_counterparts_after_5_minutes_unacknowledged(
    send, sweep, receiver, people, staff_a, center_a, internet
):
    RoutingPolicy.objects.update_or_create(center=center_a, defaults={"complex_outside": "after"})
    incident = send(
        report,
        User.objects.get(pk=staff_a.pk),
        internet,
        description="Mất kết nối mạng toàn bộ Một cửa",
    )
    assert told(receiver) == {"/leader", "/director"}
    receiver.received.clear()

    assert sweep(incident, 4) == 0
    assert told(receiver) == set()

    assert sweep(incident, 5) == 4
    assert told(receiver) == OUTSIDE
    for path in ("/province", "/isp-desk", "/isp-person"):
        [message] = receiver.at(path)
        assert "Mất kết nối mạng toàn bộ Một cửa" in message.text
        assert "CHƯA AI NHẬN TIN" in message.text
    no_ack = Delivery.objects.filter(incident=incident, level=Level.NO_ACK)
    assert {d.recipient for d in no_ack if d.contact_id} == {
        "Tổ Đối ứng VNPT – VNPT Nghệ An – Trung tâm Kinh doanh"
    }


def test_the_sweep_run_twice_tells_each_level_once(
    send, sweep, receiver, people, staff_a, internet
):
    incident = send(report, staff_a, internet)

    assert sweep(incident, 6) == 1
    assert sweep(incident, 7) == 0
    assert sweep(incident, 31) == 2  # the prolonged level, once
    assert sweep(incident, 45) == 0

    assert len(receiver.at("/director")) == 3  # at once, no acknowledgement, then prolonged
    assert len(receiver.at("/province")) == 1


def test_an_acknowledgement_in_time_stops_the_escalation(
    send, sweep, receiver, people, staff_a, leader_a, internet
):
    incident = send(report, staff_a, internet)
    incident_services.incident_acknowledge(
        actor=leader_a, incident=incident, now=incident.reported_at + timedelta(minutes=2)
    )

    before = len(receiver.received)

    assert sweep(incident, 15) == 0  # (the prolonged level comes later, at 30 min)

    assert len(receiver.received) == before
    assert EscalationRun.objects.get(incident=incident).no_ack_sent_at is None


def test_starting_work_counts_as_an_acknowledgement(
    send, sweep, receiver, people, staff_a, leader_a, printer_paper
):
    incident = send(report, staff_a, printer_paper)
    incident_services.incident_start(actor=leader_a, incident=incident)

    assert sweep(incident, 60) == 0
    assert told(receiver) == {"/leader"}


# --- prolonged -------------------------------------------------------------------------------


def test_a_complex_incident_unresolved_after_30_minutes_prompts_the_leaders_to_switch_to_paper(
    send, sweep, receiver, people, staff_a, leader_a, internet
):
    now = timezone.now()
    incident = send(report, staff_a, internet, started_at=now - timedelta(minutes=10), now=now)
    incident_services.incident_acknowledge(actor=leader_a, incident=incident)

    assert sweep(incident, 19) == 0  # 29 minutes since the onset
    assert sweep(incident, 20) == 2

    assert told(receiver) == {"/leader", "/commune"} | OUTSIDE
    for message in (receiver.at("/director")[-1], *receiver.at("/commune")):
        assert "SỰ CỐ KÉO DÀI" in message.text
        assert "tiếp nhận hồ sơ bằng giấy" in message.text
    assert {d.level for d in Delivery.objects.filter(incident=incident, person__isnull=False)} == {
        Level.AT_ONCE,
        Level.PROLONGED,
    }


def test_a_resolved_incident_is_not_escalated(
    send, sweep, receiver, people, staff_a, leader_a, internet
):
    incident = send(report, staff_a, internet)
    incident_services.incident_resolve(
        actor=leader_a,
        incident=incident,
        root_cause="Đứt cáp",
        on_site_reason="Cắm lại cáp tại chỗ",
    )
    before = len(receiver.received)

    assert sweep(incident, 120) == 0
    assert len(receiver.received) == before


def test_a_simple_incident_is_never_prolonged(
    send, sweep, receiver, people, staff_a, leader_a, printer_paper
):
    incident = send(report, staff_a, printer_paper)
    incident_services.incident_acknowledge(actor=leader_a, incident=incident)

    assert sweep(incident, 24 * 60) == 0
    assert told(receiver) == {"/leader"}


# --- the policy ------------------------------------------------------------------------------


def test_the_routing_policy_defaults_come_from_the_seeds(center_a):
    policy = services.policy_for(center_a)

    assert policy.simple_ack_minutes == 15
    assert policy.complex_ack_minutes == 5
    assert policy.prolonged_minutes == 30


def test_each_center_edits_its_own_policy_in_the_admin(
    send, sweep, receiver, people, staff_a, center_a, center_b, admin_user, printer_paper
):
    policy = services.policy_for(center_a)
    response = logged_in(admin_user).post(
        f"/admin/notify/routingpolicy/{policy.pk}/change/",
        {
            "center": center_a.pk,
            "simple_ack_minutes": 30,
            "complex_ack_minutes": 5,
            "prolonged_minutes": 30,
            "sms_for_complex": "on",
            "complex_outside": "at_once",
            "complex_outside_minutes": 15,
            # The role checkboxes come ticked as the policy has them.
            "at_once_simple_roles": policy.at_once_simple_roles,
            "at_once_complex_roles": policy.at_once_complex_roles,
            "disaster_roles": policy.disaster_roles,
            "no_ack_roles": policy.no_ack_roles,
            "prolonged_roles": policy.prolonged_roles,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    # The next report comes in a request of its own, which reads the policy afresh.
    incident = send(report, User.objects.get(pk=staff_a.pk), printer_paper)

    assert sweep(incident, 29) == 0
    assert sweep(incident, 30) == 1
    assert services.policy_for(Center.objects.get(pk=center_b.pk)).simple_ack_minutes == 15


def test_editing_the_policy_does_not_change_a_running_incidents_timing(
    send, sweep, receiver, people, staff_a, center_a, printer_paper
):
    incident = send(report, staff_a, printer_paper)
    RoutingPolicy.objects.filter(center=center_a).update(simple_ack_minutes=60)

    assert sweep(incident, 15) == 1
    assert len(receiver.at("/director")) == 1
    assert EscalationRun.objects.get(incident=incident).ack_minutes == 15


def test_the_policy_edits_apply_to_the_next_incident(
    send, sweep, receiver, people, staff_a, center_a, internet
):
    RoutingPolicy.objects.filter(center=center_a).update(
        complex_ack_minutes=10, prolonged_minutes=45
    )

    incident = send(report, User.objects.get(pk=staff_a.pk), internet)

    run = EscalationRun.objects.get(incident=incident)
    assert (run.ack_minutes, run.prolonged_minutes) == (10, 45)
    assert sweep(incident, 9) == 0


# --- explicit escalation from the incident page ---------------------------------------------


def test_escalating_from_the_incident_page_tells_the_units_contacts_and_people(
    django_capture_on_commit_callbacks,
    immediate,
    receiver,
    people,
    staff_a,
    leader_a,
    isp,
    internet,
):
    incident = report(staff_a, internet, description="Mất mạng từ 8h15")
    incident_services.incident_step(actor=leader_a, incident=incident, step=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(leader_a).post(
            f"/incidents/{incident.pk}/escalated/",
            {"organisations": [isp.pk], "text": "Đề nghị VNPT kiểm tra đường truyền cáp quang"},
        )

    assert response.status_code == 302
    for path in ("/isp-desk", "/isp-person"):
        [message] = receiver.at(path)
        assert "ĐỀ NGHỊ HỖ TRỢ XỬ LÝ SỰ CỐ" in message.text
        assert "Đề nghị VNPT kiểm tra đường truyền cáp quang" in message.text
        assert "Mất mạng từ 8h15" in message.text
        assert "Đã thử: " in message.text
    assert "/power-desk" not in told(receiver)
    assert {d.level for d in Delivery.objects.filter(incident=incident, contact__isnull=False)} == {
        Level.ESCALATED
    }


def test_the_units_people_then_see_that_incident_and_only_it(
    send, receiver, people, staff_a, leader_a, center_a, isp, internet
):
    # A center that waits before telling the counterpart team: only the escalation does.
    RoutingPolicy.objects.update_or_create(center=center_a, defaults={"complex_outside": "after"})
    staff_a = User.objects.get(pk=staff_a.pk)
    incident = send(report, staff_a, internet)
    other = send(report, staff_a, internet)
    vendor = isp.people.get()
    client = logged_in(vendor)
    assert client.get(f"/incidents/{incident.pk}/").status_code == 404

    send(
        logged_in(leader_a).post,
        f"/incidents/{incident.pk}/escalated/",
        {"organisations": [isp.pk]},
    )

    assert client.get(f"/incidents/{incident.pk}/").status_code == 200
    assert client.get(f"/incidents/{other.pk}/").status_code == 404
    assert len(receiver.at("/isp-person")) == 1


def test_an_outsider_cannot_escalate_another_centers_incident(
    send, receiver, people, staff_a, staff_b, isp, internet
):
    incident = send(report, staff_a, internet)
    before = len(receiver.received)

    response = send(
        logged_in(staff_b).post,
        f"/incidents/{incident.pk}/escalated/",
        {"organisations": [isp.pk]},
    )

    assert response.status_code == 404
    assert len(receiver.received) == before
    assert not Delivery.objects.filter(level=Level.ESCALATED).exists()


def test_the_vendors_people_told_by_the_automatic_escalation_can_open_the_incident(
    send, sweep, receiver, people, staff_a, isp, internet
):
    incident = send(report, staff_a, internet)
    [message] = receiver.at("/isp-person")
    assert f"/incidents/{incident.pk}/" in message.text

    response = logged_in(isp.people.get()).get(f"/incidents/{incident.pk}/")

    assert response.status_code == 200


def test_a_sweep_tells_every_unacknowledged_incident_once_whatever_its_own_waiting_time(
    send, sweep, receiver, people, staff_a, center_a, printer_paper
):
    """A nationwide outage ends thousands of waiting times within one minute: the sweep
    works them out as batches, in as many statements for six incidents as for two, and
    each keeps the waiting time its center had when it was reported."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def working_out(captured) -> int:
        """Statements up to the claim of the messages (how many are sent together after
        it depends on the channel's pace)."""
        sqls = [q["sql"] for q in captured.captured_queries]
        return next(n for n, sql in enumerate(sqls) if "SET \"state\" = 'sending'" in sql)

    first = [send(report, staff_a, printer_paper, description=f"Máy in {n}") for n in range(2)]
    RoutingPolicy.objects.filter(center=center_a).update(simple_ack_minutes=30)
    later = [send(report, staff_a, printer_paper, description=f"Máy in tầng {n}") for n in range(6)]
    receiver.received.clear()

    with CaptureQueriesContext(connection) as two:
        assert sweep(later[-1], 15) == 2
    texts = [m.text for m in receiver.at("/director")]
    assert [sum(f"Máy in {n}" in text for text in texts) for n in range(2)] == [1, 1]
    with CaptureQueriesContext(connection) as six:
        assert sweep(later[-1], 30) == 6
    assert sweep(later[-1], 31) == 0
    assert len(receiver.at("/director")) == 8
    assert working_out(six) == working_out(two)
    assert all(
        EscalationRun.objects.get(incident=i).no_ack_sent_at is not None for i in first + later
    )
