"""Reports over the API: the quarterly report as JSON, Word or Excel; incident minutes."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router

from ungcuu.api.errors import ErrorOut
from ungcuu.api.types import Id
from ungcuu.catalog.api import PlanOut, plan_out
from ungcuu.catalog.plan import plan_for
from ungcuu.catalog.selectors import plan_center
from ungcuu.incidents.selectors import incident_get
from ungcuu.reports import documents, plan_document
from ungcuu.reports.periods import period_from
from ungcuu.reports.selectors import report_scope
from ungcuu.reports.services import minutes_view
from ungcuu.reports.stats import Stats, compute

router = Router(tags=["Báo cáo"])


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_answer(*content_types: str) -> dict:
    """The OpenAPI entry of a 200 that may be a file of these types."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"content": dict.fromkeys(content_types, binary)}}}


@router.get(
    "/reports/quarterly",
    response={200: Stats, (400, 404): ErrorOut},
    openapi_extra=_file_answer(documents.DOCX, documents.XLSX),
    summary="Báo cáo định kỳ hàng quý (json, docx hoặc xlsx)",
    description="Cho một trung tâm (`center=mã`) hoặc một tỉnh (`province=mã tỉnh`); "
    "`year` và `quarter`, hoặc `date_from` và `date_to` (YYYY-MM-DD); "
    "`period=statistical` cho kỳ thống kê (15 tháng trước – 14 tháng cuối quý). "
    "Không tính các sự cố diễn tập.",
)
def quarterly(
    request,
    center: str | None = None,
    province: str | None = None,
    year: int | None = Query(None, ge=2000, le=2100),
    quarter: int | None = None,
    period: Literal["calendar", "statistical"] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    format: Literal["json", "docx", "xlsx"] = "json",
):
    scope = report_scope(request.auth, center=center, province=province)
    chosen = period_from(
        year=year, quarter_number=quarter, kind=period, date_from=date_from, date_to=date_to
    )
    stats = compute(scope, chosen)
    if format == "json":
        return stats.as_dict()
    content, name = documents.quarterly_file(scope, chosen, stats, format)
    return _file(content, documents.DOCX if format == "docx" else documents.XLSX, name)


@router.get(
    "/incidents/{incident_id}/minutes.docx",
    openapi_extra=_file_answer(documents.DOCX),
    summary="Biên bản ghi nhận sự cố (Word)",
)
def minutes_docx(request, incident_id: Id):
    incident = incident_get(request.auth, incident_id)
    content = documents.minutes_docx(minutes_view(incident))
    return _file(content, documents.DOCX, f"bien-ban-su-co-{incident.number}.docx")


@router.get(
    "/plan",
    response={200: PlanOut, 404: ErrorOut},
    openapi_extra=_file_answer(documents.DOCX),
    tags=["Phương án"],
    summary="Phương án xử lý sự cố của trung tâm (json hoặc docx)",
    description="`center=mã` (mặc định: trung tâm của người gọi); `format=docx` cho bản Word "
    "theo thể thức Nghị định 30/2020. Trung tâm ngoài phạm vi của người gọi: 404.",
)
def plan(request, center: str | None = None, format: Literal["json", "docx"] = "json"):
    # Here rather than in catalog.api: the Word document is written by reports, and
    # catalog (the ground) imports no app above it.
    the_plan = plan_for(plan_center(request.auth, center))
    if format == "json":
        return plan_out(the_plan)
    return _file(
        plan_document.plan_docx(the_plan),
        documents.DOCX,
        f"phuong-an-xu-ly-su-co-{the_plan.center.code}.docx",
    )
