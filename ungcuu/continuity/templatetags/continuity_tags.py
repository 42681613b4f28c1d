"""Panels the incident page and the home page include: paper intake at a glance."""

from __future__ import annotations

from django import template
from django.utils import timezone

from ungcuu.catalog.models import Tier
from ungcuu.continuity import selectors
from ungcuu.incidents import permissions
from ungcuu.incidents.models import Impact
from ungcuu.org.models import Role

register = template.Library()

LEADERS = frozenset({Role.TEAM_LEADER, Role.CENTER_LEADER, Role.IT_OFFICER})


def calls_for_citizens(incident) -> dict[str, bool]:
    """What an open incident calls for toward citizens, by its type and impact.

    Paper intake (R15, R68) when intake stops, or when a complex incident hampers it; the
    loudspeaker, Zalo and Facebook texts (R105) for a complex incident that touches
    intake; the waiting-room screen (R108) whenever intake is touched. A printer out of
    paper that leaves intake going calls for none of them.
    """
    touched = incident.is_open and incident.impact != Impact.NONE
    complex_ = incident.tier == Tier.COMPLEX
    return {
        "paper": touched and (complex_ or incident.impact == Impact.STOPPED),
        "announce": touched and complex_,
        "board": touched,
    }


@register.inclusion_tag("continuity/_incident_panel.html", takes_context=True)
def paper_panel(context, incident):
    user = context["request"].user
    counts = selectors.counts_for_incident(incident)
    calls = calls_for_citizens(incident)
    prolonged = (
        calls["paper"]
        and incident.tier == "complex"
        and (timezone.now() - incident.started_at).total_seconds() >= 30 * 60
    )
    return {
        "incident": incident,
        "counts": counts,
        "calls": calls,
        "may_take": calls["paper"] and permissions.may_report(user),
        # The red button only when intake has stopped or the outage drags on.
        "urgent": incident.impact == Impact.STOPPED or prolonged,
        "prolonged": prolonged,
        "is_leader": user.role in LEADERS and user.center_id == incident.center_id,
        "show": calls["board"] or counts["total"] > 0,
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
