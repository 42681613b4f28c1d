"""Reports upward: each incident's report or minutes to the bodies the center's plan names
(step 5 of the general procedure, 000/001/003 III.5; R17), and prolonged or repeated faults
as they happen (000 2.1c: "Báo cáo về đơn vị quản lý cấp trên nếu sự cố kéo dài hoặc lặp
lại nhiều lần"; R23).

This module decides what is due and writes the rows, in the caller's transaction (the
outbox); ``send`` sends them once it commits. One row per incident, body and reason: a
replay, a second resolve or two sweeps never send twice. Drills never go upward.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ungcuu.catalog.models import Tier
from ungcuu.catalog.playbooks import (
    UpwardRules,
    report_bodies,
    upward_rules,
    upward_rules_many,
)
from ungcuu.incidents.models import OPEN_STATUSES, Incident, IncidentEvent
from ungcuu.org.models import Center
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
# A repeated fault goes upward once, then again only with an occurrence at least this
# long from the last one reported (by onset): that report carries the count so far. A
# report for every occurrence past the threshold sent each body a message per paper jam.
REPEAT_QUIET = timedelta(hours=24)


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
    """Write one row per body not yet sent this reason; send them once the caller commits."""
    done = set(
        UpwardReport.objects.filter(incident=incident, reason=reason).values_list(
            "body_name", flat=True
        )
    )
    rows = _rows(
        incident, reason, note, report_bodies(incident.center) if bodies is None else bodies, done
    )
    if not rows:
        return []
    try:
        with transaction.atomic():
            created = _write(rows)
    except IntegrityError:  # another worker wrote some of them first: keep theirs
        for row in rows:  # and let the task find out where ours can go
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
    _send_on_commit(created)
    return created


def _rows(incident: Incident, reason: str, note: str, bodies, done: set[str]) -> list:
    """The rows of the bodies not yet sent this reason (unsaved)."""
    rows = []
    for body in bodies:
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
    return rows


def _write(rows: list[UpwardReport], *, settle: bool = False) -> list[UpwardReport]:
    """Insert the rows (in the caller's transaction). With ``settle`` (the worker's pass,
    already in the background), a body with neither an e-mail address nor a unit in the
    contacts, which can be sent nothing, has its row written as such at once, with its
    timeline event, rather than through a task that would find the same."""
    now = timezone.now()
    nowhere = [row for row in rows if settle and not row.email and not row.organisation_id]
    for row in nowhere:
        row.state, row.attempts, row.last_error = UpwardState.NO_ADDRESS, 1, NO_ADDRESS_ERROR
    created = UpwardReport.objects.bulk_create(rows)
    IncidentEvent.objects.bulk_create(
        upward_event(row, ok=False, via="", error=row.last_error, now=now) for row in nowhere
    )
    return created


def _send_on_commit(created: list[UpwardReport]) -> None:
    ids = [row.pk for row in created if row.state == UpwardState.PENDING]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(report_ids: list[int]) -> None:
    from ungcuu.reports import tasks

    for report_id in report_ids:
        tasks.upward_send(report_id)


def upward_repeat(incident_id: int) -> int:
    """Report ``incident`` as a repeated fault when its center has had at least the
    threshold of incidents of its type within the days the rule says (drills aside),
    unless one within REPEAT_QUIET of it already went upward."""
    incident = (
        Incident.objects.select_related("center__province", "incident_type")
        .filter(pk=incident_id)
        .first()
    )
    return upward_repeat_many([incident]) if incident else 0


def upward_repeat_many(incidents: list[Incident]) -> int:
    """``upward_repeat`` for the new incidents of one pass (their center and type loaded),
    in a few statements for the whole batch: the counts of each center and type in one
    query, the repeats already reported in another, the latest numbers in a third, every
    row written together. Of the incidents that make a repeated fault, the first of each
    REPEAT_QUIET goes upward. A center's node reports nothing upward: its hub does, from
    the synced records."""
    if is_node():
        return 0
    groups = _grouped(
        [i for i in incidents if not i.is_drill and i.incident_type.code not in NOT_REPEATABLE]
    )
    if not groups:
        return 0
    rules = upward_rules_many(group[0].center for group in groups.values())
    repeating = _may_repeat(groups, rules)
    if not repeating:
        return 0
    reported = _reported_onsets({key: groups[key] for key in repeating})
    notes: dict[int, str] = {}
    for key in repeating:
        # In a burst of one fault, after its first report, nothing more is read.
        left = [i for i in groups[key] if not _quiet(i.started_at, reported.get(key, ()))]
        if left:
            notes.update(_repeat_notes(left, rules[key[0]]))
    candidates = sorted((i for i in incidents if i.pk in notes), key=lambda i: (i.started_at, i.pk))
    if not candidates:
        return 0
    try:
        with transaction.atomic():
            # Two workers with reports of one fault at one center: the second waits
            # here, then sees the first one's report among those already sent.
            _hold_centers({i.center_id for i in candidates})
            reported = _reported_onsets(_grouped(candidates))
            due = _first_of_each_spell(candidates, reported)
            created = _write(_repeat_rows_of(due, notes), settle=True)
            _send_on_commit(created)
    except IntegrityError:  # another worker wrote some first: one incident at a time
        created = []
        for incident in _first_of_each_spell(candidates, _reported_onsets(_grouped(candidates))):
            with transaction.atomic():
                created += _queue(incident, UpwardReason.REPEATED, notes[incident.pk])
    return len(created)


def _grouped(incidents: list[Incident]) -> dict[tuple[int, int], list[Incident]]:
    groups: dict[tuple[int, int], list[Incident]] = {}
    for incident in incidents:
        groups.setdefault((incident.center_id, incident.incident_type_id), []).append(incident)
    return groups


def _hold_centers(center_ids: set[int]) -> None:
    """Lock the centers' rows until the caller commits, without holding up their reports
    (FOR NO KEY UPDATE does not wait on a new incident's reference to its center). On
    SQLite the write transaction already runs alone."""
    list(
        Center.objects.select_for_update(no_key=True)
        .filter(pk__in=sorted(center_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _first_of_each_spell(
    candidates: list[Incident], reported: dict[tuple[int, int], list[datetime]]
) -> list[Incident]:
    """Of the incidents that make a repeated fault (in onset order), those that go
    upward: none within REPEAT_QUIET of one already reported or kept before it."""
    due = []
    for incident in candidates:
        onsets = reported.setdefault((incident.center_id, incident.incident_type_id), [])
        if not _quiet(incident.started_at, onsets):
            onsets.append(incident.started_at)
            due.append(incident)
    return due


def _repeat_rows_of(due: list[Incident], notes: dict[int, str]) -> list[UpwardReport]:
    """The unsaved rows: each incident to each body of its center's plan."""
    bodies: dict[int, list] = {}
    rows = []
    for incident in due:
        if incident.center_id not in bodies:
            bodies[incident.center_id] = report_bodies(incident.center)
        rows += _rows(
            incident, UpwardReason.REPEATED, notes[incident.pk], bodies[incident.center_id], set()
        )
    return rows


def _reported_onsets(
    groups: dict[tuple[int, int], list[Incident]],
) -> dict[tuple[int, int], list[datetime]]:
    """The onsets of the groups' incidents already reported upward as a repeated fault,
    within REPEAT_QUIET of the batch's onsets, in one statement."""
    starts = [i.started_at for group in groups.values() for i in group]
    found: dict[tuple[int, int], list[datetime]] = {}
    for center_id, type_id, onset in (
        UpwardReport.objects.filter(
            reason=UpwardReason.REPEATED,
            incident__center_id__in={center_id for center_id, _type in groups},
            incident__incident_type_id__in={type_id for _center, type_id in groups},
            incident__started_at__gt=min(starts) - REPEAT_QUIET,
            incident__started_at__lt=max(starts) + REPEAT_QUIET,
        )
        .values_list("incident__center_id", "incident__incident_type_id", "incident__started_at")
        .distinct()
    ):
        found.setdefault((center_id, type_id), []).append(onset)
    return found


def _quiet(onset: datetime, reported) -> bool:
    """Whether a repeated fault reported upward started within REPEAT_QUIET of ``onset``."""
    return any(abs(onset - other) < REPEAT_QUIET for other in reported)


def _may_repeat(
    groups: dict[tuple[int, int], list[Incident]], rules: dict[int, UpwardRules]
) -> list[tuple[int, int]]:
    """The (center, type) groups that may make a repeated fault, from one count of each
    over a window holding every incident's own (the batch's earliest onset less the
    longest rule's days, to its latest onset). A group under its threshold there is under
    it for each of its incidents: in a burst from many centers, each with its first
    report, that is every group, and nothing more is read."""
    starts = [i.started_at for group in groups.values() for i in group]
    days = timedelta(days=max(rules[center_id].repeat_days for center_id, _type in groups))
    counts = {
        (row["center_id"], row["incident_type_id"]): row["count"]
        for row in Incident.objects.filter(
            center_id__in={center_id for center_id, _type in groups},
            incident_type_id__in={type_id for _center, type_id in groups},
            is_drill=False,
            started_at__gt=min(starts) - days,
            started_at__lte=max(starts),
        )
        .values("center_id", "incident_type_id")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return [key for key in groups if counts.get(key, 0) >= rules[key[0]].repeat_count]


def _repeat_notes(group: list[Incident], rules: UpwardRules) -> dict[int, str]:
    """The note of each incident of one center and type that makes a repeated fault."""
    days = timedelta(days=rules.repeat_days)
    starts = sorted({i.started_at for i in group})
    first, last = starts[0], starts[-1]
    rows = Incident.objects.filter(
        center_id=group[0].center_id, incident_type_id=group[0].incident_type_id, is_drill=False
    )
    # The latest rows up to the last onset hold each onset's own latest numbers when they
    # reach past every row that started after the first onset.
    reach = NOTE_NUMBERS + len(group)
    if last - first >= days:  # onsets far apart: each counted on its own
        count_at = {
            s: rows.filter(started_at__gt=s - days, started_at__lte=s).count() for s in starts
        }
    else:
        # Within (s - days, s] for each onset s, from the count at the latest onset: less
        # what started after s, plus what left the window between s and the latest.
        total = rows.filter(started_at__gt=last - days, started_at__lte=last).count()
        after = sorted(
            rows.filter(started_at__gt=first, started_at__lte=last).values_list(
                "started_at", flat=True
            )
        )
        left = sorted(
            rows.filter(started_at__gt=first - days, started_at__lte=last - days).values_list(
                "started_at", flat=True
            )
        )
        count_at = {
            s: total
            - (len(after) - bisect_right(after, s))
            + (len(left) - bisect_right(left, s - days))
            for s in starts
        }
        # Reports of other passes can start between this group's onsets.
        reach = NOTE_NUMBERS + len(after)
    over = [i for i in group if count_at[i.started_at] >= rules.repeat_count]
    if not over:
        return {}
    latest = list(
        rows.filter(started_at__lte=last)
        .order_by("-started_at", "-pk")
        .values_list("number", "started_at")[:reach]
    )
    notes = {}
    for incident in over:
        start, count = incident.started_at, count_at[incident.started_at]
        numbers = [n for n, at in latest if start - days < at <= start][:NOTE_NUMBERS]
        if len(numbers) < min(count, NOTE_NUMBERS):  # an onset far back: read its own
            numbers = list(
                _repeat_rows(incident, rules).values_list("number", flat=True)[:NOTE_NUMBERS]
            )
        notes[incident.pk] = _note(count, numbers, rules)
    return notes


def _note(count: int, latest: list[str], rules: UpwardRules) -> str:
    """ "4 lần trong 30 ngày (ngưỡng: 3 lần): BN-…, BN-…": the latest numbers, oldest first."""
    shown = ", ".join(reversed(latest[:NOTE_NUMBERS]))
    if count > NOTE_NUMBERS:
        shown = f"…, {shown}"
    return f"{count} lần trong {rules.repeat_days} ngày (ngưỡng: {rules.repeat_count} lần): {shown}"


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
    candidates = list(
        Incident.objects.open()
        .filter(is_drill=False, started_at__lte=now - timedelta(minutes=MIN_LONG_MINUTES))
        .exclude(upward_reports__reason=UpwardReason.PROLONGED)
        .select_related("center__province", "incident_type")
        .order_by("started_at")[:500]
    )
    rules = upward_rules_many(incident.center for incident in candidates)
    for incident in candidates:
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
        .select_related("center__province", "incident_type")
        .order_by("pk")[:200]
    )
    return upward_repeat_many(list(recent))


def _resolves_missed(now: datetime) -> int:
    """Incidents resolved by a path other than the resolve form (a major incident the
    province resolved for its centers): reported like the others."""
    queued = 0
    recent = list(
        Incident.objects.filter(
            is_drill=False,
            resolved_at__gte=now - REPEAT_BACKSTOP,
            resolved_at__lte=now,
        )
        .exclude(upward_reports__reason=UpwardReason.RESOLVED)
        .select_related("center__province", "incident_type")[:200]
    )
    rules = upward_rules_many(i.center for i in recent if i.tier != Tier.COMPLEX)
    for incident in recent:
        if incident.tier != Tier.COMPLEX and not rules[incident.center_id].every_incident:
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
