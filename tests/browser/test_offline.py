"""The link drops: the installed app still opens the report form from its cache, keeps what
is recorded on the phone, and sends it exactly once when the link returns."""

from __future__ import annotations

import re
import threading

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ungcuu.continuity.models import PaperIntake
from ungcuu.incidents.models import Incident
from ungcuu.org.models import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PRINTER_PAPER = "Máy in hết giấy, kẹt giấy"


@pytest.fixture(autouse=True)
def _one_request_at_a_time(browser, live_server):
    """On the in-memory SQLite test database every request thread of the live server
    shares the test's one connection, hence one transaction: two requests at once (a tab
    reloaded while sending a record, another tab sending it again) nest their atomic
    blocks in each other, and one request's rollback undoes the other's write after it
    was answered 201, or puts the receipt counter back under a number already given.
    A real server gives each thread its own connection, and the database isolates their
    transactions (SQLite queues its writers); here the requests take turns instead. The
    service's answer to two truly concurrent posts is tested in continuity/tests/test_api.
    (After ``browser``: the live server starts once the test database is set up.)
    """
    if not live_server.thread.connections_override:
        yield
        return
    server = live_server.thread.httpd
    app = server.get_app()
    turn = threading.Lock()
    idle = threading.Condition()
    running = []

    def in_turn(environ, start_response):
        with idle:
            running.append(environ)
        try:
            with turn:
                return app(environ, start_response)
        finally:
            with idle:
                running.remove(environ)
                idle.notify_all()

    server.set_app(in_turn)
    yield
    server.set_app(app)
    # The tabs are closed by now: the requests they left finish before the next test.
    with idle:
        idle.wait_for(lambda: not running, timeout=10)


def _wait_for_worker(page) -> None:
    page.wait_for_function(
        "() => navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))"
    )
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        # A page that began loading while the worker was activating stays outside it;
        # the next page a person opens is inside, as this reload is.
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")


def _wait_cached(page, path: str) -> None:
    page.wait_for_function(
        "path => caches.match(path, {ignoreVary: true}).then(Boolean)", arg=path, timeout=45_000
    )


def _go_offline(page) -> None:
    page.context.set_offline(True)
    # Requests the worker itself makes are not always covered by the emulation: refuse them
    # too, as a dead link would.
    page.context.route(
        "**/*",
        lambda route: (
            route.abort("internetdisconnected")
            if route.request.service_worker
            else route.fallback()
        ),
    )


def _go_online(page) -> None:
    page.context.unroute("**/*")
    page.context.set_offline(False)


@pytest.fixture
def js_errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


DOSSIERS = [
    ("Nguyễn Thị Lan", "040190001234", "Đăng ký khai sinh", "3"),
    ("Trần Văn Hùng", "040085004321", "Chứng thực bản sao từ bản chính", "1"),
    ("Lê Thị Mai", "040299007777", "Đăng ký thường trú", "7"),
]


def test_one_incident_and_three_dossiers_recorded_offline_reach_the_server_once(
    page, login, shot, js_errors, staff_a
):
    login(staff_a)
    expect(page).to_have_url(re.compile(r"/$"))
    _wait_for_worker(page)
    page.goto("/paper/new/")
    _wait_cached(page, "/paper/new/")
    page.goto("/incidents/new/")
    _wait_cached(page, "/incidents/new/")
    cached_uuid = page.locator("input[name=client_uuid]").get_attribute("value")

    _go_offline(page)
    page.reload()

    # The form came from the phone's cache: the same page as seen online.
    expect(page.get_by_role("heading", name="Báo sự cố")).to_be_visible()
    assert page.locator("input[name=client_uuid]").get_attribute("value") == cached_uuid
    assert page.evaluate("navigator.onLine") is False
    expect(page.locator(".offline-files")).to_contain_text("không gửi được khi mất mạng")

    page.locator("label.choice", has_text=PRINTER_PAPER).tap()
    page.locator("#id_description").fill("Máy in quầy 2 kẹt giấy, ghi khi mất mạng")
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()

    expect(page.locator(".offline-status")).to_contain_text("Đã lưu trên máy, chưa gửi")
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")
    shot("offline-report-kept")
    # Cleared for the next record, with a new UUID.
    expect(page.locator("#id_description")).to_have_value("")
    expect(page.get_by_role("radio", name=re.compile(PRINTER_PAPER))).not_to_be_checked()
    assert page.locator("input[name=client_uuid]").input_value() != cached_uuid

    # Citizens keep coming: their dossiers go on the paper-intake form, one after another.
    page.goto("/paper/new/")
    expect(page.get_by_role("heading", name="Tiếp nhận hồ sơ bằng giấy")).to_be_visible()
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")
    uuids = set()
    for count, (name, cccd, procedure, days) in enumerate(DOSSIERS, start=2):
        uuids.add(page.locator("input[name=client_uuid]").input_value())
        page.get_by_label("Họ và tên người nộp").fill(name)
        page.get_by_label("Số CCCD (12 chữ số)").fill(cccd)
        page.get_by_label("Thủ tục", exact=True).fill(procedure)
        page.get_by_label("Thời hạn giải quyết (ngày làm việc)").fill(days)
        page.locator("label.choice", has_text="Tờ khai / đơn theo mẫu").tap()
        page.get_by_role("button", name="Ghi hồ sơ và in phiếu hẹn").tap()
        expect(page.locator("#offline-queue")).to_contain_text(
            f"Có {count} bản ghi đang chờ đồng bộ"
        )
        expect(page.locator(".offline-status")).to_contain_text(name)
        expect(page.get_by_label("Họ và tên người nộp")).to_have_value("")
    assert len(uuids) == 3
    shot("offline-paper-kept")
    assert not Incident.objects.exists()
    assert not PaperIntake.objects.exists()
    before_sync = timezone.now()

    _go_online(page)

    expect(page.locator("#offline-queue")).to_be_hidden()
    incident = Incident.objects.get()
    assert str(incident.client_uuid) == cached_uuid
    assert incident.incident_type.code == "printer-paper"
    assert incident.description == "Máy in quầy 2 kẹt giấy, ghi khi mất mạng"
    assert incident.reporter == staff_a
    intakes = list(PaperIntake.objects.order_by("citizen_name"))
    assert sorted(
        (i.citizen_name, i.citizen_id, i.procedure, i.processing_days) for i in intakes
    ) == sorted((n, c, p, int(d)) for n, c, p, d in DOSSIERS)
    assert {str(i.client_uuid) for i in intakes} == uuids
    assert len({i.receipt_number for i in intakes}) == 3
    # Received when recorded on the phone, not when the link came back.
    assert all(i.received_at <= before_sync for i in intakes)
    assert all(i.documents == ["Tờ khai / đơn theo mẫu"] for i in intakes)

    # Another load (another sync pass) sends nothing again.
    page.reload()
    expect(page.get_by_role("heading", name="Tiếp nhận hồ sơ bằng giấy")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert Incident.objects.count() == 1
    assert PaperIntake.objects.count() == 3
    assert js_errors == []


def test_a_record_the_server_refuses_is_kept_to_fix_until_deleted_by_hand(
    page, login, js_errors, staff_a, vnpt
):
    login(staff_a)
    _wait_for_worker(page)
    page.goto("/incidents/new/")
    _wait_cached(page, "/incidents/new/")
    _go_offline(page)
    page.reload()

    page.locator("label.choice", has_text=PRINTER_PAPER).tap()
    page.locator("#id_description").fill("Ghi khi mất mạng")
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")

    # Meanwhile the person moved to a vendor's team: the server now refuses the report.
    staff_a.role, staff_a.center, staff_a.organisation = Role.VENDOR, None, vnpt
    staff_a.save(update_fields=["role", "center", "organisation"])
    _go_online(page)

    fix = page.locator(".offline-fix")
    expect(fix).to_contain_text("Cần sửa (1)")
    expect(fix).to_contain_text("Tài khoản của bạn không được báo sự cố.")
    expect(fix).to_contain_text(PRINTER_PAPER)
    expect(page.locator("#offline-queue")).not_to_contain_text("đang chờ đồng bộ")
    assert not Incident.objects.exists()

    # Still there on another page: nothing entered is lost.
    page.goto("/")
    fix = page.locator(".offline-fix")
    fix.locator("summary").tap()
    expect(fix).to_contain_text("Ghi khi mất mạng")

    page.once("dialog", lambda dialog: dialog.dismiss())
    fix.get_by_role("button", name="Xoá").tap()
    expect(fix).to_contain_text("Cần sửa (1)")

    page.once("dialog", lambda dialog: dialog.accept())
    fix.get_by_role("button", name="Xoá").tap()
    expect(page.locator("#offline-queue")).to_be_hidden()
    page.reload()
    expect(page.locator(".offline-fix")).to_have_count(0)
    assert not Incident.objects.exists()
    assert js_errors == []


def test_forms_are_kept_at_sign_in_other_pages_fall_back_and_sign_out_forgets_them(
    page, login, js_errors, staff_a
):
    login(staff_a)
    # Signing in is enough: the home page has the worker fetch the forms ahead.
    _wait_for_worker(page)
    _wait_cached(page, "/incidents/new/")

    _go_offline(page)
    page.goto("/logbook/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mất kết nối với máy chủ")
    expect(page.get_by_role("link", name="Báo sự cố")).to_be_visible()
    page.get_by_role("link", name="Báo sự cố").tap()
    expect(page.get_by_role("heading", name="Báo sự cố")).to_be_visible()
    _go_online(page)

    page.locator(".more > summary").tap()  # "Đăng xuất" is in the "Thêm" sheet
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").tap()
    expect(page).to_have_url(re.compile(r"/login/"))
    page.wait_for_function(
        "() => caches.match('/incidents/new/', {ignoreVary: true}).then(found => !found)"
    )

    _go_offline(page)
    page.goto("/incidents/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mất kết nối với máy chủ")
    expect(page.locator("body")).not_to_contain_text(staff_a.display_name)
    assert js_errors == []


def test_a_sync_cut_off_after_the_server_saved_it_is_replayed_without_a_double(
    page, login, js_errors, staff_a
):
    login(staff_a)
    _wait_for_worker(page)
    page.goto("/incidents/new/")
    _wait_cached(page, "/incidents/new/")
    _go_offline(page)
    page.reload()
    page.locator("label.choice", has_text=PRINTER_PAPER).tap()
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")

    # The link comes back but drops again while the server's answer is on its way.
    answered = []

    def cut_after_saving(route):
        answered.append(route.fetch().status)
        route.abort("connectionreset")

    page.route("**/api/v1/incidents", cut_after_saving)
    _go_online(page)
    expect(page.locator("#offline-queue")).to_contain_text("sẽ thử lại sau")
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")
    assert answered == [201]
    assert Incident.objects.count() == 1

    page.unroute("**/api/v1/incidents")
    page.get_by_role("button", name="Gửi ngay").tap()

    expect(page.locator("#offline-queue")).to_be_hidden()
    assert Incident.objects.count() == 1
    assert js_errors == []


def test_on_a_link_that_hangs_the_form_opens_from_the_phone(page, login, js_errors, staff_a):
    login(staff_a)
    _wait_for_worker(page)
    page.goto("/incidents/new/")
    _wait_cached(page, "/incidents/new/")
    cached_uuid = page.locator("input[name=client_uuid]").get_attribute("value")

    hanging = []
    page.context.route(
        re.compile(r".*/incidents/new/$"),
        lambda route: hanging.append(route) if route.request.service_worker else route.fallback(),
    )
    page.goto("/incidents/new/")

    expect(page.get_by_role("heading", name="Báo sự cố")).to_be_visible()
    assert hanging, "the worker did ask the server first"
    assert page.locator("input[name=client_uuid]").get_attribute("value") == cached_uuid
    for route in hanging:
        route.abort("timedout")
    assert js_errors == []


def test_two_tabs_of_the_same_cached_form_keep_two_dossiers(page, login, js_errors, staff_a):
    login(staff_a)
    _wait_for_worker(page)
    page.goto("/paper/new/")
    _wait_cached(page, "/paper/new/")
    _go_offline(page)
    page.reload()
    second = page.context.new_page()
    second.goto("/paper/new/")
    shared = page.locator("input[name=client_uuid]").input_value()
    assert second.locator("input[name=client_uuid]").input_value() == shared

    for tab, name in ((page, "Đinh Thị Thu"), (second, "Lò Văn Páo")):
        tab.get_by_label("Họ và tên người nộp").fill(name)
        tab.get_by_label("Số CCCD (12 chữ số)").fill("014190001234")
        tab.get_by_label("Thủ tục", exact=True).fill("Đăng ký khai sinh")
        tab.get_by_label("Thời hạn giải quyết (ngày làm việc)").fill("1")
        tab.get_by_role("button", name="Ghi hồ sơ và in phiếu hẹn").tap()
        expect(tab.locator(".offline-status")).to_contain_text(name)
    expect(second.locator("#offline-queue")).to_contain_text("Có 2 bản ghi đang chờ đồng bộ")

    _go_online(page)
    page.reload()

    # The queue's banner is hidden until the page has counted what waits: wait for the
    # tabs to send both, one after the other, rather than for the banner.
    for _ in range(100):
        if PaperIntake.objects.count() >= 2:
            break
        page.wait_for_timeout(100)
    expect(page.locator("#offline-queue")).to_be_hidden()
    assert sorted(PaperIntake.objects.values_list("citizen_name", flat=True)) == [
        "Lò Văn Páo",
        "Đinh Thị Thu",
    ]
    assert js_errors == []


def _answer(seen: list, status: int, content_type: str, body: str):
    """A route handler that answers in place of the server, noting each request's method."""

    def handler(route):
        seen.append(route.request.method)
        route.fulfill(status=status, content_type=content_type, body=body)

    return handler


def test_a_wifi_sign_in_page_answering_200_does_not_take_the_record_away(
    page, login, js_errors, staff_a
):
    """The link comes back through a café's or a carrier's sign-in page, which answers
    every address with its own 200 page: the record is not UngCuu's answer to it, so it
    stays on the phone and goes to the server once the real link is back."""
    login(staff_a)
    _wait_for_worker(page)
    page.goto("/incidents/new/")
    _wait_cached(page, "/incidents/new/")
    _go_offline(page)
    page.reload()
    page.locator("label.choice", has_text=PRINTER_PAPER).tap()
    page.locator("#id_description").fill("Ghi khi mất mạng, gửi qua trang đăng nhập Wi-Fi")
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")

    portal = []
    sign_in_page = "<html><body><h1>Đăng nhập Wi-Fi miễn phí</h1></body></html>"
    page.route(
        "**/api/v1/incidents", _answer(portal, 200, "text/html; charset=utf-8", sign_in_page)
    )
    _go_online(page)
    expect(page.locator("#offline-queue")).to_contain_text("sẽ thử lại sau")
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")
    assert portal and set(portal) == {"POST"}
    assert not Incident.objects.exists()

    # Another server's JSON that names no record, or another one, is not a receipt either.
    page.unroute("**/api/v1/incidents")
    other = []
    another_record = '{"client_uuid": "00000000-0000-4000-8000-000000000000"}'
    page.route("**/api/v1/incidents", _answer(other, 201, "application/json", another_record))
    send_now = page.get_by_role("button", name="Gửi ngay")
    expect(send_now).to_be_enabled()
    with page.expect_request("**/api/v1/incidents"):
        send_now.tap()
    expect(send_now).to_be_enabled()  # the answer is read and the banner drawn again
    assert other == ["POST"]
    expect(page.locator("#offline-queue")).to_contain_text("Có 1 bản ghi đang chờ đồng bộ")
    assert not Incident.objects.exists()

    page.unroute("**/api/v1/incidents")
    expect(send_now).to_be_enabled()
    send_now.tap()
    expect(page.locator("#offline-queue")).to_be_hidden()
    incident = Incident.objects.get()
    assert incident.description == "Ghi khi mất mạng, gửi qua trang đăng nhập Wi-Fi"
    assert js_errors == []
