from datetime import datetime

from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from ungcuu.api.errors import ErrorOut
from ungcuu.core.errors import ServiceError
from ungcuu.knowledge.models import Guide
from ungcuu.knowledge.selectors import guide_get, guide_notes, guides_search, search_terms
from ungcuu.knowledge.services import guide_note_save
from ungcuu.sync.conf import is_node
from ungcuu.sync.middleware import MESSAGE as NODE_READ_ONLY

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


class NoteOut(Schema):
    center: str
    text: str
    updated_at: datetime


class NoteIn(Schema):
    text: str = Field("", description="Để trống để xóa ghi chú")


class GuideOut(GuideBrief):
    steps: list[str]
    phrases: list[str]
    support: list[str]
    avoid: list[str]
    incident_types: list[str]
    notes: list[NoteOut]


class SearchIn(Schema):
    q: str = Field("", max_length=200, description="Vài chữ, có dấu hoặc không dấu")


@router.get(
    "/knowledge/search",
    response={200: list[GuideBrief], 400: ErrorOut},
    summary="Tìm hướng dẫn",
)
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
        notes=[
            NoteOut(center=n.center.code, text=n.text, updated_at=n.updated_at)
            for n in guide_notes(request.user, guide)
        ],
    )


@router.put(
    "/knowledge/guides/{slug}/note",
    response={200: NoteOut, 204: None, 403: ErrorOut},
    summary="Ghi chú của Trung tâm cho một hướng dẫn",
)
def knowledge_note(request, slug: str, payload: NoteIn):
    """Ghi chú của Trung tâm người gọi (Tổ trưởng, lãnh đạo Trung tâm, cán bộ CNTT);
    gửi lại cùng nội dung không thay đổi gì; nội dung trống xóa ghi chú."""
    if is_node():  # as the page (sync/middleware.py): the hub's copy is the note
        raise ServiceError(str(NODE_READ_ONLY), status=403)
    note = guide_note_save(actor=request.user, guide=guide_get(slug), text=payload.text)
    if note is None:
        return 204, None
    return 200, NoteOut(center=note.center.code, text=note.text, updated_at=note.updated_at)
