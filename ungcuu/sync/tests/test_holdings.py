"""The center's registers between its node and the hub: supplies and their movements,
equipment and its incidents, certificates, drills, training, the minutes. The node
writes them and the hub's copy follows, through the real push and pull endpoints.

Both sides share one test database: a record "written at the node" is written here as
the node would (its outbox), read out as the node would send it, then removed, so the
hub sees it for the first time through the batch."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import make_user
from ungcuu.incidents import services as incidents
from ungcuu.notify.models import Delivery
from ungcuu.org.models import Role
from ungcuu.org.system import system_user
from ungcuu.readiness.models import (
    Certificate,
    Drill,
    Equipment,
    IncidentEquipment,
    MovementKind,
    StockMovement,
    SupplyItem,
    TrainingRecord,
)
from ungcuu.readiness.services import (
    certificates,
    drills,
    equipment,
    reminders,
    supplies,
    training,
)
from ungcuu.reports.models import Minutes
from ungcuu.reports.services import minutes_draft, minutes_save
from ungcuu.sync import conf, holdings, records
from ungcuu.sync.models import Change
from ungcuu.sync.tests.test_hub import add_node, call

REGISTER_MODELS = (
    Minutes,
    IncidentEquipment,
    StockMovement,
    Drill,
    TrainingRecord,
    Certificate,
    Equipment,
    SupplyItem,
)


@pytest.fixture
def it_a(center_a):
    return make_user("a.it", Role.IT_OFFICER, center=center_a)


@pytest.fixture
def as_node(monkeypatch, center_a):
    """``with as_node():`` writes as center A's node does."""

    @contextmanager
    def node():
        with monkeypatch.context() as patch:
            config = conf.NodeConfig("http://127.0.0.1:1", f"{center_a.code}.x")
            patch.setattr(conf, "node_config", lambda: config)
            yield

    return node


def sent_by_node() -> list[dict]:
    """What the node's outbox holds, as it would push it; then the node's rows go (the
    hub has not seen them yet) and so does the outbox."""
    batch = records.load_changes(Change.objects.order_by("id"))
    for model in REGISTER_MODELS:
        model.objects.all().delete()
    Change.objects.all().delete()
    return batch


def registers_here(center) -> dict[str, list[dict]]:
    """The hub's copy of the center's registers, as the node would send them."""
    held = {}
    for kind, key in holdings.seed_keys(center):
        held.setdefault(kind, []).append(key)
    return {
        kind: sorted((r["data"] for r in holdings.load(kind, keys)), key=lambda d: d["uuid"])
        for kind, keys in held.items()
    }


def by_kind(batch: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for record in batch:
        out.setdefault(record["kind"], []).append(record["data"])
    return {kind: sorted(rows, key=lambda d: d["uuid"]) for kind, rows in out.items()}


def a_day_at_the_node(center, it, leader, staff, printer_paper):
    """Every register written once, as a center does in a day."""
    incident = incidents.incident_report(
        actor=staff, center=center, incident_type=printer_paper, description="Hết giấy"
    ).incident
    Change.objects.all().delete()  # the incident itself is not what this is about
    paper = supplies.supply_save(
        actor=it,
        center=center,
        kind="paper_a4",
        name="Giấy A4 Double A",
        unit="ram",
        quota=20,
        threshold=5,
        assignee=it,
    )
    supplies.stock_move(actor=it, item=paper, kind=MovementKind.RECEIVED, quantity_value=12)
    supplies.stock_move(
        actor=staff, item=paper, kind=MovementKind.USED, quantity_value=3, incident=incident
    )
    printer = equipment.equipment_save(
        actor=it, center=center, kind="printer", name="Canon LBP 2900", is_backup=True
    )
    equipment.equipment_link(actor=staff, incident=incident, equipment=printer)
    today = timezone.localdate()
    certificates.certificate_save(
        actor=it,
        center=center,
        holder=leader,
        provider="vnpt",
        serial="5404FFFEB7033FB316D672201B7BA4FE",
        valid_from=today - timedelta(days=300),
        valid_to=today + timedelta(days=65),
    )
    drill = drills.drill_schedule(
        actor=leader,
        center=center,
        scenario=printer_paper,
        scheduled_at=timezone.now() + timedelta(days=7),
        participants=[staff, it],
    )
    training.training_record(
        actor=leader, center=center, person=staff, topic="conflict", trained_on=today
    )
    minutes_save(actor=leader, incident=incident, data=minutes_draft(incident))
    return incident, paper, printer, drill


def test_every_register_the_node_writes_arrives_once_as_written(
    center_a, it_a, leader_a, staff_a, printer_paper, as_node
):
    key = add_node(center_a)
    with as_node():
        a_day_at_the_node(center_a, it_a, leader_a, staff_a, printer_paper)
        batch = sent_by_node()
    sent = by_kind(batch)
    assert set(sent) == set(holdings.REGISTERS)
    assert [d["stock"] for d in sent["supply"]] == [9]

    for _ in range(2):  # a batch replayed changes nothing
        status, answer = call(key, "push", {"through": 1, "records": batch})
        assert status == 200, answer

    assert registers_here(center_a) == sent
    assert SupplyItem.objects.get().stock == 9
    assert StockMovement.objects.count() == 2
    assert set(Drill.objects.get().participants.values_list("username", flat=True)) == {
        "a.staff",
        "a.it",
    }
    assert Minutes.objects.get().incident.center == center_a


def test_the_hubs_copy_follows_the_nodes_later_edits(
    center_a, it_a, leader_a, staff_a, printer_paper, as_node
):
    key = add_node(center_a)
    with as_node():
        _incident, paper, printer, drill = a_day_at_the_node(
            center_a, it_a, leader_a, staff_a, printer_paper
        )
        first = records.load_changes(Change.objects.order_by("id"))
        Change.objects.all().delete()
        used = supplies.stock_move(actor=it_a, item=paper, kind=MovementKind.USED, quantity_value=4)
        equipment.equipment_save(
            actor=it_a,
            center=center_a,
            kind="printer",
            name="Canon LBP 2900",
            status="faulty",
            equipment=printer,
        )
        drills.drill_start(actor=leader_a, drill=drill)
        later = records.load_changes(Change.objects.order_by("id"))
        Change.objects.all().delete()
    # The hub as it was after the node's first push.
    used.delete()
    assert call(key, "push", {"through": 1, "records": first})[0] == 200
    assert (SupplyItem.objects.get().stock, Equipment.objects.get().status) == (9, "working")
    assert Drill.objects.get().status == "planned"

    assert call(key, "push", {"through": 2, "records": later})[0] == 200

    assert SupplyItem.objects.get().stock == 5
    assert Equipment.objects.get().status == "faulty"
    assert Drill.objects.get().status == "running"
    assert StockMovement.objects.count() == 3


def test_the_hub_refuses_to_write_a_register_of_a_center_with_a_node(
    center_a, it_a, leader_a, staff_a, printer_paper, as_node
):
    with as_node():
        incident, paper, printer, drill = a_day_at_the_node(
            center_a, it_a, leader_a, staff_a, printer_paper
        )
    add_node(center_a)
    before = {m: m.objects.count() for m in REGISTER_MODELS}
    today = timezone.localdate()
    writes = [
        lambda: supplies.supply_save(
            actor=it_a, center=center_a, kind="ink", name="Mực 12A", unit="hộp"
        ),
        lambda: supplies.stock_move(
            actor=it_a, item=paper, kind=MovementKind.RECEIVED, quantity_value=1
        ),
        lambda: equipment.equipment_save(actor=it_a, center=center_a, kind="ups", name="UPS"),
        lambda: equipment.equipment_tested(actor=it_a, equipment=printer),
        lambda: certificates.certificate_save(
            actor=it_a,
            center=center_a,
            holder=staff_a,
            provider="bcy",
            serial="01",
            valid_from=today,
            valid_to=today + timedelta(days=700),
        ),
        lambda: drills.drill_start(actor=leader_a, drill=drill),
        lambda: training.training_record(
            actor=leader_a, center=center_a, person=it_a, topic="digital", trained_on=today
        ),
        lambda: minutes_save(actor=leader_a, incident=incident, data=minutes_draft(incident)),
    ]
    for write in writes:
        with pytest.raises(ServiceError, match="máy riêng") as refused:
            write()
        assert refused.value.status == 409
    assert {m: m.objects.count() for m in REGISTER_MODELS} == before
    assert SupplyItem.objects.get().stock == 9
    assert Drill.objects.get().status == "planned"


def test_a_node_cannot_write_the_registers_of_another_center(
    center_a, center_b, it_a, leader_a, staff_a, printer_paper, as_node
):
    key = add_node(center_a)
    it_b = make_user("b.it", Role.IT_OFFICER, center=center_b)
    with as_node():
        a_day_at_the_node(center_a, it_a, leader_a, staff_a, printer_paper)
        batch = sent_by_node()
    ink_b = supplies.supply_save(actor=it_b, center=center_b, kind="ink", name="Mực", unit="hộp")
    supply = next(r for r in batch if r["kind"] == "supply")
    forged = {**supply, "data": {**supply["data"], "center_id": center_b.pk}}
    status, answer = call(key, "push", {"through": 1, "records": [forged]})
    assert status == 403 and "không thuộc Trung tâm" in answer["detail"]

    # A movement naming the other center's item, by its UUID.
    movement = next(r for r in batch if r["kind"] == "movement")
    forged = {**movement, "data": {**movement["data"], "item_id": str(ink_b.uuid)}}
    status, answer = call(key, "push", {"through": 1, "records": [forged]})
    assert status == 403, answer
    assert StockMovement.objects.count() == 0 and SupplyItem.objects.get().stock == 0
    assert SupplyItem.objects.get().center == center_b

    # Minutes of the node's center, for another center's incident.
    other = incidents.incident_report(
        actor=make_user("b.staff", Role.STAFF, center=center_b),
        center=center_b,
        incident_type=printer_paper,
    ).incident
    minutes = next(r for r in batch if r["kind"] == "minutes")
    forged = {**minutes, "data": {**minutes["data"], "incident_id": str(other.client_uuid)}}
    forged["data"]["uuid"] = str(other.client_uuid)
    status, answer = call(key, "push", {"through": 1, "records": [forged]})
    assert status == 403 and not Minutes.objects.exists()


@pytest.mark.parametrize(
    "kind, field, value",
    [
        ("supply", "quota", 10**12),
        ("supply", "kind", "vàng"),
        ("cert", "valid_to", "2026-02-31"),
        ("training", "note", "x" * 501),
        ("drill", "scenario_id", 10**9),
    ],
)
def test_a_register_the_database_would_refuse_is_a_422_and_changes_nothing(
    center_a, it_a, leader_a, staff_a, printer_paper, as_node, kind, field, value
):
    key = add_node(center_a)
    with as_node():
        a_day_at_the_node(center_a, it_a, leader_a, staff_a, printer_paper)
        batch = sent_by_node()
    bad = next(r for r in batch if r["kind"] == kind)
    bad["data"][field] = value
    status, answer = call(key, "push", {"through": 1, "records": batch})
    assert status == 422, answer
    assert all(m.objects.count() == 0 for m in REGISTER_MODELS)


def test_people_of_another_center_are_not_named_in_the_hubs_copy(
    center_a, center_b, it_a, leader_a, staff_a, staff_b, printer_paper, as_node
):
    key = add_node(center_a)
    with as_node():
        a_day_at_the_node(center_a, it_a, leader_a, staff_a, printer_paper)
        batch = sent_by_node()
    for record in batch:
        if record["kind"] == "cert":
            record["data"]["holder_id"] = staff_b.pk
        if record["kind"] == "drill":
            record["data"]["participants"] = [staff_b.pk, staff_a.pk]
    assert call(key, "push", {"through": 1, "records": batch})[0] == 200
    assert Certificate.objects.get().holder == system_user()
    assert list(Drill.objects.get().participants.all()) == [staff_a]


def test_stock_moved_out_at_a_node_is_received_once_by_the_other_center(
    center_a, center_b, it_a, as_node
):
    key = add_node(center_a)
    province = make_user("nghean.province", Role.PROVINCE, province=center_a.province)
    with as_node():
        paper = supplies.supply_save(
            actor=it_a, center=center_a, kind="paper_a4", name="Giấy A4", unit="ram"
        )
        supplies.stock_move(actor=it_a, item=paper, kind=MovementKind.RECEIVED, quantity_value=10)
        supplies.stock_move(
            actor=province,
            item=paper,
            kind=MovementKind.MOVED_OUT,
            quantity_value=4,
            to_center=center_b,
        )
        # At the node only its own side is written.
        assert not SupplyItem.objects.filter(center=center_b).exists()
        batch = sent_by_node()
    for _ in range(2):
        assert call(key, "push", {"through": 1, "records": batch})[0] == 200
    assert SupplyItem.objects.get(center=center_a).stock == 6
    received = SupplyItem.objects.get(center=center_b)
    assert received.stock == 4 and received.name == "Giấy A4"
    [moved_in] = received.movements.all()
    assert moved_in.kind == MovementKind.MOVED_IN and moved_in.other_center == center_a


def test_stock_the_hub_moves_to_a_center_with_a_node_goes_down_and_adds_there_once(
    center_a, center_b, it_a, as_node
):
    key = add_node(center_a)
    it_b = make_user("b.it", Role.IT_OFFICER, center=center_b)
    province = make_user("nghean.province", Role.PROVINCE, province=center_b.province)
    paper_b = supplies.supply_save(
        actor=it_b, center=center_b, kind="paper_a4", name="Giấy A4", unit="ram"
    )
    supplies.stock_move(actor=it_b, item=paper_b, kind=MovementKind.RECEIVED, quantity_value=10)
    supplies.stock_move(
        actor=province,
        item=paper_b,
        kind=MovementKind.MOVED_OUT,
        quantity_value=3,
        to_center=center_a,
    )
    status, answer = call(key, "pull", {"applied": []})
    assert status == 200
    [transfer] = [r for r in answer["records"] if r["kind"] == "transfer"]
    assert transfer["data"]["movement"]["quantity"] == 3

    # The node had no such item: it makes it, with the 3 reams.
    SupplyItem.objects.filter(center=center_a).delete()
    with as_node():
        for _ in range(2):
            records.apply_records([transfer], origin="hub")
        item = SupplyItem.objects.get(center=center_a)
        assert item.stock == 3 and item.movements.get().kind == MovementKind.MOVED_IN
        # Its stock is the node's to send back.
        assert Change.objects.filter(kind="supply", key=item.uuid).exists()
        assert not Change.objects.filter(kind="movement").exists()


def test_a_node_that_joins_gets_the_registers_the_hub_held_without_counting_stock_twice(
    center_a, it_a, leader_a, staff_a, printer_paper, as_node
):
    a_day_at_the_node(center_a, it_a, leader_a, staff_a, printer_paper)  # at the hub
    key = add_node(center_a)
    status, answer = call(key, "pull", {"applied": []})
    assert status == 200
    kinds = {r["kind"] for r in answer["records"]}
    assert {"movement", "drill", "minutes", "equip_link"} <= kinds
    # The node already holds the items from its first reference copy; their movements
    # come as history.
    StockMovement.objects.all().delete()
    Minutes.objects.all().delete()
    queued = Change.objects.count()  # the hub's, for the node's pulls
    with as_node():
        records.apply_records(answer["records"], origin="hub")
        assert SupplyItem.objects.get().stock == 9
        assert StockMovement.objects.count() == 2 and Minutes.objects.count() == 1
        assert Change.objects.count() == queued  # nothing of it goes back up


def test_reminders_come_from_one_side_only(center_a, center_b, it_a, as_node):
    it_b = make_user("b.it", Role.IT_OFFICER, center=center_b)
    for center, it in ((center_a, it_a), (center_b, it_b)):
        supplies.supply_save(
            actor=it, center=center, kind="ink", name="Mực", unit="hộp", threshold=2
        )
    add_node(center_a)
    reminders.reminders_send()
    assert set(Delivery.objects.values_list("person__username", flat=True)) == {"b.it"}

    Delivery.objects.all().delete()
    with as_node():  # the node reminds its own center, not the others it knows
        reminders.reminders_send()
    assert set(Delivery.objects.values_list("person__username", flat=True)) == {"a.it"}


def test_register_dates_keep_their_day(center_a, it_a, leader_a, staff_a, printer_paper, as_node):
    key = add_node(center_a)
    with as_node():
        a_day_at_the_node(center_a, it_a, leader_a, staff_a, printer_paper)
        batch = sent_by_node()
    assert call(key, "push", {"through": 1, "records": batch})[0] == 200
    cert = Certificate.objects.get()
    assert isinstance(cert.valid_to, date)
    assert cert.days_left(timezone.localdate()) == 65


def test_stock_the_province_moves_out_of_a_center_with_a_node_leaves_it_there(
    center_a, center_b, it_a, as_node
):
    province = make_user("nghean.province", Role.PROVINCE, province=center_a.province)
    paper = supplies.supply_save(
        actor=it_a, center=center_a, kind="paper_a4", name="Giấy A4", unit="ram"
    )
    supplies.stock_move(actor=it_a, item=paper, kind=MovementKind.RECEIVED, quantity_value=10)
    key = add_node(center_a)  # the node holds the item with its 10 reams
    supplies.stock_move(
        actor=province,
        item=paper,
        kind=MovementKind.MOVED_OUT,
        quantity_value=4,
        to_center=center_b,
    )
    status, answer = call(key, "pull", {"applied": []})
    [transfer] = [r for r in answer["records"] if r["kind"] == "transfer"]
    StockMovement.objects.filter(client_uuid=transfer["data"]["uuid"]).delete()
    SupplyItem.objects.filter(pk=paper.pk).update(stock=10)  # the node's copy, before
    with as_node():
        records.apply_records([transfer], origin="hub")
    assert SupplyItem.objects.get(pk=paper.pk).stock == 6
    assert SupplyItem.objects.get(center=center_b).stock == 4


def test_every_kind_of_record_fits_the_outbox():
    limit = Change._meta.get_field("kind").max_length
    assert [k for k in records.ORDER if len(k) > limit] == []


def test_the_hubs_pages_show_a_center_with_a_node_as_a_copy_to_read(center_a, it_a):
    from ungcuu.core.testing import logged_in

    client = logged_in(it_a)  # on 4G, at the hub, while the center's line is down
    page = client.get("/readiness/supplies/").content.decode()
    assert "Thêm vật tư" in page and "máy riêng" not in page
    add_node(center_a)
    page = client.get("/readiness/supplies/").content.decode()
    assert "Thêm vật tư" not in page
    assert "Ở đây là bản sao để xem" in page
