"""Reporting tells the first level at once, with what seed 004 step 2 asks for."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.test import Client
from django.utils import timezone

from ungcuu.core.site import base_url
from ungcuu.core.testing import make_user
from ungcuu.incidents import services as incident_services
from ungcuu.incidents.models import EventKind, Impact
from ungcuu.notify.models import Delivery, DeliveryState, Level
from ungcuu.notify.tests.helpers import ack_path, channel, report
from ungcuu.org.models import DutyShift, Role


def test_reporting_a_simple_incident_tells_the_team_leader_and_the_on_duty_responder_at_once(
    send, receiver, staff_a, leader_a, responder_a, printer_paper
):
    by_leader = channel(receiver, "/leader", person=leader_a)
    by_duty = channel(receiver, "/duty", person=responder_a)
    started = (timezone.now() - timedelta(minutes=25)).replace(second=0, microsecond=0)

    incident = send(
        report,
        staff_a,
        printer_paper,
        description="Máy in quầy số 2 hết giấy, không in được phiếu hẹn",
        impact=Impact.STOPPED,
        started_at=started,
    )

    # Vietnam keeps UTC+7 all year: the onset as the staff read it on the wall clock.
    onset = f"{started.astimezone(UTC) + timedelta(hours=7):%H:%M %d/%m/%Y}"
    for path in ("/leader", "/duty"):
        [message] = receiver.at(path)
        text = message.text
        assert "Trung tâm Phục vụ hành chính công xã Bạch Ngọc" in text
        assert printer_paper.name in text
        assert "Máy in quầy số 2 hết giấy, không in được phiếu hẹn" in text
        assert onset in text
        assert "Dừng tiếp nhận hồ sơ" in text
        assert f"{base_url()}/incidents/{incident.pk}/" in text
        assert Client().get(ack_path(text)).status_code == 200
    deliveries = Delivery.objects.filter(incident=incident)
    assert {d.person for d in deliveries} == {leader_a, responder_a}
    assert {d.state for d in deliveries} == {DeliveryState.SENT}
    # Each delivery names the channel that carried it (both are marked in one write).
    assert {(d.person, d.channel) for d in deliveries} == {
        (leader_a, by_leader),
        (responder_a, by_duty),
    }
    assert {d.level for d in deliveries} == {Level.AT_ONCE}
    events = incident.events.filter(kind=EventKind.NOTIFIED)
    assert sorted(e.payload["recipient"] for e in events) == sorted(
        [leader_a.display_name, responder_a.display_name]
    )
    assert all(e.payload["ok"] and e.payload["channel"] == "json" for e in events)


def test_the_reporter_is_not_messaged_about_their_own_report(
    send, receiver, leader_a, responder_a, printer_paper
):
    channel(receiver, "/leader", person=leader_a)
    channel(receiver, "/duty", person=responder_a)

    incident = send(report, leader_a, printer_paper, description="Hết giấy")

    assert receiver.at("/leader") == []
    assert len(receiver.at("/duty")) == 1
    assert not Delivery.objects.filter(incident=incident, person=leader_a).exists()


def test_only_todays_duty_roster_is_told(
    send, receiver, staff_a, leader_a, responder_a, center_a, printer_paper
):
    yesterday = make_user("a.yesterday", Role.RESPONDER, center=center_a)
    DutyShift.objects.create(
        center=center_a, person=yesterday, date=timezone.localdate() - timedelta(days=1)
    )
    channel(receiver, "/yesterday", person=yesterday)
    channel(receiver, "/duty", person=responder_a)

    send(report, staff_a, printer_paper)

    assert len(receiver.at("/duty")) == 1
    assert receiver.at("/yesterday") == []


def test_a_recipient_without_a_channel_is_listed_as_such_and_nothing_is_sent(
    send, receiver, staff_a, leader_a, printer_paper
):
    incident = send(report, staff_a, printer_paper)

    [delivery] = Delivery.objects.filter(incident=incident)
    assert delivery.person == leader_a
    assert delivery.state == DeliveryState.NO_CHANNEL
    assert receiver.received == []
    assert not incident.events.filter(kind=EventKind.NOTIFIED).exists()


def test_nothing_is_sent_before_the_report_commits(
    django_capture_on_commit_callbacks, immediate, receiver, staff_a, leader_a, printer_paper
):
    channel(receiver, "/leader", person=leader_a)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        incident = report(staff_a, printer_paper)
        assert receiver.received == []
        # Who to tell is worked out by the worker once the report is committed.
        assert not Delivery.objects.filter(incident=incident).exists()
    with django_capture_on_commit_callbacks(execute=True):  # the commit, at last
        for callback in callbacks:
            callback()

    assert len(receiver.at("/leader")) == 1
    assert Delivery.objects.get(incident=incident).state == DeliveryState.SENT


def test_resolving_tells_the_people_who_were_told(
    send, receiver, staff_a, leader_a, responder_a, printer_paper
):
    channel(receiver, "/leader", person=leader_a)
    channel(receiver, "/duty", person=responder_a)
    incident = send(report, staff_a, printer_paper)

    send(
        incident_services.incident_resolve,
        actor=leader_a,
        incident=incident,
        root_cause="Hết giấy A4",
    )

    assert len(receiver.at("/leader")) == 2
    last = receiver.at("/leader")[-1].text
    assert "ĐÃ KHẮC PHỤC" in last
    assert "Nguyên nhân: Hết giấy A4" in last
    assert "/ack/" not in last
    assert len(receiver.at("/duty")) == 2
