"""Paper and ink against the quota: received, used, moved; never below zero."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import logged_in
from ungcuu.incidents import services as incidents
from ungcuu.readiness import services
from ungcuu.readiness.models import MovementKind, StockMovement, SupplyItem


@pytest.fixture
def paper(it_a):
    item = services.supply_save(
        actor=it_a,
        center=it_a.center,
        kind="paper_a4",
        name="Giấy A4 Double A",
        unit="ram",
        quota=20,
        threshold=5,
        assignee=it_a,
    )
    services.stock_move(actor=it_a, item=item, kind=MovementKind.RECEIVED, quantity_value=10)
    item.refresh_from_db()
    return item


def test_stock_follows_the_movements(paper, it_a):
    assert paper.stock == 10
    services.stock_move(actor=it_a, item=paper, kind=MovementKind.USED, quantity_value="3")
    paper.refresh_from_db()
    assert paper.stock == 7
    assert not paper.is_low


@pytest.mark.parametrize("bad", ["abc", "-3", "0", "1.5", ""])
def test_bad_quantities_get_a_vietnamese_message_and_change_nothing(paper, it_a, bad):
    client = logged_in(it_a)
    answer = client.post(
        f"/readiness/supplies/{paper.pk}/",
        {"client_uuid": str(uuid.uuid4()), "kind": "used", "quantity": bad},
    )
    assert answer.status_code == 400
    assert "Số lượng" in answer.content.decode()
    paper.refresh_from_db()
    assert paper.stock == 10
    assert StockMovement.objects.count() == 1


def test_using_more_than_in_stock_is_refused(paper, it_a):
    with pytest.raises(ServiceError, match="Không đủ tồn kho"):
        services.stock_move(actor=it_a, item=paper, kind=MovementKind.USED, quantity_value=11)
    paper.refresh_from_db()
    assert paper.stock == 10


def test_a_replayed_movement_counts_once(paper, it_a):
    key = uuid.uuid4()
    for _ in range(2):
        services.stock_move(
            actor=it_a, item=paper, kind=MovementKind.USED, quantity_value=2, client_uuid=key
        )
    paper.refresh_from_db()
    assert paper.stock == 8


def test_moving_stock_to_a_center_of_the_province(paper, it_a, center_b, center_c):
    client = logged_in(it_a)
    answer = client.post(
        f"/readiness/supplies/{paper.pk}/",
        {
            "client_uuid": str(uuid.uuid4()),
            "kind": "moved_out",
            "quantity": "4",
            "to_center": "tanky",
        },
    )
    assert answer.status_code == 302
    paper.refresh_from_db()
    assert paper.stock == 6
    there = SupplyItem.objects.get(center=center_b)
    assert there.stock == 4 and there.name == paper.name
    with pytest.raises(ServiceError, match="cùng tỉnh"):
        services.stock_move(
            actor=it_a,
            item=paper,
            kind=MovementKind.MOVED_OUT,
            quantity_value=1,
            to_center=center_c,
        )


def test_low_stock_is_shown_and_reminded_to_the_assigned_person(paper, it_a):
    services.stock_move(actor=it_a, item=paper, kind=MovementKind.USED, quantity_value=6)
    html = logged_in(it_a).get("/readiness/supplies/").content.decode()
    assert "Sắp hết" in html
    reminders = [r for r in services.center_reminders(it_a.center) if r.kind == "supply"]
    assert len(reminders) == 1
    assert reminders[0].people == [it_a]
    assert "còn 4 ram" in reminders[0].body


def test_staff_may_record_use_but_not_receipts(paper, staff_a):
    services.stock_move(actor=staff_a, item=paper, kind=MovementKind.USED, quantity_value=1)
    with pytest.raises(ServiceError):
        services.stock_move(actor=staff_a, item=paper, kind=MovementKind.RECEIVED, quantity_value=1)
    assert logged_in(staff_a).get("/readiness/supplies/new/").status_code == 404


def test_a_printer_paper_incident_records_the_paper_used(paper, staff_a, printer_paper):
    incident = incidents.incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=printer_paper,
        started_at=timezone.now() - timedelta(minutes=5),
    ).incident
    client = logged_in(staff_a)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Ghi vật tư đã dùng" in page

    answer = client.post(
        f"/readiness/incidents/{incident.pk}/supplies/",
        {"item": paper.pk, "quantity": "2", "client_uuid": str(uuid.uuid4())},
    )
    assert answer.status_code == 302
    paper.refresh_from_db()
    assert paper.stock == 8
    assert StockMovement.objects.get(kind="used").incident == incident
    assert "Giấy A4 Double A: 2 ram" in client.get(f"/incidents/{incident.pk}/").content.decode()


def test_new_item_form_refuses_a_negative_quota(it_a):
    answer = logged_in(it_a).post(
        "/readiness/supplies/new/",
        {"kind": "ink", "name": "Mực HP 85A", "unit": "hộp", "quota": "-1", "threshold": "1"},
    )
    assert answer.status_code == 400
    assert not SupplyItem.objects.exists()
