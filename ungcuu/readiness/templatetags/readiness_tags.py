"""The readiness panel on the home page and the small forms on an incident page."""

from __future__ import annotations

import uuid

from django import template
from django.utils import timezone

from ungcuu.readiness import selectors, services
from ungcuu.readiness.models import DEFAULT_CHECK_DEADLINE, DailyCheck, ReadinessPolicy

register = template.Library()


def _missed_centers(user, now) -> list:
    """Centers the user oversees that have not done today's check after their deadline."""
    local = timezone.localtime(now)
    if not services.common.is_working_day(local.date()):
        return []
    centers = selectors.readiness_centers(user)
    done = set(
        DailyCheck.objects.filter(center__in=centers, day=local.date()).values_list(
            "center_id", flat=True
        )
    )
    deadlines = dict(
        ReadinessPolicy.objects.filter(center__in=centers).values_list(
            "center_id", "check_deadline"
        )
    )
    return [
        c
        for c in centers
        if c.pk not in done and local.time() >= deadlines.get(c.pk, DEFAULT_CHECK_DEADLINE)
    ]


@register.inclusion_tag("readiness/_panel.html", takes_context=True)
def readiness_panel(context):
    request = context["request"]
    user = request.user
    now = timezone.now()
    data = {"request": request, "user": user}
    if not user.is_authenticated:
        return data
    if not user.center_id:
        data["missed_centers"] = _missed_centers(user, now)
        return data
    center = user.center
    reminders = services.center_reminders(center, now) if services.is_keeper(user) else []
    mine = services.password_reminder(user, now)
    if (
        mine is not None
        and (timezone.localdate() - timezone.localtime(user.date_joined).date()).days
        % services.policy_for(center).password_days
        < 7
    ):
        reminders.append(mine)
    data.update(
        center=center,
        check=services.today_check(center, timezone.localtime(now).date()),
        missed=services.check_missed(center, now),
        may_check=services.is_checker(user),
        drill=services.drill_running(center, now),
        reminders=reminders,
    )
    return data


# Which devices an incident of each type is about (catalog code → equipment kinds).
EQUIPMENT_KINDS_OF_TYPE = {
    "printer-paper": ("printer",),
    "printer-ink": ("printer",),
    "internet": ("line", "router"),
    "power": ("generator", "ups"),
    "qms": ("qms",),
    "slow-system": ("pc", "line"),
}


@register.inclusion_tag("readiness/_incident.html", takes_context=True)
def readiness_incident(context, incident):
    request = context["request"]
    user = request.user
    linked = [link.equipment for link in incident.equipment_links.select_related("equipment")]
    equipment = list(
        selectors.equipment_for(user)
        .filter(center=incident.center_id)
        .exclude(pk__in=[e.pk for e in linked])
    )
    # The devices of the incident's kind first; one of them alone is chosen already,
    # otherwise nothing is: one tap must not record the generator for a printer.
    kinds = EQUIPMENT_KINDS_OF_TYPE.get(incident.incident_type.code, ())
    matching = [e for e in equipment if e.kind in kinds]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "incident": incident,
        "linked": linked,
        "equipment": equipment,
        "matching": matching,
        "others": [e for e in equipment if e.kind not in kinds],
        "preselected": matching[0].pk if len(matching) == 1 else None,
        # A drill uses no real stock: no form to record supplies on a drill incident.
        "supplies": services.supplies_for_incident(incident)
        if services.is_checker(user) and not incident.is_drill
        else [],
        "used": incident.supply_movements.select_related("item"),
        "may_link": services.is_checker(user),
        "client_uuid": uuid.uuid4(),
    }
