"""The incident row as its timeline gives it."""

from __future__ import annotations

from django.db import transaction
from django.utils.dateparse import parse_datetime

from ungcuu.incidents import permissions
from ungcuu.incidents.models import (
    EventKind,
    Incident,
    IncidentEscalation,
    IncidentEvent,
    Status,
)
from ungcuu.incidents.services.common import _search_text


def apply_event(incident: Incident, event: IncidentEvent) -> None:
    """Change the incident row as ``event`` says (the timeline is the record)."""
    kind, p, at = event.kind, event.payload, event.at
    transition = permissions.TRANSITIONS.get(kind)
    if transition and transition[1]:
        incident.status = transition[1]
    if (
        kind in (EventKind.ACKNOWLEDGED, EventKind.STARTED, EventKind.ESCALATED, EventKind.RESOLVED)
        and incident.acknowledged_at is None
    ):
        incident.acknowledged_at = at
        incident.acknowledged_by_id = event.actor_id
    if kind == EventKind.REPORTED:
        incident.status = Status.REPORTED
    elif kind == EventKind.STARTED and incident.assignee_id is None:
        incident.assignee_id = event.actor_id
    elif kind == EventKind.ASSIGNED:
        incident.assignee_id = p.get("assignee_id")
    elif kind == EventKind.STEP_DONE:
        if p["step"] not in incident.steps_done:
            incident.steps_done = [*incident.steps_done, p["step"]]
    elif kind == EventKind.STEP_UNDONE:
        incident.steps_done = [step for step in incident.steps_done if step != p["step"]]
    elif kind == EventKind.ESCALATED:
        incident.escalated_at = incident.escalated_at or at
    elif kind == EventKind.RESOLVED:
        incident.resolved_at = at
        incident.restored_at = parse_datetime(p["restored_at"])
        incident.root_cause = p.get("root_cause", "")
        incident.resolution = p.get("resolution", "")
        incident.citizens_affected = p.get("citizens_affected", 0)
        incident.dossiers_delayed = p.get("dossiers_delayed", 0)
    elif kind == EventKind.CLOSED:
        incident.closed_at = at
        if p.get("root_cause"):  # written on closing an incident a machine marked restored
            incident.root_cause = p["root_cause"]
    elif kind == EventKind.REOPENED:
        incident.resolved_at = None
        incident.restored_at = None
        incident.closed_at = None


DERIVED_FIELDS = (
    "status",
    "assignee_id",
    "acknowledged_at",
    "acknowledged_by_id",
    "escalated_at",
    "resolved_at",
    "restored_at",
    "closed_at",
    "root_cause",
    "resolution",
    "citizens_affected",
    "dossiers_delayed",
    "steps_done",
)


def fold(events) -> tuple[Incident, list[IncidentEvent]]:
    """Apply ``events`` (in timeline order) to a blank incident.

    An event whose change the state no longer allows is kept in the timeline but changes
    nothing: on one machine that cannot happen (each event is checked when written), but
    a node and its hub may each write one while the link is cut — resolved at the
    center's node, reopened or acknowledged at the hub. Both apply the same merged
    timeline in the same order (``hlc``, then ``uuid``), so both come to the same state.
    Returns the state and the events that changed nothing (the page shows them)."""
    blank = Incident(status=Status.REPORTED, steps_done=[], citizens_affected=0, dossiers_delayed=0)
    superseded = []
    for event in events:
        allowed_from = permissions.TRANSITIONS.get(event.kind, (None,))[0]
        if allowed_from is not None and blank.status not in allowed_from:
            superseded.append(event)
            continue
        apply_event(blank, event)
    return blank, superseded


def derive_state(incident: Incident) -> dict:
    """The derived fields as the timeline alone gives them."""
    blank, _superseded = fold(incident.events.order_by("hlc", "uuid"))
    return {field: getattr(blank, field) for field in DERIVED_FIELDS}


def superseded_events(incident: Incident, events=None) -> set[int]:
    """The ids of the events that changed nothing when the timeline was merged."""
    if incident.synced_from == "" and not _has_foreign_events(incident):
        return set()
    ordered = events if events is not None else incident.events.order_by("hlc", "uuid")
    return {event.pk for event in fold(sorted(ordered, key=lambda e: (e.hlc, str(e.uuid))))[1]}


def _has_foreign_events(incident: Incident) -> bool:
    return incident.events.exclude(synced_from="").exists()


@transaction.atomic
def incident_rebuild(*, incident: Incident) -> Incident:
    """Derive the incident row again from its timeline."""
    for field, value in derive_state(incident).items():
        setattr(incident, field, value)
    incident.search_text = _search_text(incident)
    incident.save()
    for event in incident.events.filter(kind=EventKind.ESCALATED).order_by("hlc", "uuid"):
        _record_escalations(incident, event)
    return incident


def _record_escalations(incident: Incident, event: IncidentEvent) -> None:
    """Who may see the incident follows from its escalated events (same transaction)."""
    for org in event.payload.get("organisations", []):
        IncidentEscalation.objects.get_or_create(
            incident=incident, organisation_id=org["id"], defaults={"at": event.at}
        )
