"""003 TH2: a citizen without a bank account may pay online "qua tài khoản công vụ"."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from ungcuu.core.testing import logged_in
from ungcuu.knowledge.models import Guide, GuideStep
from ungcuu.knowledge.selectors import guides_search

pytestmark = pytest.mark.django_db

SLUG = "khong-co-tai-khoan-ngan-hang"
migration = importlib.import_module("ungcuu.knowledge.migrations.0004_official_account_payment")


def test_the_guide_offers_payment_through_the_official_account(staff_a):
    page = logged_in(staff_a).get(f"/guides/{SLUG}/").content.decode()
    assert "thanh toán trực tuyến qua tài khoản công vụ" in page
    assert "ví điện tử" in page  # the other ways stay


def test_searching_for_the_official_account_finds_the_guide():
    assert SLUG in [g.slug for g in guides_search("tai khoan cong vu")]


def test_an_existing_database_gets_the_option_and_an_edited_step_is_kept():
    guide = Guide.objects.get(slug=SLUG)
    step = GuideStep.objects.get(guide=guide, text=migration.NEW_STEP)
    GuideStep.objects.filter(pk=step.pk).update(text=migration.OLD_STEP)
    Guide.objects.filter(pk=guide.pk).update(keywords=migration.OLD_KEYWORDS, search_body="")
    migration.forward(apps, None)
    step.refresh_from_db()
    guide.refresh_from_db()
    assert step.text == migration.NEW_STEP
    assert guide.keywords.endswith("tài khoản công vụ")
    assert "tai khoan cong vu" in guide.search_body

    GuideStep.objects.filter(pk=step.pk).update(text="Bước Trung tâm tự viết.")
    migration.forward(apps, None)
    step.refresh_from_db()
    assert step.text == "Bước Trung tâm tự viết."
