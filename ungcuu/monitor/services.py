"""Probes: who may configure them, the state each check leads to, and the runner.

A probe's failure opens an incident through ``incident_open_automatic`` (the path of a
person's report: numbering, routing, escalation, board, log book) and its recovery marks
that incident restored as the system account; a person still writes the root cause and
closes it (R12, R17).
"""

from __future__ import annotations

import uuid as uuid_lib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError
from ungcuu.core.text import NulCharacterError, clean_text
from ungcuu.incidents.models import OPEN_STATUSES, Impact, Incident, Source
from ungcuu.monitor.checks import CheckResult, run_check
from ungcuu.monitor.models import (
    MAX_INTERVAL,
    MAX_STREAK,
    MIN_INTERVAL,
    Probe,
    ProbeChange,
    ProbeHour,
    ProbeKind,
    ProbeState,
)
from ungcuu.monitor.targets import parse_target
from ungcuu.org.models import Center, Role, User
from ungcuu.org.scope import acts_on, sees_everything

MANAGERS = frozenset({Role.IT_OFFICER, Role.TEAM_LEADER, Role.CENTER_LEADER})
KEEP_DAYS = 400
RUN_BATCH = 200
RUN_WORKERS = 8
RESTORE_NAMESPACE = uuid_lib.UUID("0f6d3f3e-3d52-4c1b-9a5e-6a0c2b8e7d21")


# --- who may ------------------------------------------------------------------------


def may_manage(user: User, center: Center | None = None) -> bool:
    """The center's IT officer, team leader and center leader; an administrator."""
    if not (user.is_authenticated and user.is_active):
        return False
    if sees_everything(user):
        return True
    if user.role not in MANAGERS:
        return False
    return center is None or user.center_id == center.pk


def require_manager(user: User, center: Center) -> None:
    if not acts_on(user, center):
        raise ServiceError("Không tìm thấy trung tâm.", status=404, field="center")
    if not may_manage(user, center):
        raise ServiceError(
            "Chỉ Cán bộ CNTT, Tổ trưởng Tổ ứng cứu, Lãnh đạo Trung tâm hoặc quản trị hệ thống "
            "được cấu hình giám sát.",
            status=403,
        )


# --- configuring --------------------------------------------------------------------


def _clean(value, field: str, *, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ServiceError("Vui lòng nhập chữ.", field=field)
    try:
        text = clean_text(value).strip()
    except NulCharacterError as exc:
        raise ServiceError("Có ký tự không hợp lệ (NUL).", field=field) from exc
    if required and not text:
        raise ServiceError("Vui lòng nhập thông tin này.", field=field)
    if len(text) > limit:
        raise ServiceError(f"Dài quá {limit} ký tự.", field=field)
    return text


def _whole(value, field: str, low: int, high: int, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ServiceError("Vui lòng nhập một số nguyên.", field=field)
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ServiceError("Vui lòng nhập một số nguyên.", field=field) from exc
    if not low <= number <= high:
        raise ServiceError(f"Số phải từ {low} đến {high}.", field=field)
    return number


def incident_type_of(code) -> IncidentType:
    found = (
        IncidentType.objects.active().filter(code=code).first() if isinstance(code, str) else None
    )
    if found is None:
        raise ServiceError("Không có loại sự cố này trong danh mục.", field="incident_type")
    return found


def probe_save(
    *,
    actor: User,
    center: Center,
    probe: Probe | None = None,
    name,
    kind,
    target,
    incident_type: IncidentType | str,
    interval_s=None,
    fail_after=None,
    recover_after=None,
    keyword="",
    flap_changes=None,
    flap_minutes=None,
    enabled: bool = True,
) -> Probe:
    """Create or change a probe. A changed kind or target starts its state afresh."""
    require_manager(actor, center)
    if probe is not None and probe.center_id != center.pk:
        raise ServiceError("Không tìm thấy điểm giám sát.", status=404)
    name = _clean(name, "name", limit=100, required=True)
    if kind not in ProbeKind.values:
        raise ServiceError("Cách kiểm tra không hợp lệ.", field="kind")
    target = _clean(target, "target", limit=255, required=True)
    try:
        parse_target(kind, target)
    except ValueError as exc:
        raise ServiceError(str(exc), field="target") from exc
    if not isinstance(incident_type, IncidentType):
        incident_type = incident_type_of(incident_type)
    elif not incident_type.is_active:
        raise ServiceError("Loại sự cố này không còn dùng.", field="incident_type")
    keyword = _clean(keyword, "keyword", limit=200)
    if keyword and kind != ProbeKind.HTTP:
        raise ServiceError("Từ khóa chỉ dùng cho cách kiểm tra HTTP.", field="keyword")
    values = {
        "name": name,
        "kind": kind,
        "target": target,
        "incident_type": incident_type,
        "interval_s": _whole(interval_s, "interval_s", MIN_INTERVAL, MAX_INTERVAL, 60),
        "fail_after": _whole(fail_after, "fail_after", 1, MAX_STREAK, 3),
        "recover_after": _whole(recover_after, "recover_after", 1, MAX_STREAK, 2),
        "keyword": keyword,
        "flap_changes": _whole(flap_changes, "flap_changes", 2, MAX_STREAK, 4),
        "flap_minutes": _whole(flap_minutes, "flap_minutes", 1, 1440, 30),
        "enabled": bool(enabled),
    }
    clash = Probe.objects.filter(center=center, name=name)
    if probe is not None:
        clash = clash.exclude(pk=probe.pk)
    if clash.exists():
        raise ServiceError("Trung tâm đã có điểm giám sát tên này.", field="name")
    with transaction.atomic():
        if probe is None:
            probe = Probe(center=center, next_run_at=timezone.now())
        else:
            probe = Probe.objects.select_for_update().get(pk=probe.pk)
            if (probe.kind, probe.target) != (kind, target):
                _start_afresh(probe)
            if values["enabled"] and not probe.enabled:
                probe.next_run_at = timezone.now()
        for field, value in values.items():
            setattr(probe, field, value)
        probe.save()
    return probe


def _start_afresh(probe: Probe) -> None:
    probe.state = ProbeState.UNKNOWN
    probe.flapping = False
    probe.fail_count = probe.ok_count = 0
    probe.first_failure_at = probe.first_success_at = None
    probe.last_error = probe.warning = ""
    probe.next_run_at = timezone.now()


def probe_set_enabled(*, actor: User, probe: Probe, enabled: bool) -> Probe:
    require_manager(actor, probe.center)
    with transaction.atomic():
        locked = Probe.objects.select_for_update().get(pk=probe.pk)
        if locked.enabled != enabled:
            locked.enabled = enabled
            if enabled:
                _start_afresh(locked)
            locked.save()
    return locked


def probe_delete(*, actor: User, probe: Probe) -> None:
    """Remove a probe and its history; an incident it opened stays, as any incident."""
    require_manager(actor, probe.center)
    Probe.objects.filter(pk=probe.pk).delete()


# --- one check's outcome -------------------------------------------------------------


def _count_hour(probe: Probe, result: CheckResult, now: datetime) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0)
    latency = result.latency_ms
    bucket, created = ProbeHour.objects.get_or_create(
        probe=probe,
        hour=hour,
        defaults={
            "up": int(result.ok),
            "down": int(not result.ok),
            "latency_min": latency,
            "latency_max": latency,
            "latency_sum": latency or 0,
            "latency_count": int(latency is not None),
        },
    )
    if created:
        return
    updates = {"up": F("up") + int(result.ok), "down": F("down") + int(not result.ok)}
    if latency is not None:
        updates.update(
            latency_sum=F("latency_sum") + latency,
            latency_count=F("latency_count") + 1,
            latency_min=Least(F("latency_min"), latency)
            if bucket.latency_min is not None
            else latency,
            latency_max=Greatest(F("latency_max"), latency)
            if bucket.latency_max is not None
            else latency,
        )
    ProbeHour.objects.filter(pk=bucket.pk).update(**updates)


def record_result(probe_id: int, result: CheckResult, *, now: datetime | None = None) -> Probe:
    """Fold one check into the probe: counters, hourly figures, state, incident."""
    now = now or timezone.now()
    with transaction.atomic():
        probe = (
            Probe.objects.select_for_update(of=("self",))
            .select_related("center", "incident_type", "open_incident")
            .get(pk=probe_id)
        )
        probe.last_checked_at = now
        probe.last_latency_ms = result.latency_ms
        probe.last_error = result.error[:500]
        probe.warning = result.warning[:300]
        if result.unusable:
            probe.save()
            return probe
        _count_hour(probe, result, now)
        if result.ok:
            probe.ok_count += 1
            if probe.ok_count == 1:
                probe.first_success_at = now
            probe.fail_count = 0
        else:
            probe.fail_count += 1
            if probe.fail_count == 1:
                probe.first_failure_at = now
            probe.ok_count = 0
        wanted = probe.state
        if not result.ok and probe.fail_count >= probe.fail_after:
            wanted = ProbeState.DOWN
        elif result.ok and (
            probe.state == ProbeState.UNKNOWN
            or (probe.state == ProbeState.DOWN and probe.ok_count >= probe.recover_after)
        ):
            wanted = ProbeState.UP
        recent = probe.changes.filter(at__gte=now - timedelta(minutes=probe.flap_minutes)).count()
        if wanted != probe.state:
            if probe.state != ProbeState.UNKNOWN and recent >= probe.flap_changes:
                probe.flapping = True  # hold the state; the page says "đang chập chờn"
                ProbeChange.objects.create(
                    probe=probe, at=now, state=wanted, held=True, error=result.error[:500]
                )
            else:
                _change(probe, wanted, result, now)
        elif probe.flapping and recent < probe.flap_changes:
            probe.flapping = False
        if probe.state == ProbeState.DOWN and not probe.flapping and not _still_open(probe):
            # Down, and the incident it opened was closed by a person: a new outage.
            probe.first_failure_at = now
            _open_incident(probe, result, now)
        probe.save()
    return probe


def _still_open(probe: Probe) -> bool:
    incident = probe.open_incident
    if incident is None:
        return False
    incident.refresh_from_db(fields=["status"])
    return incident.status in OPEN_STATUSES


def _change(probe: Probe, state: str, result: CheckResult, now: datetime) -> None:
    was = probe.state
    probe.state = state
    probe.flapping = False
    change = ProbeChange(probe=probe, at=now, state=state, error=result.error[:500])
    if state == ProbeState.DOWN:
        if not _still_open(probe):
            _open_incident(probe, result, now)
        change.incident = probe.open_incident
    elif was == ProbeState.DOWN and probe.open_incident_id:
        _restore_incident(probe, now)
        change.incident = probe.open_incident
    change.save()


def _describe(probe: Probe, result: CheckResult) -> str:
    since = timezone.localtime(probe.first_failure_at)
    error = (result.error or "kiểm tra không đạt").rstrip()
    if not error.endswith((".", "!", "?")):
        error += "."
    return (
        f"Giám sát tự động “{probe.name}” ({probe.get_kind_display()} {probe.target}) báo "
        f"gián đoạn: {error} Lỗi từ {since:%H:%M:%S %d/%m/%Y}, "
        f"{probe.fail_count} lần kiểm tra liên tiếp không đạt."
    )


def _open_incident(probe: Probe, result: CheckResult, now: datetime) -> None:
    from ungcuu.incidents.services import incident_open_automatic

    incident_type = probe.incident_type
    if result.type_code and result.type_code != incident_type.code:
        incident_type = IncidentType.objects.active().filter(code=result.type_code).first() or (
            incident_type
        )
    started = probe.first_failure_at or now
    try:
        with transaction.atomic():
            opened = incident_open_automatic(
                center=probe.center,
                incident_type=incident_type,
                source=Source.PROBE,
                key=f"probe:{probe.pk}:{started.isoformat()}",
                description=_describe(probe, result),
                started_at=started,
                impact=result.impact or Impact.PARTIAL,
                now=now,
            )
    except ServiceError as exc:
        probe.last_error = f"Không mở được sự cố: {exc.message}"[:500]
        return
    probe.open_incident = opened.incident


def _restore_incident(probe: Probe, now: datetime) -> None:
    """Mark the incident the probe opened restored, as the system account, by one
    "resolved" event that names the probe; the person closing it writes the root cause."""
    from ungcuu.incidents.services.timeline import incident_restore_automatic

    incident = probe.open_incident
    incident.refresh_from_db()
    if incident.status not in OPEN_STATUSES:
        return  # a person resolved or closed it already
    restored = max(probe.first_success_at or now, incident.started_at)
    marked = incident_restore_automatic(
        incident=incident,
        restored_at=restored,
        resolution=(
            f"Giám sát tự động “{probe.name}”: dịch vụ hoạt động trở lại lúc "
            f"{timezone.localtime(restored):%H:%M:%S %d/%m/%Y} ({probe.ok_count} lần kiểm tra "
            "liên tiếp đạt). Người xử lý ghi nguyên nhân khi đóng sự cố."
        ),
        key=f"probe:{probe.pk}:{incident.pk}:{restored.isoformat()}",
        extra={"source": Source.PROBE, "probe": probe.name},
        now=now,
    )
    if not marked:  # changed by a person meanwhile
        probe.last_error = "Không ghi được khôi phục: sự cố đã được người xử lý cập nhật."


# --- the runner -------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    pk: int
    kind: str
    target: str
    keyword: str


def claim_due(*, now: datetime | None = None, limit: int = RUN_BATCH) -> list[Claimed]:
    """Take the probes that are due: each one's ``next_run_at`` is moved on by one
    interval in an UPDATE that names its old value, so of two runners that saw the same
    probe due, exactly one takes it."""
    now = now or timezone.now()
    return take(due_rows(now=now, limit=limit), now=now)


def due_rows(*, now: datetime, limit: int = RUN_BATCH) -> list[tuple]:
    due = Probe.objects.filter(enabled=True, next_run_at__lte=now).order_by("next_run_at")
    return list(
        due.values_list("pk", "next_run_at", "interval_s", "kind", "target", "keyword")[:limit]
    )


def take(rows: list[tuple], *, now: datetime) -> list[Claimed]:
    """Claim the probes of ``rows`` (as :func:`due_rows` read them): those another
    runner moved on meanwhile are left to it."""
    taken = []
    for pk, at, interval, kind, target, keyword in rows:
        moved = Probe.objects.filter(pk=pk, next_run_at=at, enabled=True).update(
            next_run_at=now + timedelta(seconds=interval)
        )
        if moved:
            taken.append(Claimed(pk, kind, target, keyword))
    return taken


def run_due(
    *, now: datetime | None = None, limit: int = RUN_BATCH, workers: int = RUN_WORKERS
) -> int:
    """Run every due probe once: the checks side by side (at most ``workers`` at a
    time), their outcomes recorded one after the other here. Returns how many ran."""
    taken = claim_due(now=now, limit=limit)
    if not taken:
        return 0
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(taken)))) as pool:
        results = list(pool.map(lambda c: run_check(c.kind, c.target, c.keyword), taken))
    for claimed, result in zip(taken, results, strict=True):
        try:
            record_result(claimed.pk, result)
        except Probe.DoesNotExist:
            continue  # deleted while it ran
    return len(taken)


def run_probe_now(probe: Probe) -> Probe:
    """Check one probe at once, whatever its schedule (the command's ``--all``)."""
    result = run_check(probe.kind, probe.target, probe.keyword)
    return record_result(probe.pk, result)


def prune(*, now: datetime | None = None, keep_days: int = KEEP_DAYS) -> int:
    """Forget hourly figures and state changes older than ``keep_days``."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    hours, _ = ProbeHour.objects.filter(hour__lt=cutoff).delete()
    changes, _ = ProbeChange.objects.filter(at__lt=cutoff).delete()
    return hours + changes


def incident_probe(incident: Incident) -> Probe | None:
    return Probe.objects.filter(open_incident=incident).first()
