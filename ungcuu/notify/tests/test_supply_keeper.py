"""R39 (000 1.1): a printer out of paper or ink — "báo ngay cho bộ phận hành chính - quản trị
hoặc cán bộ được phân công tiếp nhận, cấp phát vật tư". The keeper (cán bộ theo dõi) of the
center's paper or ink is told with the report, over their own channels."""

from __future__ import annotations

import pytest

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import logged_in, make_user
from ungcuu.notify.models import Delivery, DeliveryState, Level
from ungcuu.notify.tests.helpers import channel, report
from ungcuu.org.models import Role
from ungcuu.readiness.models import SupplyItem, SupplyKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def keepers(center_a, center_b):
    """The paper keeper (of A4 and A5), the ink keeper, and the supplies of another center."""
    paper = make_user("a.hanhchinh", Role.STAFF, center=center_a)
    ink = make_user("a.it", Role.IT_OFFICER, center=center_a)
    other = make_user("b.hanhchinh", Role.STAFF, center=center_b)
    for kind, name, keeper in [
        (SupplyKind.PAPER_A4, "Giấy A4 Double A", paper),
        (SupplyKind.PAPER_A5, "Giấy A5", paper),
        (SupplyKind.INK, "Hộp mực HP 107A", ink),
    ]:
        SupplyItem.objects.create(center=center_a, kind=kind, name=name, assignee=keeper)
    SupplyItem.objects.create(
        center=center_b, kind=SupplyKind.PAPER_A4, name="Giấy A4", assignee=other
    )
    return {"paper": paper, "ink": ink, "other": other}


def at_once(incident, person) -> list[Delivery]:
    return list(Delivery.objects.filter(incident=incident, person=person, level=Level.AT_ONCE))


def test_the_paper_keeper_hears_at_once_that_a_printer_is_out_of_paper(
    send, receiver, keepers, staff_a, leader_a, printer_paper
):
    channel(receiver, "/hanhchinh", person=keepers["paper"])

    incident = send(report, staff_a, printer_paper, description="Máy in quầy 2 hết giấy")

    [delivery] = at_once(incident, keepers["paper"])  # once, though they keep A4 and A5
    assert delivery.state == DeliveryState.SENT
    [message] = receiver.at("/hanhchinh")
    assert "Máy in quầy 2 hết giấy" in message.text
    assert at_once(incident, leader_a)  # the team leader is told as ever


def test_out_of_ink_tells_the_ink_keeper_not_the_paper_keeper(
    send, keepers, staff_a, leader_a, center_a
):
    ink = IncidentType.objects.get(code="printer-ink")
    # The IT officer hears of a technical incident anyway: an ink keeper of no such role.
    keeper = make_user("a.vattu", Role.STAFF, center=center_a)
    SupplyItem.objects.filter(kind=SupplyKind.INK).update(assignee=keeper)

    incident = send(report, staff_a, ink)

    assert len(at_once(incident, keeper)) == 1
    assert not at_once(incident, keepers["paper"])


def test_an_internet_outage_is_no_business_of_the_supply_keeper(
    send, keepers, staff_a, leader_a, internet
):
    incident = send(report, staff_a, internet)

    assert not at_once(incident, keepers["paper"])
    assert at_once(incident, leader_a)


def test_another_centers_keeper_and_one_who_left_are_not_told(
    send, keepers, staff_a, leader_a, center_b, printer_paper
):
    moved = keepers["paper"]
    moved.center = center_b
    moved.save(update_fields=["center"])

    incident = send(report, staff_a, printer_paper)

    assert not at_once(incident, moved)
    assert not at_once(incident, keepers["other"])


def test_the_keeper_who_reports_it_is_not_told_of_their_own_report(
    send, keepers, leader_a, printer_paper
):
    incident = send(report, keepers["paper"], printer_paper)

    assert not at_once(incident, keepers["paper"])
    assert at_once(incident, leader_a)


def test_the_policy_page_lists_the_keepers_a_printer_incident_reaches(keepers, leader_a):
    page = logged_in(leader_a).get("/policy/").text

    reach = page.split("Báo ngay – máy in hết giấy, hết mực", 1)[1].split("</section>", 1)[0]
    assert keepers["paper"].display_name in reach and keepers["ink"].display_name in reach
    assert keepers["other"].display_name not in reach
    assert "Cán bộ theo dõi vật tư" in reach
