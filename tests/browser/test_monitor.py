"""On a 360 px phone: the IT officer adds a probe from a suggestion and deletes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ungcuu.core.testing import make_user
from ungcuu.monitor.models import Probe
from ungcuu.org.models import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_add_a_probe_from_a_suggestion_and_delete_it_at_360px(page, login, shot, center_a):
    it = make_user("a.it", Role.IT_OFFICER, center=center_a)
    page.set_viewport_size({"width": 360, "height": 740})
    login(it)
    page.goto("/monitor/")
    expect(page.get_by_role("heading", name="Giám sát tự động – Xã Bạch Ngọc")).to_be_visible()

    page.get_by_role("link", name="Cổng Dịch vụ công quốc gia").tap()
    expect(page.get_by_label("Địa chỉ")).to_have_value("https://dichvucong.gov.vn/")
    page.get_by_role("button", name="Lưu").tap()

    card = page.locator(".mo-probe")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Cổng Dịch vụ công quốc gia")
    expect(card).to_contain_text("Chưa rõ")
    shot("monitor-360")
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert Probe.objects.get().incident_type.code == "software-down"

    card.get_by_role("link", name="Xóa").tap()
    page.get_by_role("button", name="Xóa").tap()
    expect(page.locator(".mo-probe")).to_have_count(0)
    assert not Probe.objects.exists()
