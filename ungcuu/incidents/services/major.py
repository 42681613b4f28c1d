"""Major incidents: one outage shared by many centers, detected from the reports themselves.

When the same type is reported (by a person or a probe) at K or more centers of one
province within T minutes, the province's major incident opens with those centers'
incidents as its children, and every later matching report joins it while it is open. A
type that is a national system (the population database, VNeID) open in two provinces or
more also makes one national major incident above the provinces' ones. Defaults are
UngCuu's own (3 centers, 15 minutes): the plans have no such rule; a province sets its own
per type (CorrelationRule).

Resolving a major incident marks its open children restored; each keeps its own times
and can be reopened.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save
from django.test.signals import setting_changed
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.incidents.models import (
    OPEN_STATUSES,
    CorrelationRule,
    Incident,
    MajorIncident,
    MajorScope,
    MajorStatus,
)
from ungcuu.org.models import Center, Role, User
from ungcuu.org.scope import sees_everything

DEFAULT_CENTERS = 3
DEFAULT_MINUTES = 15
# Types whose failing system is national: the same failure in several provinces is one.
NATIONAL_TYPES = frozenset({"national-db"})
NATIONAL_PROVINCES = 2  # open province major incidents that make a national one


@dataclass(frozen=True)
class Rule:
    centers: int
    minutes: int
    enabled: bool


def _best_rule(rules, type_id: int) -> Rule:
    """The most specific of ``rules`` (already limited to one province and the national
    ones) for ``type_id``: the province's for the type, the province's for every type,
    the national one for the type, the national default, else UngCuu's own."""
    ranked = sorted(
        (r for r in rules if r.incident_type_id in (None, type_id)),
        key=lambda r: (r.province_id is None, r.incident_type_id is None),
    )
    if ranked:
        return Rule(ranked[0].centers, ranked[0].minutes, ranked[0].enabled)
    return Rule(DEFAULT_CENTERS, DEFAULT_MINUTES, True)


def rule_for(province_id: int | None, type_id: int) -> Rule:
    rows = CorrelationRule.objects.filter(
        Q(province_id=province_id) | Q(province__isnull=True),
        Q(incident_type_id=type_id) | Q(incident_type__isnull=True),
    )
    return _best_rule(rows, type_id)


# Every report asks for its rule: the answer is kept a few seconds per process (an admin's
# edit shows within RULE_TTL everywhere, at once in the process that saved it).
RULE_TTL = 30.0
_rules: dict[tuple[int | None, int], tuple[float, Rule]] = {}
_rules_lock = threading.Lock()


def _cached_rule(province_id: int | None, type_id: int) -> Rule:
    key, now = (province_id, type_id), time.monotonic()
    hit = _rules.get(key)
    if hit is not None and now - hit[0] < RULE_TTL:
        return hit[1]
    rule = rule_for(province_id, type_id)
    with _rules_lock:
        _rules[key] = (now, rule)
    return rule


def forget_rules(**_kwargs) -> None:
    with _rules_lock:
        _rules.clear()


# A rule saved or deleted here counts at once; a test's settings mark a new database.
post_save.connect(forget_rules, sender=CorrelationRule, dispatch_uid="major-rule-saved")
post_delete.connect(forget_rules, sender=CorrelationRule, dispatch_uid="major-rule-deleted")
setting_changed.connect(forget_rules, dispatch_uid="major-rule-settings")


def _other_centers(incident: Incident, rule: Rule, now: datetime) -> int:
    """How many other centers of the province (at most K-1) have an open incident of the
    type, not yet in a major incident, reported within the window. Asked center by center
    (EXISTS through the (status, center) index), so a center that reports the type many
    times is never read row by row."""
    since = now - timedelta(minutes=rule.minutes)
    loose = Incident.objects.filter(
        center_id=OuterRef("pk"),
        incident_type_id=incident.incident_type_id,
        status__in=OPEN_STATUSES,
        is_drill=False,
        reported_at__gte=since,
        major_incident__isnull=True,
    )
    return len(
        Center.objects.filter(province_id=incident.center.province_id)
        .exclude(pk=incident.center_id)
        .filter(Exists(loose))
        .order_by()
        .values_list("pk", flat=True)[: rule.centers - 1]
    )


def _first_look_sql() -> str:
    """``_first_look``'s statement: the two questions of ``_other_centers`` and
    ``_open_major`` in one round trip, written out once (every report asks them)."""
    major, incident, center = (
        connection.ops.quote_name(m._meta.db_table) for m in (MajorIncident, Incident, Center)
    )
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    # The count is needed only while no major incident is open: CASE leaves it unread
    # otherwise (every report of a province after the K-th would pay for it).
    return (
        f"SELECT seen.id, CASE WHEN seen.id IS NULL THEN"
        f" (SELECT COUNT(*) FROM (SELECT c.id FROM {center} c"
        f" WHERE c.province_id = %s AND c.id <> %s AND EXISTS (SELECT 1 FROM {incident} i"
        f" WHERE i.center_id = c.id AND i.incident_type_id = %s AND i.status IN ({statuses})"
        f" AND i.is_drill = %s AND i.reported_at >= %s AND i.major_incident_id IS NULL)"
        f" LIMIT %s) others) ELSE 0 END"
        f" FROM (SELECT (SELECT m.id FROM {major} m WHERE m.scope = %s AND m.province_id = %s"
        f" AND m.incident_type_id = %s AND m.status = %s LIMIT 1) AS id) seen"
    )


_FIRST_LOOK: dict[str, str] = {}


def _first_look(incident: Incident, rule: Rule, now: datetime) -> tuple[int | None, int]:
    """Without a lock: the open major incident of the type in the province (its id, or
    None), and how many other centers (at most K-1) ``_other_centers`` would count."""
    sql = _FIRST_LOOK.get(connection.vendor) or _FIRST_LOOK.setdefault(
        connection.vendor, _first_look_sql()
    )
    province_id, type_id = incident.center.province_id, incident.incident_type_id
    since = connection.ops.adapt_datetimefield_value(now - timedelta(minutes=rule.minutes))
    params = [province_id, incident.center_id, type_id, *(s.value for s in OPEN_STATUSES)]
    params += [False, since, rule.centers - 1]
    params += [MajorScope.PROVINCE.value, province_id, type_id, MajorStatus.OPEN.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        major_id, others = cursor.fetchone()
    return major_id, others or 0


def _candidates(incident: Incident, rule: Rule, now: datetime):
    """Open incidents of the same type in the same province reported within the window."""
    since = now - timedelta(minutes=rule.minutes)
    return Incident.objects.filter(
        incident_type_id=incident.incident_type_id,
        center__province_id=incident.center.province_id,
        status__in=OPEN_STATUSES,
        is_drill=False,
        reported_at__gte=since,
    )


def _number(major: MajorIncident) -> str:
    where = f"{major.province.code:02d}" if major.province_id else "QG"
    return f"DR-{where}-{timezone.localtime(major.opened_at).year}-{major.pk:04d}"


def _create(**fields) -> MajorIncident:
    """A new open major incident, or None when another worker opened it first."""
    try:
        with transaction.atomic():
            major = MajorIncident.objects.create(number=f"tmp-{uuid.uuid4()}", **fields)
            major.number = _number(major)
            major.save(update_fields=["number"])
            return major
    except IntegrityError:
        return None


def _open_major(incident_type_id: int, province_id: int | None) -> MajorIncident | None:
    scope = (
        Q(scope=MajorScope.PROVINCE, province_id=province_id)
        if province_id
        else Q(scope=MajorScope.NATIONAL)
    )
    return (
        MajorIncident.objects.select_for_update()
        .filter(scope, incident_type_id=incident_type_id, status=MajorStatus.OPEN)
        .first()
    )


def correlate(
    incident: Incident, *, now: datetime | None = None, may_fold: bool | None = None
) -> MajorIncident | None:
    """Fold ``incident`` into its province's open major incident of the type, or open one
    when the rule's K centers are reached. Returns the major incident it belongs to (None
    when it stands alone). Called in the report's own transaction, so the first messages
    already know; safe to call twice and from two workers at once.

    Most reports stand alone: they are answered by two reads without a lock (is a major
    incident open, how many other centers reported). Only a report that joins or may
    open a major incident takes the locks. ``may_fold``: what ``first_look`` said just
    before (a report looks before its transaction, so the center's number is locked for
    one statement less)."""
    now = now or timezone.now()
    if incident.major_incident_id:
        return incident.major_incident
    if may_fold is None:
        may_fold = first_look(incident, now=now).may_fold
    if not may_fold:
        return None
    rule = _cached_rule(incident.center.province_id, incident.incident_type_id)
    with transaction.atomic():
        return _fold(incident, rule, incident.center.province_id, now)


@dataclass(frozen=True)
class Look:
    """What a report saw before its transaction: the open major incident of its type in
    its province (``major_id``), and whether ``correlate`` may fold it (that one is open,
    or K-1 other centers reported the type)."""

    major_id: int | None = None
    may_fold: bool = False


def first_look(incident: Incident, *, now: datetime) -> Look:
    """Without a lock: the ``Look`` of a report. It needs no row of the incident's own,
    so a report asks it before writing."""
    if incident.is_drill or incident.status not in OPEN_STATUSES:
        return Look()
    rule = _cached_rule(incident.center.province_id, incident.incident_type_id)
    if not rule.enabled:
        return Look()
    major_id, others = _first_look(incident, rule, now)
    return Look(major_id, major_id is not None or others + 1 >= rule.centers)


def hold_open(major_id: int) -> bool:
    """In a report's transaction, before its row is written: whether the major incident
    its look saw is still open. On PostgreSQL the row is then held with a shared lock
    until the report commits: reports of the province join at once side by side, and
    resolving the major incident (which locks it for update) waits for them, so a child
    that joins is always among those it marks restored. SQLite's write transaction
    already keeps resolving out."""
    table = connection.ops.quote_name(MajorIncident._meta.db_table)
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE id = %s AND status = %s{lock}",
            [major_id, MajorStatus.OPEN.value],
        )
        return cursor.fetchone() is not None


def joined_at_report(incident: Incident, now: datetime) -> None:
    """After a report written straight into its major incident (``hold_open``): a hub
    notes it on the timeline when the center has its own node, as ``_fold`` does."""
    from ungcuu.sync.conf import is_node
    from ungcuu.sync.outbox import noded_center_ids

    if is_node() or incident.center_id not in noded_center_ids():
        return
    major = MajorIncident.objects.get(pk=incident.major_incident_id)
    _tell_nodes(major, [(incident.pk, incident.center_id)], now)


def correlate_late(incidents: list[Incident], *, now: datetime | None = None) -> int:
    """Once the reports are committed, fold those the province's major incident missed.

    A report correlates in its own transaction, before it commits: a report made in the
    same moments as the one that opens the major incident is not yet visible to it, and
    itself saw no major incident yet (in a burst of thousands, one in ten thousand). The
    worker's pass after the commit looks again, once per province and type in the batch:
    ``incidents`` as just read, with their centers. Returns how many joined or opened a
    major incident."""
    now = now or timezone.now()
    groups: dict[tuple[int, int], list[Incident]] = {}
    for incident in incidents:
        if incident.major_incident_id or incident.is_drill:
            continue
        if incident.status not in OPEN_STATUSES:
            continue
        key = (incident.center.province_id, incident.incident_type_id)
        groups.setdefault(key, []).append(incident)
    folded = 0
    for first, *rest in groups.values():
        if correlate(first, now=now) is None:
            continue  # fewer than K centers: the others of the province stand alone too
        folded += 1
        # Opening the major incident may have taken the others of the batch with it.
        for incident in Incident.objects.select_related("center", "incident_type").filter(
            pk__in=[i.pk for i in rest], major_incident__isnull=True
        ):
            folded += correlate(incident, now=now) is not None
    return folded


def _fold(incident: Incident, rule: Rule, province_id: int | None, now: datetime):
    """Join the open major incident (locked) or open one (in a transaction)."""
    for _attempt in range(3):
        major = _open_major(incident.incident_type_id, province_id)
        if major is not None:
            joined = Incident.objects.filter(pk=incident.pk, major_incident__isnull=True).update(
                major_incident=major
            )
            incident.major_incident = major
            if joined:
                _tell_nodes(major, [(incident.pk, incident.center_id)], now)
            return major
        if _other_centers(incident, rule, now) + 1 < rule.centers:
            return None
        loose = _candidates(incident, rule, now).filter(major_incident__isnull=True)
        members = list(loose.values_list("pk", "center_id", "started_at"))
        if incident.pk not in {pk for pk, _c, _s in members}:
            members.append((incident.pk, incident.center_id, incident.started_at))
        major = _create(
            incident_type_id=incident.incident_type_id,
            scope=MajorScope.PROVINCE,
            province_id=province_id,
            started_at=min(started for _pk, _c, started in members),
            opened_at=now,
        )
        if major is None:
            continue  # another worker opened it: join that one
        Incident.objects.filter(
            pk__in=[pk for pk, _c, _s in members], major_incident__isnull=True
        ).update(major_incident=major)
        incident.major_incident = major
        _tell_nodes(major, [(pk, center_id) for pk, center_id, _s in members], now)
        if incident.incident_type.code in NATIONAL_TYPES:
            _national(major, now)
        return major
    return None


def _tell_nodes(major: MajorIncident, members: list[tuple[int, int]], now: datetime) -> None:
    """At a hub, note the major incident on the timeline of each member whose center has
    its own node: the node learns of it through that event. The centers with a node are
    read once for the batch (kept in memory), so centers without one cost nothing more."""
    from ungcuu.incidents.services.timeline import incident_note_major
    from ungcuu.sync.conf import is_node
    from ungcuu.sync.outbox import noded_center_ids

    if is_node():
        return
    noded = noded_center_ids()
    pks = [pk for pk, center_id in members if center_id in noded]
    if not pks:
        return
    joined = Incident.objects.filter(pk__in=pks, major_incident=major)
    for member in joined.select_related("incident_type"):
        incident_note_major(incident=member, major=major, now=now)


def _national(province_major: MajorIncident, now: datetime) -> MajorIncident | None:
    """Put a national system's province major incident under the national one, opening
    it when two provinces or more are down at once."""
    national = _open_major(province_major.incident_type_id, None)
    if national is None:
        siblings = MajorIncident.objects.filter(
            scope=MajorScope.PROVINCE,
            incident_type_id=province_major.incident_type_id,
            status=MajorStatus.OPEN,
        )
        if siblings.count() < NATIONAL_PROVINCES:
            return None
        national = _create(
            incident_type_id=province_major.incident_type_id,
            scope=MajorScope.NATIONAL,
            province_id=None,
            started_at=min(m.started_at for m in siblings),
            opened_at=now,
        ) or _open_major(province_major.incident_type_id, None)
        if national is None:
            return None
        siblings.filter(parent__isnull=True).update(parent=national)
    else:
        MajorIncident.objects.filter(pk=province_major.pk).update(parent=national)
    return national


def recent_elsewhere(incident_type, center, *, now: datetime | None = None) -> int:
    """How many other centers of the province reported this type in the rule's window:
    the report form says it after the type is picked."""
    now = now or timezone.now()
    rule = rule_for(center.province_id, incident_type.pk)
    since = now - timedelta(minutes=rule.minutes)
    return (
        Incident.objects.filter(
            incident_type=incident_type,
            center__province_id=center.province_id,
            status__in=OPEN_STATUSES,
            is_drill=False,
            reported_at__gte=since,
        )
        .exclude(center=center)
        .values("center")
        .distinct()
        .count()
    )


def recent_by_type(center, *, now: datetime | None = None) -> dict[int, tuple[int, int]]:
    """For each type, how many other centers of the province reported it within its rule's
    window, and that window in minutes: the report form shows it beside each type. Two
    queries, whatever the number of types."""
    now = now or timezone.now()
    rules = list(
        CorrelationRule.objects.filter(Q(province_id=center.province_id) | Q(province__isnull=True))
    )

    def window(type_id: int) -> int:
        return _best_rule(rules, type_id).minutes

    longest = max([DEFAULT_MINUTES, *(r.minutes for r in rules)])
    rows = (
        Incident.objects.filter(
            center__province_id=center.province_id,
            status__in=OPEN_STATUSES,
            is_drill=False,
            reported_at__gte=now - timedelta(minutes=longest),
        )
        .exclude(center=center)
        .values_list("incident_type_id", "center_id", "reported_at")
    )
    centers: dict[int, set[int]] = {}
    for type_id, center_id, reported_at in rows:
        if reported_at >= now - timedelta(minutes=window(type_id)):
            centers.setdefault(type_id, set()).add(center_id)
    return {type_id: (len(found), window(type_id)) for type_id, found in centers.items()}


# --- reading and resolving -----------------------------------------------------------


def majors_for(user: User):
    """The major incidents ``user`` may see: every one for an administrator; a province
    user its province's and the national ones; a center's people those their center is
    part of; a vendor those of its organisation's province and the national ones."""
    qs = MajorIncident.objects.select_related("incident_type", "province")
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if sees_everything(user):
        return qs
    if user.role == Role.PROVINCE and user.province_id:
        return qs.filter(Q(province_id=user.province_id) | Q(scope=MajorScope.NATIONAL))
    if user.role == Role.VENDOR and user.organisation_id:
        province_id = user.organisation.province_id
        national = Q(scope=MajorScope.NATIONAL)
        return (
            qs.filter(national | Q(province_id=province_id)) if province_id else qs.filter(national)
        )
    if user.center_id:
        mine = Incident.objects.filter(center_id=user.center_id, major_incident__isnull=False)
        ids = set(mine.values_list("major_incident", flat=True))
        parents = set(
            MajorIncident.objects.filter(pk__in=ids, parent__isnull=False).values_list(
                "parent", flat=True
            )
        )
        return qs.filter(pk__in=ids | parents)
    return qs.none()


def may_resolve_major(user: User, major: MajorIncident) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if sees_everything(user):
        return True
    return (
        user.role == Role.PROVINCE
        and major.scope == MajorScope.PROVINCE
        and major.province_id == user.province_id
    )


def major_children(major: MajorIncident):
    """The centers' incidents of a major incident (a national one: of its provinces')."""
    if major.scope == MajorScope.NATIONAL:
        return Incident.objects.filter(major_incident__parent=major)
    return Incident.objects.filter(major_incident=major)


def major_resolve(*, actor: User, major: MajorIncident, note: str = "", now=None) -> int:
    """Close the major incident and mark its open children restored (each keeps its own
    times, and its center can reopen it). Returns how many children were marked."""
    from ungcuu.incidents.services.timeline import incident_restore_by_major

    if not may_resolve_major(actor, major):
        raise ServiceError("Bạn không được xác nhận khắc phục sự cố diện rộng này.", status=403)
    now = now or timezone.now()
    with transaction.atomic():
        locked = MajorIncident.objects.select_for_update().get(pk=major.pk)
        if locked.status != MajorStatus.OPEN:
            return 0
        locked.status = MajorStatus.RESOLVED
        locked.resolved_at = now
        locked.resolved_by = actor
        locked.note = note[:4000]
        locked.save(update_fields=["status", "resolved_at", "resolved_by", "note"])
        majors = [locked]
        if locked.scope == MajorScope.NATIONAL:
            provinces = list(locked.provinces.filter(status=MajorStatus.OPEN))
            MajorIncident.objects.filter(pk__in=[m.pk for m in provinces]).update(
                status=MajorStatus.RESOLVED, resolved_at=now, resolved_by=actor
            )
            majors += provinces
    marked = 0
    children = Incident.objects.filter(
        major_incident__in=majors, status__in=OPEN_STATUSES
    ).select_related("center", "incident_type")
    for child in children:
        marked += incident_restore_by_major(actor=actor, incident=child, major=locked, now=now)
    return marked
