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


@register.inclusion_tag("reports/_minutes_button.html")
def minutes_button(incident):
    return {"incident": incident}


@register.filter
def minutes(value) -> str:
    """Minutes in plain words: "2 giờ 30 phút", "3 ngày 4 giờ"."""
    return duration_text(value)
