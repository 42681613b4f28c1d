"""The page of a major incident: the centers hit, each center's own incident, and for the
province the button that resolves them all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ungcuu.core.errors import ServiceError
from ungcuu.core.text import clean_text
from ungcuu.incidents.live import province_picture
from ungcuu.incidents.selectors import incidents_for
from ungcuu.incidents.services.major import (
    major_children,
    major_resolve,
    majors_for,
    may_resolve_major,
)
from ungcuu.org.models import Province, Role
from ungcuu.org.scope import sees_everything


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def major_detail(request, major_id: int):
    major = majors_for(request.user).filter(pk=major_id).first()
    if major is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            marked = major_resolve(
                actor=request.user, major=major, note=clean_text(request.POST.get("note", ""))
            )
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _(
                    "Đã xác nhận khắc phục; %(count)s sự cố của các Trung tâm "
                    "được đánh dấu đã khắc phục."
                )
                % {"count": marked},
            )
            return redirect("incidents:major", major_id=major.pk)
    visible = set(
        incidents_for(request.user)
        .values_list("pk", flat=True)
        .filter(pk__in=major_children(major).values("pk"))
    )
    children = major_children(major).select_related("center").order_by("reported_at", "pk")
    return render(
        request,
        "incidents/major.html",
        {
            "major": major,
            "children": children,
            "visible": visible,
            "provinces": major.provinces.select_related("province").all(),
            "may_resolve": major.is_open and may_resolve_major(request.user, major),
            "error": error,
        },
        status=400 if error else 200,
    )


def _live_province(request):
    """The province a live page is about: a province user's own; an administrator's
    choice (``?province=code``, else the first)."""
    user = request.user
    if user.role == Role.PROVINCE and user.province_id:
        return user.province
    if sees_everything(user):
        provinces = Province.objects.order_by("name")
        code = request.GET.get("province", "")
        chosen = provinces.filter(code=int(code)).first() if code.isdigit() else None
        return chosen or provinces.first()
    return None


@login_required
@require_safe
def province_live(request):
    """The working group's wall screen: every center's state, the open major incidents,
    refreshed in place every 30 seconds."""
    province = _live_province(request)
    if province is None:
        raise Http404
    return render(
        request,
        "incidents/province_live.html",
        {
            "picture": province_picture(province),
            "provinces": Province.objects.order_by("name") if sees_everything(request.user) else [],
        },
    )


@require_safe
def province_status(request, province_code: int):
    """The public status page of a province: each center's service state, nothing else."""
    province = Province.objects.filter(code=province_code).first() if province_code < 1000 else None
    if province is None:
        raise Http404
    return render(
        request,
        "incidents/province_status.html",
        {"picture": province_picture(province), "now": timezone.now()},
    )
