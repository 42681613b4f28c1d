"""On a 360-px phone: a center leader sets up the center without the Django admin — the
checklist, the Excel import, a channel and its “Gửi thử”."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from ungcuu.notify.models import Channel
from ungcuu.notify.tests.receiver import Receiver
from ungcuu.org.models import DutyShift, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NARROW = {"width": 360, "height": 800}


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def _workbook(day) -> bytes:
    book = Workbook()
    book.remove(book.active)
    people = book.create_sheet("Nhân sự")
    people.append(["Tên đăng nhập *", "Họ và tên *", "Vai trò *", "Điện thoại"])
    people.append(["bn.totruong", "Nguyễn Văn An", "Tổ trưởng Tổ ứng cứu", "0912 345 678"])
    people.append(["bn.cntt", "Trần Thị Bình", "Cán bộ CNTT", "0912 000 111"])
    duty = book.create_sheet("Lịch trực")
    duty.append(["Ngày *", "Tên đăng nhập *"])
    duty.append([day.strftime("%d/%m/%Y"), "bn.totruong"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_a_center_leader_sets_up_the_center_on_a_phone(
    page, login, shot, director_a, receiver, tmp_path
):
    from datetime import date

    page.set_viewport_size(NARROW)
    login(director_a)
    page.goto("/setup/")
    expect(page.get_by_role("heading", name="Khai báo Trung tâm")).to_be_visible()
    checklist = page.locator(".checklist")
    expect(checklist).to_contain_text("Có Tổ trưởng Tổ ứng cứu")
    expect(page.locator(".checklist .missing").first).to_be_visible()
    _no_sideways_scroll(page)
    shot("setup-first")

    # The template downloads as a workbook.
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu (.xlsx)").tap()
    assert download.value.suggested_filename.endswith(".xlsx")

    # A filled file: people and duty arrive, and each new person gets a first sign-in link.
    filled = tmp_path / "danh-sach.xlsx"
    filled.write_bytes(_workbook(date.today()))
    page.get_by_label("Tệp đã điền").set_input_files(str(filled))
    page.get_by_role("button", name="Tải lên và nhập").tap()
    expect(page.locator(".messages")).to_contain_text("Đã nhập dữ liệu từ tệp")
    expect(page.locator("#first-sign-in")).to_contain_text("Nguyễn Văn An")
    assert User.objects.get(username="bn.totruong").center == director_a.center
    assert DutyShift.objects.filter(person__username="bn.totruong").exists()
    _no_sideways_scroll(page)
    shot("setup-imported")

    # A channel for the new team leader, then "Gửi thử" shows what the channel answered.
    page.get_by_label("Người nhận / đầu mối").select_option(
        label="Nguyễn Văn An (Tổ trưởng Tổ ứng cứu)"
    )
    page.get_by_label("Địa chỉ kênh (Apprise)").fill(receiver.url("/to-truong"))
    page.get_by_label("Tên gợi nhớ").fill("Zalo Tổ trưởng")
    page.get_by_role("button", name="Thêm kênh").tap()
    expect(page.locator("#channels")).to_contain_text("Chưa gửi thử")
    page.get_by_role("button", name="Gửi thử").tap()
    expect(page.locator(".messages")).to_contain_text("Kênh đã nhận tin thử")
    expect(page.locator("#channels")).to_contain_text("Gửi thử được")
    assert Channel.objects.get().test_ok is True
    assert "Tin thử từ UngCuu" in receiver.received[-1].text
    expect(checklist).not_to_contain_text("Chưa có kênh: Nguyễn Văn An")
    _no_sideways_scroll(page)
    shot("setup-channel")


def test_the_setup_page_has_no_serious_accessibility_violations(page, login, director_a, axe):
    page.set_viewport_size(NARROW)
    login(director_a)
    page.goto("/setup/")
    serious = [v for v in axe() if v.get("impact") in ("serious", "critical")]
    assert serious == [], serious
