"""Paper intake over the API: create (idempotent by client_uuid), the re-entry worklist,
recording the official dossier code."""

from datetime import date, datetime
from uuid import UUID

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field, StrictInt

from ungcuu.api.errors import ErrorOut
from ungcuu.api.pagination import Pagination
from ungcuu.api.types import Id
from ungcuu.continuity import selectors, services
from ungcuu.continuity.models import PaperIntake
from ungcuu.core.errors import ServiceError
from ungcuu.incidents import permissions
from ungcuu.org.scope import center_for_report

router = Router(tags=["Tiếp nhận hồ sơ bằng giấy"])

TRUE = {"1", "true", "on", "yes", "co", "có"}


class PaperIntakeIn(Schema):
    # Loose types on purpose: an offline form sends what its inputs hold, as text; the
    # service answers each mistake in Vietnamese.
    client_uuid: UUID
    center: str | None = Field(None, description="Mã trung tâm, ví dụ bachngoc")
    incident: StrictInt | str | None = Field(None, description="Mã số (id) sự cố, nếu có")
    citizen_name: str = Field("", max_length=400)
    citizen_id: str = Field("", max_length=40, description="Số CCCD, 12 chữ số")
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=400)
    email: str = Field("", max_length=200)
    procedure: str = Field("", max_length=400)
    procedure_code: str = Field("", max_length=60)
    processing_days: StrictInt | str | None = Field(None, description="Số ngày làm việc")
    documents: list[str] | str = Field(default_factory=list)
    documents_note: str = Field("", max_length=4000)
    copies: StrictInt | str | None = 1
    received_at: datetime | str | None = None
    return_place: str = "desk"
    needs_db_check: bool | str = False


class PaperIntakeOut(Schema):
    id: int
    client_uuid: UUID
    receipt_number: str
    center: str
    incident: int | None
    citizen_name: str
    procedure: str
    procedure_code: str
    processing_days: int
    received_at: datetime
    expected_return_date: date
    book: str
    line: int
    needs_db_check: bool
    dossier_code: str
    reentered_at: datetime | None
    db_checked_at: datetime | None
    db_checked_by: str
    is_drill: bool

    @staticmethod
    def resolve_center(obj: PaperIntake) -> str:
        return obj.center.code

    @staticmethod
    def resolve_incident(obj: PaperIntake) -> int | None:
        return obj.incident_id

    @staticmethod
    def resolve_db_checked_by(obj: PaperIntake) -> str:
        return obj.db_checked_by.display_name if obj.db_checked_by_id else ""


class ReentryIn(Schema):
    dossier_code: str = Field("", max_length=100)


class ReentryOut(PaperIntakeOut):
    warning: str = ""


@router.post(
    "/paper-intakes",
    response={200: PaperIntakeOut, 201: PaperIntakeOut, (403, 409): ErrorOut},
    summary="Ghi hồ sơ tiếp nhận bằng giấy (gửi lại cùng client_uuid trả về bản đã có)",
)
def paper_intake_create(request, payload: PaperIntakeIn):
    user = request.auth
    if not permissions.may_report(user):
        raise ServiceError("Tài khoản của bạn không được tiếp nhận hồ sơ.", status=403)
    center = center_for_report(user, payload.center)
    if center is None:
        raise ServiceError("Không tìm thấy trung tâm này trong phạm vi của bạn.", field="center")
    result = services.intake_create(
        actor=user,
        center=center,
        incident=services.intake_incident(center, payload.incident),
        client_uuid=payload.client_uuid,
        citizen_name=payload.citizen_name,
        citizen_id=payload.citizen_id,
        phone=payload.phone,
        address=payload.address,
        email=payload.email,
        procedure=payload.procedure,
        procedure_code=payload.procedure_code,
        processing_days=payload.processing_days,
        documents=payload.documents,
        documents_note=payload.documents_note,
        copies=payload.copies,
        received_at=payload.received_at,
        return_place=payload.return_place,
        needs_db_check=str(payload.needs_db_check).strip().lower() in TRUE,
    )
    return (201 if result.created else 200), result.intake


@router.get("/paper-intakes", response=list[PaperIntakeOut], summary="Sổ hồ sơ tiếp nhận bằng giấy")
@paginate(Pagination)
def paper_intake_list(
    request,
    pending_reentry: bool | None = None,
    center: str | None = None,
    incident: Id | None = None,
):
    qs = selectors.intakes_for(request.auth)
    if pending_reentry is True:
        qs = qs.filter(reentered_at__isnull=True)
    elif pending_reentry is False:
        qs = qs.filter(reentered_at__isnull=False)
    if center:
        qs = qs.filter(center__code=center)
    if incident:
        qs = qs.filter(incident_id=incident)
    return qs.order_by("received_at", "id")


@router.get("/paper-intakes/{intake_id}", response=PaperIntakeOut, summary="Một hồ sơ giấy")
def paper_intake_detail(request, intake_id: Id):
    return _get(request.auth, intake_id)


def _get(user, intake_id: int) -> PaperIntake:
    intake = selectors.intakes_for(user).filter(pk=intake_id).first()
    if intake is None:
        raise Http404
    return intake


@router.post(
    "/paper-intakes/{intake_id}/reentry",
    response={200: ReentryOut, (403, 409): ErrorOut},
    summary="Ghi mã hồ sơ chính thức sau khi nhập lại vào phần mềm một cửa",
)
def paper_intake_reentry(request, intake_id: Id, payload: ReentryIn):
    user = request.auth
    intake = _get(user, intake_id)
    if not permissions.may_report(user):
        raise ServiceError("Tài khoản của bạn không được nhập lại hồ sơ.", status=403)
    result = services.intake_reenter(actor=user, intake=intake, dossier_code=payload.dossier_code)
    out = ReentryOut.from_orm(result.intake)
    out.warning = result.warning
    return out


@router.post(
    "/paper-intakes/{intake_id}/db-check",
    response={200: PaperIntakeOut, (403, 409): ErrorOut},
    summary="Ghi nhận đã đối chiếu hồ sơ với CSDL quốc gia sau khi hệ thống khôi phục",
)
def paper_intake_db_check(request, intake_id: Id):
    user = request.auth
    intake = _get(user, intake_id)
    if not permissions.may_report(user):
        raise ServiceError("Tài khoản của bạn không được đối chiếu hồ sơ.", status=403)
    return services.intake_db_check(actor=user, intake=intake)
