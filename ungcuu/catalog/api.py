from __future__ import annotations

from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from ungcuu.catalog.plan import Plan
from ungcuu.catalog.selectors import catalog_types

router = Router(tags=["Danh mục sự cố"])


class StepOut(Schema):
    position: int
    section: str
    text: str


class IncidentTypeOut(Schema):
    code: str
    name: str
    tier: str
    symptoms: str
    owner: str
    prevention: str
    citizen_notice: str
    escalation: str
    escalation_targets: list[str]
    steps: list[StepOut]


@router.get("/catalog", response=list[IncidentTypeOut], summary="Danh mục loại sự cố")
def catalog(request):
    return [
        IncidentTypeOut(
            code=t.code,
            name=t.name,
            tier=t.tier,
            symptoms=t.symptoms,
            owner=t.owner,
            prevention=t.prevention,
            citizen_notice=t.citizen_notice,
            escalation=t.escalation,
            escalation_targets=t.escalation_targets,
            steps=[
                StepOut(position=s.position, section=s.section, text=s.text) for s in t.steps.all()
            ],
        )
        for t in catalog_types()
    ]


# --- the center's plan (GET /api/v1/plan; the operation is in reports.api, which can also
# write it as a Word document) ---------------------------------------------------------


class PlanTypeOut(Schema):
    code: str
    name: str
    tier: str
    symptoms: str = Field(..., description="Biểu hiện")
    steps: list[StepOut] = Field(..., description="Xử lý")
    owner: str = Field(..., description="Phụ trách")
    prevention: str = Field(..., description="Biện pháp phòng ngừa, mỗi dòng một biện pháp")
    citizen_notice: str = Field(..., description="Thông báo cho người dân đang chờ")
    escalation: str = Field(..., description="Báo cáo, liên hệ")


class ReportBodyOut(Schema):
    name: str = Field(..., description="Ví dụ: UBND xã Bạch Ngọc")
    kind: Literal["commune", "department", "province_center"]


class PlanOut(Schema):
    center: str = Field(..., description="Mã trung tâm")
    center_name: str
    level: Literal["tỉnh", "thành phố"] = Field(
        ..., description="Cấp trên của trung tâm là tỉnh hay thành phố trực thuộc trung ương"
    )
    report_to: list[ReportBodyOut] = Field(
        ..., description="Các cơ quan mỗi sự cố được báo cáo về (quy trình chung, bước 5)"
    )
    types: list[PlanTypeOut]


def plan_out(plan: Plan) -> PlanOut:
    return PlanOut(
        center=plan.center.code,
        center_name=plan.center.name,
        level=plan.level,
        report_to=[ReportBodyOut(name=b.name, kind=b.kind) for b in plan.report_to],
        types=[
            PlanTypeOut(
                code=t.code,
                name=t.name,
                tier=t.tier,
                symptoms=t.symptoms,
                steps=[
                    StepOut(position=s.position, section=s.section, text=s.text) for s in t.steps
                ],
                owner=t.owner,
                prevention="\n".join(t.prevention),
                citizen_notice=t.citizen_notice,
                escalation=t.escalation,
            )
            for t in plan.types
        ],
    )
