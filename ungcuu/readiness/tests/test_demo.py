"""The demo shows the registers filled: a certificate expiring soon, low stock, a missed check."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ungcuu.core.demo import demo_build
from ungcuu.org.models import Center
from ungcuu.readiness import services
from ungcuu.readiness.models import Certificate, Drill, Equipment, SupplyItem

NOW = datetime(2026, 3, 16, 9, 40, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Monday


@pytest.mark.django_db
def test_the_demo_fills_the_registers_of_the_five_centers():
    demo_build(months=1, now=NOW)
    assert Center.objects.count() == 5
    for center in Center.objects.all():
        assert Equipment.objects.filter(center=center, is_backup=True).exists()
        assert SupplyItem.objects.filter(center=center).count() == 3
        assert Drill.objects.filter(center=center, status="done").exclude(lessons="").exists()
    kinds = {
        center.code: {r.kind for r in services.center_reminders(center, NOW)}
        for center in Center.objects.all()
    }
    assert "check" in kinds["tanky"]
    assert all("check" not in found for code, found in kinds.items() if code != "tanky")
    assert "supply" in kinds["thaihoa"]
    assert "certificate" in kinds["bachngoc"]
    assert Certificate.objects.filter(center__code="bachngoc", valid_to__lte="2026-03-23").exists()
