"""Panels the incident page and the home page include: paper intake at a glance."""

from __future__ import annotations

from django import template
from django.utils import timezone

from ungcuu.continuity import selectors
from ungcuu.incidents import permissions
from ungcuu.org.models import Role

register = template.Library()

LEADERS = frozenset({Role.TEAM_LEADER, Role.CENTER_LEADER, Role.IT_OFFICER})


@register.inclusion_tag("continuity/_incident_panel.html", takes_context=True)
def paper_panel(context, incident):
    user = context["request"].user
    counts = selectors.counts_for_incident(incident)
    prolonged = (
        incident.is_open
        and incident.tier == "complex"
        and incident.impact != "none"
        and (timezone.now() - incident.started_at).total_seconds() >= 30 * 60
    )
    return {
        "incident": incident,
        "counts": counts,
        "may_take": incident.is_open and permissions.may_report(user),
        "prolonged": prolonged,
        "is_leader": user.role in LEADERS and user.center_id == incident.center_id,
    }


@register.inclusion_tag("continuity/_home_panel.html", takes_context=True)
def paper_home(context):
    user = context["request"].user
    if not user.is_authenticated:
        return {"rows": []}
    rows = selectors.worklist(user)
    return {
        "rows": rows,
        "overdue": [r for r in rows if r.overdue],
        "is_leader": user.role in LEADERS or not user.center_id,
    }
