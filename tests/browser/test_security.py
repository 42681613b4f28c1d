"""Under the Content-Security-Policy every page still works with nothing blocked, and the
offline copy of a paper slip (a citizen's name and CCCD) is gone once the session has
ended, while the records waiting to be sent stay on the phone."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from ungcuu.catalog.models import IncidentType
from ungcuu.continuity.services import intake_create
from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents.services import incident_report
from ungcuu.org.models import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CITIZEN = "Nguyễn Thị Lan"
CCCD = "040190001234"
PRINTER_PAPER = "Máy in hết giấy, kẹt giấy"

# Every violation the page sees, from its first script on.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber);
});
"""
POLICY_WORDS = re.compile(r"Content Security Policy|Content-Security-Policy|Permissions.Policy")


@pytest.fixture
def watched(page):
    """The policy complaints of every page this test opens: events and console lines."""
    found = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on(
        "console",
        lambda message: found.append(message.text) if POLICY_WORDS.search(message.text) else None,
    )

    def check(path: str) -> None:
        page.wait_for_load_state("networkidle")
        found.extend(page.evaluate("window.__violations || []"))
        assert found == [], f"{path}: {found}"

    return check


@pytest.fixture
def outage(staff_a):
    return incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=IncidentType.objects.get(code="internet"),
        description="Mất mạng toàn bộ Bộ phận Một cửa",
        impact="stopped",
    ).incident


@pytest.fixture
def intake(staff_a):
    return intake_create(
        actor=staff_a,
        center=staff_a.center,
        citizen_name=CITIZEN,
        citizen_id=CCCD,
        procedure="Đăng ký khai sinh",
        processing_days=3,
    ).intake


def _sign_in_as(page, base_url: str, user) -> None:
    """A session made on the server (its second step passed, where one is needed)."""
    client = logged_in(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )


def test_the_main_pages_run_under_the_policy_with_nothing_blocked(
    page, login, watched, staff_a, outage, intake
):
    login(staff_a)
    pages = {
        "/": "Báo sự cố",
        "/incidents/new/": "Báo sự cố",
        f"/incidents/{outage.pk}/": outage.number,
        "/paper/new/": "Tiếp nhận hồ sơ bằng giấy",
        "/paper/": "Hồ sơ",
        f"/paper/{intake.pk}/slip/": "GIẤY TIẾP NHẬN HỒ SƠ",
        "/board/bachngoc/": "Bạch Ngọc",
        "/guides/": "Hướng dẫn",
        "/logbook/": "Sổ theo dõi",
    }
    for path, text in pages.items():
        page.goto(path)
        expect(page.locator("body")).to_contain_text(text)
        watched(path)

    # htmx still works without eval or its inline style: the guides search.
    page.goto("/guides/")
    page.get_by_role("searchbox").fill("VNeID")
    expect(page.locator("#guide-results")).to_contain_text("VNeID")
    watched("/guides/ (search)")


def test_the_admin_and_the_api_docs_run_under_the_policy(page, live_server, watched, center_a):
    keeper = make_user("a.it", Role.IT_OFFICER, center=center_a, is_staff=True)
    keeper.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_incidenttype", "change_incidenttype"])
    )
    _sign_in_as(page, live_server.url, keeper)

    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    watched("/admin/")
    page.goto("/admin/catalog/incidenttype/")
    expect(page.locator("#result_list")).to_be_visible()
    watched("/admin/catalog/incidenttype/")
    page.locator("#result_list tbody a").first.click()
    expect(page.locator("#content-main form")).to_be_visible()
    watched("incident type change form")

    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("UngCuu API")
    expect(page.locator(".opblock").first).to_be_visible()
    watched("/api/v1/docs")


def test_the_docs_send_a_stranger_to_the_login_page(page, staff_a, login):
    page.goto("/api/v1/docs")

    expect(page).to_have_url(re.compile(r"/login/\?next=/api/v1/docs$"))
    page.get_by_label("Tên đăng nhập").fill(staff_a.username)
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-thu-nghiem")
    page.get_by_role("button", name="Đăng nhập", exact=True).tap()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("UngCuu API")


# --- Offline copies and the session's end ----------------------------------------------


def _wait_for_worker(page) -> None:
    page.wait_for_function(
        "() => navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))"
    )
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")


def _cached(page, path: str) -> bool:
    return page.evaluate("path => caches.match(path, {ignoreVary: true}).then(Boolean)", path)


def _wait_cached(page, path: str) -> None:
    page.wait_for_function(
        "path => caches.match(path, {ignoreVary: true}).then(Boolean)", arg=path, timeout=45_000
    )


def _go_offline(page) -> None:
    page.context.set_offline(True)
    page.context.route(
        "**/*",
        lambda route: (
            route.abort("internetdisconnected")
            if route.request.service_worker
            else route.fallback()
        ),
    )


def _session_of(page) -> Session:
    key = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    )
    return Session.objects.get(pk=key)


def _queue_a_report_offline(page) -> None:
    page.goto("/incidents/new/")
    page.locator("label.choice", has_text=PRINTER_PAPER).tap()
    page.locator("#id_description").fill("Máy in quầy 2 kẹt giấy, ghi khi mất mạng")
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")


def _waiting_records(page) -> int:
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
          const open = indexedDB.open("ungcuu-offline", 1);
          open.onsuccess = () => {
            const request = open.result.transaction("records").objectStore("records").count();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          };
          open.onerror = () => reject(open.error);
        })"""
    )


def test_after_the_session_expires_the_slip_is_not_readable_offline_but_the_queue_stays(
    page, login, staff_a, intake
):
    slip = f"/paper/{intake.pk}/slip/"
    login(staff_a)
    _wait_for_worker(page)
    page.goto("/incidents/new/")
    _wait_cached(page, "/incidents/new/")

    # The session has a few seconds left when the slip is opened (and kept).
    session = _session_of(page)
    ends = timezone.now() + timedelta(seconds=8)
    Session.objects.filter(pk=session.pk).update(expire_date=ends)
    response = page.goto(slip)
    assert 0 < int(response.headers["x-ungcuu-session-ends-in"]) <= 8
    expect(page.locator("body")).to_contain_text(CITIZEN)
    _wait_cached(page, slip)

    _go_offline(page)
    _queue_a_report_offline(page)
    # Before the end the copy still opens with no connection.
    page.goto(slip)
    expect(page.locator("body")).to_contain_text(CCCD)

    time.sleep(max((ends - timezone.now()).total_seconds(), 0) + 0.5)
    page.goto(slip)

    expect(page.get_by_role("heading", level=1)).to_have_text("Mất kết nối với máy chủ")
    expect(page.locator("body")).not_to_contain_text(CITIZEN)
    expect(page.locator("body")).not_to_contain_text(CCCD)
    assert not _cached(page, slip)
    # What was recorded on the phone is still there, and so is the form to record more.
    assert _waiting_records(page) == 1
    page.goto("/incidents/new/")
    expect(page.get_by_role("heading", name="Báo sự cố")).to_be_visible()
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")


def test_a_session_ended_on_the_server_takes_its_copies_at_the_next_page(
    page, login, staff_a, intake
):
    slip = f"/paper/{intake.pk}/slip/"
    login(staff_a)
    _wait_for_worker(page)
    page.goto(slip)
    _wait_cached(page, slip)
    _wait_cached(page, "/incidents/new/")

    # An administrator ended it (or the password was changed): the next page is the login.
    Session.objects.filter(pk=_session_of(page).pk).delete()
    page.goto("/logbook/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.wait_for_function(
        "path => caches.match(path, {ignoreVary: true}).then(found => !found)", arg=slip
    )
    assert _cached(page, "/incidents/new/")

    _go_offline(page)
    page.goto(slip)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mất kết nối với máy chủ")
    expect(page.locator("body")).not_to_contain_text(CITIZEN)
