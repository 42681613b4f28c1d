"""Paper intake on a phone during an outage; the slip and the waiting-room board render
on a 360-px phone and a TV, and the board keeps its last state when the server is gone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ungcuu.catalog.models import IncidentType
from ungcuu.continuity.models import PaperIntake
from ungcuu.incidents.services import incident_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NARROW = {"width": 360, "height": 740}


WIDER_THAN_SCREEN = """Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 60))"""


def _no_sideways_scroll(page) -> None:
    # Measured as the person sees it: after the style sheet has loaded (a layout taken
    # before that shows the QR code at its bare size).
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], page.evaluate(WIDER_THAN_SCREEN)


@pytest.fixture
def outage(staff_a):
    return incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=IncidentType.objects.get(code="software-down"),
        description="Không vào được phần mềm một cửa",
        impact="stopped",
    ).incident


def test_a_dossier_taken_on_paper_from_the_incident_page_prints_its_slip(
    page, hand, login, shot, staff_a, outage
):
    page.set_viewport_size(NARROW)
    login(staff_a)
    page.goto(f"/incidents/{outage.pk}/")
    hand.tap(page.get_by_role("link", name="Tiếp nhận hồ sơ bằng giấy"))
    expect(page.get_by_role("heading", name="Tiếp nhận hồ sơ bằng giấy")).to_be_visible()
    expect(page.get_by_label("Thuộc sự cố")).to_have_value(str(outage.pk))
    _no_sideways_scroll(page)
    shot("paper-intake")

    page.get_by_label("Họ và tên người nộp").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số CCCD (12 chữ số)").fill("04018500123")  # one digit short
    page.get_by_label("Thủ tục", exact=True).fill("Đăng ký khai sinh")
    page.get_by_label("Thời hạn giải quyết (ngày làm việc)").fill("3")
    hand.tap(page.locator("label.choice", has_text="Bản sao Căn cước công dân"))
    hand.tap(page.get_by_role("button", name="Ghi hồ sơ và in phiếu hẹn"))

    expect(page.locator("main")).to_contain_text("Số CCCD phải gồm đúng 12 chữ số")
    expect(page.get_by_label("Họ và tên người nộp")).to_have_value("Nguyễn Thị Hoa")
    assert PaperIntake.objects.count() == 0

    page.get_by_label("Số CCCD (12 chữ số)").fill("040185001234")
    hand.tap(page.get_by_role("button", name="Ghi hồ sơ và in phiếu hẹn"))

    expect(page).to_have_url(re.compile(r"/paper/\d+/slip/$"))
    intake = PaperIntake.objects.get()
    assert intake.incident == outage and intake.documents == ["Bản sao Căn cước công dân"]
    expect(page.locator("article.slip")).to_have_count(2)
    expect(page.locator("article.slip").first).to_contain_text(intake.receipt_number)
    expect(page.locator("article.slip").first).to_contain_text(
        intake.expected_return_date.strftime("%d/%m/%Y")
    )
    expect(page.locator("article.slip svg").first).to_be_visible()  # the QR code
    _no_sideways_scroll(page)
    shot("paper-slip")


def test_the_board_reads_on_a_phone_and_a_tv_and_keeps_its_last_state_offline(
    browser, live_server, staff_a, outage
):
    phone = browser.new_context(base_url=live_server.url, viewport=NARROW, locale="vi-VN")
    page = phone.new_page()
    page.goto("/board/bachngoc/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hệ thống đang gặp sự cố kỹ thuật tạm thời"
    )
    _no_sideways_scroll(page)
    phone.close()

    tv = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 720})
    screen = tv.new_page()
    screen.clock.install()
    screen.goto("/board/bachngoc/")
    expect(screen.locator(".svc-incident").first).to_be_in_viewport()
    expect(screen.get_by_text("Tiếp nhận hồ sơ", exact=True)).to_be_in_viewport()

    # The server disappears: the next refresh fails and the screen keeps what it had.
    screen.route("**/state.json", lambda route: route.abort())
    screen.clock.run_for(31_000)
    expect(screen.locator(".board-stale")).to_contain_text("Mất kết nối")
    expect(screen.get_by_role("heading", level=1)).to_have_text(
        "Hệ thống đang gặp sự cố kỹ thuật tạm thời"
    )
    tv.close()


def test_the_register_and_worklist_fit_a_narrow_phone(page, login, staff_a, outage):
    from ungcuu.continuity import services

    for n in range(3):
        intake = services.intake_create(
            actor=staff_a,
            center=staff_a.center,
            incident=outage,
            citizen_name=f"Nguyễn Thị Minh Nguyệt {n}",
            citizen_id="040185001234",
            procedure="Chứng thực chữ ký trong giấy tờ, văn bản",
            processing_days=0,
        ).intake
    services.intake_reenter(actor=staff_a, intake=intake, dossier_code="000.00.40.H40-261123-0001")
    page.set_viewport_size(NARROW)
    login(staff_a)
    for url in ("/paper/", "/paper/reentry/", "/"):
        page.goto(url)
        _no_sideways_scroll(page)
