"""Issue 14 at 360 px: dates typed and shown dd/mm/yyyy and 24-hour on a phone whose
browser speaks English, and the board and guides pages that no longer scroll sideways."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ungcuu.catalog.models import IncidentType
from ungcuu.core import site
from ungcuu.incidents.models import Incident
from ungcuu.incidents.services import incident_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NARROW = {"width": 360, "height": 800}
DAY_TIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def english_phone(browser, live_server):
    """A phone whose browser asks for English (US): its own date inputs would say mm/dd/yyyy."""
    context = browser.new_context(
        base_url=live_server.url, viewport=NARROW, is_mobile=True, has_touch=True, locale="en-US"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _login(page, user):
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("mat-khau-thu-nghiem")
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")


def test_the_report_form_takes_a_day_first_24_hour_time_on_an_english_phone(english_phone, staff_a):
    page = english_phone
    _login(page, staff_a)
    page.goto("/incidents/new/")
    # Online, no empty notice box under the heading.
    for box in page.locator(".offline-status").all():
        expect(box).to_be_hidden()
    page.locator("input[name=incident_type][value=internet]").check()
    page.locator("details.field summary").first.click()
    started = page.locator("#id_started_at")
    assert started.get_attribute("type") == "text"
    assert started.get_attribute("placeholder") == "dd/mm/yyyy hh:mm"
    started.click()
    # A phone's number pad has no "/": the slashes and the colon come as digits are typed.
    day = timezone.localdate() - timedelta(days=1)
    started.press_sequentially(f"{day:%d%m%Y}1430")
    expect(started).to_have_value(f"{day:%d/%m/%Y} 14:30")
    started.fill(f"{day.day}/{day.month}/{day.year} 9:05")
    page.locator("#id_description").click()  # leaving the box tidies it
    expect(started).to_have_value(f"{day:%d/%m/%Y} 09:05")
    page.locator("#id_description").fill("Mất mạng cả Bộ phận Một cửa")
    with page.expect_navigation():
        page.locator("form[data-offline-api] button[type=submit]").last.click()
    incident = Incident.objects.get(center=staff_a.center)
    assert timezone.localtime(incident.started_at).strftime("%d/%m/%Y %H:%M") == (
        f"{day:%d/%m/%Y} 09:05"
    )


def test_a_typed_us_date_is_refused_in_vietnamese(english_phone, leader_a, staff_a):
    page = english_phone
    incident = incident_report(
        actor=staff_a, center=staff_a.center, incident_type=IncidentType.objects.get(code="login")
    ).incident
    _login(page, leader_a)
    page.goto(f"/incidents/{incident.pk}/resolve/")
    restored = page.locator("#id_restored_at")
    assert DAY_TIME.match(restored.input_value())  # now, shown day first and 24-hour
    page.locator("#id_root_cause").fill("Mất kết nối máy chủ xác thực")
    restored.fill("12/31/2026 2:30 PM")
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").last.click()
    # In the page's language, with an example written day first and 24-hour.
    expect(page.locator(".errorlist").first).to_contain_text("04/12/2026 14:30")
    assert page.evaluate(SIDEWAYS) <= 0


def test_the_logbook_filter_keeps_dates_day_first(english_phone, leader_a):
    page = english_phone
    _login(page, leader_a)
    page.goto("/logbook/?date_from=2026-12-01")
    date_from = page.locator("#id_date_from")
    expect(date_from).to_have_value("01/12/2026")
    date_from.fill("1.11.2026")
    page.locator("#id_date_to").click()
    expect(date_from).to_have_value("01/11/2026")


def _lines(locator) -> int:
    """How many lines the element's text takes."""
    return locator.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return new Set(Array.from(r.getClientRects(), x => Math.round(x.top))).size; }"
    )


def test_board_and_guides_do_not_scroll_sideways_at_360(english_phone, leader_a):
    page = english_phone
    site.base_url_set(url="http://ungcuu-trung-tam-phuc-vu-hanh-chinh-cong.example.gov.vn:8000")
    center = leader_a.center
    page.goto(f"/board/{center.code}/")
    expect(page.locator("#board-clock")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
    assert page.evaluate(SIDEWAYS) <= 0
    clock = page.locator("#board-clock")
    assert _lines(clock) == 1, "the clock wraps"
    _login(page, leader_a)
    page.goto("/board/")
    expect(page.locator("a.long-url")).to_contain_text("example.gov.vn")
    assert page.evaluate(SIDEWAYS) <= 0
    page.goto("/guides/")
    button = page.get_by_role("button", name="Tìm", exact=True)
    assert _lines(button) == 1, "“Tìm” splits over two lines"
    assert page.evaluate(SIDEWAYS) <= 0


def test_main_pages_arrive_gzipped_under_30_kb(english_phone, leader_a):
    """Issue 14, item 7: HTML compressed on the wire (the browser asks for it)."""
    page = english_phone
    _login(page, leader_a)
    for url in ["/", "/incidents/new/", "/paper/new/", "/logbook/", "/guides/", "/board/"]:
        response = page.goto(url)
        assert response.status == 200, url
        assert response.header_value("content-encoding") == "gzip", url
        assert response.request.sizes()["responseBodySize"] <= 30 * 1024, url
    response = page.goto(f"/board/{leader_a.center.code}/")
    assert response.header_value("content-encoding") == "gzip"
    icon = page.goto("/favicon.ico")
    assert icon.status == 200 and icon.header_value("content-type") == "image/x-icon"
