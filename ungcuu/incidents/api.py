from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from ungcuu.api.errors import ErrorOut
from ungcuu.api.pagination import Pagination
from ungcuu.api.types import Count, Id
from ungcuu.catalog.cache import incident_type_by_code
from ungcuu.core.errors import ServiceError
from ungcuu.incidents import permissions, services
from ungcuu.incidents.models import Incident, IncidentEvent, Status
from ungcuu.incidents.selectors import incident_get, incidents_for
from ungcuu.org.scope import center_for_report

router = Router(tags=["Sự cố"])


class IncidentIn(Schema):
    client_uuid: UUID
    center: str | None = Field(None, description="Mã trung tâm, ví dụ bachngoc")
    type: str = Field(..., description="Mã loại sự cố trong danh mục, ví dụ printer-paper")
    description: str = Field("", max_length=4000)
    started_at: datetime | None = None
    impact: Literal["stopped", "partial", "none"] = "partial"
    citizens_waiting: Count = 0
    tier: Literal["simple", "complex"] | None = None


class EventOut(Schema):
    uuid: UUID
    kind: str
    kind_label: str
    at: datetime
    actor: str | None
    payload: dict

    @staticmethod
    def of(event: IncidentEvent) -> "EventOut":
        return EventOut(
            uuid=event.uuid,
            kind=event.kind,
            kind_label=event.get_kind_display(),
            at=event.at,
            actor=event.actor.username if event.actor_id else None,
            payload=event.payload,
        )


class IncidentOut(Schema):
    id: int
    number: str
    client_uuid: UUID
    center: str
    type: str
    type_name: str
    tier: str
    status: str
    status_label: str
    description: str
    impact: str
    citizens_waiting: int
    started_at: datetime
    reported_at: datetime
    reporter: str
    assignee: str | None
    acknowledged_at: datetime | None
    escalated_at: datetime | None
    resolved_at: datetime | None
    restored_at: datetime | None
    closed_at: datetime | None
    root_cause: str
    resolution: str
    citizens_affected: int
    dossiers_delayed: int
    steps_done: list[int]
    source: Literal["person", "probe", "heartbeat"] = Field(
        ..., description="Ai mở sự cố: người báo, giám sát tự động, hay mất liên lạc với máy"
    )
    major_incident: int | None = Field(..., description="Sự cố diện rộng chứa sự cố này")

    @staticmethod
    def resolve_major_incident(obj: Incident) -> int | None:
        return obj.major_incident_id

    @staticmethod
    def resolve_center(obj: Incident) -> str:
        return obj.center.code

    @staticmethod
    def resolve_type(obj: Incident) -> str:
        return obj.incident_type.code

    @staticmethod
    def resolve_type_name(obj: Incident) -> str:
        return obj.incident_type.name

    @staticmethod
    def resolve_status_label(obj: Incident) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_reporter(obj: Incident) -> str:
        return obj.reporter.username

    @staticmethod
    def resolve_assignee(obj: Incident) -> str | None:
        return obj.assignee.username if obj.assignee_id else None


class IncidentDetailOut(IncidentOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Incident) -> list[EventOut]:
        return obj.events_list


class EventIn(Schema):
    uuid: UUID | None = Field(None, description="Mã do máy khách tạo; gửi lại không tạo bản sao")
    kind: Literal[
        "acknowledged",
        "started",
        "assigned",
        "step_done",
        "step_undone",
        "note",
        "escalated",
        "resolved",
        "closed",
        "reopened",
    ]
    text: str = Field("", max_length=4000, description="Ghi chú (note, escalated)")
    step: int | None = Field(
        None, ge=0, le=1000, description="Thứ tự bước xử lý (step_done, step_undone)"
    )
    assignee: str | None = Field(None, description="Tên đăng nhập người được giao (assigned)")
    organisations: list[Id] = Field(
        default_factory=list, max_length=50, description="Đơn vị (escalated)"
    )
    root_cause: str = Field("", max_length=4000)
    resolution: str = Field("", max_length=4000)
    restored_at: datetime | None = None
    citizens_affected: Count = 0
    dossiers_delayed: Count = 0
    on_site_reason: str = Field(
        "",
        max_length=4000,
        description="Lý do không chuyển tuyến, xử lý tại chỗ (resolved, sự cố phức tạp)",
    )
    reason: str = Field("", max_length=4000, description="Lý do mở lại (reopened)")


class AckIn(Schema):
    uuid: UUID | None = None


@router.post(
    "/incidents",
    response={200: IncidentOut, 201: IncidentOut, (403, 409): ErrorOut},
    summary="Báo sự cố (gửi lại cùng client_uuid trả về sự cố đã có)",
)
def incident_create(request, payload: IncidentIn):
    user = request.auth
    if not permissions.may_report(user):
        raise ServiceError("Tài khoản của bạn không được báo sự cố.", status=403)
    center = center_for_report(user, payload.center)
    if center is None:
        raise ServiceError("Không tìm thấy trung tâm này trong phạm vi của bạn.", field="center")
    incident_type = incident_type_by_code(payload.type)
    if incident_type is None:
        raise ServiceError("Không có loại sự cố này trong danh mục.", field="type")
    result = services.incident_report(
        actor=user,
        center=center,
        incident_type=incident_type,
        description=payload.description,
        started_at=payload.started_at,
        impact=payload.impact,
        citizens_waiting=payload.citizens_waiting,
        tier=payload.tier,
        client_uuid=payload.client_uuid,
    )
    return (201 if result.created else 200), result.incident


@router.get("/incidents", response=list[IncidentOut], summary="Danh sách sự cố")
@paginate(Pagination)
def incident_list(
    request,
    center: str | None = None,
    type: str | None = None,
    status: Status | None = None,
    since: datetime | None = None,
):
    qs = incidents_for(request.auth).for_logbook()
    if center:
        qs = qs.filter(center__code=center)
    if type:
        qs = qs.filter(incident_type__code=type)
    if status:
        qs = qs.filter(status=status)
    if since:
        qs = qs.filter(started_at__gte=since)
    return qs.order_by("-started_at", "-id")


@router.get("/incidents/{incident_id}", response=IncidentDetailOut, summary="Một sự cố")
def incident_detail(request, incident_id: Id):
    incident = incident_get(request.auth, incident_id)
    events = incident.events.select_related("actor").order_by("hlc", "uuid")
    incident.events_list = [EventOut.of(e) for e in events]
    return incident


@router.post(
    "/incidents/{incident_id}/events",
    response={200: EventOut, 201: EventOut, (403, 409): ErrorOut},
    summary="Thêm diễn biến (nhận tin, làm bước, ghi chú, chuyển tuyến, khắc phục…)",
)
def incident_event(request, incident_id: Id, payload: EventIn):
    incident = incident_get(request.auth, incident_id)
    event, created = services.incident_event(
        actor=request.auth,
        incident=incident,
        kind=payload.kind,
        data=payload.dict(),
        event_uuid=payload.uuid,
    )
    return (201 if created else 200), EventOut.of(event)


@router.post(
    "/incidents/{incident_id}/ack",
    response={200: EventOut, 201: EventOut, (403, 409): ErrorOut},
    summary="Xác nhận đã nhận tin",
)
def incident_ack(request, incident_id: Id, payload: AckIn | None = None):
    incident = incident_get(request.auth, incident_id)
    event, created = services.incident_acknowledge(
        actor=request.auth, incident=incident, event_uuid=payload.uuid if payload else None
    )
    return (201 if created else 200), EventOut.of(event)


class AttachmentOut(Schema):
    uuid: UUID
    content_type: str
    size: int
    name: str


@router.post(
    "/incidents/{incident_id}/attachments",
    response={201: list[AttachmentOut], (400, 403): ErrorOut},
    summary="Gửi ảnh/video màn hình lỗi",
)
def incident_attach(request, incident_id: Id, files: list[UploadedFile] = File(...)):
    incident = incident_get(request.auth, incident_id)
    stored = services.attachment_add(actor=request.auth, incident=incident, files=files)
    return 201, [
        AttachmentOut(uuid=a.uuid, content_type=a.content_type, size=a.size, name=a.original_name)
        for a in stored
    ]
