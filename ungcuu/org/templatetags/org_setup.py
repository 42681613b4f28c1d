"""``{% setup_banner %}``: the leaders' banner while the center's set-up is incomplete."""

from __future__ import annotations

from django import template

from ungcuu.org.setup.checks import setup_banner as banner_for

register = template.Library()


@register.inclusion_tag("org/_setup_banner.html", takes_context=True)
def setup_banner(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"setup_banner": banner_for(user) if user is not None else None}
