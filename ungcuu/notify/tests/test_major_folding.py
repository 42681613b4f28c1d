"""Reports folded into a major incident reach the province and the vendor once (issue 12
item 3; issue 15 item 1): not one message per center. Each center is still told of its
own incident."""

from __future__ import annotations

import pytest

from ungcuu.core.testing import make_user
from ungcuu.incidents.models import MajorIncident
from ungcuu.notify.models import Delivery, Level
from ungcuu.notify.tests.helpers import channel, report
from ungcuu.org.models import Contact, Organisation, OrganisationKind, Role
from ungcuu.org.services import center_create


@pytest.fixture
def province(center_a, center_b, receiver):
    """Four centers of Nghệ An with a team leader each, the province working group and
    the carrier's counterpart team, all with channels on the local receiver."""
    centers = [
        center_a,
        center_b,
        center_create(ward_code=17329, code="anhson", prefix="AS"),
        center_create(ward_code=17380, code="yenxuan", prefix="YX"),
    ]
    staff, leaders = [], []
    for center in centers:
        staff.append(make_user(f"{center.code}.nv", Role.STAFF, center=center))
        leader = make_user(f"{center.code}.tt", Role.TEAM_LEADER, center=center)
        channel(receiver, f"/leader/{center.code}", person=leader)
        leaders.append(leader)
    group = make_user("na.tinh", Role.PROVINCE, province=center_a.province)
    channel(receiver, "/province", person=group)
    isp = Organisation.objects.create(
        name="VNPT Nghệ An", kind=OrganisationKind.ISP, province=center_a.province
    )
    team = Contact.objects.create(organisation=isp, name="Tổ Đối ứng VNPT")
    channel(receiver, "/vnpt", contact=team)
    return {"centers": centers, "staff": staff, "leaders": leaders, "group": group}


def test_the_province_and_the_vendor_hear_of_a_shared_outage_once(
    send, province, receiver, internet
):
    staff = province["staff"]
    send(report, staff[0], internet)
    send(report, staff[1], internet)
    # Two centers: each told the province on its own (004 B1).
    assert receiver.wait_for(2, path="/province")

    send(report, staff[2], internet)  # the third: a major incident opens
    major = MajorIncident.objects.get()
    assert receiver.wait_for(3, path="/province")
    third = receiver.at("/province")[2].text
    assert "SỰ CỐ DIỆN RỘNG" in third and major.number in third
    assert "Bạch Ngọc" in third and "Tân Kỳ" in third and "Anh Sơn" in third
    assert f"/major/{major.pk}/" in third

    send(report, staff[3], internet)  # the fourth joins: nothing more to the province
    send(report, staff[0], internet)  # a second report at the first center: nothing more

    assert len(receiver.at("/province")) == 3
    assert len(receiver.at("/vnpt")) == 3
    # Every center's own team leader was told of its own incident.
    for center in province["centers"]:
        assert receiver.at(f"/leader/{center.code}"), center.code
    folded = Delivery.objects.filter(person=province["group"], level=Level.AT_ONCE)
    assert folded.count() == 3


def test_a_replayed_announcement_is_not_sent_twice(send, province, receiver, internet):
    from ungcuu.notify import services

    for person in province["staff"][:3]:
        send(report, person, internet)
    before = Delivery.objects.count()
    # The worker runs the report pass again (a crash and retry): nothing new.
    for incident in MajorIncident.objects.get().children.all():
        services.notify_report(incident.pk)
    assert Delivery.objects.count() == before


def test_folded_reports_are_not_escalated_one_by_one_later(send, province, receiver, internet):
    """The NO_ACK sweep does not send each folded report to the province either."""
    from datetime import timedelta

    from django.utils import timezone

    from ungcuu.notify import services

    for person in province["staff"][:4]:
        send(report, person, internet)
    before = len(receiver.at("/province"))
    send(services.escalation_sweep, now=timezone.now() + timedelta(minutes=20))
    receiver.wait_for(before + 1, path="/province", timeout=1)
    texts = [r.text for r in receiver.at("/province")[before:]]
    assert not any("BÁO SỰ CỐ" in t and "Yên Xuân" in t for t in texts)
