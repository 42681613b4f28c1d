"""R29 (003 VI.3 "tăng cường hướng dẫn người dân nộp hồ sơ trực tuyến (tổ công nghệ số cộng
đồng …)") and R30 (003 VI.4 "Bình dân học vụ số"): a guide for helping citizens submit
online while the center is down and after, found by search and from the incident."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from ungcuu.core.testing import logged_in
from ungcuu.knowledge.models import Guide
from ungcuu.knowledge.selectors import guides_for_type, guides_search

pytestmark = pytest.mark.django_db

SLUG = "nop-ho-so-truc-tuyen"


def test_the_guide_carries_the_plans_two_points():
    guide = Guide.objects.get(slug=SLUG)
    text = " ".join([guide.summary, guide.support, *(s.text for s in guide.steps.all())])
    assert "tăng cường hướng dẫn người dân nộp hồ sơ trực tuyến" in text.lower()
    assert "tổ công nghệ số cộng đồng" in text
    assert "Vận động cán bộ, công chức, viên chức và người dân tham gia “Bình dân học vụ số”" in (
        guide.support
    )


@pytest.mark.parametrize("query", ["binh dan hoc vu so", "to cong nghe so", "nộp trực tuyến"])
def test_staff_find_it_by_what_they_type(query):
    assert SLUG in [g.slug for g in guides_search(query)]


def test_it_is_offered_on_an_internet_outage(internet, staff_a):
    assert SLUG in [g.slug for g in guides_for_type(internet.pk)]
    page = logged_in(staff_a).get(reverse("knowledge:detail", args=[SLUG]))
    assert page.status_code == 200
    assert "Bình dân học vụ số" in page.content.decode()


def test_the_migration_adds_it_to_an_installation_without_it():
    Guide.objects.filter(slug=SLUG).delete()
    migration = importlib.import_module("ungcuu.knowledge.migrations.0005_online_submission_guide")
    migration.load(apps, None)
    assert Guide.objects.get(slug=SLUG).steps.count() >= 6
