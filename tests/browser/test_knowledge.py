"""A staff member at the desk finds a guide on a phone: by topic in two taps, or by typing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ELDERLY = "Người cao tuổi, đi lại khó khăn"
VNEID = "Quên mật khẩu tài khoản định danh điện tử VNeID"


def test_staff_opens_a_guide_from_the_menu_in_two_taps(page, hand, login, shot, staff_a):
    login(staff_a)
    expect(page).to_have_url(re.compile(r"/$"))

    hand.tap(page.get_by_role("navigation").get_by_role("link", name="Hướng dẫn"))
    expect(page.get_by_role("heading", name="Hỗ trợ người dân yếu thế")).to_be_visible()
    shot("guides")
    hand.tap(page.get_by_role("link", name=ELDERLY))

    assert hand.count == 2
    expect(page.get_by_role("heading", level=1)).to_have_text(ELDERLY)
    steps = page.locator(".guide-steps li")
    expect(steps.first).to_contain_text("Chủ động ra đón")
    expect(page.locator(".guide-phrases")).to_contain_text("cháu giúp bác")
    # Large reading text on a phone.
    size = page.locator(".guide").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 18
    shot("guide")

    hand.tap(page.get_by_role("link", name="Bản in"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ELDERLY)
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_typing_without_diacritics_finds_the_guide_as_you_type(page, login, shot, staff_a):
    login(staff_a)
    page.goto("/guides/")
    page.get_by_label("Tìm hướng dẫn").fill("quen mat khau vneid")
    first = page.locator("#guide-results .guide-topic").first
    expect(first).to_contain_text(VNEID)  # live results, no button pressed
    expect(page.locator("#guide-results")).not_to_contain_text(ELDERLY)
    shot("guide-search")
    first.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(VNEID)


def test_search_works_without_javascript(browser, live_server, page, login, staff_a):
    login(staff_a)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="vi-VN"
    )
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    try:
        plain.goto("/guides/")
        plain.get_by_label("Tìm hướng dẫn").fill("NGAN HANG")
        plain.get_by_role("button", name="Tìm", exact=True).click()
        expect(plain).to_have_url(re.compile(r"/guides/\?q=NGAN\+HANG$"))
        expect(plain.locator("#guide-results .guide-topic").first).to_contain_text(
            "Không có tài khoản ngân hàng"
        )
    finally:
        context.close()


def test_a_team_leader_adds_the_centers_note_from_the_phone(page, hand, login, shot, leader_a):
    note = "Công an xã Bạch Ngọc mở khóa VNeID, ĐT 0238 3600 111."
    login(leader_a)
    page.goto("/guides/quen-mat-khau-vneid/")
    hand.tap(page.get_by_text("Thêm ghi chú của Trung tâm"))
    page.get_by_label("Ghi chú cho cán bộ Trung tâm").fill(note)
    hand.tap(page.get_by_role("button", name="Lưu ghi chú"))

    expect(page.locator(".messages")).to_contain_text("Đã lưu ghi chú của Trung tâm")
    expect(page.locator(".guide-note")).to_have_text(note)
    shot("guide-note")
    assert hand.count == 2
