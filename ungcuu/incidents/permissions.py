"""Who may do what to an incident they can already see."""

from __future__ import annotations

from ungcuu.incidents.models import OPEN_STATUSES, EventKind, Incident, Status
from ungcuu.org.models import Role, User

HANDLERS = frozenset(
    {Role.IT_OFFICER, Role.RESPONDER, Role.TEAM_LEADER, Role.CENTER_LEADER, Role.PROVINCE}
)
LEADERS = frozenset({Role.TEAM_LEADER, Role.CENTER_LEADER, Role.PROVINCE})
REPORTERS = frozenset(
    {
        Role.STAFF,
        Role.IT_OFFICER,
        Role.RESPONDER,
        Role.TEAM_LEADER,
        Role.CENTER_LEADER,
        Role.COMMUNE_LEADER,
        Role.PROVINCE,
        Role.ADMIN,
    }
)

# event kind -> (states it may follow, state it leads to; None keeps the state)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    EventKind.ACKNOWLEDGED: (frozenset({Status.REPORTED}), Status.ACKNOWLEDGED),
    EventKind.STARTED: (
        frozenset({Status.REPORTED, Status.ACKNOWLEDGED, Status.ESCALATED}),
        Status.IN_PROGRESS,
    ),
    EventKind.ESCALATED: (frozenset(OPEN_STATUSES), Status.ESCALATED),
    EventKind.RESOLVED: (frozenset(OPEN_STATUSES), Status.RESOLVED),
    EventKind.CLOSED: (frozenset({Status.RESOLVED}), Status.CLOSED),
    EventKind.REOPENED: (frozenset({Status.RESOLVED, Status.CLOSED}), Status.IN_PROGRESS),
    EventKind.ASSIGNED: (frozenset(OPEN_STATUSES), None),
    EventKind.STEP_DONE: (frozenset(OPEN_STATUSES), None),
    EventKind.STEP_UNDONE: (frozenset(OPEN_STATUSES), None),
    EventKind.NOTE: (frozenset(Status.values), None),
    EventKind.ATTACHMENT: (frozenset(Status.values), None),
}


def is_admin(user: User) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def may(user: User, kind: str, incident: Incident) -> bool:
    """Whether ``user`` (who can see ``incident``) may add an event of ``kind``."""
    if kind not in TRANSITIONS or incident.status not in TRANSITIONS[kind][0]:
        return False
    if is_admin(user):
        return True
    role = user.role
    is_assignee = incident.assignee_id == user.id
    if kind in (EventKind.NOTE, EventKind.ATTACHMENT):
        return True
    if role == Role.VENDOR:
        # A vendor's counterpart team updates what was escalated to it.
        return kind in (EventKind.ACKNOWLEDGED, EventKind.STARTED, EventKind.RESOLVED)
    if role == Role.COMMUNE_LEADER:
        return False
    if kind in (EventKind.STEP_DONE, EventKind.STEP_UNDONE):
        return True
    if kind in (EventKind.ACKNOWLEDGED, EventKind.STARTED, EventKind.RESOLVED):
        return role in HANDLERS or is_assignee
    if kind in (EventKind.ESCALATED, EventKind.ASSIGNED):
        return role in HANDLERS
    if kind in (EventKind.CLOSED, EventKind.REOPENED):
        return role in LEADERS
    return False


def may_report(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in REPORTERS)


def allowed_kinds(user: User, incident: Incident) -> set[str]:
    return {kind for kind in TRANSITIONS if may(user, kind, incident)}
