"""On a phone: a center's node says so at the top of every page, and when it last reached
the hub; the province's live page shows each node's last contact, a silent one in red."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ungcuu.sync import conf
from ungcuu.sync.models import Node, NodeState

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_node_strip_says_when_the_hub_was_last_reached(
    page, login, shot, axe, staff_a, monkeypatch
):
    monkeypatch.setattr(conf, "node_config", lambda: conf.NodeConfig("http://127.0.0.1:1", "x.y"))
    page.set_viewport_size({"width": 360, "height": 740})
    login(staff_a)
    page.goto("/")
    strip = page.locator(".node-strip")
    expect(strip).to_contain_text("Máy của Trung tâm")
    expect(strip).to_contain_text("chưa liên lạc được máy chủ của tỉnh")
    expect(strip).to_have_class("node-strip late")

    NodeState.objects.update_or_create(pk=1, defaults={"last_contact_at": timezone.now()})
    page.reload()
    expect(strip).to_contain_text("liên lạc máy chủ của tỉnh lúc")
    expect(strip).to_have_class("node-strip")
    shot("node-strip-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert [v for v in axe() if v["impact"] in ("serious", "critical")] == []


def test_the_province_sees_each_nodes_last_contact(page, login, province_user, center_a, center_b):
    now = timezone.now()
    Node.objects.create(center=center_a, key_digest="a" * 64, last_seen_at=now)
    Node.objects.create(center=center_b, key_digest="b" * 64, last_seen_at=now - timedelta(hours=1))
    page.set_viewport_size({"width": 360, "height": 740})
    login(province_user)
    page.goto("/province/")
    silent = page.locator(".live-center", has_text="Tân Kỳ").locator(".live-silent")
    expect(silent).to_contain_text("mất liên lạc")
    fine = page.locator(".live-center", has_text="Bạch Ngọc")
    expect(fine).to_contain_text("Máy của Trung tâm: liên lạc lúc")
    expect(fine.locator(".live-silent")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
