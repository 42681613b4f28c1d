"""Major incidents over the API (DESIGN.md, "Added for the second round")."""

from datetime import datetime
from typing import Literal

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from ungcuu.api.errors import ErrorOut
from ungcuu.api.pagination import Pagination
from ungcuu.api.types import Id
from ungcuu.incidents.models import MajorIncident, MajorStatus
from ungcuu.incidents.services.major import major_children, majors_for

router = Router(tags=["Sự cố diện rộng"])


class MajorIncidentOut(Schema):
    id: int
    number: str
    type: str = Field(..., description="Mã loại sự cố")
    type_name: str
    scope: Literal["province", "national"]
    province: int | None = Field(..., description="Mã tỉnh/thành phố; null khi toàn quốc")
    centers: list[str] = Field(..., description="Mã các trung tâm bị ảnh hưởng")
    children: list[int] = Field(..., description="id các sự cố của từng trung tâm")
    status: Literal["open", "resolved"]
    started_at: datetime
    opened_at: datetime
    resolved_at: datetime | None

    @staticmethod
    def resolve_type(obj: MajorIncident) -> str:
        return obj.incident_type.code

    @staticmethod
    def resolve_type_name(obj: MajorIncident) -> str:
        return obj.incident_type.name

    @staticmethod
    def resolve_province(obj: MajorIncident) -> int | None:
        return obj.province.code if obj.province_id else None

    @staticmethod
    def resolve_centers(obj: MajorIncident) -> list[str]:
        return list(dict.fromkeys(code for _pk, code in _children(obj)))

    @staticmethod
    def resolve_children(obj: MajorIncident) -> list[int]:
        return [pk for pk, _code in _children(obj)]


def _children(major: MajorIncident) -> list[tuple[int, str]]:
    cached = getattr(major, "_children_rows", None)
    if cached is None:
        cached = list(
            major_children(major).order_by("reported_at", "pk").values_list("pk", "center__code")
        )
        major._children_rows = cached
    return cached


@router.get(
    "/major-incidents",
    response={200: list[MajorIncidentOut], 400: ErrorOut},
    summary="Các sự cố diện rộng",
    description="`province=mã tỉnh` (bỏ trống: mọi sự cố diện rộng người gọi được xem); "
    "`status=open` (mặc định) hoặc `all`.",
)
@paginate(Pagination)
def major_list(
    request,
    province: int | None = Query(None, ge=1, le=999),
    status: Literal["open", "all"] = "open",
):
    majors = majors_for(request.auth)
    if province is not None:
        majors = majors.filter(province__code=province)
    if status == "open":
        majors = majors.filter(status=MajorStatus.OPEN)
    return majors.order_by("-started_at", "-pk")


@router.get(
    "/major-incidents/{major_id}",
    response={200: MajorIncidentOut, 404: ErrorOut},
    summary="Một sự cố diện rộng",
)
def major_detail(request, major_id: Id):
    major = majors_for(request.auth).filter(pk=major_id).first()
    if major is None:
        raise Http404("Không tìm thấy sự cố diện rộng.")
    return major
