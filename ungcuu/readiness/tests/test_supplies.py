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


def test_moving_stock_to_a_center_of_the_province(paper, province_user, center_b, center_c):
    client = logged_in(province_user)
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
            actor=province_user,
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


def test_a_center_keeper_cannot_put_stock_into_another_center(paper, it_a, center_b):
    with pytest.raises(ServiceError, match="không được chuyển vật tư") as refused:
        services.stock_move(
            actor=it_a,
            item=paper,
            kind=MovementKind.MOVED_OUT,
            quantity_value=4,
            to_center=center_b,
        )
    assert refused.value.status == 403
    assert not SupplyItem.objects.filter(center=center_b).exists()
    paper.refresh_from_db()
    assert paper.stock == 10
    # The page offers no other center to a center keeper, and a forged post changes nothing.
    client = logged_in(it_a)
    assert "tanky" not in client.get(f"/readiness/supplies/{paper.pk}/").content.decode()
    answer = client.post(
        f"/readiness/supplies/{paper.pk}/",
        {
            "client_uuid": str(uuid.uuid4()),
            "kind": "moved_out",
            "quantity": "4",
            "to_center": "tanky",
        },
    )
    assert answer.status_code == 400
    assert not SupplyItem.objects.filter(center=center_b).exists()


def test_transfers_reuse_the_receiving_item_and_never_duplicate_it(paper, province_user, center_b):
    for _ in range(2):
        services.stock_move(
            actor=province_user,
            item=paper,
            kind=MovementKind.MOVED_OUT,
            quantity_value=2,
            to_center=center_b,
        )
    there = SupplyItem.objects.get(center=center_b)
    assert there.stock == 4
    # And back again: the crossing transfer finds the original item.
    services.stock_move(
        actor=province_user,
        item=there,
        kind=MovementKind.MOVED_OUT,
        quantity_value=1,
        to_center=paper.center,
    )
    assert SupplyItem.objects.filter(center=paper.center).count() == 1
    paper.refresh_from_db()
    assert paper.stock == 7


def test_a_replayed_uuid_for_another_movement_is_refused(paper, it_a):
    other = services.supply_save(
        actor=it_a, center=it_a.center, kind="ink", name="Mực HP 85A", unit="hộp"
    )
    services.stock_move(actor=it_a, item=other, kind=MovementKind.RECEIVED, quantity_value=5)
    key = uuid.uuid4()
    services.stock_move(
        actor=it_a, item=paper, kind=MovementKind.USED, quantity_value=2, client_uuid=key
    )
    for item, kind, qty in [
        (other, MovementKind.USED, 2),
        (paper, MovementKind.RECEIVED, 2),
        (paper, MovementKind.USED, 3),
    ]:
        with pytest.raises(ServiceError, match="client_uuid") as refused:
            services.stock_move(
                actor=it_a, item=item, kind=kind, quantity_value=qty, client_uuid=key
            )
        assert refused.value.status == 409
    other.refresh_from_db()
    paper.refresh_from_db()
    assert (other.stock, paper.stock) == (5, 8)


@pytest.fixture
def drill_incident(director_a, staff_a, printer_paper):
    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=printer_paper,
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    services.drill_start(actor=director_a, drill=drill)
    incident = incidents.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=printer_paper
    ).incident
    assert incident.is_drill
    return incident


def test_a_drill_incident_uses_no_real_stock(paper, staff_a, drill_incident):
    with pytest.raises(ServiceError, match="diễn tập") as refused:
        services.stock_move(
            actor=staff_a,
            item=paper,
            kind=MovementKind.USED,
            quantity_value=8,
            incident=drill_incident,
        )
    assert refused.value.status == 409
    client = logged_in(staff_a)
    page = client.get(f"/incidents/{drill_incident.pk}/").content.decode()
    assert "Ghi vật tư đã dùng" not in page
    client.post(
        f"/readiness/incidents/{drill_incident.pk}/supplies/",
        {"item": paper.pk, "quantity": "8", "client_uuid": str(uuid.uuid4())},
    )
    paper.refresh_from_db()
    assert paper.stock == 10
    assert StockMovement.objects.count() == 1
    assert not [r for r in services.center_reminders(staff_a.center) if r.kind == "supply"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_crossing_transfers_wait_for_each_other_instead_of_deadlocking(
    paper, province_user, center_b, monkeypatch
):
    import threading

    from django.db import connection, connections

    from ungcuu.readiness.services import supplies

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    there = services.supply_save(
        actor=province_user, center=center_b, kind=paper.kind, name=paper.name, unit="ram"
    )
    services.stock_move(
        actor=province_user, item=there, kind=MovementKind.RECEIVED, quantity_value=10
    )
    # Both transfers pause once they hold their first lock: locking one item after the
    # other would deadlock here; locking in a fixed order makes the second one wait.
    meet = threading.Barrier(2)
    real_apply = supplies._apply

    def slow_apply(item, kind, qty, **fields):
        if kind == MovementKind.MOVED_OUT:
            try:
                meet.wait(timeout=3)
            except threading.BrokenBarrierError:
                pass
        return real_apply(item, kind, qty, **fields)

    monkeypatch.setattr(supplies, "_apply", slow_apply)
    errors = []

    def move(item, to_center):
        try:
            services.stock_move(
                actor=province_user,
                item=SupplyItem.objects.get(pk=item.pk),
                kind=MovementKind.MOVED_OUT,
                quantity_value=3,
                to_center=to_center,
            )
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=move, args=(paper, center_b)),
        threading.Thread(target=move, args=(there, paper.center)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    paper.refresh_from_db()
    there.refresh_from_db()
    assert (paper.stock, there.stock) == (10, 10)
    assert SupplyItem.objects.count() == 2
