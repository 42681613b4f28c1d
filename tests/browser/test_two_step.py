"""Two-step sign-in on a phone: a team leader of a center that turned it on sets it up."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def code_from_secret(secret: str) -> str:
    """What the authenticator app shows for the key typed in by hand."""
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def test_a_team_leader_sets_up_the_app_and_reaches_home(page, login, shot, center_a, leader_a):
    center_a.require_two_step = True
    center_a.save()

    login(leader_a)

    expect(page).to_have_url(re.compile(r"/two-step/setup/"))
    expect(page.get_by_role("heading", name="Cài đặt đăng nhập hai bước")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shot("two-step-setup")
    secret = page.locator("#secret").inner_text()

    page.get_by_label("Nhập mã 6 số ứng dụng đang hiện:").fill(code_from_secret(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận").tap()

    expect(page.get_by_role("heading", name="Mã dự phòng")).to_be_visible()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    expect(page.locator(".messages")).to_contain_text("Đã cài đặt xong đăng nhập hai bước.")
    shot("two-step-backup-codes")

    with page.expect_navigation():
        page.get_by_role("link", name="Tiếp tục").tap()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".topbar")).to_contain_text(leader_a.display_name)
    page.goto("/logbook/")
    expect(page).to_have_url(re.compile(r"/logbook/$"))


def test_before_the_code_the_leader_sees_only_the_code_page(page, login, shot, center_a, leader_a):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    center_a.require_two_step = True
    center_a.save()
    device = TOTPDevice.objects.create(user=leader_a, name="Điện thoại", confirmed=True)

    login(leader_a)
    expect(page.get_by_text("Nhập mã 6 số trên ứng dụng xác thực")).to_be_visible()
    page.goto("/logbook/")
    expect(page).to_have_url(re.compile(r"/two-step/\?next=%2Flogbook%2F"))
    shot("two-step-code")

    page.get_by_label("Mã 6 số").fill(f"{totp(device.bin_key):06d}")
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận").tap()

    expect(page).to_have_url(re.compile(r"/logbook/$"))
