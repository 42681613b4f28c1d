"""The paper-intake services check the center, the dossier and the incident they are
handed, whoever calls them (page, API, offline replay)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.continuity import services
from ungcuu.continuity.models import PaperIntake
from ungcuu.core.errors import ServiceError
from ungcuu.incidents.services import incident_report

# The fixtures are picked by name inside some tests: the mark makes pytest-django order
# them with the other database tests.
pytestmark = pytest.mark.django_db


def _intake(actor, center, **changes):
    fields = {
        "citizen_name": "Nguyễn Văn An",
        "citizen_id": "040190001234",
        "procedure": "Đăng ký khai sinh",
        "processing_days": 3,
        "received_at": timezone.now() - timedelta(minutes=5),
    }
    fields.update(changes)
    return services.intake_create(actor=actor, center=center, **fields)


def stored() -> list[dict]:
    return [model_to_dict(row) for row in PaperIntake.objects.order_by("pk")]


@pytest.mark.parametrize(
    ("actor", "center"),
    [
        ("staff_a", "center_b"),
        ("staff_a", "center_c"),
        ("province_user", "center_c"),
        ("vendor_user", "center_a"),
    ],
)
def test_taking_a_dossier_for_a_center_outside_ones_scope_is_404(request, actor, center):
    user, where = request.getfixturevalue(actor), request.getfixturevalue(center)
    before = stored()
    with pytest.raises(ServiceError) as refused:
        _intake(user, where)
    assert refused.value.status == 404 and "center" in refused.value.fields
    assert stored() == before


def test_a_vendor_told_of_an_incident_still_takes_no_dossier(vendor_user, vnpt, leader_a):
    from ungcuu.incidents.services import incident_escalate

    incident = incident_report(
        actor=leader_a,
        center=leader_a.center,
        incident_type=IncidentType.objects.get(code="internet"),
    ).incident
    incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt])
    with pytest.raises(ServiceError) as refused:
        _intake(vendor_user, leader_a.center, incident=incident)
    assert refused.value.status == 404
    assert not PaperIntake.objects.exists()


def test_the_province_takes_a_dossier_for_any_of_its_centers(province_user, center_b):
    result = _intake(province_user, center_b)
    assert result.created and result.intake.center == center_b


def test_another_centers_incident_is_refused_with_the_field(staff_a, staff_b):
    theirs = incident_report(
        actor=staff_b,
        center=staff_b.center,
        incident_type=IncidentType.objects.get(code="internet"),
    ).incident
    with pytest.raises(ServiceError) as refused:
        _intake(staff_a, staff_a.center, incident=theirs)
    assert "incident" in refused.value.fields
    assert not PaperIntake.objects.exists()


@pytest.mark.parametrize("outsider", ["staff_b", "staff_c", "vendor_user"])
def test_reentering_another_centers_dossier_is_404_and_changes_nothing(request, outsider, staff_a):
    intake = _intake(staff_a, staff_a.center).intake
    before = stored()
    with pytest.raises(ServiceError) as refused:
        services.intake_reenter(
            actor=request.getfixturevalue(outsider),
            intake=intake,
            dossier_code="000.00.04.H40-230414-0002",
        )
    assert refused.value.status == 404
    assert refused.value.message == "Không tìm thấy hồ sơ."
    assert stored() == before


def test_the_province_reenters_a_dossier_of_its_center(staff_a, province_user):
    intake = _intake(staff_a, staff_a.center).intake
    result = services.intake_reenter(
        actor=province_user, intake=intake, dossier_code="000.00.04.H40-230414-0002"
    )
    assert result.intake.reentered_by == province_user
