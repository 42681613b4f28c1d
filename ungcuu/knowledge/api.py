from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from ungcuu.core.errors import ServiceError
from ungcuu.knowledge.models import Guide
from ungcuu.knowledge.selectors import guide_get, guides_search, search_terms

router = Router(tags=["Hướng dẫn"])

MAX_RESULTS = 30


class GuideBrief(Schema):
    slug: str
    title: str
    category: str
    category_label: str
    summary: str
    url: str

    @staticmethod
    def of(guide: Guide) -> "GuideBrief":
        return GuideBrief(
            slug=guide.slug,
            title=guide.title,
            category=guide.category,
            category_label=str(guide.get_category_display()),
            summary=guide.summary,
            url=reverse("knowledge:detail", args=[guide.slug]),
        )


class GuideOut(GuideBrief):
    steps: list[str]
    phrases: list[str]
    support: list[str]
    avoid: list[str]
    incident_types: list[str]


class SearchIn(Schema):
    q: str = Field("", max_length=200, description="Vài chữ, có dấu hoặc không dấu")


@router.get("/knowledge/search", response=list[GuideBrief], summary="Tìm hướng dẫn")
def knowledge_search(request, params: Query[SearchIn]):
    """Hướng dẫn chứa mọi từ cần tìm, không phân biệt dấu; khớp tiêu đề xếp trước."""
    if not search_terms(params.q):
        raise ServiceError("Vui lòng nhập từ cần tìm, ví dụ “mật khẩu”.", field="q")
    return [GuideBrief.of(guide) for guide in guides_search(params.q)[:MAX_RESULTS]]


@router.get("/knowledge/guides/{slug}", response=GuideOut, summary="Một hướng dẫn")
def knowledge_guide(request, slug: str):
    guide = guide_get(slug)
    brief = GuideBrief.of(guide)
    return GuideOut(
        **brief.dict(),
        steps=[step.text for step in guide.steps.all()],
        phrases=guide.phrase_lines(),
        support=guide.support_lines(),
        avoid=guide.avoid_lines(),
        incident_types=[t.code for t in guide.incident_types.all()],
    )
