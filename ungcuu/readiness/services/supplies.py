"""Supplies against the quota (seed 000 1.1c: "vật tư dự phòng … theo định mức")."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.org.models import Center, User
from ungcuu.readiness.models import MovementKind, StockMovement, SupplyItem, SupplyKind
from ungcuu.readiness.services.common import (
    client_uuid as _client_uuid,
)
from ungcuu.readiness.services.common import (
    is_checker,
    is_keeper,
    quantity,
    require,
    require_center,
    text,
)

SUPPLY_INCIDENT_TYPES = frozenset({"printer-paper", "printer-ink"})


def _count(value, field: str) -> int:
    try:
        number = int(str(value).strip() or 0)
    except (TypeError, ValueError) as exc:
        raise ServiceError("Vui lòng nhập một số nguyên không âm.", field=field) from exc
    if number < 0:
        raise ServiceError("Số không được âm.", field=field)
    return number


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
    if kind not in SupplyKind.values:
        raise ServiceError("Loại vật tư không hợp lệ.", field="kind")
    if assignee is not None and assignee.center_id != center.pk:
        raise ServiceError("Cán bộ theo dõi phải thuộc Trung tâm.", field="assignee")
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
    zero; replaying ``client_uuid`` returns the first movement."""
    require_center(actor, item.center)
    require(is_keeper(actor) or (kind == MovementKind.USED and is_checker(actor)))
    key = _client_uuid(client_uuid)
    existing = StockMovement.objects.filter(client_uuid=key).first()
    if existing is not None:
        if existing.item.center_id != item.center_id:
            raise ServiceError("Mã client_uuid này đã được dùng.", status=409, field="client_uuid")
        return existing
    if kind not in (MovementKind.RECEIVED, MovementKind.USED, MovementKind.MOVED_OUT):
        raise ServiceError("Loại nhập/xuất không hợp lệ.", field="kind")
    qty = quantity(quantity_value)
    note = text(note, "note", limit=300)
    now = now or timezone.now()
    if incident is not None and incident.center_id != item.center_id:
        raise ServiceError("Sự cố không thuộc Trung tâm của vật tư.", field="incident")
    target = None
    if kind == MovementKind.MOVED_OUT:
        if to_center is None or to_center.pk == item.center_id:
            raise ServiceError("Vui lòng chọn trung tâm nhận.", field="to_center")
        if to_center.province_id != item.center.province_id:
            raise ServiceError("Chỉ chuyển được cho trung tâm cùng tỉnh.", field="to_center")
    try:
        with transaction.atomic():
            locked = SupplyItem.objects.select_for_update().get(pk=item.pk)
            if kind != MovementKind.RECEIVED and qty > locked.stock:
                raise ServiceError(
                    f"Không đủ tồn kho: chỉ còn {locked.stock} {locked.unit}.", field="quantity"
                )
            movement = _apply(
                locked,
                kind,
                qty,
                client_uuid=key,
                at=now,
                actor=actor,
                note=note,
                incident=incident,
                other_center=to_center,
            )
            if kind == MovementKind.MOVED_OUT:
                target = (
                    SupplyItem.objects.select_for_update()
                    .filter(center=to_center, kind=locked.kind, name=locked.name)
                    .first()
                ) or SupplyItem.objects.create(
                    center=to_center,
                    kind=locked.kind,
                    name=locked.name,
                    unit=locked.unit,
                    printer_model=locked.printer_model,
                )
                _apply(
                    target,
                    MovementKind.MOVED_IN,
                    qty,
                    at=now,
                    actor=actor,
                    note=note,
                    other_center=locked.center,
                )
    except IntegrityError:
        existing = StockMovement.objects.filter(client_uuid=key).first()
        if existing is None:
            raise
        return existing
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
