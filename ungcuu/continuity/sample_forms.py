"""The center's own sample dossiers and forms, kept on the blank-forms page to print in
advance (000 2.2.5 "in sẵn phiếu tiếp nhận, hồ sơ mẫu, biểu mẫu giấy"; R79). Files are
checked as the guides' illustrations are (``ungcuu.core.uploads``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from ungcuu.continuity.models import SampleForm
from ungcuu.core.errors import ServiceError
from ungcuu.core.text import nfc
from ungcuu.core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, check_file, store_checked
from ungcuu.org.models import Center, Role, User
from ungcuu.org.scope import center_q

SAMPLE_TYPES = {**DOCUMENT_TYPES, **IMAGE_TYPES}
SAMPLE_EDITORS = frozenset({Role.IT_OFFICER, Role.CENTER_LEADER})
SAMPLES_PER_CENTER = 100
TITLE_MAX = 200


def may_add_sample(user: User) -> bool:
    return bool(user.is_authenticated and user.center_id and user.role in SAMPLE_EDITORS)


def _require_editor(actor: User) -> None:
    if not may_add_sample(actor):
        raise ServiceError(
            "Chỉ lãnh đạo Trung tâm hoặc cán bộ CNTT của Trung tâm được thêm, xóa mẫu in sẵn.",
            status=403,
        )


def sample_form_add(*, actor: User, title: str, upload) -> SampleForm:
    """Keep a PDF, Word (DOCX) or picture of a sample dossier or form for the actor's
    center."""
    _require_editor(actor)
    title = nfc(title)
    if not title:
        raise ServiceError(
            "Vui lòng nhập tên mẫu (ví dụ: Tờ khai đăng ký khai sinh).", field="title"
        )
    if len(title) > TITLE_MAX:
        raise ServiceError(f"Tên mẫu tối đa {TITLE_MAX} ký tự.", field="title")
    if upload is None:
        raise ServiceError("Vui lòng chọn tệp PDF, Word (DOCX) hoặc ảnh.", field="file")
    content_type, ext = check_file(
        upload, SAMPLE_TYPES, what="tệp PDF, Word (DOCX) hoặc ảnh", field="file"
    )
    if SampleForm.objects.filter(center_id=actor.center_id).count() >= SAMPLES_PER_CENTER:
        raise ServiceError(
            f"Trung tâm đã có {SAMPLES_PER_CENTER} mẫu; xóa bớt mẫu cũ trước.", field="file"
        )
    sample = SampleForm(center_id=actor.center_id, title=title, uploaded_by=actor)
    store_checked(sample, upload, content_type, ext)
    return sample


def sample_form_remove(*, actor: User, sample: SampleForm) -> None:
    _require_editor(actor)
    if sample.center_id != actor.center_id:
        raise ServiceError("Không tìm thấy mẫu.", status=404)
    stored = sample.file
    sample.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


def samples_for(user: User, center: Center) -> QuerySet[SampleForm]:
    """The center's samples, if the user may see the center."""
    return SampleForm.objects.filter(center_q(user), center=center)


def sample_get(user: User, sample_uuid) -> SampleForm:
    found = SampleForm.objects.filter(center_q(user), uuid=sample_uuid).first()
    if found is None:
        raise Http404
    return found
