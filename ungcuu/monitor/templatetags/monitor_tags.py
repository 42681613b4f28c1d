"""The availability strip of a center's probes, for the readiness page:
``{% load monitor_tags %}{% probe_availability center %}``."""

from __future__ import annotations

from django import template

from ungcuu.monitor import selectors

register = template.Library()


@register.inclusion_tag("monitor/_availability.html")
def probe_availability(center):
    return {"center": center, "strips": selectors.strips(center) if center else []}
