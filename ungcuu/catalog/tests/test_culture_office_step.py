"""R98 (003 II.2d): a broken USB certificate: "liên hệ với chuyên viên phòng Văn hoá - xã
hội phường … để được hỗ trợ" is a step of the digital-cert playbook, not only owner text."""

from __future__ import annotations

import importlib

from django.apps import apps

from ungcuu.catalog.models import IncidentType, PlaybookStep

migration = importlib.import_module(
    "ungcuu.catalog.migrations.0007_digital_cert_culture_office_step"
)


def _texts() -> list[str]:
    return list(
        PlaybookStep.objects.filter(incident_type__code="digital-cert")
        .order_by("position")
        .values_list("text", flat=True)
    )


def test_the_shipped_playbook_has_the_step_beside_the_province_it_centre(db):
    texts = _texts()
    at = texts.index(migration.NEW_STEP)
    assert texts[at - 1].startswith("Đăng ký cấp mới chứng thư số (USB)")
    assert "Trung tâm CNTT Sở Khoa học và Công nghệ" in texts[at + 1]
    step = PlaybookStep.objects.get(text=migration.NEW_STEP)
    assert step.section == "Chứng thư số (USB) bị hỏng"


def test_an_installation_with_the_old_playbook_gets_the_step(db):
    migration.backwards(apps, None)
    assert migration.NEW_STEP not in _texts()
    migration.forwards(apps, None)
    assert _texts().count(migration.NEW_STEP) == 1


def test_a_playbook_an_administrator_changed_is_left_alone(db):
    migration.backwards(apps, None)
    cert = IncidentType.objects.get(code="digital-cert")
    PlaybookStep.objects.filter(incident_type=cert, position=1).update(text="Bước riêng")
    before = _texts()
    migration.forwards(apps, None)
    assert _texts() == before
