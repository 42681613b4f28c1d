"""Who gets in: center scoping and the lockout after repeated wrong passwords."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ungcuu.core.testing import make_user
from ungcuu.incidents import services
from ungcuu.org.models import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ADMIN_NAME = "Trần Thị Quản Trị"
ADMIN_PHONE = "0912345678"


def test_staff_of_another_center_gets_not_found(
    page, login, shot, staff_a, staff_b, center_a, printer_paper
):
    incident = services.incident_report(
        actor=staff_a,
        center=center_a,
        incident_type=printer_paper,
        description="Máy in quầy số 2 kẹt giấy",
    ).incident

    login(staff_b)
    response = page.goto(f"/incidents/{incident.pk}/")

    assert response.status == 404
    shot("not-found")
    body = page.locator("body")
    expect(body).not_to_contain_text(incident.number)
    expect(body).not_to_contain_text("Máy in quầy số 2 kẹt giấy")
    expect(body).not_to_contain_text(printer_paper.name)

    page.goto("/logbook/")
    expect(page.locator("table.book")).to_contain_text("Không có sự cố nào khớp bộ lọc.")
    expect(page.locator("body")).not_to_contain_text(incident.number)


def test_five_wrong_passwords_lock_the_account_and_name_who_unlocks_it(
    page, login, shot, staff_a, leader_a
):
    admin = make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True)
    admin.full_name = ADMIN_NAME
    admin.phone = ADMIN_PHONE
    admin.save()

    for attempt in range(5):
        login(staff_a, "sai-mat-khau")
        if attempt < 4:
            expect(page.get_by_label("Mật khẩu", exact=True)).to_be_visible()
            expect(page.locator(".form-errors")).to_be_visible()

    login(staff_a)  # the right password, too late

    expect(page.get_by_role("heading", name="Tài khoản tạm khóa")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text(staff_a.username)
    expect(main).to_contain_text(ADMIN_NAME)
    expect(main.locator(f'a[href="tel:{ADMIN_PHONE}"]')).to_be_visible()
    shot("locked")
    response = page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    assert response.status == 200

    # Locked by address and username together: a colleague at the same desk still gets in.
    login(leader_a)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".topbar")).to_contain_text(leader_a.display_name)


def test_the_not_found_page_speaks_vietnamese_and_leads_home(page, login, staff_a):
    login(staff_a)
    response = page.goto("/incidents/999999/")

    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "vi"
    expect(page.locator("body")).not_to_contain_text("The requested resource")
    expect(page.locator('a[href="/"]').first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
