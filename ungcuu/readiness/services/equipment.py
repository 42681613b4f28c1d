"""The equipment register and the equipment involved in incidents."""

from __future__ import annotations

from ungcuu.core.errors import ServiceError
from ungcuu.org.models import Center, User
from ungcuu.org.scope import require_incident, require_own, require_same_center
from ungcuu.readiness.models import Equipment, EquipmentKind, EquipmentStatus, IncidentEquipment
from ungcuu.readiness.services.common import (
    day,
    is_checker,
    is_keeper,
    require,
    require_center,
    text,
)
from ungcuu.sync.outbox import require_writer


def equipment_save(
    *,
    actor: User,
    center: Center,
    kind: str,
    name: str,
    is_backup: bool = False,
    provider: str = "",
    contract: str = "",
    hotline: str = "",
    location: str = "",
    status: str = EquipmentStatus.WORKING,
    last_tested_on=None,
    next_maintenance_on=None,
    note: str = "",
    equipment: Equipment | None = None,
) -> Equipment:
    require(is_keeper(actor))
    require_center(actor, center)
    require_writer(center, "quản lý thiết bị")
    if equipment is not None:
        require_own(actor, equipment, what="thiết bị", field="equipment")
        require_same_center(
            equipment, center, message="Thiết bị không thuộc Trung tâm này.", field="equipment"
        )
    if kind not in EquipmentKind.values:
        raise ServiceError("Loại thiết bị không hợp lệ.", field="kind")
    if status not in EquipmentStatus.values:
        raise ServiceError("Tình trạng không hợp lệ.", field="status")
    item = equipment or Equipment(center=center)
    item.kind, item.status, item.is_backup = kind, status, bool(is_backup)
    item.name = text(name, "name", limit=150, required=True)
    item.provider = text(provider, "provider", limit=150)
    item.contract = text(contract, "contract", limit=100)
    item.hotline = text(hotline, "hotline", limit=30)
    item.location = text(location, "location", limit=150)
    item.note = text(note, "note", limit=4000)
    item.last_tested_on = day(last_tested_on, "last_tested_on", required=False)
    item.next_maintenance_on = day(next_maintenance_on, "next_maintenance_on", required=False)
    item.save()
    return item


def equipment_link(*, actor: User, incident, equipment: Equipment) -> IncidentEquipment:
    """Name a piece of equipment as involved in an incident (once)."""
    require(is_checker(actor))
    require_incident(actor, incident, field="incident")
    require_own(actor, equipment, what="thiết bị", field="equipment")
    require_writer(equipment.center_id, "quản lý thiết bị")
    require_same_center(
        equipment,
        incident.center_id,
        message="Thiết bị không thuộc Trung tâm của sự cố.",
        field="equipment",
    )
    link, _ = IncidentEquipment.objects.get_or_create(
        incident=incident, equipment=equipment, defaults={"added_by": actor}
    )
    return link


def equipment_tested(*, actor: User, equipment: Equipment, on=None) -> Equipment:
    """Record a test run (e.g. the generator started, the backup line switched to);
    the next check keeps the same interval as before."""
    from django.utils import timezone

    require(is_keeper(actor))
    require_center(actor, equipment.center)
    require_writer(equipment.center_id, "quản lý thiết bị")
    tested = day(on, "on", required=False) or timezone.localdate()
    if tested > timezone.localdate():
        raise ServiceError("Ngày kiểm tra không được ở tương lai.", field="on")
    previous, upcoming = equipment.last_tested_on, equipment.next_maintenance_on
    if previous and upcoming and upcoming > previous:
        equipment.next_maintenance_on = tested + (upcoming - previous)
    equipment.last_tested_on = tested
    equipment.save(update_fields=["last_tested_on", "next_maintenance_on"])
    return equipment
