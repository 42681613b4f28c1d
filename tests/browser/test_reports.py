"""A center leader writes up the minutes, reads the dashboard and downloads the quarter."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from ungcuu.reports.models import JobState, Minutes, ReportJob
from ungcuu.reports.tests.conftest import make_incident

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CAUSE = "Đứt cáp quang do thi công đường"


@pytest.fixture
def outage(leader_a):
    return make_incident(
        reporter=leader_a,
        code="internet",
        started="2026-01-10 23:00",
        ack="2026-01-10 23:40",
        restored="2026-01-11 01:30",
        citizens=12,
        dossiers=3,
    )


def test_leader_draws_up_the_minutes_and_downloads_them(page, login, shot, director_a, outage):
    login(director_a)
    page.goto(f"/incidents/{outage.pk}/")
    page.get_by_role("link", name="Lập biên bản").tap()

    expect(page.get_by_role("heading", name="Biên bản ghi nhận sự cố")).to_be_visible()
    times = page.get_by_label("2. Thời gian bắt đầu – khôi phục")
    expect(times).to_contain_text("Thời điểm khôi phục: 01 giờ 30 ngày 11/01/2026")
    page.get_by_label("5. Nguyên nhân").fill(CAUSE)
    shot("minutes-form")
    page.get_by_role("button", name="Lưu biên bản").tap()

    expect(page.locator(".messages")).to_contain_text("Đã lưu biên bản số 01")
    assert Minutes.objects.get().cause == CAUSE
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản Word (DOCX)").tap()
    with open(download.value.path(), "rb") as file:
        content = file.read()
    body = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert CAUSE in body and "BIÊN BẢN" in body

    page.get_by_role("link", name="Xem bản in").tap()
    expect(page.locator(".paper")).to_contain_text("Số: 01/BB-TTPVHCC")
    expect(page.locator(".paper")).to_contain_text(CAUSE)
    shot("minutes-print")


def test_dashboard_number_opens_the_incidents_behind_it(page, login, shot, leader_a, outage):
    make_incident(reporter=leader_a, code="printer-paper", started="2026-02-02 08:00")
    make_incident(reporter=leader_a, code="power", started="2026-02-03 08:00", drill=True)
    login(leader_a)
    page.goto("/")
    page.get_by_role("link", name="Thống kê sự cố quý này").tap()
    expect(page.get_by_role("heading", name="Thống kê sự cố")).to_be_visible()
    page.get_by_text("Chọn kỳ báo cáo").tap()
    page.get_by_label("Năm").fill("2026")
    page.get_by_label("Quý", exact=True).select_option("1")
    page.get_by_role("button", name="Xem").tap()

    total = page.locator(".figure", has_text="Tổng số sự cố")
    expect(total.locator(".figure-value")).to_have_text("2")
    expect(page.locator(".chart svg").first).to_be_visible()
    shot("dashboard")
    total.locator("a").tap()
    expect(page).to_have_url(re.compile(r"/logbook/\?"))
    expect(page.locator("table.book tbody tr")).to_have_count(2)  # the drill is not among them


def test_large_report_shows_progress_then_a_download(
    page, login, leader_a, outage, settings, monkeypatch
):
    settings.REPORT_INLINE_MAX = 0
    queued: list[int] = []
    monkeypatch.setattr("ungcuu.reports.tasks.build_report", queued.append)
    login(leader_a)
    page.goto("/reports/?year=2026&quarter=1&period=calendar")
    page.get_by_role("link", name="Tải bảng số liệu Excel (XLSX)").tap()

    expect(page.locator("#job progress")).to_be_visible()
    job = ReportJob.objects.get()
    assert queued == [job.pk]
    from ungcuu.reports.services import report_job_run

    report_job_run(job.pk)  # what the task worker does meanwhile
    assert ReportJob.objects.get().state == JobState.DONE
    link = page.get_by_role("link", name="Tải về (XLSX)")
    expect(link).to_be_visible()  # the page polled and swapped in the link by itself
    with page.expect_download() as download:
        link.tap()
    assert download.value.suggested_filename == "bao-cao-su-co-bachngoc-2026-q1.xlsx"
    with open(download.value.path(), "rb") as file:
        book = load_workbook(file)
    assert book["Tổng hợp"]["B3"].value == 1
