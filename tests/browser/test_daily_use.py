"""Daily use on a phone: each role's home shows its work first, the menu fits one row and
marks the page shown, every page fits 320 and 360 px and passes axe-core."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from ungcuu.core.testing import make_user
from ungcuu.incidents.models import EventKind, Impact, Incident, Status
from ungcuu.incidents.services import incident_event, incident_report, incident_resolve
from ungcuu.knowledge.models import Guide
from ungcuu.org.models import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (320, 360)
PHONE_HEIGHT = 800
BLOCKING = {"serious", "critical"}


@pytest.fixture
def day(center_a, staff_a, leader_a, internet, printer_paper):
    """An outage that stopped intake (unacknowledged), a printer out of paper reported after
    it with no impact on intake, and yesterday's closed incident."""
    outage = incident_report(
        actor=staff_a,
        center=center_a,
        incident_type=internet,
        description="Mất mạng toàn bộ Trung tâm",
        impact=Impact.STOPPED,
        citizens_waiting=6,
    ).incident
    printer = incident_report(
        actor=staff_a,
        center=center_a,
        incident_type=printer_paper,
        description="Máy in quầy 2 hết giấy",
        impact=Impact.NONE,
    ).incident
    closed = incident_report(
        actor=staff_a, center=center_a, incident_type=internet, impact=Impact.STOPPED
    ).incident
    incident_resolve(
        actor=leader_a,
        incident=closed,
        root_cause="Đứt cáp quang",
        on_site_reason="Nhà mạng đã nối lại cáp",
    )
    incident_event(actor=leader_a, incident=closed, kind=EventKind.CLOSED, data={})
    return {"outage": outage, "printer": printer, "closed": closed}


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _fits(page, path: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": PHONE_HEIGHT})
        assert _scroll_width(page) <= width, f"{path} scrolls sideways at {width}px"
        cut = page.evaluate(
            "[...document.querySelectorAll('.topbar .bar a')]"
            ".filter(a => a.scrollWidth > a.clientWidth).map(a => a.textContent)"
        )
        assert cut == [], f"{path}: menu labels cut at {width}px"
    bar = page.locator(".topbar .menu .bar a")
    if bar.count():
        tops = {round(box["y"]) for box in (a.bounding_box() for a in bar.all())}
        assert len(tops) == 1, f"{path}: the menu wraps ({tops})"


def _check(page, axe, path: str, found: dict, label: str = "") -> None:
    response = page.goto(path)
    assert response.status == 200, path
    _fits(page, path)
    violations = axe()
    found[label or path] = violations
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], f"{path}: {blocking}"


def test_every_page_of_every_role_fits_a_small_phone_and_passes_axe(
    page, login, axe, day, center_a, staff_a, leader_a, director_a, province_user, vendor_user
):
    responder = make_user("a.responder", Role.RESPONDER, center=center_a)
    it_officer = make_user("a.it", Role.IT_OFFICER, center=center_a)
    guide = Guide.objects.order_by("pk").first()
    staff_pages = [
        "/",
        "/incidents/new/",
        f"/incidents/{day['outage'].pk}/",
        f"/incidents/{day['printer'].pk}/",
        f"/incidents/{day['closed'].pk}/",
        f"/announce/{day['outage'].pk}/",
        "/paper/new/",
        "/paper/",
        f"/board/{center_a.code}/",
        "/guides/",
        f"/guides/{guide.slug}/",
        "/logbook/",
    ]
    found: dict[str, list] = {}
    login(staff_a)
    for path in staff_pages:
        _check(page, axe, path, found)
    # The "Thêm" sheet, open, is checked as well.
    page.goto("/")
    page.locator(".more > summary").tap()
    expect(page.locator(".more .sheet")).to_be_visible()
    _fits(page, "/ (Thêm)")
    found["/ (Thêm mở)"] = axe()
    assert [v for v in found["/ (Thêm mở)"] if v["impact"] in BLOCKING] == []

    for person in (leader_a, responder, it_officer, director_a, province_user, vendor_user):
        page.goto("/")
        page.locator(".more > summary").tap()
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng xuất").tap()
        login(person)
        _check(page, axe, "/", found, label=f"/ ({person.role})")

    counts = Counter(v["impact"] for violations in found.values() for v in violations)
    print(f"\naxe-core {page.evaluate('axe.version')}: {len(found)} pages, {dict(counts)}")
    for path, violations in found.items():
        for v in violations:
            print(f"  {path}: {v['impact']} {v['id']} {v['nodes'][:2]}")


def test_the_team_leader_acknowledges_the_unacknowledged_outage_from_home_in_one_tap(
    page, hand, login, day, leader_a
):
    page.set_viewport_size({"width": 360, "height": PHONE_HEIGHT})
    login(leader_a)

    first = page.locator("main .cards .card").first
    # The outage was reported before the printer, but it is complex and unacknowledged.
    expect(first).to_contain_text("Mất mạng Internet")
    assert first.bounding_box()["y"] < PHONE_HEIGHT / 2
    hand.tap(first.get_by_role("button", name="Đã nhận tin"))

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".messages")).to_contain_text(f"Đã nhận tin sự cố {day['outage'].number}")
    assert hand.count == 1
    outage = Incident.objects.get(pk=day["outage"].pk)
    assert outage.status == Status.ACKNOWLEDGED
    assert outage.acknowledged_by == leader_a


def test_staff_see_the_report_button_and_their_own_incidents_on_the_first_screen(
    page, login, day, staff_a
):
    page.set_viewport_size({"width": 360, "height": PHONE_HEIGHT})
    login(staff_a)

    report = page.locator("main").get_by_role("link", name="Báo sự cố")
    mine = page.get_by_role("heading", name=re.compile("Sự cố bạn đã báo"))
    assert report.bounding_box()["y"] < 200
    assert mine.bounding_box()["y"] < PHONE_HEIGHT
    expect(page.locator("main .cards").first).to_contain_text(day["outage"].number)
    # On the home page no menu entry is marked as the page shown: the brand is.
    expect(page.locator(".topbar .bar a[aria-current]")).to_have_count(0)
    expect(page.locator(".brand")).to_have_attribute("aria-current", "page")


def test_the_menu_marks_only_the_page_shown_and_its_sheet_opens_without_javascript(
    browser, live_server, staff_a
):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 320, "height": PHONE_HEIGHT},
        java_script_enabled=False,
        locale="vi-VN",
    )
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(staff_a.username)
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-thu-nghiem")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto("/incidents/new/")
    current = page.locator(".topbar [aria-current='page']")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Báo sự cố")
    page.goto("/guides/")
    expect(current).to_have_text("Hướng dẫn")

    page.get_by_text("Thêm", exact=True).click()
    sheet = page.locator(".more .sheet")
    expect(sheet.get_by_role("link", name="Sổ theo dõi")).to_be_visible()
    expect(sheet.get_by_role("button", name="Đăng xuất")).to_be_visible()
    assert _scroll_width(page) <= 320
    context.close()


def test_the_incident_page_puts_the_next_step_first_and_offers_only_what_the_impact_needs(
    page, login, day, staff_a
):
    page.set_viewport_size({"width": 360, "height": PHONE_HEIGHT})
    login(staff_a)

    page.goto(f"/incidents/{day['printer'].pk}/")
    expect(page.locator("#next-step")).to_contain_text("Bước 1:")
    assert page.locator("#playbook button.step").first.bounding_box()["y"] < PHONE_HEIGHT
    # A printer out of paper that leaves intake going: no paper intake, no announcements.
    expect(page.get_by_role("link", name="Tiếp nhận hồ sơ bằng giấy")).to_have_count(0)
    expect(page.get_by_role("link", name="Thông báo loa, Zalo, Facebook")).to_have_count(0)

    page.goto(f"/incidents/{day['outage'].pk}/")
    paper = page.get_by_role("link", name="Tiếp nhận hồ sơ bằng giấy")
    expect(paper).to_have_class(re.compile("btn-primary"))
    expect(page.get_by_role("link", name="Thông báo loa, Zalo, Facebook")).to_be_visible()

    page.goto(f"/incidents/{day['closed'].pk}/")
    expect(page.get_by_role("heading", name="Hồ sơ sự cố")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Đứt cáp quang")
    expect(page.get_by_text("Phục vụ người dân trong khi chờ")).to_have_count(0)
    expect(page.get_by_role("link", name="Tiếp nhận hồ sơ bằng giấy")).to_have_count(0)

    page.goto(f"/announce/{day['closed'].pk}/")
    texts = " ".join(area.input_value() for area in page.locator("textarea").all())
    assert "hoạt động bình thường trở lại" in texts
    assert "đang gặp sự cố" not in texts
