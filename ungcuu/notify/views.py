"""The one-click acknowledgement link: no login needed to acknowledge, only to see details."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ungcuu.core.errors import ServiceError
from ungcuu.incidents.services import incident_acknowledge
from ungcuu.notify import services
from ungcuu.notify.models import NOTIFY_ROLES, ROLE_FIELDS, OutsideTiming, role_label
from ungcuu.notify.services import delivery_from_ack_token


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def ack(request, token: str):
    """GET shows one button (chat apps open links to preview them: a GET must not
    acknowledge); POST acknowledges."""
    try:
        delivery = delivery_from_ack_token(token)
    except ServiceError as exc:
        return render(
            request, "notify/ack_invalid.html", {"message": exc.message}, status=exc.status
        )
    incident = delivery.incident
    done = None
    if request.method == "POST":
        try:
            done, _ = incident_acknowledge(
                actor=delivery.person, incident=incident, via_link=delivery.recipient
            )
        except ServiceError as exc:  # resolved or closed meanwhile
            return render(
                request,
                "notify/ack_invalid.html",
                {"message": exc.message, "incident": incident},
                status=exc.status,
            )
        incident.refresh_from_db()
    return render(
        request,
        "notify/ack.html",
        {"incident": incident, "delivery": delivery, "done": done},
    )


def _role_levels(policy, sent=None, errors=None) -> list[dict]:
    """The policy page's checkboxes: each level, whose words its default is, who is ticked."""
    notes = {
        "at_once_simple_roles": _(
            "Phương án 004 (bước 1): sự cố đơn giản báo trực tiếp cho Tổ trưởng — Tổ trưởng "
            "luôn được báo. Cán bộ CNTT chỉ được báo khi là sự cố kỹ thuật. Không báo ngay "
            "lãnh đạo Trung tâm là mặc định của UngCuu (phương án 003, mục III.1 báo cả lãnh "
            "đạo Trung tâm)."
        ),
        "at_once_complex_roles": _(
            "Phương án 003 (mục III.1) và 004 (bước 1): báo ngay Tổ trưởng, cán bộ phụ trách "
            "kỹ thuật và lãnh đạo Trung tâm. Tổ trưởng luôn được báo."
        ),
        "disaster_roles": _(
            "Phương án 001, 002: thiên tai, bão lụt, hỏa hoạn thì thành lập Ban Chỉ đạo; "
            "những người này được báo ngay, thêm vào người của sự cố phức tạp. Phương án "
            "không nêu thành viên Ban Chỉ đạo: lãnh đạo Trung tâm và lãnh đạo UBND xã/phường "
            "là mặc định của UngCuu."
        ),
        "no_ack_roles": _("Mặc định của UngCuu, phương án không quy định."),
        "prolonged_roles": _(
            "Phương án 000 (mục 2.1c): báo cáo cấp trên nếu sự cố kéo dài. Ai được báo là "
            "mặc định của UngCuu, phương án không quy định."
        ),
    }
    titles = {
        "at_once_simple_roles": _("Báo ngay – sự cố đơn giản"),
        "at_once_complex_roles": _("Báo ngay – sự cố phức tạp"),
        "disaster_roles": _("Báo ngay – thiên tai, bão lụt, hỏa hoạn: Ban Chỉ đạo"),
        "no_ack_roles": _("Chưa ai nhận tin sau số phút chờ"),
        "prolonged_roles": _("Sự cố phức tạp kéo dài"),
    }
    levels = []
    for field in ROLE_FIELDS:
        if sent is not None and (field in sent or sent.get(services.ROLES_FORM)):
            chosen = sent.getlist(field)  # as sent back, to be corrected
        else:
            chosen = policy.roles(field)
        levels.append(
            {
                "field": field,
                "title": titles[field],
                "note": notes[field],
                "error": (errors or {}).get(field, ""),
                "roles": [
                    {"value": role, "label": role_label(role), "checked": role in chosen}
                    for role in NOTIFY_ROLES
                ],
            }
        )
    return levels


@login_required
def policy(request):
    """The center's waiting times before the next level is told, who each level tells
    (R2: the center's own choice), and who that reaches today."""
    user = request.user
    center = user.center
    if center is None or user.role not in services.POLICY_EDITORS:
        raise Http404
    current = services.policy_for(center)
    errors: dict[str, str] = {}
    sent = None
    values = {
        "simple_ack_minutes": current.simple_ack_minutes,
        "complex_ack_minutes": current.complex_ack_minutes,
        "prolonged_minutes": current.prolonged_minutes,
        "sms_for_complex": current.sms_for_complex,
        "complex_outside": current.complex_outside,
        "complex_outside_minutes": current.complex_outside_minutes,
    }
    if request.method == "POST":
        try:
            services.policy_update(actor=user, center=center, data=request.POST)
        except ServiceError as exc:
            errors = exc.fields or {"__all__": exc.message}
            values.update(
                {
                    k: request.POST.get(k, "")
                    for k in [*services.POLICY_LIMITS, *services.OPTIONAL_LIMITS]
                }
            )
            values["complex_outside"] = request.POST.get("complex_outside", "")
            values["sms_for_complex"] = request.POST.get("sms_for_complex") == "on"
            sent = request.POST
        else:
            messages.success(request, _("Đã lưu quy tắc báo tin."))
            return redirect("notify:policy")
    return render(
        request,
        "notify/policy.html",
        {
            "center": center,
            "values": values,
            "errors": errors,
            "reach": services.policy_reach(center),
            "outside_choices": OutsideTiming.choices,
            "role_levels": _role_levels(current, sent, errors),
            "roles_form": services.ROLES_FORM,
        },
        status=400 if errors else 200,
    )
