"""What follows when records of the other side arrive: the messages and reports this
side owns (audience.py says whose), as if the writes had been made here."""

from __future__ import annotations

import logging

from django.db import transaction

from ungcuu.incidents.models import EventKind, Incident, IncidentEvent
from ungcuu.org.models import Organisation
from ungcuu.sync.conf import is_node
from ungcuu.sync.records import Applied

log = logging.getLogger(__name__)


def follow(applied: Applied) -> None:
    """Called in the batch's transaction, after its records are applied."""
    from ungcuu.notify import services as notify
    from ungcuu.reports import upward

    hub = not is_node()
    for incident in Incident.objects.filter(pk__in=applied.new_incidents).select_related(
        "center", "incident_type"
    ):
        if hub:
            from ungcuu.incidents.services.major import correlate

            correlate(incident)  # a shared outage seen through the centers' nodes too
            upward.upward_on_report(incident)
        notify.report_queued(incident)
    events = (
        IncidentEvent.objects.filter(pk__in=applied.new_events)
        .exclude(kind=EventKind.REPORTED)
        .select_related("incident__center", "incident__incident_type")
        .order_by("hlc")
    )
    for event in events:
        incident = event.incident
        if event.kind == EventKind.RESOLVED and incident.resolved_at is not None:
            notify.outbox_on_resolve(incident)
            if hub:
                upward.upward_on_resolve(incident)
        elif event.kind == EventKind.ESCALATED:
            ids = [org.get("id") for org in event.payload.get("organisations", [])]
            orgs = list(Organisation.objects.filter(pk__in=ids))
            notify.outbox_on_escalate(incident, orgs, event.payload.get("note", ""))


def follow_safely(applied: Applied) -> None:
    """Messages are worth a retry but never worth losing the records: a failure here is
    logged and the batch still commits (the notification sweep picks up incidents whose
    first messages were never worked out)."""
    try:
        with transaction.atomic():
            follow(applied)
    except Exception:  # noqa: BLE001 - the records matter more than the messages
        log.exception("sync: side effects of a batch failed")
