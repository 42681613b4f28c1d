"""Pages that work through the outages they manage, for older eyes and fingers on a phone."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PRINTER_PAPER = "Máy in hết giấy, kẹt giấy"
MIN_TAP = 44  # px, the usual minimum touch target
BRAND = "rgb(179, 38, 30)"  # --brand in app.css


def _heights(locator) -> list[tuple[str, float]]:
    return [
        (" ".join(item.inner_text().split())[:40], item.bounding_box()["height"])
        for item in locator.all()
    ]


def _too_small(locator) -> list[tuple[str, float]]:
    heights = _heights(locator)
    assert heights, "nothing to measure"
    return [(text, height) for text, height in heights if height < MIN_TAP]


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def test_every_request_stays_on_the_server_and_pages_are_light_and_large(
    page, login, live_server, staff_a
):
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    login(staff_a)
    expect(page.locator("main").get_by_role("link", name="Báo sự cố")).to_be_visible()
    assert _too_small(page.locator(".topbar .menu a")) == []

    page.goto("/incidents/new/")
    _no_sideways_scroll(page)
    assert _too_small(page.locator("label.choice")) == []
    assert _too_small(page.get_by_role("button", name="Gửi báo cáo sự cố")) == []
    page.locator("label.choice", has_text=PRINTER_PAPER).tap()
    page.get_by_role("button", name="Gửi báo cáo sự cố").tap()
    expect(page).to_have_url(re.compile(r"/incidents/\d+/$"))

    response = page.goto(page.url)
    html = response.body()
    assert len(html) < 60_000, f"incident page is {len(html)} bytes"
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 18
    _no_sideways_scroll(page)
    assert _too_small(page.locator("#playbook button.step")) == []
    assert _too_small(page.locator("main .btn")) == []

    page.goto("/logbook/")
    expect(page.get_by_role("heading", name="Sổ theo dõi sự cố kỹ thuật")).to_be_visible()
    _no_sideways_scroll(page)
    assert _too_small(page.locator("main .btn")) == []

    here = urlsplit(live_server.url).netloc
    fetched = [url for url in requests if urlsplit(url).scheme in ("http", "https")]
    assert fetched, "no requests recorded"
    assert [url for url in fetched if urlsplit(url).netloc != here] == []
    # The page's own assets were among them: served by the app, not a CDN.
    paths = {urlsplit(url).path for url in fetched}
    assert any(path.endswith("/htmx.min.js") for path in paths)
    assert any(path.endswith("/app.css") for path in paths)


def test_the_one_primary_action_of_a_screen_stands_out(page, login, staff_a):
    page.goto("/login/")
    background = "el => getComputedStyle(el).backgroundColor"
    assert page.get_by_role("button", name="Đăng nhập", exact=True).evaluate(background) == BRAND

    login(staff_a)
    report_link = page.locator("main").get_by_role("link", name="Báo sự cố")
    assert report_link.evaluate(background) == BRAND
    report_link.tap()
    assert page.get_by_role("button", name="Gửi báo cáo sự cố").evaluate(background) == BRAND
