"""On a phone: the start-of-day check in a few taps, a fault opens the right report,
supplies recorded, a drill run from start to evaluation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import make_user
from ungcuu.incidents.models import Incident
from ungcuu.org.models import Role
from ungcuu.readiness import services
from ungcuu.readiness.models import DailyCheck, Drill, DrillStatus, MovementKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_all_ok_from_the_home_page_in_two_taps(page, hand, login, shot, staff_a):
    login(staff_a)
    hand.tap(page.get_by_role("link", name="Kiểm tra đầu ngày"))
    expect(page.get_by_role("heading", name="Kiểm tra đầu ngày")).to_be_visible()
    expect(page.locator(".rd-row")).to_have_count(10)
    shot("readiness-check")
    hand.tap(page.get_by_role("button", name="Tất cả đều tốt"))

    expect(page.locator(".rd-done")).to_contain_text("Tất cả đều tốt.")
    assert hand.count == 2
    run = DailyCheck.objects.get()
    assert run.faults == 0 and run.done_by == staff_a


def test_ticking_items_and_reporting_a_fault(page, hand, login, staff_a):
    login(staff_a)
    page.goto("/readiness/check/")
    rows = page.locator(".rd-row")
    for n in range(1, 10):
        hand.tap(rows.nth(n).locator(".rd-tick"))
    expect(rows.nth(1).locator("input")).to_be_checked()
    hand.tap(page.get_by_role("button", name="Lưu kết quả"))
    expect(page.locator(".rd-done")).to_contain_text("1 mục lỗi")
    assert DailyCheck.objects.get().faults == 1

    # The software row's "Báo lỗi" opens the report form with the type chosen.
    hand.tap(page.locator(".rd-row").first.get_by_role("link", name="Báo lỗi"))
    expect(page).to_have_url(re.compile(r"/incidents/new/\?type=software-down"))
    expect(page.get_by_role("radio", name=re.compile("Sập hệ thống phần mềm"))).to_be_checked()
    expect(page.locator("#id_description")).to_have_value(re.compile("Phần mềm một cửa"))
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()
    expect(page).to_have_url(re.compile(r"/incidents/\d+/$"))
    assert Incident.objects.get().incident_type.code == "software-down"


def test_the_it_officer_records_paper_used_and_sees_low_stock(page, hand, login, shot, center_a):
    it = make_user("a.it", Role.IT_OFFICER, center=center_a)
    item = services.supply_save(
        actor=it,
        center=center_a,
        kind="paper_a4",
        name="Giấy A4",
        unit="ram",
        quota=20,
        threshold=3,
    )
    services.stock_move(actor=it, item=item, kind=MovementKind.RECEIVED, quantity_value=5)
    login(it)
    page.goto("/readiness/supplies/")
    hand.tap(page.get_by_role("link", name="Giấy A4"))
    page.locator("label.choice", has_text="Sử dụng").tap()
    page.get_by_label("Số lượng").fill("-2")
    page.get_by_role("button", name="Ghi", exact=True).tap()
    expect(page.locator(".errorlist")).to_contain_text("Số lượng phải lớn hơn 0")
    page.get_by_label("Số lượng").fill("3")
    page.get_by_role("button", name="Ghi", exact=True).tap()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhập/xuất vật tư")
    expect(page.locator("dd.rd-stock")).to_contain_text("2 ram")
    expect(page.locator("dd.rd-stock")).to_contain_text("Sắp hết")
    shot("readiness-supply")


def test_a_drill_runs_and_its_incident_is_marked(page, login, shot, director_a, staff_a):
    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=IncidentType.objects.get(code="software-down"),
        scheduled_at=timezone.now() + timedelta(minutes=2),
    )
    login(director_a)
    page.goto(f"/readiness/drills/{drill.pk}/")
    page.get_by_role("button", name="Bắt đầu diễn tập").tap()
    expect(page.locator(".rd-drill")).to_contain_text("ĐANG DIỄN TẬP")
    page.get_by_role("link", name="Báo sự cố (diễn tập)").tap()
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()
    expect(page).to_have_url(re.compile(r"/incidents/\d+/$"))
    expect(page.locator("#readiness")).to_contain_text("DIỄN TẬP")
    page.goto("/")
    expect(page.locator(".rd-drill")).to_contain_text("ĐANG DIỄN TẬP")
    shot("readiness-home-drill")
    assert Incident.objects.get().is_drill

    page.goto(f"/readiness/drills/{drill.pk}/")
    page.get_by_role("button", name="Kết thúc diễn tập").tap()
    page.get_by_label("Rút kinh nghiệm").fill("Cần in sẵn phiếu tiếp nhận.")
    page.get_by_role("button", name="Lưu đánh giá").tap()
    expect(page.locator(".messages")).to_contain_text("Đã lưu đánh giá diễn tập")
    shot("readiness-drill")
    drill.refresh_from_db()
    assert drill.status == DrillStatus.DONE and drill.lessons == "Cần in sẵn phiếu tiếp nhận."
    assert Drill.objects.count() == 1
