"""The province's live picture and its public status page (issue 12 item 4)."""

from __future__ import annotations

from django.test import Client

from ungcuu.catalog.models import IncidentType
from ungcuu.continuity.services import intake_create
from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents.live import province_picture
from ungcuu.incidents.services import incident_report
from ungcuu.org.models import Role


def _setup(center_a, center_b, staff_a, staff_b, internet, printer_paper):
    down = incident_report(
        actor=staff_a, center=center_a, incident_type=internet, description="Qorvex cáp đứt"
    ).incident
    incident_report(actor=staff_b, center=center_b, incident_type=printer_paper)
    return down


def test_each_center_shows_its_state_the_worst_first(
    center_a, center_b, center_c, staff_a, staff_b, internet, printer_paper
):
    _setup(center_a, center_b, staff_a, staff_b, internet, printer_paper)

    picture = province_picture(center_a.province)

    assert [(c.code, c.state) for c in picture.centers] == [
        ("bachngoc", "down"),
        ("tanky", "degraded"),
    ]
    assert picture.counts["down"] == 1 and picture.counts["normal"] == 0


def test_the_working_group_sees_its_province_and_nobody_else_does(
    center_a, center_b, center_c, staff_a, staff_b, internet, printer_paper, province_user
):
    _setup(center_a, center_b, staff_a, staff_b, internet, printer_paper)
    page = logged_in(province_user).get("/province/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bạch Ngọc" in html and "Ngừng (sự cố phức tạp)" in html
    assert 'hx-trigger="every 30s"' in html
    # Staff of a center and another province's user do not get it.
    assert logged_in(staff_a).get("/province/").status_code == 404
    other = make_user("tn.tinh", Role.PROVINCE, province=center_c.province)
    assert "Bạch Ngọc" not in logged_in(other).get("/province/").content.decode()


def test_the_public_status_page_shows_states_only(
    center_a, center_b, staff_a, staff_b, internet, printer_paper
):
    down = _setup(center_a, center_b, staff_a, staff_b, internet, printer_paper)
    intake_create(
        actor=staff_a,
        center=center_a,
        citizen_name="Nguyễn Văn Zubrecht",
        citizen_id="040190001234",
        procedure="Đăng ký khai sinh",
        processing_days=3,
        incident=down,
    )

    page = Client().get(f"/status/{center_a.province.code}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Bạch Ngọc" in html and "Tạm ngừng" in html and "Tân Kỳ" in html
    # No people, no texts: the description and the reporter are not on it.
    assert "đang tiếp nhận hồ sơ bằng giấy" in html
    assert "Qorvex" not in html and "Zubrecht" not in html
    assert staff_a.display_name not in html
    assert staff_a.username not in html
    assert Client().get("/status/999/").status_code == 404
    assert Client().get("/status/99999999999999999999/").status_code == 404


def test_a_national_major_incident_shows_on_every_provinces_page(
    center_a, center_c, staff_a, staff_c, province_user
):
    national_db = IncidentType.objects.get(code="national-db")
    incident_report(actor=staff_a, center=center_a, incident_type=national_db)
    html = logged_in(province_user).get("/province/").content.decode()
    assert "Bạch Ngọc" in html
