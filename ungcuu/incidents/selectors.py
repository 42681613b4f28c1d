"""Reading incidents, always through the user's scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from ungcuu.catalog.models import Tier
from ungcuu.core.text import fold
from ungcuu.incidents.models import (
    OPEN_STATUSES,
    Attachment,
    EventKind,
    Incident,
    IncidentEscalation,
    IncidentEvent,
    MajorScope,
)
from ungcuu.notify.models import Delivery
from ungcuu.org.models import Role, User
from ungcuu.org.scope import center_q


def incidents_for(user: User) -> QuerySet[Incident]:
    """Every incident the user may read."""
    qs = Incident.objects.all()
    if user.is_authenticated and user.is_active and user.role == Role.VENDOR:
        if not user.organisation_id:
            return qs.none()
        escalated = IncidentEscalation.objects.filter(organisation_id=user.organisation_id)
        # …and those its people were messaged about (the automatic escalation of a
        # complex incident nobody acknowledged), so the link in the message opens.
        messaged = Delivery.objects.filter(person=user)
        return qs.filter(
            Q(id__in=escalated.values("incident_id")) | Q(id__in=messaged.values("incident_id"))
        )
    return qs.filter(center_q(user))


def incident_get(user: User, incident_id: int) -> Incident:
    """One incident by id, or 404 when it is outside the user's scope."""
    incident = (
        incidents_for(user)
        .select_related(
            "center__province", "incident_type", "reporter", "assignee", "acknowledged_by"
        )
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise Http404("Không tìm thấy sự cố.")
    return incident


@dataclass(frozen=True)
class MajorNoted:
    """The major incident an incident belongs to, as a note on its timeline names it."""

    number: str
    scope: str
    type_name: str

    @property
    def is_national(self) -> bool:
        return self.scope == MajorScope.NATIONAL


def major_noted(incident: Incident, events: Iterable[IncidentEvent]) -> MajorNoted | None:
    """At a center's node, which holds no major incidents: the one the province folded
    ``incident`` into, from the hub's note among ``events`` (latest first). None when the
    incident names its major incident itself, as at the hub."""
    if incident.major_incident_id:
        return None
    for event in events:
        if event.kind != EventKind.NOTE or not isinstance(event.payload, dict):
            continue
        found = event.payload.get("major")
        if isinstance(found, dict) and found.get("number"):
            return MajorNoted(
                number=str(found["number"]),
                scope=str(found.get("scope") or MajorScope.PROVINCE),
                type_name=str(found.get("type") or ""),
            )
    return None


def attachment_get(user: User, incident_id: int, attachment_uuid) -> Attachment:
    incident = incident_get(user, incident_id)
    attachment = incident.attachments.filter(uuid=attachment_uuid).first()
    if attachment is None:
        raise Http404("Không tìm thấy tệp.")
    return attachment


@dataclass(frozen=True)
class LogbookFilter:
    center: str = ""
    type: str = ""
    tier: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    no_drills: bool = False
    province: int | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def logbook(user: User, flt: LogbookFilter) -> QuerySet[Incident]:
    """The incident log book (sổ theo dõi sự cố kỹ thuật), newest first."""
    qs = incidents_for(user).for_logbook()
    if flt.center:
        qs = qs.filter(center__code=flt.center)
    if flt.province:
        qs = qs.filter(center__province__code=flt.province)
    if flt.type:
        qs = qs.filter(incident_type__code=flt.type)
    if flt.tier:
        qs = qs.filter(tier=flt.tier)
    if flt.status == "open":
        qs = qs.open()
    elif flt.status:
        qs = qs.filter(status=flt.status)
    if flt.date_from:
        qs = qs.filter(started_at__gte=_day_start(flt.date_from))
    if flt.date_to:
        qs = qs.filter(started_at__lt=_day_start(flt.date_to) + timedelta(days=1))
    if flt.no_drills:
        qs = qs.filter(is_drill=False)
    for word in fold(flt.q).split():
        qs = qs.filter(Q(search_text__contains=word))
    # Dossiers taken on paper during the incident, and those still to re-enter.
    qs = qs.annotate(
        paper_total=Count("paper_intakes"),
        paper_pending=Count("paper_intakes", filter=Q(paper_intakes__reentered_at__isnull=True)),
    )
    return qs.order_by("-started_at", "-id")


def open_incidents(user: User) -> QuerySet[Incident]:
    return incidents_for(user).open().for_logbook().order_by("-started_at")


@dataclass(frozen=True)
class Summary:
    total: int
    open: int
    complex: int
    citizens_affected: int
    downtime_minutes: int


def month_summary(user: User, today: date) -> Summary:
    """This month's figures for the home page, within the user's scope."""
    since = _day_start(today.replace(day=1))
    qs = incidents_for(user).filter(started_at__gte=since, is_drill=False)
    figures = qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        complex=Count("id", filter=Q(tier=Tier.COMPLEX)),
        citizens=Sum("citizens_affected"),
    )
    downtime = sum(
        (restored - started).total_seconds()
        for started, restored in qs.filter(restored_at__isnull=False).values_list(
            "started_at", "restored_at"
        )
    )
    return Summary(
        total=figures["total"],
        open=figures["open"],
        complex=figures["complex"],
        citizens_affected=figures["citizens"] or 0,
        downtime_minutes=round(downtime / 60),
    )


def open_by_center(user: User) -> list[dict]:
    """Open incidents per center, for people who oversee several centers."""
    rows = (
        incidents_for(user)
        .open()
        .filter(is_drill=False)
        .values("center__code", "center__ward_name")
        .annotate(count=Count("id"), complex=Count("id", filter=Q(tier=Tier.COMPLEX)))
        .order_by("-count", "center__ward_name")
    )
    return list(rows)
