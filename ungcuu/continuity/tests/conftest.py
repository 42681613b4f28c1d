from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.incidents.services import incident_report


def intake_body(center, **changes) -> dict:
    body = {
        "client_uuid": str(uuid.uuid4()),
        "center": center.code,
        "citizen_name": "Nguyễn Văn An",
        "citizen_id": "040190001234",
        "phone": "0912 345 678",
        "procedure": "Đăng ký khai sinh",
        "processing_days": 3,
        "received_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
    }
    body.update(changes)
    return body


@pytest.fixture
def outage(staff_a):
    """An internet outage at center A, reported now."""
    return incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=IncidentType.objects.get(code="internet"),
        description="Mất mạng toàn bộ Bộ phận Một cửa",
        impact="stopped",
    ).incident
