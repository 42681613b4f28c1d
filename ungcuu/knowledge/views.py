"""Pages: the guides by topic with a search box, one guide, its print view, a center's note."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ungcuu.core.errors import ServiceError
from ungcuu.core.uploads import file_response
from ungcuu.knowledge.selectors import (
    guide_get,
    guide_media,
    guide_media_get,
    guide_notes,
    guides_by_category,
    guides_search,
)
from ungcuu.knowledge.services import (
    guide_media_add,
    guide_media_remove,
    guide_note_save,
    may_add_media,
    may_edit_note,
)

MAX_QUERY = 200


@login_required
@require_safe
def guide_list(request):
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    context = {"query": query}
    if query:
        context["results"] = list(guides_search(query)[:30])
    else:
        context["groups"] = guides_by_category()
    if request.htmx:
        return render(request, "knowledge/_results.html", context)
    return render(request, "knowledge/list.html", context)


def _trained_today(user, guide) -> dict:
    """003 IV.1: the guide's citizens are served by staff trained for them; the people on
    today's duty roster of the user's center who have that training."""
    from ungcuu.readiness.models import TrainingTopic
    from ungcuu.readiness.services import guide_topic, trained_on_duty

    topic = guide_topic(guide.slug)
    if topic is None or not user.center_id:
        return {}
    return {
        "training_topic": TrainingTopic(topic).label,
        "trained_today": trained_on_duty(user.center, topic, timezone.localdate()),
    }


def _detail(
    request, guide, *, note_text=None, note_error=None, media_error=None, caption="", status=200
):
    notes = list(guide_notes(request.user, guide))
    own = next((n for n in notes if n.center_id == request.user.center_id), None)
    return render(
        request,
        "knowledge/detail.html",
        {
            "guide": guide,
            "steps": list(guide.steps.all()),
            "types": list(guide.incident_types.all()),
            "notes": notes,
            "may_edit_note": may_edit_note(request.user),
            "note_text": note_text if note_text is not None else (own.text if own else ""),
            "note_error": note_error,
            "media": list(guide_media(request.user, guide)),
            "may_add_media": may_add_media(request.user),
            "media_error": media_error,
            "caption": caption,
            **_trained_today(request.user, guide),
        },
        status=status,
    )


@login_required
@require_safe
def guide_detail(request, slug: str):
    return _detail(request, guide_get(slug))


@login_required
@require_POST
def guide_note(request, slug: str):
    guide = guide_get(slug)
    if not may_edit_note(request.user):
        raise Http404
    text = request.POST.get("text", "")
    try:
        note = guide_note_save(actor=request.user, guide=guide, text=text)
    except ServiceError as exc:
        return _detail(request, guide, note_text=text, note_error=exc.message, status=400)
    if note is None:
        messages.success(request, _("Đã xóa ghi chú của Trung tâm."))
    else:
        messages.success(request, _("Đã lưu ghi chú của Trung tâm."))
    return redirect("knowledge:detail", guide.slug)


@login_required
@require_safe
def guide_print(request, slug: str):
    guide = guide_get(slug)
    return render(
        request,
        "knowledge/print.html",
        {
            "guide": guide,
            "steps": list(guide.steps.all()),
            "notes": list(guide_notes(request.user, guide)),
            "media": list(guide_media(request.user, guide)),
            "printing": True,
        },
    )


@login_required
@require_safe
def media_file(request, slug: str, media_uuid):
    """One illustration, to the people who may see it (the center's, like its notes)."""
    return file_response(guide_media_get(request.user, guide_get(slug), media_uuid))


@login_required
@require_POST
def media_add(request, slug: str):
    guide = guide_get(slug)
    if not may_add_media(request.user):
        raise Http404
    caption = request.POST.get("caption", "")
    try:
        guide_media_add(
            actor=request.user, guide=guide, upload=request.FILES.get("file"), caption=caption
        )
    except ServiceError as exc:
        return _detail(request, guide, media_error=exc.message, caption=caption, status=400)
    messages.success(request, _("Đã thêm tệp minh họa."))
    return redirect(f"{reverse('knowledge:detail', args=[guide.slug])}#media")


@login_required
@require_POST
def media_remove(request, slug: str, media_uuid):
    guide = guide_get(slug)
    if not may_add_media(request.user):
        raise Http404
    media = guide_media_get(request.user, guide, media_uuid)
    try:
        guide_media_remove(actor=request.user, media=media)
    except ServiceError as exc:  # another center's file: not there for this user
        raise Http404 from exc
    messages.success(request, _("Đã xóa tệp minh họa."))
    return redirect(f"{reverse('knowledge:detail', args=[guide.slug])}#media")
