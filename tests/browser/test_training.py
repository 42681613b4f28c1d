"""On a phone: the team leader records a training; the guide for an upset citizen then
names the trained officer on duty today."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ungcuu.core.testing import make_user
from ungcuu.org.models import DutyShift, Role
from ungcuu.readiness.models import TrainingRecord

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_record_a_training_and_see_it_on_the_guide(page, hand, login, shot, leader_a, staff_a):
    responder = make_user("a.responder", Role.RESPONDER, center=leader_a.center)
    DutyShift.objects.create(center=leader_a.center, person=responder, date=timezone.localdate())
    login(leader_a)
    page.goto("/readiness/")
    expect(page.locator("body")).to_contain_text("Chưa có cán bộ nào được tập huấn")
    hand.tap(page.get_by_role("link", name="Tập huấn", exact=True))
    hand.tap(page.get_by_role("link", name="+ Ghi nhận tập huấn"))
    page.get_by_label("Cán bộ được tập huấn").select_option(label=responder.display_name)
    page.get_by_label("Nội dung tập huấn").select_option("conflict")
    page.get_by_label("Đơn vị tổ chức, địa điểm").fill("Sở Nội vụ")
    shot("readiness-training-form")
    hand.tap(page.get_by_role("button", name="Lưu"))

    expect(page.locator(".cards")).to_contain_text(responder.display_name)
    expect(page.locator(".cards")).to_contain_text("Kỹ năng xử lý xung đột")
    assert TrainingRecord.objects.get().person == responder

    page.goto("/guides/nguoi-dan-buc-xuc/")
    section = page.get_by_role("region", name="Cán bộ đã tập huấn đang trực hôm nay")
    expect(section).to_contain_text(responder.display_name)
