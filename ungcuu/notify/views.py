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
from ungcuu.notify.models import OutsideTiming
from ungcuu.notify.services import delivery_from_ack_token


@never_cache
@require_http_methods(["GET", "POST"])
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


@login_required
def policy(request):
    """The center's waiting times before the next level is told, and who each level reaches."""
    user = request.user
    center = user.center
    if center is None or user.role not in services.POLICY_EDITORS:
        raise Http404
    current = services.policy_for(center)
    errors: dict[str, str] = {}
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
        },
    )
