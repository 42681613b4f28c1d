"""The center's plan on a small phone, printed, and the symptoms on the report form (R24, R43)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SMALL_PHONE = {"width": 360, "height": 800}
INTERNET_SYMPTOMS = "Không truy cập được các hệ thống trực tuyến"


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_plan_reads_on_a_small_phone_without_sideways_scroll(page, login, shot, staff_a):
    page.set_viewport_size(SMALL_PHONE)
    login(staff_a)

    page.get_by_role("link", name="Phương án", exact=True).first.tap()

    expect(page.get_by_role("heading", name="I. Mục đích")).to_be_visible()
    expect(page.locator("#internet").get_by_text(INTERNET_SYMPTOMS)).to_be_attached()
    shot("plan-360")
    assert _scroll_width(page) <= SMALL_PHONE["width"]
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 18
    word = page.get_by_role("link", name="Tải Word")
    expect(word).to_be_visible()
    assert word.bounding_box()["height"] >= 44

    # The link gives the Word document to the signed-in user.
    with page.expect_download() as download:
        word.tap()
    assert download.value.suggested_filename == "phuong-an-xu-ly-su-co-bachngoc.docx"


def test_the_printed_plan_leaves_out_the_menu_and_buttons(page, login, staff_a):
    login(staff_a)
    page.goto("/plan/")

    page.emulate_media(media="print")

    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("link", name="Tải Word")).to_be_hidden()
    expect(page.get_by_role("heading", name="IV. Xử lý từng loại sự cố")).to_be_visible()
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Times New Roman" in family


def test_the_report_form_shows_each_types_symptoms(page, login, shot, staff_a):
    page.set_viewport_size(SMALL_PHONE)
    login(staff_a)
    page.goto("/incidents/new/")

    internet = page.locator("label.choice", has_text="Mất mạng Internet")

    expect(internet.locator(".symptoms")).to_contain_text(INTERNET_SYMPTOMS)
    expect(internet.locator(".symptoms")).to_be_visible()
    shot("report-form-symptoms")
    assert _scroll_width(page) <= SMALL_PHONE["width"]


def test_the_center_leader_adjusts_a_types_steps_on_a_phone_and_staff_see_them(
    page, login, shot, director_a, staff_a
):
    """R25: the center leader adjusts the plan without the admin, on a phone."""
    page.set_viewport_size(SMALL_PHONE)
    login(director_a)
    page.goto("/plan/")

    page.get_by_role("link", name="Điều chỉnh phương án").tap()
    expect(page.get_by_role("heading", name="Điều chỉnh phương án")).to_be_visible()
    assert _scroll_width(page) <= SMALL_PHONE["width"]
    page.get_by_role("link", name="Máy in hết giấy, kẹt giấy").tap()

    steps = page.get_by_label("Xử lý (các bước)")
    expect(steps).to_contain_text("# Khi máy in hết giấy")
    steps.fill("# Tại quầy\nMượn máy in của phòng Văn hóa – Xã hội.\nIn lại phiếu hẹn.")
    page.get_by_label("Phụ trách").fill("Chị Lan, văn thư.")
    shot("plan-adjust-type-360")
    assert _scroll_width(page) <= SMALL_PHONE["width"]
    page.get_by_role("button", name="Lưu").tap()

    expect(page.get_by_text("Đã lưu phương án cho loại sự cố này.")).to_be_visible()
    expect(page.get_by_label("Xử lý (các bước)")).to_have_value(
        "# Tại quầy\nMượn máy in của phòng Văn hóa – Xã hội.\nIn lại phiếu hẹn."
    )

    # The history names who changed it.
    page.get_by_role("link", name="← Điều chỉnh phương án").tap()
    history = page.locator(".history")
    expect(history).to_contain_text(director_a.display_name)
    expect(history).to_contain_text("Chị Lan, văn thư.")

    # A staff member reporting the type gets the center's steps.
    page.context.clear_cookies()
    login(staff_a)
    page.goto("/incidents/new/")
    page.locator("label.choice", has_text="Máy in hết giấy, kẹt giấy").tap()
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()
    playbook = page.locator("#playbook")
    expect(playbook.get_by_text("Mượn máy in của phòng Văn hóa – Xã hội.")).to_be_visible()
