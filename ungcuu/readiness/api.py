"""Readiness over the API: the start-of-day check and supply movements from a phone,
and the registers' state for dashboards."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field, StrictInt

from ungcuu.api.errors import ErrorOut
from ungcuu.api.types import Id
from ungcuu.core.errors import ServiceError
from ungcuu.incidents.selectors import incident_get
from ungcuu.org.models import Center
from ungcuu.readiness import selectors, services
from ungcuu.readiness.models import DailyCheck, StockMovement, SupplyItem

router = Router(tags=["Sẵn sàng"])


class CheckItemOut(Schema):
    id: int
    label: str
    type: str | None


class CheckOut(Schema):
    id: int
    client_uuid: UUID
    center: str
    day: date
    done_at: datetime
    done_by: str
    faults: int
    failed: list[str]

    @staticmethod
    def of(run: DailyCheck) -> CheckOut:
        return CheckOut(
            id=run.pk,
            client_uuid=run.client_uuid,
            center=run.center.code,
            day=run.day,
            done_at=run.done_at,
            done_by=run.done_by.username,
            faults=run.faults,
            failed=[r.label for r in run.results.all() if not r.ok],
        )


class ChecklistOut(Schema):
    center: str
    items: list[CheckItemOut]
    today: CheckOut | None
    missed: bool


class CheckIn(Schema):
    client_uuid: UUID
    center: str | None = Field(None, description="Mã trung tâm, ví dụ bachngoc")
    ok: list[Id] = Field(
        default_factory=list, max_length=200, description="Các mục đạt; mục còn lại là lỗi"
    )
    all_ok: bool = Field(False, description="Tất cả đều tốt")


class SupplyOut(Schema):
    id: int
    center: str
    kind: str
    name: str
    printer_model: str
    unit: str
    quota: int
    threshold: int
    stock: int
    low: bool

    @staticmethod
    def of(item: SupplyItem) -> SupplyOut:
        return SupplyOut(
            id=item.pk,
            center=item.center.code,
            kind=item.kind,
            name=item.name,
            printer_model=item.printer_model,
            unit=item.unit,
            quota=item.quota,
            threshold=item.threshold,
            stock=item.stock,
            low=item.is_low,
        )


class MovementIn(Schema):
    client_uuid: UUID
    kind: str = Field(..., description="received | used | moved_out")
    quantity: StrictInt | str = Field(..., description="Số nguyên dương")
    note: str = Field("", max_length=300)
    incident: Id | None = Field(None, description="Sự cố đã dùng vật tư (nếu có)")
    to_center: str | None = Field(None, description="Mã trung tâm nhận (moved_out)")


class MovementOut(Schema):
    id: int
    client_uuid: UUID
    item: int
    kind: str
    quantity: int
    at: datetime
    stock: int

    @staticmethod
    def of(movement: StockMovement, stock: int) -> MovementOut:
        return MovementOut(
            id=movement.pk,
            client_uuid=movement.client_uuid,
            item=movement.item_id,
            kind=movement.kind,
            quantity=movement.quantity,
            at=movement.at,
            stock=stock,
        )


class ReminderOut(Schema):
    kind: str
    title: str
    body: str
    urgent: bool


@router.get(
    "/readiness/checklist",
    response={200: ChecklistOut, 404: ErrorOut},
    summary="Danh sách kiểm tra đầu ngày",
)
def checklist(request, center: str | None = None):
    target = selectors.center_pick(request.auth, center)
    run = services.today_check(target, timezone.localdate())
    return ChecklistOut(
        center=target.code,
        items=[
            CheckItemOut(
                id=i.pk, label=i.label, type=i.incident_type.code if i.incident_type else None
            )
            for i in services.checklist(target)
        ],
        today=CheckOut.of(run) if run else None,
        missed=services.check_missed(target),
    )


@router.post(
    "/readiness/checks",
    response={200: CheckOut, 201: CheckOut, (403, 409): ErrorOut},
    summary="Ghi kết quả kiểm tra đầu ngày (gửi lại cùng client_uuid không ghi thêm)",
)
def check_create(request, payload: CheckIn):
    target = selectors.center_pick(request.auth, payload.center)
    before = DailyCheck.objects.filter(client_uuid=payload.client_uuid).exists()
    run = services.check_record(
        actor=request.auth,
        center=target,
        ok_items=payload.ok,
        all_ok=payload.all_ok,
        client_uuid=payload.client_uuid,
    )
    return (200 if before else 201), CheckOut.of(run)


@router.get(
    "/readiness/supplies",
    response={200: list[SupplyOut], 404: ErrorOut},
    summary="Vật tư và tồn kho",
)
def supply_list(request, center: str | None = None):
    qs = selectors.supplies_for(request.auth)
    if center:
        qs = qs.filter(center=selectors.center_pick(request.auth, center))
    return [SupplyOut.of(item) for item in qs]


@router.post(
    "/readiness/supplies/{item_id}/movements",
    response={200: MovementOut, 201: MovementOut, (403, 409): ErrorOut},
    summary="Nhập, sử dụng hoặc chuyển vật tư (gửi lại cùng client_uuid không ghi thêm)",
)
def movement_create(request, item_id: Id, payload: MovementIn):
    item = selectors.supply_get(request.auth, item_id)
    incident = incident_get(request.auth, payload.incident) if payload.incident else None
    to_center = None
    if payload.to_center:
        to_center = Center.objects.filter(code=payload.to_center).first()
        if to_center is None:
            raise ServiceError("Không tìm thấy trung tâm nhận.", field="to_center")
    before = StockMovement.objects.filter(client_uuid=payload.client_uuid).exists()
    movement = services.stock_move(
        actor=request.auth,
        item=item,
        kind=payload.kind,
        quantity_value=payload.quantity,
        note=payload.note,
        incident=incident,
        to_center=to_center,
        client_uuid=payload.client_uuid,
    )
    item.refresh_from_db(fields=["stock"])
    return (200 if before else 201), MovementOut.of(movement, item.stock)


@router.get(
    "/readiness/reminders",
    response={200: list[ReminderOut], 404: ErrorOut},
    summary="Việc cần nhắc",
)
def reminder_list(request, center: str | None = None):
    target = selectors.center_pick(request.auth, center)
    return [
        ReminderOut(kind=r.kind, title=r.title, body=r.body, urgent=r.urgent)
        for r in services.center_reminders(target)
    ]
