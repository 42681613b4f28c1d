"""R117: a center leader adds a picture to a guide from a phone; the desk sees it small,
loaded lazily, and it prints with the guide."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SLUG = "khong-biet-chu-cong-nghe"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (30, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_leader_adds_a_picture_and_the_desk_sees_it_small(page, login, shot, director_a, staff_a):
    login(director_a)
    page.goto(f"/guides/{SLUG}/")
    page.get_by_text("Thêm hình ảnh, video, audio minh họa").tap()
    page.locator("#media-file").set_input_files(
        {"name": "buoc-1.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_label("Chú thích").fill("Bước 1: bấm Đăng nhập")
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên").tap()
    expect(page.locator(".guide-media figcaption")).to_have_text("Bước 1: bấm Đăng nhập")

    page.context.clear_cookies()
    login(staff_a)
    page.goto(f"/guides/{SLUG}/")
    picture = page.locator(".guide-media img")
    expect(picture).to_have_attribute("loading", "lazy")
    picture.scroll_into_view_if_needed()
    expect(picture).to_be_visible()
    page.wait_for_function("() => document.querySelector('.guide-media img').naturalWidth > 0")
    box = picture.bounding_box()
    rem = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert box is not None and box["height"] <= 12 * rem + 1  # small: at most 12rem high
    assert box["width"] <= 390
    shot("guide-media")

    page.goto(f"/guides/{SLUG}/print/")
    expect(page.locator(".guide-media img")).to_have_count(1)
