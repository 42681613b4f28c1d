"""Drills (diễn tập): schedule, run, evaluate; a yearly plan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError
from ungcuu.org.models import Center, User
from ungcuu.readiness.models import Drill, DrillStatus
from ungcuu.readiness.services.common import (
    client_uuid as _client_uuid,
)
from ungcuu.readiness.services.common import is_keeper, require, require_center, text
from ungcuu.sync.outbox import require_writer

# A drill someone forgot to end stops marking incidents as drill records after this
# long: a real incident the next morning must never be taken for a drill.
DRILL_MAX_DURATION = timedelta(hours=8)


def drill_running(center: Center | int, at: datetime) -> Drill | None:
    """The drill running at a center at that moment, if any: started at most
    ``DRILL_MAX_DURATION`` (8 hours) before and not ended yet."""
    center_id = center if isinstance(center, int) else center.pk
    return (
        Drill.objects.filter(
            center_id=center_id,
            status=DrillStatus.RUNNING,
            started_at__lte=at,
            started_at__gt=at - DRILL_MAX_DURATION,
        )
        .order_by("-started_at")
        .first()
    )


def drill_is_running(center: Center | int, at: datetime) -> bool:
    """Whether ``drill_running`` finds a drill, in one plain statement: every report
    asks it, so it skips building the query each time."""
    center_id = center if isinstance(center, int) else center.pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {Drill._meta.db_table} WHERE center_id = %s AND status = %s"
            " AND started_at <= %s AND started_at > %s LIMIT 1",
            [
                center_id,
                DrillStatus.RUNNING.value,
                connection.ops.adapt_datetimefield_value(at),
                connection.ops.adapt_datetimefield_value(at - DRILL_MAX_DURATION),
            ],
        )
        return cursor.fetchone() is not None


def _moment(value, field: str) -> datetime:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise ServiceError("Thời gian không hợp lệ.", field=field)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def drill_schedule(
    *,
    actor: User,
    center: Center,
    scenario: IncidentType,
    scheduled_at,
    participants: Iterable[User] = (),
    client_uuid=None,
    now: datetime | None = None,
) -> Drill:
    require(is_keeper(actor))
    require_center(actor, center)
    require_writer(center, "tổ chức diễn tập")
    key = _client_uuid(client_uuid)
    existing = Drill.objects.filter(client_uuid=key).first()
    if existing is not None:
        if existing.center_id != center.pk:
            raise ServiceError("Mã client_uuid này đã được dùng.", status=409, field="client_uuid")
        return existing
    now = now or timezone.now()
    when = _moment(scheduled_at, "scheduled_at")
    if when < now:
        raise ServiceError("Không lên lịch diễn tập vào thời điểm đã qua.", field="scheduled_at")
    people = list(participants)
    if any(p.center_id != center.pk for p in people):
        raise ServiceError("Người tham gia phải thuộc Trung tâm.", field="participants")
    try:
        with transaction.atomic():
            drill = Drill.objects.create(
                client_uuid=key,
                center=center,
                scenario=scenario,
                scheduled_at=when,
                planned_by=actor,
            )
            drill.participants.set(people)
    except IntegrityError:
        return Drill.objects.get(client_uuid=key)
    return drill


def drill_start(*, actor: User, drill: Drill, now: datetime | None = None) -> Drill:
    """From now until the drill ends, incidents reported at the center are drill records."""
    require(is_keeper(actor))
    require_center(actor, drill.center)
    require_writer(drill.center_id, "tổ chức diễn tập")
    with transaction.atomic():
        # The center's row is the lock: two drills started at once cannot both run.
        Center.objects.select_for_update().filter(pk=drill.center_id).values_list("pk").first()
        locked = Drill.objects.select_for_update().get(pk=drill.pk)
        if locked.status != DrillStatus.PLANNED:
            raise ServiceError("Chỉ bắt đầu được buổi diễn tập đã lên lịch.", status=409)
        if Drill.objects.filter(center=drill.center_id, status=DrillStatus.RUNNING).exists():
            raise ServiceError("Trung tâm đang có một buổi diễn tập khác.", status=409)
        locked.status, locked.started_at = DrillStatus.RUNNING, now or timezone.now()
        locked.save(update_fields=["status", "started_at"])
    drill.status, drill.started_at = locked.status, locked.started_at
    return drill


def drill_incidents(drill: Drill):
    from ungcuu.incidents.models import Incident

    qs = Incident.objects.filter(center=drill.center, is_drill=True)
    if drill.started_at:
        qs = qs.filter(reported_at__gte=drill.started_at)
    if drill.ended_at:
        qs = qs.filter(reported_at__lte=drill.ended_at)
    return qs.order_by("reported_at")


def _minutes(delta) -> int:
    return max(0, round(delta.total_seconds() / 60))


def drill_end(*, actor: User, drill: Drill, now: datetime | None = None) -> Drill:
    """End the drill and measure the times from its incidents."""
    require(is_keeper(actor))
    require_center(actor, drill.center)
    require_writer(drill.center_id, "tổ chức diễn tập")
    if drill.status != DrillStatus.RUNNING:
        raise ServiceError("Buổi diễn tập này không đang diễn ra.", status=409)
    drill.status, drill.ended_at = DrillStatus.DONE, now or timezone.now()
    first = drill_incidents(drill).first()
    if first is not None:
        drill.minutes_to_report = _minutes(first.reported_at - drill.started_at)
        if first.acknowledged_at:
            drill.minutes_to_ack = _minutes(first.acknowledged_at - first.reported_at)
    drill.save()
    return drill


def drill_evaluate(*, actor: User, drill: Drill, minutes_to_paper=None, lessons: str = "") -> Drill:
    require(is_keeper(actor))
    require_center(actor, drill.center)
    require_writer(drill.center_id, "tổ chức diễn tập")
    if drill.status != DrillStatus.DONE:
        raise ServiceError("Chỉ đánh giá được buổi diễn tập đã kết thúc.", status=409)
    if minutes_to_paper not in (None, ""):
        try:
            value = int(str(minutes_to_paper))
        except ValueError as exc:
            raise ServiceError("Vui lòng nhập số phút.", field="minutes_to_paper") from exc
        if value < 0 or value > 24 * 60:
            raise ServiceError("Số phút phải từ 0 đến 1440.", field="minutes_to_paper")
        drill.minutes_to_paper = value
    drill.lessons = text(lessons, "lessons", limit=4000)
    drill.save()
    return drill


def drill_cancel(*, actor: User, drill: Drill) -> Drill:
    require(is_keeper(actor))
    require_center(actor, drill.center)
    require_writer(drill.center_id, "tổ chức diễn tập")
    if drill.status != DrillStatus.PLANNED:
        raise ServiceError("Chỉ hủy được buổi diễn tập chưa bắt đầu.", status=409)
    drill.status = DrillStatus.CANCELLED
    drill.save(update_fields=["status"])
    return drill
