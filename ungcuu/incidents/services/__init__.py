"""Every write to an incident goes through here: one event per change, one transaction."""

from ungcuu.incidents.services.attachments import attachment_add
from ungcuu.incidents.services.common import CLOCK_SKEW, MAX_PEOPLE, MAX_TEXT
from ungcuu.incidents.services.report import (
    ReportResult,
    incident_open_automatic,
    incident_report,
)
from ungcuu.incidents.services.state import (
    DERIVED_FIELDS,
    apply_event,
    derive_state,
    incident_rebuild,
)
from ungcuu.incidents.services.timeline import (
    incident_acknowledge,
    incident_assign,
    incident_close,
    incident_escalate,
    incident_event,
    incident_note,
    incident_reopen,
    incident_resolve,
    incident_start,
    incident_step,
)

__all__ = [
    "CLOCK_SKEW",
    "DERIVED_FIELDS",
    "MAX_PEOPLE",
    "MAX_TEXT",
    "ReportResult",
    "apply_event",
    "attachment_add",
    "derive_state",
    "incident_acknowledge",
    "incident_assign",
    "incident_close",
    "incident_escalate",
    "incident_event",
    "incident_note",
    "incident_rebuild",
    "incident_reopen",
    "incident_open_automatic",
    "incident_report",
    "incident_resolve",
    "incident_start",
    "incident_step",
]
