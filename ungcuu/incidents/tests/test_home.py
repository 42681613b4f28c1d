from __future__ import annotations

from ungcuu.core.testing import logged_in
from ungcuu.incidents.services import incident_report, incident_resolve


def test_the_province_home_lists_open_incidents_per_center_of_its_province_only(
    province_user, staff_a, staff_b, staff_c, center_a, center_b, center_c, internet
):
    for _ in range(2):
        incident_report(actor=staff_a, center=center_a, incident_type=internet)
    incident_report(actor=staff_b, center=center_b, incident_type=internet)
    incident_report(actor=staff_c, center=center_c, incident_type=internet)

    response = logged_in(province_user).get("/")

    rows = {row["center__code"]: row["count"] for row in response.context["by_center"]}
    assert rows == {"bachngoc": 2, "tanky": 1}
    assert "Xã Bạch Ngọc" in response.content.decode()
    assert "Xã Đồng Phúc" not in response.content.decode()


def test_the_center_home_sums_this_months_incidents_and_citizens_affected(
    staff_a, leader_a, center_a, printer_paper, internet
):
    incident_report(actor=staff_a, center=center_a, incident_type=printer_paper)
    outage = incident_report(actor=staff_a, center=center_a, incident_type=internet).incident
    incident_resolve(
        actor=leader_a,
        incident=outage,
        root_cause="Đứt cáp",
        citizens_affected=7,
        on_site_reason="Tự khắc phục tại chỗ",
    )

    summary = logged_in(leader_a).get("/").context["summary"]

    assert (summary.total, summary.open, summary.complex) == (2, 1, 1)
    assert summary.citizens_affected == 7
