"""Who may do what to an incident they can already see.

The rights follow the general procedure of the plans (section III of 000, 001 and 003;
step 1 of 004); the R-numbers are the rows of the seed requirements.

- Reporting: anyone of the center (R1, R14); the commune leader reads and notes (R36).
- Chuyển tuyến (escalating to the bodies ``org.scope.escalation_targets`` allows):
  000/001 III.3 give it to "Chuyên viên hoặc lãnh đạo Trung tâm", so the staff, the IT
  officer, the responders, the team and center leaders and the province may escalate any
  open incident they see (R13). As any escalation, it marks the report as taken (the
  page names by whom): in III.3 contacting the outside body stands beside "thông báo cho
  Tổ ứng cứu sự cố", and the team leader was told of the report at once (R5, R6).
- Xử lý tại chỗ: "Chuyên viên được phân công xử lý theo hướng dẫn" (III.2, R12) and 004's
  simple incidents are fixed on the spot. A staff member (and likewise the IT officer or a
  responder) who handled a *simple* incident records the fix ("Đã khắc phục xong", with
  its cause) and closes it, without a leader assigning it first. Having handled it is read
  from the timeline: they reported it, it is assigned to them, or they started, ticked a
  step of, escalated or resolved it (``HANDLING``); a note is not handling. No plan asks
  for a leader's confirmation before a simple incident goes into the log book (III.5);
  reopening stays with the leaders.
- A complex incident is resolved by the response team, its leaders, the province, the
  counterpart team it was escalated to (R38) or the person a leader assigned it to; it is
  closed and reopened by the leaders only (004 step 1: the team leader answers for it).
- The commune leader reads and notes only; a vendor acknowledges, starts and resolves
  what was escalated to its organisation.
"""

from __future__ import annotations

from ungcuu.catalog.models import Tier
from ungcuu.incidents.models import OPEN_STATUSES, EventKind, Incident, Status
from ungcuu.org.models import Role, User

HANDLERS = frozenset(
    {Role.IT_OFFICER, Role.RESPONDER, Role.TEAM_LEADER, Role.CENTER_LEADER, Role.PROVINCE}
)
LEADERS = frozenset({Role.TEAM_LEADER, Role.CENTER_LEADER, Role.PROVINCE})
ESCALATORS = HANDLERS | {Role.STAFF}
# Those of the center who fix a simple incident on the spot when they handled it.
ON_THE_SPOT = frozenset({Role.STAFF, Role.IT_OFFICER, Role.RESPONDER})
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
# The events by which a person of the center takes part in handling an incident.
HANDLING = (
    EventKind.STARTED,
    EventKind.STEP_DONE,
    EventKind.STEP_UNDONE,
    EventKind.ESCALATED,
    EventKind.RESOLVED,
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


def handled(user: User, incident: Incident) -> bool:
    """Whether ``user`` took part in handling ``incident``, as its timeline tells."""
    if user.pk is None:
        return False
    if user.pk in (incident.reporter_id, incident.assignee_id):
        return True
    return incident.events.filter(actor_id=user.pk, kind__in=HANDLING).exists()


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
    if kind == EventKind.ESCALATED:
        return role in ESCALATORS
    if kind in (EventKind.ACKNOWLEDGED, EventKind.STARTED):
        return role in HANDLERS or is_assignee
    if kind == EventKind.RESOLVED:
        return role in HANDLERS or is_assignee or _fixes_on_the_spot(user, incident)
    if kind == EventKind.ASSIGNED:
        return role in HANDLERS
    if kind == EventKind.CLOSED:
        return role in LEADERS or _fixes_on_the_spot(user, incident)
    if kind == EventKind.REOPENED:
        return role in LEADERS
    return False


def _fixes_on_the_spot(user: User, incident: Incident) -> bool:
    return incident.tier == Tier.SIMPLE and user.role in ON_THE_SPOT and handled(user, incident)


def may_report(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in REPORTERS)


def allowed_kinds(user: User, incident: Incident) -> set[str]:
    return {kind for kind in TRANSITIONS if may(user, kind, incident)}
