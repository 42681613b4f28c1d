"""The province's live picture: every center's current state and the open major incidents
(issue 12 item 4). The same figures feed the working group's page and the public status
page, which shows only the service states: no people, no texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from ungcuu.catalog.models import Tier
from ungcuu.incidents.models import OPEN_STATUSES, Incident, MajorIncident, MajorStatus
from ungcuu.org.models import Center, Province

NORMAL, DEGRADED, DOWN = "normal", "degraded", "down"
ORDER = {DOWN: 0, DEGRADED: 1, NORMAL: 2}


@dataclass
class CenterState:
    code: str
    name: str
    state: str = NORMAL  # down: an open complex incident; degraded: an open simple one
    paper: bool = False  # paper intake on (dossiers taken on paper for an open incident)
    since: datetime | None = None  # when the oldest open incident began
    types: list[str] = field(default_factory=list)  # the open incidents' type names
    majors: list[str] = field(default_factory=list)  # the numbers of their major incidents
    has_node: bool = False  # runs its own node (ungcuu/sync)
    node_seen: datetime | None = None  # the node's last call to the hub
    node_silent: bool = False  # silent longer than the hub's setting


@dataclass
class Picture:
    province: Province
    centers: list[CenterState]
    majors: list[MajorIncident]

    @property
    def counts(self) -> dict[str, int]:
        found = {DOWN: 0, DEGRADED: 0, NORMAL: 0}
        for center in self.centers:
            found[center.state] += 1
        found["paper"] = sum(1 for c in self.centers if c.paper)
        return found


def province_picture(province: Province) -> Picture:
    """Every center of ``province``, the most affected first: three queries."""
    from ungcuu.continuity.models import PaperIntake

    states = {
        c.pk: CenterState(code=c.code, name=c.short_name)
        for c in Center.objects.filter(province=province).order_by("ward_name")
    }
    open_rows = (
        Incident.objects.filter(center__province=province, status__in=OPEN_STATUSES, is_drill=False)
        .select_related("incident_type", "major_incident")
        .order_by("started_at")
    )
    for incident in open_rows:
        state = states.get(incident.center_id)
        if state is None:
            continue
        worse = DOWN if incident.tier == Tier.COMPLEX else DEGRADED
        if ORDER[worse] < ORDER[state.state]:
            state.state = worse
        state.since = state.since or incident.started_at
        if incident.incident_type.name not in state.types:
            state.types.append(incident.incident_type.name)
        if incident.major_incident_id and incident.major_incident.number not in state.majors:
            state.majors.append(incident.major_incident.number)
    paper = PaperIntake.objects.filter(
        center__province=province, incident__status__in=OPEN_STATUSES
    ).values_list("center_id", flat=True)
    for center_id in set(paper):
        if center_id in states:
            states[center_id].paper = True
    from ungcuu.sync.selectors import nodes_for

    for node in nodes_for(Q(center__province=province, revoked_at__isnull=True)):
        if node.center_id in states:
            state = states[node.center_id]
            state.has_node, state.node_seen, state.node_silent = (
                True,
                node.last_seen_at,
                node.silent,
            )
    majors = list(
        MajorIncident.objects.filter(
            Q(province=province) | Q(scope="national"), status=MajorStatus.OPEN
        )
        .select_related("incident_type")
        .order_by("started_at")
    )
    centers = sorted(states.values(), key=lambda s: (ORDER[s.state], not s.paper, s.name))
    return Picture(province=province, centers=centers, majors=majors)
