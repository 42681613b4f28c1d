"""The center's own registers besides incidents and paper dossiers: supplies and their
movements, equipment and the incidents it was involved in, certificates, drills,
training, and the minutes of its incidents.

One writer: the node. It sends every change; the hub's copy follows it field by field
(the hub refuses these writes from its own pages for a center with a node). Each row
travels under its UUID (the minutes under their incident's), foreign keys to other
registers and to incidents under theirs, and to reference data (people, centers, types)
by the ids both sides share.

The one record the hub writes for a center with a node is a transfer of supplies between
centers, which the province records: its movement on the center's item goes down to the
node as a ``transfer`` and moves the stock there. Should a node record a transfer
itself, only its own side is written there; the hub writes the other center's side when
the movement arrives."""

from __future__ import annotations

import uuid as uuid_lib
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import F
from django.utils.dateparse import parse_date

from ungcuu.org.models import Center, User
from ungcuu.sync.wire import plain

# The other side's records being applied here: they are not sent back.
applying: ContextVar[bool] = ContextVar("sync_applying", default=False)

# The same limits on every database (SQLite would take more than PostgreSQL).
NUMBER_RANGES = BaseDatabaseOperations.integer_field_ranges
TRANSFER_NAMESPACE = uuid_lib.UUID("6f0f4f53-5a55-4b7e-9a8e-1d6c5e3c2a10")


@dataclass(frozen=True)
class Register:
    kind: str
    model: str  # app_label.ModelName
    key: str  # the UUID field; "incident" for the minutes (one per incident)
    # Foreign keys to other registers or to incidents, sent as the target's UUID.
    links: dict[str, str] = field(default_factory=dict)
    many: tuple[str, ...] = ()  # many-to-many fields to people

    @property
    def cls(self) -> type[models.Model]:
        return apps.get_model(self.model)


REGISTERS = {
    r.kind: r
    for r in (
        Register("supply", "readiness.SupplyItem", "uuid"),
        Register("equipment", "readiness.Equipment", "uuid"),
        Register("cert", "readiness.Certificate", "uuid"),
        Register("training", "readiness.TrainingRecord", "uuid"),
        Register("drill", "readiness.Drill", "client_uuid", many=("participants",)),
        Register(
            "movement",
            "readiness.StockMovement",
            "client_uuid",
            links={"item_id": "supply", "incident_id": "incident"},
        ),
        Register(
            "equip_link",
            "readiness.IncidentEquipment",
            "uuid",
            links={"incident_id": "incident", "equipment_id": "equipment"},
        ),
        Register("minutes", "reports.Minutes", "incident", links={"incident_id": "incident"}),
    )
}
KINDS = (*REGISTERS, "transfer")
# The registers whose rows name their center (the others go by their item, equipment).
CENTERED = ("supply", "equipment", "cert", "training", "drill", "minutes")


def _link_model(kind: str):
    if kind == "incident":
        return apps.get_model("incidents.Incident"), "client_uuid"
    register = REGISTERS[kind]
    return register.cls, register.key


def key_of(register: Register, obj) -> uuid_lib.UUID:
    if register.key == "incident":
        return obj.incident.client_uuid
    return getattr(obj, register.key)


def center_of(register: Register, obj) -> int:
    if register.kind == "movement":
        return obj.item.center_id
    if register.kind == "equip_link":
        return obj.equipment.center_id
    return obj.center_id


def centers_named(register: Register, obj) -> set[int]:
    """Every center a row belongs to through itself and the rows it names (a node may
    name only its own)."""
    centers = {center_of(register, obj)}
    for attname in register.links:
        target = getattr(obj, attname.removesuffix("_id")) if getattr(obj, attname) else None
        if target is not None:
            centers.add(target.center_id)
    return centers


def _fields(register: Register):
    return [f for f in register.cls._meta.concrete_fields if not f.primary_key]


# --- what a side sends ----------------------------------------------------------------


def dump(register: Register, obj) -> dict:
    data = {}
    for f in _fields(register):
        value = getattr(obj, f.attname)
        if f.attname in register.links and value is not None:
            value = key_of_link(register.links[f.attname], getattr(obj, f.name))
        data[f.attname] = plain(value)
    for name in register.many:
        data[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    data["uuid"] = str(key_of(register, obj))
    return data


def key_of_link(kind: str, target) -> str:
    _model, key = _link_model(kind)
    return str(getattr(target, key))


def load(kind: str, keys: list) -> list[dict]:
    """The current state of the rows with these keys, as records."""
    if kind == "transfer":
        return [{"kind": kind, "data": d} for d in _load_transfers(keys)]
    register = REGISTERS[kind]
    rows = register.cls.objects.all()
    related = [f.name for f in _fields(register) if f.attname in register.links]
    rows = rows.select_related(*related)
    if register.key == "incident":
        rows = rows.filter(incident__client_uuid__in=keys)
    else:
        rows = rows.filter(**{f"{register.key}__in": keys})
    if register.many:
        rows = rows.prefetch_related(*register.many)
    return [{"kind": kind, "data": dump(register, obj)} for obj in rows.order_by("pk")]


def _load_transfers(keys: list) -> list[dict]:
    """A transfer the hub wrote, with its item (which the node may not have yet)."""
    movements = REGISTERS["movement"]
    found = (
        movements.cls.objects.select_related("item", "incident")
        .filter(client_uuid__in=keys)
        .order_by("pk")
    )
    return [
        {
            "item": dump(REGISTERS["supply"], m.item),
            "movement": dump(movements, m),
            "uuid": str(m.client_uuid),
        }
        for m in found
    ]


# --- how the other side's records are applied -------------------------------------------


def _value(register: Register, f, value):
    from ungcuu.sync.records import SyncError, _moment, _stand_in, _user_id

    internal = f.get_internal_type()
    if value is None:
        if not f.null and f.attname in register.links:
            raise SyncError(f"{register.kind}: thiếu {f.name}.")
        return None
    if f.attname in register.links:
        model, key = _link_model(register.links[f.attname])
        pk = model.objects.filter(**{key: value}).values_list("pk", flat=True).first()
        if pk is None:
            if f.null:
                return None
            raise SyncError(f"{register.kind}: {f.name} {value} chưa có ở đây.")
        return pk
    if f.is_relation and f.related_model is User:
        return _user_id(value) or (None if f.null else _stand_in())
    if f.is_relation:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SyncError(f"{register.kind}: {f.name} không hợp lệ.")
        if not f.related_model.objects.filter(pk=value).exists():
            if f.null:
                return None
            raise SyncError(f"{register.kind}: {f.name} {value} không có ở máy chủ.")
        return value
    if internal == "DateTimeField":
        return _moment(value)
    if internal == "DateField":
        parsed = parse_date(str(value))
        if parsed is None:
            raise SyncError(f"{register.kind}: ngày {f.name} không hợp lệ.")
        return parsed
    if internal == "UUIDField":
        return uuid_lib.UUID(str(value))
    return value


def _values(register: Register, data: dict) -> dict:
    values = {}
    for f in _fields(register):
        if f.attname not in data:
            continue  # a field the other side does not have yet: the default stays
        values[f.attname] = _value(register, f, data[f.attname])
    return values


def _find(register: Register, key: uuid_lib.UUID):
    if register.key == "incident":
        return register.cls.objects.filter(incident__client_uuid=key).first()
    return register.cls.objects.filter(**{register.key: key}).first()


def _check(obj, register: Register) -> None:
    from ungcuu.sync.records import SyncError

    for f in _fields(register):
        value = getattr(obj, f.attname)
        if f.is_relation or (value is None and f.null):
            continue
        low, high = NUMBER_RANGES.get(f.get_internal_type(), (None, None))
        if isinstance(value, int) and low is not None and not low <= value <= high:
            raise SyncError(f"{register.kind}, {f.name}: số {value} vượt quá giới hạn.")
        try:
            f.clean(value, obj)  # length, choices, the database's number range
        except ValidationError as exc:
            raise SyncError(f"{register.kind}, {f.name}: {'; '.join(exc.messages)}") from exc


def _people_only(register: Register, obj, data: dict) -> None:
    from ungcuu.sync.records import _user_id

    for name in register.many:
        ids = [i for i in (data.get(name) or []) if _user_id(i) is not None]
        getattr(obj, name).set(ids)


def apply(kind: str, data: dict, origin: str, applied) -> None:
    """A register's row from the other side. At the hub (from the node, the writer): the
    copy here follows it. At a node (from the hub: what it held when the node joined):
    written only if missing."""
    from ungcuu.sync.records import SyncError

    if kind == "transfer":
        return _apply_transfer(data, origin, applied)
    register = REGISTERS[kind]
    key = uuid_lib.UUID(str(data["uuid"]))
    existing = _find(register, key)
    # A node keeps its own; a movement never changes once written.
    if existing is not None and (origin == "hub" or kind == "movement"):
        applied.skipped += 1
        return
    values = _values(register, data)
    obj = existing or register.cls()
    for name, value in values.items():
        setattr(obj, name, value)
    if existing is None and register.key != "incident":
        setattr(obj, register.key, key)
    _check(obj, register)
    stamps = {  # the node's own times, not those of this save
        f.attname: values[f.attname]
        for f in _fields(register)
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        and values.get(f.attname)
    }
    try:
        with transaction.atomic():
            obj.save()
            if stamps:
                register.cls.objects.filter(pk=obj.pk).update(**stamps)
            _people_only(register, obj, data)
    except IntegrityError as exc:
        raise SyncError(f"Không ghi được {register.kind} {key}: {exc}") from exc
    applied.centers |= centers_named(register, obj)
    if kind == "movement" and existing is None:
        applied.new_movements.append(obj.pk)


def _apply_transfer(data: dict, origin: str, applied) -> None:
    """At a node: stock the province moved to or from this center."""
    from ungcuu.sync.records import SyncError

    supply, movements = REGISTERS["supply"], REGISTERS["movement"]
    item_data, move_data = data.get("item"), data.get("movement")
    if origin != "hub" or not isinstance(item_data, dict) or not isinstance(move_data, dict):
        raise SyncError("Bản ghi nhận vật tư không hợp lệ.")
    item_key = uuid_lib.UUID(str(item_data["uuid"]))
    move_key = uuid_lib.UUID(str(move_data["uuid"]))
    if _find(movements, move_key) is not None:
        applied.skipped += 1
        return
    item = _find(supply, item_key)
    if item is None:
        values = _values(supply, item_data)
        values.update(stock=0, uuid=item_key)  # the stock is what movements bring
        item = supply.cls(**values)
        _check(item, supply)
        item.save()
    values = _values(movements, move_data)
    values.update(item_id=item.pk, client_uuid=move_key)
    movement = movements.cls(**values)
    _check(movement, movements)
    movement.save()
    supply.cls.objects.filter(pk=item.pk).update(stock=F("stock") + movement.delta)
    applied.outgoing.append(("supply", item.center_id, item.uuid))


def receive_transfers(movement_ids: list[int]) -> None:
    """At the hub: stock a node moved out arrives at the other center (once: the
    receiving side's UUID is made from the sending side's)."""
    from ungcuu.readiness.models import MovementKind, StockMovement, SupplyItem

    sent = StockMovement.objects.select_related("item__center", "other_center").filter(
        pk__in=movement_ids, kind=MovementKind.MOVED_OUT, other_center__isnull=False
    )
    for out in sent:
        target_center = out.other_center
        if target_center.province_id != out.item.center.province_id:
            continue  # only within a province, as at the desk
        key = uuid_lib.uuid5(TRANSFER_NAMESPACE, str(out.client_uuid))
        if StockMovement.objects.filter(client_uuid=key).exists():
            continue
        target = (
            SupplyItem.objects.filter(center=target_center, kind=out.item.kind, name=out.item.name)
            .order_by("pk")
            .first()
        ) or SupplyItem.objects.create(
            center=target_center,
            kind=out.item.kind,
            name=out.item.name,
            unit=out.item.unit,
            printer_model=out.item.printer_model,
        )
        received = StockMovement.objects.create(
            client_uuid=key,
            item=target,
            kind=MovementKind.MOVED_IN,
            quantity=out.quantity,
            at=out.at,
            actor_id=out.actor_id,
            note=out.note,
            other_center=out.item.center,
        )
        SupplyItem.objects.filter(pk=target.pk).update(stock=F("stock") + received.delta)


def seed_keys(center: Center) -> list[tuple[str, uuid_lib.UUID]]:
    """What the hub holds of the center's registers, for a node that joins (the items,
    equipment, certificates and training also come with its first reference copy)."""
    keys = []
    for register in REGISTERS.values():
        rows = register.cls.objects.all()
        if register.kind == "movement":
            rows = rows.filter(item__center=center)
        elif register.kind == "equip_link":
            rows = rows.filter(equipment__center=center)
        else:
            rows = rows.filter(center=center)
        field_name = "incident__client_uuid" if register.key == "incident" else register.key
        keys += [(register.kind, k) for k in rows.values_list(field_name, flat=True)]
    return keys
