"""The team leader closes the loop: resolution on the incident page, then the log book."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from ungcuu.incidents import services
from ungcuu.incidents.models import Incident, Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT_CAUSE = "Giấy bị ẩm, dính vào nhau trong khay"
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _report(staff, center, incident_type, *, minutes_ago: int = 0) -> Incident:
    started = None
    if minutes_ago:
        # Whole minutes, as a person types them, so the downtime shown is exact.
        started = (timezone.now() - timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)
    return services.incident_report(
        actor=staff,
        center=center,
        incident_type=incident_type,
        description="Máy in quầy số 2 kẹt giấy",
        started_at=started,
        citizens_waiting=3,
    ).incident


def test_leader_resolves_and_finds_it_in_the_log_book(
    page, login, shot, staff_a, leader_a, center_a, printer_paper
):
    incident = _report(staff_a, center_a, printer_paper, minutes_ago=60)
    restored = timezone.localtime(incident.started_at + timedelta(minutes=40))

    login(leader_a)
    page.goto(f"/incidents/{incident.pk}/")
    resolve = page.get_by_role("link", name="Đã khắc phục xong")
    assert resolve.bounding_box()["height"] >= 44
    resolve.tap()

    expect(page.get_by_role("heading", name="Xác nhận đã khắc phục")).to_be_visible()
    shot("resolve")
    page.get_by_label("Nguyên nhân").fill(ROOT_CAUSE)
    page.get_by_label("Hoạt động trở lại lúc").fill(restored.strftime(LOCAL_INPUT))
    page.get_by_label("Số người dân bị ảnh hưởng").fill("4")
    page.get_by_role("button", name="Xác nhận đã khắc phục").tap()

    expect(page).to_have_url(re.compile(rf"/incidents/{incident.pk}/$"))
    expect(page.locator("main .meta .badge").first).to_have_text("Đã khắc phục")
    expect(page.locator("dl.facts")).to_contain_text("gián đoạn 40 phút")
    expect(page.locator("dl.facts")).to_contain_text(ROOT_CAUSE)
    expect(page.locator("dl.facts")).to_contain_text(restored.strftime("%H:%M %d/%m/%Y"))
    expect(page.locator(".messages")).to_contain_text(
        f"Đã ghi nhận khắc phục sự cố {incident.number}"
    )
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.citizens_affected == 4

    page.locator(".topbar").get_by_role("link", name="Sổ theo dõi").tap()
    expect(page.get_by_role("heading", name="Sổ theo dõi sự cố kỹ thuật")).to_be_visible()
    book = page.locator("table.book")
    expect(book.get_by_role("link", name=incident.number)).to_be_visible()

    page.get_by_text("Bộ lọc", exact=True).tap()  # the filters fold away on a phone
    page.get_by_label("Loại sự cố").select_option("printer-paper")
    page.get_by_role("button", name="Lọc", exact=True).tap()
    expect(page).to_have_url(re.compile(r"type=printer-paper"))
    expect(book.get_by_role("link", name=incident.number)).to_be_visible()
    expect(book).to_contain_text(ROOT_CAUSE)
    shot("logbook")

    page.get_by_label("Loại sự cố").select_option("internet")
    page.get_by_role("button", name="Lọc", exact=True).tap()
    expect(page).to_have_url(re.compile(r"type=internet"))
    expect(book).to_contain_text("Không có sự cố nào khớp bộ lọc.")
    expect(book.get_by_role("link", name=incident.number)).to_have_count(0)


def test_log_book_export_downloads_what_the_filter_shows(
    page, login, tmp_path, staff_a, leader_a, center_a, printer_paper
):
    incident = _report(staff_a, center_a, printer_paper, minutes_ago=60)
    services.incident_resolve(actor=leader_a, incident=incident, root_cause=ROOT_CAUSE)

    login(leader_a)
    page.goto("/logbook/?type=printer-paper")
    expect(page.locator("table.book").get_by_role("link", name=incident.number)).to_be_visible()

    # The export follows the filter on screen.
    export = page.get_by_role("link", name="Tải Excel (XLSX)")
    href = export.get_attribute("href") or ""
    assert "type=printer-paper" in href
    # Fail fast with the server's answer rather than wait for a download that never comes.
    answer = page.context.request.get(href)
    assert answer.status == 200, answer.status
    with page.expect_download() as download_info:
        export.tap()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved, read_only=True)
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    workbook.close()
    assert incident.number in cells
    assert ROOT_CAUSE in cells


def test_leader_resolves_a_quick_fix_with_the_prefilled_time(
    page, login, staff_a, leader_a, center_a, printer_paper
):
    """A paper jam fixed within the minute: the pre-filled restore time must be accepted."""
    # Stay clear of a minute boundary, so report and form fall in the same minute.
    while timezone.localtime().second > 50:
        page.wait_for_timeout(1000)
    incident = _report(staff_a, center_a, printer_paper)
    assert incident.started_at.second or incident.started_at.microsecond

    login(leader_a)
    page.goto(f"/incidents/{incident.pk}/resolve/")
    page.get_by_label("Nguyên nhân").fill(ROOT_CAUSE)
    page.get_by_role("button", name="Xác nhận đã khắc phục").tap()

    expect(page).to_have_url(re.compile(rf"/incidents/{incident.pk}/$"))
    expect(page.locator("main .meta .badge").first).to_have_text("Đã khắc phục")
    expect(page.locator("dl.facts")).to_contain_text("gián đoạn 0 phút")
