"""Reading the paper intake register, within the user's scope (org/scope.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ungcuu.continuity.models import PaperIntake
from ungcuu.continuity.services import reentry_due
from ungcuu.continuity.workdays import Calendar
from ungcuu.incidents.models import OPEN_STATUSES, Incident
from ungcuu.org.models import Center, User
from ungcuu.org.scope import center_q


def intakes_for(user: User) -> QuerySet[PaperIntake]:
    return PaperIntake.objects.filter(center_q(user)).select_related(
        "center", "incident", "received_by", "reentered_by", "db_checked_by"
    )


@dataclass
class Pending:
    intake: PaperIntake
    due: date | None
    overdue: bool


def worklist(user: User, today: date | None = None, center: Center | None = None) -> list[Pending]:
    """Paper dossiers not yet re-entered, oldest first, with their deadlines."""
    today = today or timezone.localdate()
    qs = intakes_for(user).pending().order_by("received_at", "id")
    if center is not None:
        qs = qs.filter(center=center)
    calendars: dict[int, Calendar] = {}
    rows = []
    for intake in qs[:1000]:
        calendar = calendars.setdefault(intake.center_id, Calendar.for_center(intake.center))
        due = reentry_due(intake, calendar)
        rows.append(Pending(intake, due, bool(due and due < today)))
    return rows


def db_check_worklist(user: User):
    """Flagged dossiers already re-entered whose check against the national database is
    still to record (those not yet re-entered are on the worklist itself)."""
    return (
        intakes_for(user)
        .filter(needs_db_check=True, db_checked_at__isnull=True, reentered_at__isnull=False)
        .select_related("center")
        .order_by("reentered_at", "id")[:1000]
    )


def counts_for_incident(incident: Incident) -> dict[str, int]:
    figures = PaperIntake.objects.filter(incident=incident).aggregate(
        total=Count("id"), pending=Count("id", filter=Q(reentered_at__isnull=True))
    )
    return {"total": figures["total"], "pending": figures["pending"]}


@dataclass
class BoardState:
    """What the waiting-room screen shows: nothing personal."""

    center: Center
    incidents: list[Incident]
    paper_intake: bool

    @property
    def normal(self) -> bool:
        return not self.incidents


def board_state(center: Center) -> BoardState:
    incidents = list(
        Incident.objects.filter(
            center=center,
            status__in=OPEN_STATUSES,
            impact__in=["stopped", "partial"],
            is_drill=False,  # a drill is not shown to citizens as a real outage
        )
        .select_related("incident_type")
        .order_by("started_at")
    )
    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    paper = (
        bool(incidents)
        and PaperIntake.objects.filter(
            center=center, received_at__gte=today_start, incident__in=incidents
        ).exists()
    )
    return BoardState(center=center, incidents=incidents, paper_intake=paper)
