"""The reports panel on the home page."""

from __future__ import annotations

from django import template

from ungcuu.org.models import Role
from ungcuu.reports.stats import duration_text

register = template.Library()


@register.inclusion_tag("reports/_panel.html", takes_context=True)
def reports_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    show = bool(user and user.is_authenticated and user.role != Role.VENDOR)
    return {"show": show}


@register.inclusion_tag("reports/_minutes_button.html", takes_context=True)
def minutes_button(context, incident):
    """The minutes button; above it, for the center's people, a reminder when the incident
    carries no description yet: the minutes would say nothing of it (004 B2, R8)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    no_description = bool(
        user
        and user.is_authenticated
        and user.role != Role.VENDOR
        and not (incident.description or "").strip()
    )
    return {"incident": incident, "no_description": no_description}


@register.filter
def minutes(value) -> str:
    """Minutes in plain words: "2 giờ 30 phút", "3 ngày 4 giờ"."""
    return duration_text(value)
