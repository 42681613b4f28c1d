"""What each person's home page shows first: the work of their role (R1, R5, R6).

- Staff of the one-stop desk: the report button and the incidents they reported.
- IT officer, responder, team leader: open incidents by urgency, the unacknowledged
  complex ones first, each with its one-tap "Đã nhận tin".
- Center leader, commune leader, province, admin: the live state and what waits for
  their decision (incidents to close, complex incidents not yet escalated).
- Vendor: the incidents escalated to its organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum

from ungcuu.catalog.models import Tier
from ungcuu.incidents import permissions
from ungcuu.incidents.models import EventKind, Impact, Incident, Status
from ungcuu.incidents.selectors import (
    Summary,
    incidents_for,
    month_summary,
    open_by_center,
    open_incidents,
)
from ungcuu.org.models import Role, User

DESK = "desk"
HANDLER = "handler"
OVERSEER = "overseer"
VENDOR = "vendor"

LAYOUTS = {
    Role.STAFF: DESK,
    Role.IT_OFFICER: HANDLER,
    Role.RESPONDER: HANDLER,
    Role.TEAM_LEADER: HANDLER,
    Role.CENTER_LEADER: OVERSEER,
    Role.COMMUNE_LEADER: OVERSEER,
    Role.PROVINCE: OVERSEER,
    Role.ADMIN: OVERSEER,
    Role.VENDOR: VENDOR,
}
LIST_SIZE = 50
IMPACT_RANK = {Impact.STOPPED: 0, Impact.PARTIAL: 1, Impact.NONE: 2}


def urgency(incident: Incident) -> tuple:
    """Sort key: unacknowledged complex first, then unacknowledged, then complex, then by
    the harm to intake, the longest-running first."""
    unacknowledged = incident.status == Status.REPORTED
    complex_ = incident.tier == Tier.COMPLEX
    return (
        not (unacknowledged and complex_),
        not unacknowledged,
        not complex_,
        IMPACT_RANK.get(incident.impact, 3),
        incident.started_at,
        incident.pk,
    )


@dataclass(frozen=True)
class LiveState:
    """The center's (or the province's) state at this moment."""

    open: int
    complex: int
    unacknowledged: int
    intake_stopped: int
    citizens_waiting: int


@dataclass
class Home:
    layout: str
    incidents: list[Incident]
    mine: list[Incident] = field(default_factory=list)
    to_close: list[Incident] = field(default_factory=list)
    not_escalated: list[Incident] = field(default_factory=list)
    live: LiveState | None = None
    by_center: list[dict] = field(default_factory=list)
    summary: Summary | None = None

    @property
    def decisions(self) -> int:
        return len(self.to_close) + len(self.not_escalated)

    @property
    def others(self) -> list[Incident]:
        """The open incidents not already listed as waiting for a decision."""
        listed = {i.pk for i in self.not_escalated}
        return [i for i in self.incidents if i.pk not in listed]


def live_state(user: User) -> LiveState:
    figures = (
        incidents_for(user)
        .open()
        .filter(is_drill=False)
        .aggregate(
            open=Count("id"),
            complex=Count("id", filter=Q(tier=Tier.COMPLEX)),
            unacknowledged=Count("id", filter=Q(status=Status.REPORTED)),
            stopped=Count("id", filter=Q(impact=Impact.STOPPED)),
            waiting=Sum("citizens_waiting"),
        )
    )
    return LiveState(
        open=figures["open"],
        complex=figures["complex"],
        unacknowledged=figures["unacknowledged"],
        intake_stopped=figures["stopped"],
        citizens_waiting=figures["waiting"] or 0,
    )


def home_for(user: User, today: date) -> Home:
    """The home page's content for ``user``, in the order their role needs it."""
    layout = LAYOUTS.get(user.role, OVERSEER if user.is_superuser else DESK)
    incidents = sorted(open_incidents(user)[:LIST_SIZE], key=urgency)
    for incident in incidents:
        incident.may_acknowledge = permissions.may(user, EventKind.ACKNOWLEDGED, incident)
    home = Home(layout=layout, incidents=incidents, summary=month_summary(user, today))
    if layout == DESK:
        home.mine = [i for i in incidents if i.reporter_id == user.pk]
        home.incidents = [i for i in incidents if i.reporter_id != user.pk]
    if layout == OVERSEER:
        home.live = live_state(user)
        home.by_center = [] if user.center_id else open_by_center(user)
        resolved = (
            incidents_for(user)
            .filter(status=Status.RESOLVED)
            .for_logbook()
            .order_by("resolved_at", "id")[:LIST_SIZE]
        )
        home.to_close = [i for i in resolved if permissions.may(user, EventKind.CLOSED, i)]
        home.not_escalated = [
            i
            for i in incidents
            if i.tier == Tier.COMPLEX
            and i.status != Status.ESCALATED
            and not i.is_drill
            and permissions.may(user, EventKind.ESCALATED, i)
        ]
    return home
