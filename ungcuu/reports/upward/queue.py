"""Reports upward: each incident's report or minutes to the bodies the center's plan names
(step 5 of the general procedure, 000/001/003 III.5; R17), and prolonged or repeated faults
as they happen (000 2.1c: "Báo cáo về đơn vị quản lý cấp trên nếu sự cố kéo dài hoặc lặp
lại nhiều lần"; R23).

This module decides what is due and writes the rows, in the caller's transaction (the
outbox); ``send`` sends them once it commits. One row per incident, body and reason: a
replay, a second resolve or two sweeps never send twice. Drills never go upward.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ungcuu.catalog.models import Tier
from ungcuu.catalog.playbooks import UpwardRules, report_bodies, upward_rules
from ungcuu.incidents.models import OPEN_STATUSES, Incident, IncidentEvent
from ungcuu.reports.models import UpwardReason, UpwardReport, UpwardState
from ungcuu.reports.stats import duration_text
from ungcuu.reports.upward.send import NO_ADDRESS_ERROR, local_time, upward_event
from ungcuu.sync.conf import is_node

MIN_LONG_MINUTES = 30  # the smallest threshold a center may set (catalog/adjust.py)
# Incidents reported this recently are checked again for repeats by the sweep, in case
# the check queued at report time was lost (a worker that died right after the commit).
REPEAT_BACKSTOP = timedelta(minutes=10)
# "Sự cố khác" groups unrelated faults: several of them are not one fault repeated.
NOT_REPEATABLE = frozenset({"other"})
# A repeat's note names at most this many numbers, the latest; the count says how many.
NOTE_NUMBERS = 20


# --- queueing --------------------------------------------------------------------------


def upward_on_resolve(incident: Incident) -> list[UpwardReport]:
    """In the resolve's transaction: a complex incident (any incident, when the center's
    rule says so) is reported with its minutes to every body of the center's plan.
    A center's node reports nothing upward: its hub does, from the synced records."""
    if incident.is_drill or is_node():
        return []
    if incident.tier != Tier.COMPLEX and not upward_rules(incident.center).every_incident:
        return []
    return _queue(incident, UpwardReason.RESOLVED)


def upward_on_report(incident: Incident) -> None:
    """In the report's transaction. Nothing to queue: the pass that works out a new
    incident's first messages (``notify.services.notify_report``) also checks whether it
    makes the type a repeated fault at the center (``upward_repeat_many``), and the sweep
    catches up a check that was lost."""


def _queue(
    incident: Incident, reason: str, note: str = "", *, bodies: list | None = None
) -> list[UpwardReport]:
    """Write one row per body not yet sent this reason; send them once the caller commits.
    A body with neither an e-mail address nor a unit in the contacts can be sent nothing:
    its row is written as such at once, with its timeline event, without a task."""
    done = set(
        UpwardReport.objects.filter(incident=incident, reason=reason).values_list(
            "body_name", flat=True
        )
    )
    rows = []
    for body in report_bodies(incident.center) if bodies is None else bodies:
        name = body.name[:200]
        if name in done:
            continue
        done.add(name)
        rows.append(
            UpwardReport(
                incident=incident,
                reason=reason,
                body_name=name,
                body_kind=body.kind,
                organisation_id=body.organisation_id,
                email=body.email,
                note=note,
            )
        )
    if not rows:
        return []
    now = timezone.now()
    nowhere = [row for row in rows if not row.email and not row.organisation_id]
    for row in nowhere:
        row.state, row.attempts, row.last_error = UpwardState.NO_ADDRESS, 1, NO_ADDRESS_ERROR
    try:
        with transaction.atomic():
            created = UpwardReport.objects.bulk_create(rows)
            IncidentEvent.objects.bulk_create(
                upward_event(row, ok=False, via="", error=row.last_error, now=now)
                for row in nowhere
            )
    except IntegrityError:  # another worker wrote some of them first: keep theirs
        for row in nowhere:  # and let the task find out where ours can go
            row.state, row.attempts, row.last_error = UpwardState.PENDING, 0, ""
        UpwardReport.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(
            UpwardReport.objects.filter(
                incident=incident,
                reason=reason,
                body_name__in=[r.body_name for r in rows],
                state=UpwardState.PENDING,
                attempts=0,
            )
        )
    ids = [row.pk for row in created if row.state == UpwardState.PENDING]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(report_ids: list[int]) -> None:
    from ungcuu.reports import tasks

    for report_id in report_ids:
        tasks.upward_send(report_id)


def upward_repeat(incident_id: int) -> int:
    """Report ``incident`` as a repeated fault when its center has had at least the
    threshold of incidents of its type within the days the rule says (drills aside).
    Each new occurrence past the threshold is reported once, with the numbers."""
    incident = (
        Incident.objects.select_related("center__province", "incident_type")
        .filter(pk=incident_id, is_drill=False)
        .first()
    )
    if incident is None or incident.incident_type.code in NOT_REPEATABLE:
        return 0
    return _repeat(incident, upward_rules(incident.center))


def upward_repeat_many(incidents: list[Incident]) -> int:
    """``upward_repeat`` for the new incidents of one pass (their center and type loaded):
    each center's rule read once."""
    if is_node():
        return 0
    rules: dict[int, UpwardRules] = {}
    bodies: dict[int, list] = {}
    queued = 0
    for incident in incidents:
        if incident.is_drill or incident.incident_type.code in NOT_REPEATABLE:
            continue
        if incident.center_id not in rules:
            rules[incident.center_id] = upward_rules(incident.center)
        queued += _repeat(incident, rules[incident.center_id], bodies)
    return queued


def _repeat(incident: Incident, rules: UpwardRules, bodies: dict | None = None) -> int:
    earlier = _repeat_rows(incident, rules)
    latest = list(earlier.values_list("number", flat=True)[: max(NOTE_NUMBERS, rules.repeat_count)])
    if len(latest) < rules.repeat_count:
        return 0
    count = len(latest) if len(latest) < NOTE_NUMBERS else earlier.count()
    shown = ", ".join(reversed(latest[:NOTE_NUMBERS]))
    if count > NOTE_NUMBERS:
        shown = f"…, {shown}"
    note = f"{count} lần trong {rules.repeat_days} ngày (ngưỡng: {rules.repeat_count} lần): {shown}"
    if bodies is not None and incident.center_id not in bodies:
        bodies[incident.center_id] = report_bodies(incident.center)
    with transaction.atomic():
        return len(
            _queue(
                incident,
                UpwardReason.REPEATED,
                note,
                bodies=bodies.get(incident.center_id) if bodies is not None else None,
            )
        )


def _repeat_rows(incident: Incident, rules: UpwardRules):
    """The center's incidents of this type within the rule's days up to this one (itself
    included), latest first."""
    since = incident.started_at - timedelta(days=rules.repeat_days)
    return Incident.objects.filter(
        center_id=incident.center_id,
        incident_type_id=incident.incident_type_id,
        is_drill=False,
        started_at__gt=since,
        started_at__lte=incident.started_at,
    ).order_by("-started_at", "-pk")


def repeats(incident: Incident, rules: UpwardRules) -> list[str]:
    """The numbers of the center's incidents of this type within the rule's days up to
    this one (itself included), oldest first."""
    return list(reversed(_repeat_rows(incident, rules).values_list("number", flat=True)))


# --- the sweep -------------------------------------------------------------------------


def upward_sweep(*, now: datetime | None = None) -> int:
    """Every minute: report incidents that last past the center's threshold, catch up
    repeat checks that were lost, and hand the worker again what is due. Returns how
    many reports it queued or handed over."""
    if is_node():
        return 0
    now = now or timezone.now()
    return _prolonged(now) + _repeats_missed(now) + _resolves_missed(now) + _due(now)


def _prolonged(now: datetime) -> int:
    queued = 0
    candidates = (
        Incident.objects.open()
        .filter(is_drill=False, started_at__lte=now - timedelta(minutes=MIN_LONG_MINUTES))
        .exclude(upward_reports__reason=UpwardReason.PROLONGED)
        .select_related("center__province", "incident_type")
        .order_by("started_at")[:500]
    )
    rules: dict[int, UpwardRules] = {}
    for incident in candidates:
        if incident.center_id not in rules:
            rules[incident.center_id] = upward_rules(incident.center)
        limit = rules[incident.center_id].long_outage_minutes
        if incident.started_at + timedelta(minutes=limit) > now:
            continue
        lasted = (now - incident.started_at).total_seconds() / 60
        note = (
            f"Phát sinh lúc {local_time(incident.started_at)}, đã {duration_text(lasted)} chưa "
            f"khắc phục (ngưỡng của Trung tâm: {duration_text(limit)})."
        )
        with transaction.atomic():
            still_open = (
                Incident.objects.select_for_update()
                .filter(pk=incident.pk, status__in=OPEN_STATUSES)
                .exists()
            )
            if still_open:
                queued += len(_queue(incident, UpwardReason.PROLONGED, note))
    return queued


def _repeats_missed(now: datetime) -> int:
    recent = (
        Incident.objects.filter(
            is_drill=False,
            reported_at__gte=now - REPEAT_BACKSTOP,
            reported_at__lte=now - timedelta(seconds=30),
        )
        .exclude(incident_type__code__in=NOT_REPEATABLE)
        .exclude(upward_reports__reason=UpwardReason.REPEATED)
        .values_list("pk", flat=True)[:200]
    )
    return sum(upward_repeat(pk) for pk in recent)


def _resolves_missed(now: datetime) -> int:
    """Incidents resolved by a path other than the resolve form (a major incident the
    province resolved for its centers): reported like the others."""
    queued = 0
    recent = (
        Incident.objects.filter(
            is_drill=False,
            resolved_at__gte=now - REPEAT_BACKSTOP,
            resolved_at__lte=now,
        )
        .exclude(upward_reports__reason=UpwardReason.RESOLVED)
        .select_related("center__province", "incident_type")[:200]
    )
    rules: dict[int, UpwardRules] = {}
    for incident in recent:
        if incident.tier != Tier.COMPLEX:
            if incident.center_id not in rules:
                rules[incident.center_id] = upward_rules(incident.center)
            if not rules[incident.center_id].every_incident:
                continue
        with transaction.atomic():
            queued += len(_queue(incident, UpwardReason.RESOLVED))
    return queued


def _due(now: datetime) -> int:
    """Retries whose time came, rows whose first sending was lost, and rows left
    "sending" by a worker that died (its claim ran out)."""
    UpwardReport.objects.filter(state=UpwardState.SENDING, claimed_until__lt=now).update(
        state=UpwardState.PENDING, next_attempt_at=None
    )
    due = list(
        UpwardReport.objects.filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - timedelta(seconds=30)),
            state=UpwardState.PENDING,
        ).values_list("pk", flat=True)[:500]
    )
    _enqueue(due)
    return len(due)
