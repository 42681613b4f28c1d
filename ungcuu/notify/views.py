"""The one-click acknowledgement link: no login needed to acknowledge, only to see details."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ungcuu.core.errors import ServiceError
from ungcuu.incidents.services import incident_acknowledge
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
