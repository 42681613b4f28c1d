"""Supplies against the quota (seed 000 1.1c: "vật tư dự phòng … theo định mức")."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.core.numbers import whole_number
from ungcuu.org.models import Center, User
from ungcuu.org.scope import (
    require_incident,
    require_own,
    require_same_center,
    transfer_targets,
)
from ungcuu.readiness.models import MovementKind, StockMovement, SupplyItem, SupplyKind
from ungcuu.readiness.services.common import (
    MAX_QUANTITY,
    is_checker,
    is_keeper,
    quantity,
    require,
    require_center,
    text,
)
from ungcuu.readiness.services.common import (
    client_uuid as _client_uuid,
)
from ungcuu.sync.conf import is_node
from ungcuu.sync.outbox import require_writer

SUPPLY_INCIDENT_TYPES = frozenset({"printer-paper", "printer-ink"})


def _count(value, field: str) -> int:
    if value in (None, ""):
        return 0
    return whole_number(value, field=field, low=0, high=MAX_QUANTITY, label="Số lượng")


def supply_save(
    *,
    actor: User,
    center: Center,
    kind: str,
    name: str,
    unit: str,
    quota=0,
    threshold=0,
    printer_model: str = "",
    assignee: User | None = None,
    item: SupplyItem | None = None,
) -> SupplyItem:
    """Create or edit a supply item (not its stock: that moves only by movements)."""
    require(is_keeper(actor))
    require_center(actor, center)
    require_writer(center, "quản lý vật tư")
    if item is not None:
        require_own(actor, item, what="vật tư", field="item")
        require_same_center(item, center, message="Vật tư không thuộc Trung tâm này.", field="item")
    if kind not in SupplyKind.values:
        raise ServiceError("Loại vật tư không hợp lệ.", field="kind")
    require_same_center(
        assignee, center, message="Cán bộ theo dõi phải thuộc Trung tâm.", field="assignee"
    )
    item = item or SupplyItem(center=center)
    item.kind = kind
    item.name = text(name, "name", limit=150, required=True)
    item.unit = text(unit, "unit", limit=30, required=True)
    item.printer_model = text(printer_model, "printer_model", limit=100)
    item.quota = _count(quota, "quota")
    item.threshold = _count(threshold, "threshold")
    item.assignee = assignee
    item.save()
    return item


def _apply(item: SupplyItem, kind: str, qty: int, **fields) -> StockMovement:
    movement = StockMovement.objects.create(item=item, kind=kind, quantity=qty, **fields)
    SupplyItem.objects.filter(pk=item.pk).update(stock=F("stock") + movement.delta)
    return movement


def _replayed(existing: StockMovement, item: SupplyItem, kind: str, quantity_value):
    """A replayed ``client_uuid`` returns its movement only if it is the same movement."""
    try:
        same_qty = int(str(quantity_value).strip()) == existing.quantity
    except (TypeError, ValueError):
        same_qty = False
    if existing.item_id != item.pk or existing.kind != kind or not same_qty:
        raise ServiceError(
            "Mã client_uuid này đã được dùng cho một lần nhập/xuất khác.",
            status=409,
            field="client_uuid",
        )
    return existing


def _enough(locked: SupplyItem, kind: str, qty: int) -> None:
    if kind != MovementKind.RECEIVED and qty > locked.stock:
        raise ServiceError(
            f"Không đủ tồn kho: chỉ còn {locked.stock} {locked.unit}.", field="quantity"
        )


def _receiving_item(item: SupplyItem, to_center: Center) -> SupplyItem:
    """The receiving center's item of the same kind and name (made if missing), with both
    centers locked first, lower id first."""
    list(
        Center.objects.select_for_update()
        .filter(pk__in=[item.center_id, to_center.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return (
        SupplyItem.objects.filter(center=to_center, kind=item.kind, name=item.name)
        .order_by("pk")
        .first()
    ) or SupplyItem.objects.create(
        center=to_center,
        kind=item.kind,
        name=item.name,
        unit=item.unit,
        printer_model=item.printer_model,
    )


def _transfer(item, to_center, qty, key, now, actor, note) -> StockMovement:
    """Move stock to another center. Both centers are locked first (lower id first), so
    two transfers to the same center cannot each create its item, and two crossing
    transfers wait for each other instead of deadlocking; then both items, lower id
    first.

    At a center's node only this center's side is written here: the other center's
    side is written by the hub when the movement reaches it (sync.holdings)."""
    target = None if is_node() else _receiving_item(item, to_center)
    locked = {
        s.pk: s
        for s in SupplyItem.objects.select_for_update()
        .filter(pk__in=[item.pk] + ([target.pk] if target else []))
        .order_by("pk")
    }
    source = locked[item.pk]
    _enough(source, MovementKind.MOVED_OUT, qty)
    movement = _apply(
        source,
        MovementKind.MOVED_OUT,
        qty,
        client_uuid=key,
        at=now,
        actor=actor,
        note=note,
        other_center=to_center,
    )
    if target is not None:
        _apply(
            locked[target.pk],
            MovementKind.MOVED_IN,
            qty,
            at=now,
            actor=actor,
            note=note,
            other_center=source.center,
        )
    return movement


def stock_move(
    *,
    actor: User,
    item: SupplyItem,
    kind: str,
    quantity_value,
    note: str = "",
    incident=None,
    to_center: Center | None = None,
    client_uuid=None,
    now: datetime | None = None,
) -> StockMovement:
    """Record stock received, used or moved to another center. Stock never goes below
    zero; replaying ``client_uuid`` returns the first movement (409 if that was a
    different movement). Moving out needs the right to act on the receiving center
    too; a drill incident uses no stock."""
    require_own(actor, item, what="vật tư", field="item")
    if kind != MovementKind.MOVED_OUT:  # a transfer is the province's: it goes to the node
        require_writer(item.center_id, "quản lý vật tư")
    require(is_keeper(actor) or (kind == MovementKind.USED and is_checker(actor)))
    if incident is not None:
        require_incident(actor, incident, field="incident")
    key = _client_uuid(client_uuid)
    existing = StockMovement.objects.filter(client_uuid=key).select_related("item").first()
    if existing is not None:
        return _replayed(existing, item, kind, quantity_value)
    if kind not in (MovementKind.RECEIVED, MovementKind.USED, MovementKind.MOVED_OUT):
        raise ServiceError("Loại nhập/xuất không hợp lệ.", field="kind")
    qty = quantity(quantity_value)
    note = text(note, "note", limit=300)
    now = now or timezone.now()
    require_same_center(
        incident,
        item.center_id,
        message="Sự cố không thuộc Trung tâm của vật tư.",
        field="incident",
    )
    if incident is not None and incident.is_drill:
        # A drill uses no real stock and raises no real low-stock reminder.
        raise ServiceError(
            "Sự cố diễn tập không ghi vật tư đã dùng: tồn kho thật giữ nguyên.",
            status=409,
            field="incident",
        )
    if kind == MovementKind.MOVED_OUT:
        if to_center is None or to_center.pk == item.center_id:
            raise ServiceError("Vui lòng chọn trung tâm nhận.", field="to_center")
        if to_center.province_id != item.center.province_id:
            raise ServiceError("Chỉ chuyển được cho trung tâm cùng tỉnh.", field="to_center")
        if not transfer_targets(actor, item.center).filter(pk=to_center.pk).exists():
            raise ServiceError(
                "Tài khoản của bạn không được chuyển vật tư sang trung tâm này: "
                "đề nghị Sở/tỉnh hoặc trung tâm nhận ghi nhận.",
                status=403,
                field="to_center",
            )
    try:
        with transaction.atomic():
            if kind == MovementKind.MOVED_OUT:
                movement = _transfer(item, to_center, qty, key, now, actor, note)
            else:
                locked = SupplyItem.objects.select_for_update().get(pk=item.pk)
                _enough(locked, kind, qty)
                movement = _apply(
                    locked,
                    kind,
                    qty,
                    client_uuid=key,
                    at=now,
                    actor=actor,
                    note=note,
                    incident=incident,
                )
    except IntegrityError:
        existing = StockMovement.objects.filter(client_uuid=key).select_related("item").first()
        if existing is None:
            raise
        return _replayed(existing, item, kind, quantity_value)
    item.refresh_from_db(fields=["stock"])
    return movement


def supplies_for_incident(incident) -> list[SupplyItem]:
    """The center's items a printer-paper/printer-ink incident may use."""
    if incident.incident_type.code not in SUPPLY_INCIDENT_TYPES:
        return []
    kinds = (
        [SupplyKind.PAPER_A4, SupplyKind.PAPER_A5]
        if incident.incident_type.code == "printer-paper"
        else [SupplyKind.INK]
    )
    return list(SupplyItem.objects.filter(center=incident.center_id, kind__in=kinds))
