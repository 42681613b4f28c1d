"""001/003 I.1: the center keeps serving "trong mọi tình huống bất khả kháng (..., thiên
tai, dịch bệnh...)": an epidemic is a type of its own, not "Sự cố khác"."""

from __future__ import annotations

import importlib

from django.apps import apps

from ungcuu.catalog.models import IncidentType, Tier
from ungcuu.catalog.plan import CITIZEN_SCRIPT
from ungcuu.core.testing import api_client, logged_in

migration = importlib.import_module("ungcuu.catalog.migrations.0004_epidemic")


def test_an_epidemic_is_a_complex_type_before_other(db):
    epidemic = IncidentType.objects.get(code="epidemic")
    assert epidemic.name == "Dịch bệnh"
    assert epidemic.tier == Tier.COMPLEX
    assert epidemic.citizen_notice.startswith(CITIZEN_SCRIPT)
    assert "dịch bệnh" in epidemic.citizen_notice
    assert set(epidemic.escalation_targets) == {"commune", "province_center"}
    steps = list(epidemic.steps.values_list("text", flat=True))
    assert "Tăng cường hướng dẫn người dân nộp hồ sơ trực tuyến." in steps
    codes = list(IncidentType.objects.values_list("code", flat=True))
    assert codes[-2:] == ["epidemic", "other"]


def test_staff_can_report_an_epidemic(staff_a):
    page = logged_in(staff_a).get("/incidents/new/").content.decode()
    assert "Dịch bệnh" in page


def test_the_migration_adds_the_type_to_an_existing_installation(db):
    IncidentType.objects.filter(code="epidemic").delete()
    IncidentType.objects.filter(code="other").update(position=12)
    migration.forwards(apps, None)
    assert IncidentType.objects.get(code="epidemic").steps.count() == 9
    assert IncidentType.objects.get(code="other").position == 13


def test_the_migration_keeps_a_type_an_installation_already_has(db):
    IncidentType.objects.filter(code="epidemic").update(name="Dịch bệnh (Trung tâm sửa)")
    IncidentType.objects.filter(code="other").update(position=40)
    migration.forwards(apps, None)
    assert IncidentType.objects.get(code="epidemic").name == "Dịch bệnh (Trung tâm sửa)"
    assert IncidentType.objects.get(code="other").position == 40


def test_the_api_lists_the_type(staff_a):
    types = api_client(staff_a).get("/api/v1/catalog").json()
    assert "epidemic" in [t["code"] for t in types]
