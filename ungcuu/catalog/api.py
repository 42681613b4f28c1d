from __future__ import annotations

from ninja import Router, Schema

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
