"""Reports over the API: the quarterly report as JSON, Word or Excel; incident minutes."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from ninja import Router

from ungcuu.incidents.selectors import incident_get
from ungcuu.reports import documents
from ungcuu.reports.periods import period_from
from ungcuu.reports.selectors import report_scope
from ungcuu.reports.services import minutes_view
from ungcuu.reports.stats import compute

router = Router(tags=["Báo cáo"])


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/reports/quarterly",
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
    year: int | None = None,
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


@router.get("/incidents/{incident_id}/minutes.docx", summary="Biên bản ghi nhận sự cố (Word)")
def minutes_docx(request, incident_id: int):
    incident = incident_get(request.auth, incident_id)
    content = documents.minutes_docx(minutes_view(incident))
    return _file(content, documents.DOCX, f"bien-ban-su-co-{incident.number}.docx")
