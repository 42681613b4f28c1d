"""The readiness services check, on their own, every object they are handed: another
center's item, certificate, equipment, incident or person is refused and nothing moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import make_user
from ungcuu.incidents import services as incidents
from ungcuu.org.models import Role
from ungcuu.readiness import services
from ungcuu.readiness.models import (
    Certificate,
    CheckItem,
    DailyCheck,
    Drill,
    Equipment,
    IncidentEquipment,
    MovementKind,
    StockMovement,
    SupplyItem,
)


def rows(*models) -> dict:
    """Every row of the models as stored, to show a refusal changed none of them."""
    return {
        model.__name__: sorted(
            (sorted(model_to_dict(row).items(), key=str) for row in model.objects.all()), key=str
        )
        for model in models
    }


ALL = (
    SupplyItem,
    StockMovement,
    Equipment,
    IncidentEquipment,
    Certificate,
    CheckItem,
    DailyCheck,
    Drill,
)


@pytest.fixture
def it_c(center_c):
    return make_user("c.it", Role.IT_OFFICER, center=center_c)


@pytest.fixture
def province_c(center_c):
    return make_user("thainguyen.province", Role.PROVINCE, province=center_c.province)


def _supply(actor, center):
    item = services.supply_save(
        actor=actor, center=center, kind="paper_a4", name="Giấy A4", unit="ram", quota=20
    )
    services.stock_move(actor=actor, item=item, kind=MovementKind.RECEIVED, quantity_value=10)
    item.refresh_from_db()
    return item


def _equipment(actor, center):
    return services.equipment_save(actor=actor, center=center, kind="printer", name="Canon 2900")


@pytest.fixture
def paper_a(it_a):
    return _supply(it_a, it_a.center)


@pytest.fixture
def paper_b(it_b):
    return _supply(it_b, it_b.center)


@pytest.fixture
def paper_c(it_c):
    return _supply(it_c, it_c.center)


@pytest.fixture
def printer_a(it_a):
    return _equipment(it_a, it_a.center)


@pytest.fixture
def printer_b(it_b):
    return _equipment(it_b, it_b.center)


@pytest.fixture
def incident_a(staff_a, printer_paper):
    return incidents.incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=printer_paper,
        started_at=timezone.now() - timedelta(minutes=10),
    ).incident


@pytest.fixture
def incident_c(staff_c, printer_paper):
    return incidents.incident_report(
        actor=staff_c, center=staff_c.center, incident_type=printer_paper
    ).incident


def refused(call, status: int) -> ServiceError:
    before = rows(*ALL)
    with pytest.raises(ServiceError) as caught:
        call()
    assert caught.value.status == status, caught.value.message
    assert rows(*ALL) == before
    return caught.value


# --- supplies -------------------------------------------------------------------------------


def test_editing_another_centers_item_under_ones_own_center_is_404(it_a, paper_b):
    error = refused(
        lambda: services.supply_save(
            actor=it_a, center=it_a.center, item=paper_b, kind="ink", name="Đổi tên", unit="hộp"
        ),
        404,
    )
    assert error.message == "Không tìm thấy vật tư."


def test_the_province_cannot_move_an_item_between_its_centers_by_editing_it(
    province_user, paper_b, center_a
):
    error = refused(
        lambda: services.supply_save(
            actor=province_user, center=center_a, item=paper_b, kind="ink", name="X", unit="hộp"
        ),
        400,
    )
    assert "item" in error.fields


def test_an_item_cannot_be_followed_by_another_centers_person(it_a, staff_b):
    error = refused(
        lambda: services.supply_save(
            actor=it_a, center=it_a.center, kind="ink", name="Mực", unit="hộp", assignee=staff_b
        ),
        400,
    )
    assert "assignee" in error.fields


@pytest.mark.parametrize("kind", [MovementKind.RECEIVED, MovementKind.USED])
def test_moving_another_centers_stock_is_404(it_a, paper_b, kind):
    error = refused(
        lambda: services.stock_move(actor=it_a, item=paper_b, kind=kind, quantity_value=1),
        404,
    )
    assert error.message == "Không tìm thấy vật tư."


def test_using_stock_for_another_provinces_incident_is_404(staff_a, paper_a, incident_c):
    error = refused(
        lambda: services.stock_move(
            actor=staff_a,
            item=paper_a,
            kind=MovementKind.USED,
            quantity_value=1,
            incident=incident_c,
        ),
        404,
    )
    assert error.message == "Không tìm thấy sự cố."


def test_the_province_cannot_book_one_centers_stock_to_anothers_incident(
    province_user, paper_b, incident_a
):
    error = refused(
        lambda: services.stock_move(
            actor=province_user,
            item=paper_b,
            kind=MovementKind.USED,
            quantity_value=1,
            incident=incident_a,
        ),
        400,
    )
    assert "incident" in error.fields


def test_a_transfer_to_another_province_is_refused(province_user, paper_a, center_c):
    error = refused(
        lambda: services.stock_move(
            actor=province_user,
            item=paper_a,
            kind=MovementKind.MOVED_OUT,
            quantity_value=1,
            to_center=center_c,
        ),
        400,
    )
    assert "to_center" in error.fields


def test_another_province_cannot_pull_stock_out_of_our_center(province_c, paper_a, center_c):
    error = refused(
        lambda: services.stock_move(
            actor=province_c,
            item=paper_a,
            kind=MovementKind.MOVED_OUT,
            quantity_value=1,
            to_center=center_c,
        ),
        404,
    )
    assert error.message == "Không tìm thấy vật tư."


def test_a_vendor_told_of_an_incident_still_keeps_no_register(vendor_user, vnpt, paper_a, leader_a):
    incident = incidents.incident_report(
        actor=leader_a,
        center=leader_a.center,
        incident_type=IncidentType.objects.get(code="internet"),
    ).incident
    incidents.incident_escalate(actor=leader_a, incident=incident, organisations=[vnpt])
    refused(
        lambda: services.stock_move(
            actor=vendor_user, item=paper_a, kind=MovementKind.USED, quantity_value=1
        ),
        404,
    )


# --- equipment ------------------------------------------------------------------------------


def test_editing_another_centers_equipment_is_404(it_a, printer_b):
    error = refused(
        lambda: services.equipment_save(
            actor=it_a, center=it_a.center, equipment=printer_b, kind="printer", name="Của tôi"
        ),
        404,
    )
    assert error.message == "Không tìm thấy thiết bị."


def test_the_province_cannot_reassign_equipment_by_editing_it(province_user, printer_b, center_a):
    error = refused(
        lambda: services.equipment_save(
            actor=province_user, center=center_a, equipment=printer_b, kind="printer", name="X"
        ),
        400,
    )
    assert "equipment" in error.fields


def test_testing_another_centers_equipment_is_404(it_a, printer_b):
    refused(lambda: services.equipment_tested(actor=it_a, equipment=printer_b), 404)


def test_linking_another_centers_equipment_to_our_incident_is_404(it_a, printer_b, incident_a):
    refused(
        lambda: services.equipment_link(actor=it_a, incident=incident_a, equipment=printer_b), 404
    )


def test_linking_our_equipment_to_another_provinces_incident_is_404(it_a, printer_a, incident_c):
    error = refused(
        lambda: services.equipment_link(actor=it_a, incident=incident_c, equipment=printer_a), 404
    )
    assert error.message == "Không tìm thấy sự cố."


def test_the_province_cannot_link_one_centers_equipment_to_anothers_incident(
    province_user, printer_b, incident_a
):
    error = refused(
        lambda: services.equipment_link(
            actor=province_user, incident=incident_a, equipment=printer_b
        ),
        400,
    )
    assert "equipment" in error.fields


def test_linking_ones_own_equipment_still_works(it_a, printer_a, incident_a):
    services.equipment_link(actor=it_a, incident=incident_a, equipment=printer_a)
    assert IncidentEquipment.objects.filter(incident=incident_a, equipment=printer_a).exists()


# --- certificates ---------------------------------------------------------------------------


def _cert_kwargs(holder):
    today = timezone.localdate()
    return {
        "holder": holder,
        "provider": "bcy",
        "serial": "54 02 AB",
        "valid_from": today - timedelta(days=30),
        "valid_to": today + timedelta(days=700),
    }


def test_editing_another_centers_certificate_is_404(it_a, it_b, staff_a):
    theirs = services.certificate_save(actor=it_b, center=it_b.center, **_cert_kwargs(it_b))
    error = refused(
        lambda: services.certificate_save(
            actor=it_a, center=it_a.center, certificate=theirs, **_cert_kwargs(staff_a)
        ),
        404,
    )
    assert error.message == "Không tìm thấy chứng thư số."


def test_a_certificate_cannot_be_held_by_another_centers_person(it_a, staff_b):
    error = refused(
        lambda: services.certificate_save(actor=it_a, center=it_a.center, **_cert_kwargs(staff_b)),
        400,
    )
    assert "holder" in error.fields


def test_a_certificate_cannot_be_saved_for_another_center(it_a, staff_b, center_b):
    refused(
        lambda: services.certificate_save(actor=it_a, center=center_b, **_cert_kwargs(staff_b)),
        404,
    )


# --- the daily check and drills -------------------------------------------------------------


def test_checking_another_center_is_404(staff_a, center_b):
    refused(
        lambda: services.check_record(actor=staff_a, center=center_b, ok_items=[], all_ok=True),
        404,
    )


def test_another_centers_checklist_line_cannot_be_edited_as_ours(it_a, it_b):
    theirs = services.check_item_save(actor=it_b, center=it_b.center, label="Máy phát điện")
    before = model_to_dict(CheckItem.objects.get(pk=theirs.pk))
    with pytest.raises(ServiceError) as caught:
        services.check_item_save(actor=it_a, center=it_a.center, item=theirs, label="Đổi")
    assert caught.value.status == 404
    assert model_to_dict(CheckItem.objects.get(pk=theirs.pk)) == before


def test_a_drill_cannot_enlist_another_centers_people(director_a, staff_b):
    error = refused(
        lambda: services.drill_schedule(
            actor=director_a,
            center=director_a.center,
            scenario=IncidentType.objects.get(code="internet"),
            scheduled_at=timezone.now() + timedelta(days=2),
            participants=[staff_b],
        ),
        400,
    )
    assert "participants" in error.fields


def test_another_centers_drill_cannot_be_started_or_cancelled(director_a, it_b):
    drill = services.drill_schedule(
        actor=it_b,
        center=it_b.center,
        scenario=IncidentType.objects.get(code="internet"),
        scheduled_at=timezone.now() + timedelta(days=2),
    )
    refused(lambda: services.drill_start(actor=director_a, drill=drill), 404)
    refused(lambda: services.drill_cancel(actor=director_a, drill=drill), 404)


def test_the_transfer_page_offers_what_the_service_accepts(
    province_user, paper_a, center_b, center_c
):
    from ungcuu.core.testing import logged_in

    page = logged_in(province_user).get(f"/readiness/supplies/{paper_a.pk}/").content.decode()
    assert 'value="tanky"' in page and 'value="dongphuc"' not in page
    services.stock_move(
        actor=province_user,
        item=paper_a,
        kind=MovementKind.MOVED_OUT,
        quantity_value=1,
        to_center=center_b,
    )
    assert SupplyItem.objects.get(center=center_b).stock == 1
