"""Writing guides: the shipped content and the folded search columns."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.db import transaction

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError
from ungcuu.core.text import fold, nfc
from ungcuu.core.uploads import AUDIO_TYPES, IMAGE_TYPES, VIDEO_TYPES, check_file, store_checked
from ungcuu.knowledge.models import Guide, GuideMedia, GuideNote, GuideStep
from ungcuu.org.models import Role, User

_WORD = re.compile(r"\w+")
DATA = Path(__file__).resolve().parent / "data" / "guides.json"


def guide_entries() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def searchable(text: str) -> str:
    """Folded words, each after a space: " nguoi cao tuoi", so a search term can be
    matched at the start of a word (" cao") and "an" does not find "bạn"."""
    return "".join(f" {word}" for word in _WORD.findall(fold(text)))


def guide_search_fields(*, title: str, keywords: str, body_parts: list[str]) -> dict[str, str]:
    """The folded copies searched by ``selectors.guides_search``: the title (with the
    keywords people type for it) ranks above the rest of the text."""
    return {
        "search_title": searchable(" ".join([title, keywords])),
        "search_body": searchable(" ".join(body_parts)),
    }


def guide_index(*, guide: Guide, step_model=GuideStep) -> None:
    """Refresh a guide's search columns from its current text and steps."""
    steps = step_model.objects.filter(guide_id=guide.pk).order_by("position")
    fields = guide_search_fields(
        title=guide.title,
        keywords=guide.keywords,
        body_parts=[
            guide.summary,
            *(step.text for step in steps),
            guide.phrases,
            guide.support,
            guide.avoid,
        ],
    )
    type(guide).objects.filter(pk=guide.pk).update(**fields)
    for name, value in fields.items():
        setattr(guide, name, value)


def guides_load(
    *,
    entries: list[dict] | None = None,
    overwrite: bool = False,
    guide_model=Guide,
    step_model=GuideStep,
    type_model=IncidentType,
) -> int:
    """Create the shipped guides; one an admin already has is left as edited unless
    ``overwrite``. The models can be passed in so a data migration uses its own."""
    written = 0
    for entry in entries if entries is not None else guide_entries():
        fields = {
            "category": entry["category"],
            "title": nfc(entry["title"]),
            "position": entry["position"],
            "summary": nfc(entry.get("summary")),
            "keywords": nfc(entry.get("keywords")),
            "phrases": "\n".join(nfc(line) for line in entry.get("phrases", [])),
            "support": "\n".join(nfc(line) for line in entry.get("support", [])),
            "avoid": "\n".join(nfc(line) for line in entry.get("avoid", [])),
        }
        guide = guide_model.objects.filter(slug=entry["slug"]).first()
        if guide and not overwrite:
            continue
        if guide:
            guide_model.objects.filter(pk=guide.pk).update(**fields)
            guide.refresh_from_db()
            step_model.objects.filter(guide_id=guide.pk).delete()
        else:
            guide = guide_model.objects.create(slug=entry["slug"], **fields)
        step_model.objects.bulk_create(
            step_model(guide_id=guide.pk, position=index, text=nfc(text))
            for index, text in enumerate(entry.get("steps", []), start=1)
        )
        guide.incident_types.set(
            type_model.objects.filter(code__in=entry.get("incident_types", []))
        )
        guide_index(guide=guide, step_model=step_model)
        written += 1
    return written


NOTE_MAX = 2000
NOTE_EDITORS = frozenset({Role.IT_OFFICER, Role.TEAM_LEADER, Role.CENTER_LEADER})


def may_edit_note(user: User) -> bool:
    return bool(user.is_authenticated and user.center_id and user.role in NOTE_EDITORS)


def guide_note_save(*, actor: User, guide: Guide, text: str) -> GuideNote | None:
    """Write the actor's center's note on a guide; an empty text removes it. Saving the
    same text again changes nothing, so a replayed request is harmless."""
    if not may_edit_note(actor):
        raise ServiceError(
            "Chỉ Tổ trưởng Tổ ứng cứu, lãnh đạo Trung tâm hoặc cán bộ CNTT của Trung tâm "
            "được sửa ghi chú.",
            status=403,
        )
    text = nfc(text)
    if len(text) > NOTE_MAX:
        raise ServiceError(f"Ghi chú dài {len(text)} ký tự; tối đa {NOTE_MAX} ký tự.", field="text")
    if not text:
        GuideNote.objects.filter(guide=guide, center_id=actor.center_id).delete()
        return None
    with transaction.atomic():
        note, _created = GuideNote.objects.update_or_create(
            guide=guide,
            center_id=actor.center_id,
            defaults={"text": text, "updated_by": actor},
        )
    return note


# --- illustrations (003 IV.1b "tài liệu minh họa bằng hình ảnh", "video/audio minh họa";
# R117): each center adds its own pictures, recordings and clips to a guide.

MEDIA_TYPES = {**IMAGE_TYPES, **AUDIO_TYPES, **VIDEO_TYPES}
MEDIA_EDITORS = frozenset({Role.IT_OFFICER, Role.CENTER_LEADER})
MEDIA_PER_GUIDE = 20
CAPTION_MAX = 200


def may_add_media(user: User) -> bool:
    return bool(user.is_authenticated and user.center_id and user.role in MEDIA_EDITORS)


def _require_media_editor(actor: User) -> None:
    if not may_add_media(actor):
        raise ServiceError(
            "Chỉ lãnh đạo Trung tâm hoặc cán bộ CNTT của Trung tâm được thêm, xóa hình ảnh, "
            "âm thanh, video minh họa.",
            status=403,
        )


def guide_media_add(*, actor: User, guide: Guide, upload, caption: str = "") -> GuideMedia:
    """Add a picture, audio or video to a guide for the actor's center, checked by its
    content like an incident's photos."""
    _require_media_editor(actor)
    caption = nfc(caption)
    if len(caption) > CAPTION_MAX:
        raise ServiceError(f"Chú thích tối đa {CAPTION_MAX} ký tự.", field="caption")
    if upload is None:
        raise ServiceError("Vui lòng chọn tệp hình ảnh, âm thanh hoặc video.", field="file")
    content_type, ext = check_file(
        upload, MEDIA_TYPES, what="hình ảnh, âm thanh hoặc video", field="file"
    )
    if GuideMedia.objects.filter(guide=guide, center_id=actor.center_id).count() >= MEDIA_PER_GUIDE:
        raise ServiceError(
            f"Mỗi hướng dẫn có tối đa {MEDIA_PER_GUIDE} tệp minh họa của Trung tâm; "
            "xóa bớt tệp cũ trước.",
            field="file",
        )
    media = GuideMedia(guide=guide, center_id=actor.center_id, caption=caption, uploaded_by=actor)
    store_checked(media, upload, content_type, ext)
    return media


def guide_media_remove(*, actor: User, media: GuideMedia) -> None:
    """Remove one of the actor's center's illustrations (and its file)."""
    _require_media_editor(actor)
    if media.center_id != actor.center_id:
        raise ServiceError("Không tìm thấy tệp minh họa.", status=404)
    stored = media.file
    media.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
