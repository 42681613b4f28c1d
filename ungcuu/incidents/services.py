"""Every write to an incident goes through here: one event per change, one transaction."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ungcuu.catalog.models import IncidentType, Tier
from ungcuu.core.errors import ServiceError
from ungcuu.core.text import fold, nfc
from ungcuu.incidents import permissions
from ungcuu.incidents.models import (
    Attachment,
    EventKind,
    Impact,
    Incident,
    IncidentEscalation,
    IncidentEvent,
    IncidentSequence,
    Status,
)
from ungcuu.incidents.uploads import check_uploads
from ungcuu.org.models import Center, Organisation, User

CLOCK_SKEW = timedelta(minutes=5)
MAX_TEXT = 4000
MAX_PEOPLE = 100_000


# --- helpers ---------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _text(value: str | None, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = nfc(value)
    if required and not text:
        raise ServiceError("Vui lòng nhập nội dung.", field=field)
    if len(text) > limit:
        raise ServiceError(f"Nội dung quá dài (tối đa {limit} ký tự).", field=field)
    return text


def _count(value, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError) as exc:
        raise ServiceError("Vui lòng nhập một số nguyên.", field=field) from exc
    if number < 0 or number > MAX_PEOPLE:
        raise ServiceError(f"Số phải từ 0 đến {MAX_PEOPLE}.", field=field)
    return number


def _moment(value, field: str, *, now: datetime, not_before: datetime | None = None) -> datetime:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise ServiceError("Thời điểm không hợp lệ.", field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + CLOCK_SKEW:
        raise ServiceError("Thời điểm không được ở tương lai.", field=field)
    # Forms give minutes only: a time in the same minute as ``not_before`` is fine.
    if not_before and moment < not_before.replace(second=0, microsecond=0):
        raise ServiceError(
            "Thời điểm này sớm hơn lúc sự cố phát sinh "
            f"({timezone.localtime(not_before):%d/%m/%Y %H:%M}).",
            field=field,
        )
    return moment


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _search_text(incident: Incident) -> str:
    parts = [
        incident.number,
        incident.incident_type.name,
        incident.description,
        incident.root_cause,
        incident.resolution,
    ]
    return fold(" ".join(part for part in parts if part))


def _next_number(center: Center, year: int) -> str:
    """The next number at a center in a year, e.g. BN-2026-0007 (call inside a transaction).

    One UPDATE … RETURNING takes the counter row's lock and reads it: every report
    of a center queues on this row until COMMIT, so it is the last thing before the
    inserts."""
    table = IncidentSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE center_id = %s AND year = %s RETURNING last",
            [center.pk, year],
        )
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                IncidentSequence.objects.create(center=center, year=year, last=1)
            last = 1
        except IntegrityError:  # another report created it first
            return _next_number(center, year)
    else:
        last = row[0]
    return f"{center.prefix}-{year}-{last:04d}"


# --- deriving state from events ----------------------------------------------


def apply_event(incident: Incident, event: IncidentEvent) -> None:
    """Change the incident row as ``event`` says (the timeline is the record)."""
    kind, p, at = event.kind, event.payload, event.at
    transition = permissions.TRANSITIONS.get(kind)
    if transition and transition[1]:
        incident.status = transition[1]
    if (
        kind in (EventKind.ACKNOWLEDGED, EventKind.STARTED, EventKind.ESCALATED, EventKind.RESOLVED)
        and incident.acknowledged_at is None
    ):
        incident.acknowledged_at = at
        incident.acknowledged_by_id = event.actor_id
    if kind == EventKind.REPORTED:
        incident.status = Status.REPORTED
    elif kind == EventKind.STARTED and incident.assignee_id is None:
        incident.assignee_id = event.actor_id
    elif kind == EventKind.ASSIGNED:
        incident.assignee_id = p.get("assignee_id")
    elif kind == EventKind.STEP_DONE:
        if p["step"] not in incident.steps_done:
            incident.steps_done = [*incident.steps_done, p["step"]]
    elif kind == EventKind.STEP_UNDONE:
        incident.steps_done = [step for step in incident.steps_done if step != p["step"]]
    elif kind == EventKind.ESCALATED:
        incident.escalated_at = incident.escalated_at or at
    elif kind == EventKind.RESOLVED:
        incident.resolved_at = at
        incident.restored_at = parse_datetime(p["restored_at"])
        incident.root_cause = p.get("root_cause", "")
        incident.resolution = p.get("resolution", "")
        incident.citizens_affected = p.get("citizens_affected", 0)
        incident.dossiers_delayed = p.get("dossiers_delayed", 0)
    elif kind == EventKind.CLOSED:
        incident.closed_at = at
    elif kind == EventKind.REOPENED:
        incident.resolved_at = None
        incident.restored_at = None
        incident.closed_at = None


DERIVED_FIELDS = (
    "status",
    "assignee_id",
    "acknowledged_at",
    "acknowledged_by_id",
    "escalated_at",
    "resolved_at",
    "restored_at",
    "closed_at",
    "root_cause",
    "resolution",
    "citizens_affected",
    "dossiers_delayed",
    "steps_done",
)


def derive_state(incident: Incident) -> dict:
    """The derived fields as the timeline alone gives them."""
    blank = Incident(
        pk=incident.pk,
        status=Status.REPORTED,
        steps_done=[],
        citizens_affected=0,
        dossiers_delayed=0,
    )
    for event in incident.events.order_by("at", "id"):
        apply_event(blank, event)
    return {field: getattr(blank, field) for field in DERIVED_FIELDS}


@transaction.atomic
def incident_rebuild(*, incident: Incident) -> Incident:
    """Derive the incident row again from its timeline."""
    for field, value in derive_state(incident).items():
        setattr(incident, field, value)
    incident.search_text = _search_text(incident)
    incident.save()
    for event in incident.events.filter(kind=EventKind.ESCALATED).order_by("at", "id"):
        _record_escalations(incident, event)
    return incident


# --- reporting -----------------------------------------------------------------


@dataclass
class ReportResult:
    incident: Incident
    created: bool


def incident_report(
    *,
    actor: User,
    center: Center,
    incident_type: IncidentType,
    description: str = "",
    started_at: datetime | str | None = None,
    impact: str = Impact.PARTIAL,
    citizens_waiting: int | str = 0,
    tier: str | None = None,
    client_uuid: uuid_lib.UUID | str | None = None,
    files: Iterable[UploadedFile] = (),
    now: datetime | None = None,
) -> ReportResult:
    """Report an incident. Replaying the same ``client_uuid`` returns the first one."""
    now = _now(now)
    client_uuid = _uuid(client_uuid, "client_uuid") if client_uuid else uuid_lib.uuid4()
    try:
        incident, event, checked_files = _new_report(
            actor=actor,
            center=center,
            incident_type=incident_type,
            description=description,
            started_at=started_at,
            impact=impact,
            citizens_waiting=citizens_waiting,
            tier=tier,
            client_uuid=client_uuid,
            files=files,
            now=now,
        )
    except ServiceError:
        # A replay is answered with the first report even if its input would no
        # longer pass (the onset now over a year ago, the type retired…).
        existing = Incident.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return ReportResult(_replayed(existing, actor, center), created=False)

    # Everything is prepared before the transaction: the counter row is locked
    # only for the three statements that need it.
    try:
        with transaction.atomic():
            incident.number = _next_number(center, timezone.localtime(now).year)
            incident.search_text = f"{fold(incident.number)} {incident.search_text}"
            incident.save(force_insert=True)
            event.incident = incident
            event.save(force_insert=True)
            for upload, content_type, ext in checked_files:
                _store_attachment(actor, incident, upload, content_type, ext, now)
    except IntegrityError:
        existing = Incident.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return ReportResult(_replayed(existing, actor, center), created=False)
    return ReportResult(incident, created=True)


def _new_report(
    *,
    actor,
    center,
    incident_type,
    description,
    started_at,
    impact,
    citizens_waiting,
    tier,
    client_uuid,
    files,
    now,
) -> tuple[Incident, IncidentEvent, list]:
    """Check a report and build (unsaved) its incident and "reported" event."""
    if not permissions.may_report(actor):
        raise ServiceError("Tài khoản của bạn không được báo sự cố.", status=403)
    if not incident_type.is_active:
        raise ServiceError("Loại sự cố này không còn dùng.", field="type")
    if impact not in Impact.values:
        raise ServiceError("Mức ảnh hưởng không hợp lệ.", field="impact")
    if incident_type.tier_chosen_by_reporter and tier:
        if tier not in Tier.values:
            raise ServiceError("Mức độ không hợp lệ.", field="tier")
    else:
        tier = incident_type.tier
    description = _text(description, "description")
    waiting = _count(citizens_waiting, "citizens_waiting")
    started = _moment(started_at or now, "started_at", now=now)
    if started < now - timedelta(days=366):
        raise ServiceError("Thời điểm phát sinh quá xa (hơn một năm trước).", field="started_at")
    checked_files = check_uploads(list(files))
    incident = Incident(
        client_uuid=client_uuid,
        center=center,
        incident_type=incident_type,
        tier=tier,
        description=description,
        impact=impact,
        citizens_waiting=waiting,
        started_at=started,
        reported_at=now,
        reporter=actor,
        number="",
    )
    incident.search_text = _search_text(incident)
    event = IncidentEvent(
        uuid=uuid_lib.uuid4(),
        kind=EventKind.REPORTED,
        actor=actor,
        at=now,
        payload={
            "type": incident_type.code,
            "tier": tier,
            "description": description,
            "impact": impact,
            "citizens_waiting": waiting,
            "started_at": _iso(started),
        },
    )
    return incident, event, checked_files


def _replayed(existing: Incident, actor: User, center: Center) -> Incident:
    from ungcuu.incidents.selectors import incidents_for

    if existing.center_id != center.id or not incidents_for(actor).filter(pk=existing.pk).exists():
        raise ServiceError(
            "Mã client_uuid này đã được dùng cho một sự cố khác.", status=409, field="client_uuid"
        )
    return existing


def _uuid(value, field: str) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise ServiceError("Mã UUID không hợp lệ.", field=field) from exc


# --- the timeline ----------------------------------------------------------------


def _append(
    *,
    actor: User,
    incident: Incident,
    kind: str,
    payload: dict | None = None,
    event_uuid: uuid_lib.UUID | str | None = None,
    now: datetime | None = None,
    check: Callable[[Incident, dict], dict] | None = None,
    after: Callable[[Incident, IncidentEvent], None] | None = None,
) -> tuple[IncidentEvent, bool]:
    """Append one event under a row lock and apply it. Replays by ``event_uuid``."""
    event_uuid = _uuid(event_uuid, "uuid") if event_uuid else uuid_lib.uuid4()
    existing = IncidentEvent.objects.filter(uuid=event_uuid).first()
    if existing:
        if existing.incident_id != incident.pk:
            raise ServiceError("Mã uuid này đã được dùng.", field="uuid", status=409)
        return existing, False
    now = _now(now)
    with transaction.atomic():
        locked = (
            Incident.objects.select_for_update().select_related("incident_type").get(pk=incident.pk)
        )
        if not permissions.may(actor, kind, locked):
            allowed_from = permissions.TRANSITIONS.get(kind, (frozenset(),))[0]
            if kind in permissions.TRANSITIONS and locked.status not in allowed_from:
                raise ServiceError(
                    f"Không thể “{EventKind(kind).label.lower()}” khi sự cố "
                    f"đang ở trạng thái “{locked.get_status_display().lower()}”.",
                    status=409,
                )
            raise ServiceError("Bạn không có quyền thực hiện thao tác này.", status=403)
        if check:
            payload = check(locked, payload or {})
        event = IncidentEvent.objects.create(
            uuid=event_uuid,
            incident=locked,
            kind=kind,
            actor=actor,
            at=now,
            payload=payload or {},
        )
        apply_event(locked, event)
        locked.search_text = _search_text(locked)
        locked.save()
        if after:
            after(locked, event)
    incident.refresh_from_db()
    return event, True


def incident_acknowledge(*, actor: User, incident: Incident, event_uuid=None, now=None):
    """Acknowledge; once someone has, a second acknowledgement answers with that one."""
    try:
        return _append(
            actor=actor,
            incident=incident,
            kind=EventKind.ACKNOWLEDGED,
            event_uuid=event_uuid,
            now=now,
        )
    except ServiceError as exc:
        incident.refresh_from_db()
        first = _acknowledging_event(incident)
        if exc.status != 409 or first is None:
            raise
        return first, False


def _acknowledging_event(incident: Incident) -> IncidentEvent | None:
    """The event that first acknowledged the incident (an ack, a start, an escalation…)."""
    if incident.acknowledged_at is None:
        return None
    return (
        incident.events.filter(
            at=incident.acknowledged_at,
            kind__in=[
                EventKind.ACKNOWLEDGED,
                EventKind.STARTED,
                EventKind.ESCALATED,
                EventKind.RESOLVED,
            ],
        )
        .order_by("id")
        .first()
    )


def incident_start(*, actor: User, incident: Incident, event_uuid=None, now=None):
    return _append(
        actor=actor, incident=incident, kind=EventKind.STARTED, event_uuid=event_uuid, now=now
    )


def incident_note(*, actor: User, incident: Incident, text: str, event_uuid=None, now=None):
    text = _text(text, "text", required=True)
    return _append(
        actor=actor,
        incident=incident,
        kind=EventKind.NOTE,
        payload={"text": text},
        event_uuid=event_uuid,
        now=now,
    )


def incident_assign(*, actor: User, incident: Incident, assignee: User, event_uuid=None, now=None):
    if assignee.center_id != incident.center_id or not assignee.is_active:
        raise ServiceError("Người được giao phải thuộc Trung tâm của sự cố.", field="assignee")
    return _append(
        actor=actor,
        incident=incident,
        kind=EventKind.ASSIGNED,
        payload={"assignee_id": assignee.pk, "assignee": assignee.display_name},
        event_uuid=event_uuid,
        now=now,
    )


def incident_step(
    *, actor: User, incident: Incident, step: int, done: bool = True, event_uuid=None, now=None
):
    """Tick (or untick) a playbook step; ticking one already ticked changes nothing."""
    try:
        position = int(step)
    except (TypeError, ValueError) as exc:
        raise ServiceError("Bước xử lý không hợp lệ.", field="step") from exc
    playbook = incident.incident_type.steps.filter(position=position).first()
    if playbook is None:
        raise ServiceError("Không có bước xử lý này trong hướng dẫn.", field="step")

    def check(locked: Incident, payload: dict) -> dict:
        if (position in locked.steps_done) == done:
            raise _Unchanged
        return payload

    try:
        return _append(
            actor=actor,
            incident=incident,
            kind=EventKind.STEP_DONE if done else EventKind.STEP_UNDONE,
            payload={"step": position, "text": playbook.text},
            event_uuid=event_uuid,
            now=now,
            check=check,
        )
    except _Unchanged:
        # Already in that state: answer with the event that put it there.
        latest = (
            incident.events.filter(
                kind__in=[EventKind.STEP_DONE, EventKind.STEP_UNDONE], payload__step=position
            )
            .order_by("-at", "-id")
            .first()
        )
        if latest is None:
            raise ServiceError("Bước này chưa được đánh dấu.", field="step", status=409) from None
        return latest, False


class _Unchanged(Exception):
    pass


def incident_escalate(
    *,
    actor: User,
    incident: Incident,
    organisations: Iterable[Organisation],
    note: str = "",
    event_uuid=None,
    now=None,
):
    """Escalate to outside organisations (which may then see and update the incident)."""
    orgs = list(organisations)
    note = _text(note, "note")
    return _append(
        actor=actor,
        incident=incident,
        kind=EventKind.ESCALATED,
        payload={
            "organisations": [{"id": org.pk, "name": org.name} for org in orgs],
            "note": note,
        },
        event_uuid=event_uuid,
        now=now,
        after=_record_escalations,
    )


def _record_escalations(incident: Incident, event: IncidentEvent) -> None:
    """Who may see the incident follows from its escalated events (same transaction)."""
    for org in event.payload.get("organisations", []):
        IncidentEscalation.objects.get_or_create(
            incident=incident, organisation_id=org["id"], defaults={"at": event.at}
        )


def incident_resolve(
    *,
    actor: User,
    incident: Incident,
    root_cause: str,
    restored_at: datetime | str | None = None,
    resolution: str = "",
    citizens_affected: int | str = 0,
    dossiers_delayed: int | str = 0,
    event_uuid=None,
    now: datetime | None = None,
):
    now = _now(now)
    restored = _moment(restored_at or now, "restored_at", now=now, not_before=incident.started_at)
    # A form gives minutes only: within the onset's minute, restoring counts from the onset.
    restored = max(restored, incident.started_at)
    payload = {
        "root_cause": _text(root_cause, "root_cause", required=True),
        "resolution": _text(resolution, "resolution"),
        "restored_at": _iso(restored),
        "citizens_affected": _count(citizens_affected, "citizens_affected"),
        "dossiers_delayed": _count(dossiers_delayed, "dossiers_delayed"),
    }
    return _append(
        actor=actor,
        incident=incident,
        kind=EventKind.RESOLVED,
        payload=payload,
        event_uuid=event_uuid,
        now=now,
    )


def incident_close(*, actor: User, incident: Incident, event_uuid=None, now=None):
    return _append(
        actor=actor, incident=incident, kind=EventKind.CLOSED, event_uuid=event_uuid, now=now
    )


def incident_reopen(*, actor: User, incident: Incident, reason: str, event_uuid=None, now=None):
    reason = _text(reason, "reason", required=True)
    return _append(
        actor=actor,
        incident=incident,
        kind=EventKind.REOPENED,
        payload={"reason": reason},
        event_uuid=event_uuid,
        now=now,
    )


# --- attachments ---------------------------------------------------------------------


def _store_attachment(actor, incident, upload, content_type, ext, now) -> Attachment:
    attachment = Attachment(
        incident=incident,
        content_type=content_type,
        size=upload.size,
        original_name=nfc(upload.name)[:255],
        uploaded_by=actor,
    )
    attachment.file.save(f"{attachment.uuid}.{ext}", upload, save=False)
    attachment.save()
    IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.ATTACHMENT,
        actor=actor,
        at=now,
        payload={
            "attachment": str(attachment.uuid),
            "name": attachment.original_name,
            "content_type": content_type,
        },
    )
    return attachment


def attachment_add(
    *, actor: User, incident: Incident, files: Iterable[UploadedFile], now: datetime | None = None
) -> list[Attachment]:
    checked = check_uploads(list(files))
    if not checked:
        raise ServiceError("Vui lòng chọn ảnh hoặc video.", field="files")
    if not permissions.may(actor, EventKind.ATTACHMENT, incident):
        raise ServiceError("Bạn không có quyền thực hiện thao tác này.", status=403)
    now = _now(now)
    with transaction.atomic():
        return [_store_attachment(actor, incident, *item, now) for item in checked]


# --- one entry for events coming from a form or the API --------------------------


def incident_event(
    *, actor: User, incident: Incident, kind: str, data: dict, event_uuid=None
) -> tuple[IncidentEvent, bool]:
    """Record an event described by plain input (a form or an API body).

    Returns the event and whether it is new; ticking a step that is already
    ticked returns the event that ticked it and False."""
    common = {"actor": actor, "incident": incident, "event_uuid": event_uuid}
    if kind == EventKind.ACKNOWLEDGED:
        return incident_acknowledge(**common)
    if kind == EventKind.STARTED:
        return incident_start(**common)
    if kind == EventKind.NOTE:
        return incident_note(text=data.get("text", ""), **common)
    if kind in (EventKind.STEP_DONE, EventKind.STEP_UNDONE):
        if data.get("step") in (None, ""):
            raise ServiceError("Vui lòng chọn bước xử lý.", field="step")
        return incident_step(step=data["step"], done=kind == EventKind.STEP_DONE, **common)
    if kind == EventKind.ASSIGNED:
        assignee = User.objects.filter(username=data.get("assignee") or "").first()
        if assignee is None:
            raise ServiceError("Không tìm thấy người được giao.", field="assignee")
        return incident_assign(assignee=assignee, **common)
    if kind == EventKind.ESCALATED:
        try:
            wanted = {int(pk) for pk in data.get("organisations") or []}
        except (TypeError, ValueError) as exc:
            raise ServiceError("Đơn vị không hợp lệ.", field="organisations") from exc
        if not wanted:
            raise ServiceError("Vui lòng chọn ít nhất một đơn vị.", field="organisations")
        organisations = list(Organisation.objects.filter(pk__in=wanted))
        if len(organisations) != len(wanted):
            raise ServiceError("Có đơn vị không tồn tại.", field="organisations")
        return incident_escalate(organisations=organisations, note=data.get("text", ""), **common)
    if kind == EventKind.RESOLVED:
        return incident_resolve(
            root_cause=data.get("root_cause", ""),
            resolution=data.get("resolution", ""),
            restored_at=data.get("restored_at") or None,
            citizens_affected=data.get("citizens_affected") or 0,
            dossiers_delayed=data.get("dossiers_delayed") or 0,
            **common,
        )
    if kind == EventKind.CLOSED:
        return incident_close(**common)
    if kind == EventKind.REOPENED:
        return incident_reopen(reason=data.get("reason", ""), **common)
    raise ServiceError("Thao tác không hợp lệ.", field="kind")
