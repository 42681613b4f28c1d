"""Every later change: one event under a row lock, applied to the row."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import transaction

from ungcuu.catalog.models import Tier
from ungcuu.catalog.playbooks import incident_steps
from ungcuu.core.errors import ServiceError
from ungcuu.core.numbers import parse_id, whole_number
from ungcuu.incidents import permissions
from ungcuu.incidents.models import (
    EventKind,
    Incident,
    IncidentEscalation,
    IncidentEvent,
    MajorScope,
    micros,
)
from ungcuu.incidents.services.common import (
    _count,
    _iso,
    _moment,
    _now,
    _search_text,
    _text,
    _uuid,
)
from ungcuu.incidents.services.state import _record_escalations, apply_event
from ungcuu.notify import services as notify
from ungcuu.org.models import Organisation, User
from ungcuu.org.scope import (
    assignable_people,
    escalation_targets,
    require_escalation_targets,
    require_incident,
)
from ungcuu.org.system import system_user


def _append(
    *,
    actor: User | None,
    incident: Incident,
    kind: str,
    payload: dict | None = None,
    event_uuid: uuid_lib.UUID | str | None = None,
    now: datetime | None = None,
    check: Callable[[Incident, dict], dict] | None = None,
    after: Callable[[Incident, IncidentEvent], None] | None = None,
    authorized: bool = False,
) -> tuple[IncidentEvent, bool]:
    """Append one event under a row lock and apply it. Replays by ``event_uuid``.

    ``authorized`` skips the role check (a signed link stands for the person) but
    never the check of the incident's state."""
    if not authorized:
        require_incident(actor, incident)
    event_uuid = _uuid(event_uuid, "uuid") if event_uuid else uuid_lib.uuid4()
    existing = IncidentEvent.objects.filter(uuid=event_uuid).first()
    if existing:
        if existing.incident_id != incident.pk or existing.kind != kind:
            raise ServiceError(
                f"Mã uuid này đã được dùng cho diễn biến “{existing.get_kind_display()}”.",
                field="uuid",
                status=409,
                # Another incident's event is named by nothing: it may be another center's.
                extra={"id": existing.pk} if existing.incident_id == incident.pk else None,
            )
        return existing, False
    now = _now(now)
    with transaction.atomic():
        locked = (
            Incident.objects.select_for_update().select_related("incident_type").get(pk=incident.pk)
        )
        allowed_from = permissions.TRANSITIONS.get(kind, (frozenset(),))[0]
        if locked.status not in allowed_from or not (
            authorized or permissions.may(actor, kind, locked)
        ):
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
            hlc=next_hlc(locked, now),
            payload=payload or {},
        )
        apply_event(locked, event)
        locked.search_text = _search_text(locked)
        locked.save()
        if after:
            after(locked, event)
    incident.refresh_from_db()
    return event, True


def next_hlc(incident: Incident, now: datetime) -> int:
    """The new event's place in the timeline: after every event of the incident, whatever
    the clock of the machine that wrote them (under the row lock)."""
    latest = incident.events.order_by("-hlc").values_list("hlc", flat=True).first() or 0
    return max(micros(now), latest + 1)


def incident_acknowledge(
    *,
    actor: User | None,
    incident: Incident,
    event_uuid=None,
    now=None,
    via_link: str = "",
):
    """Acknowledge; once someone has, a second acknowledgement answers with that one.

    ``via_link`` names the recipient of a signed one-click link, which stands in
    for a login."""
    try:
        return _append(
            actor=actor,
            incident=incident,
            kind=EventKind.ACKNOWLEDGED,
            payload={"via": "link", "recipient": via_link} if via_link else None,
            event_uuid=event_uuid,
            now=now,
            authorized=bool(via_link),
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
    require_incident(actor, incident)
    if not assignable_people(incident).filter(pk=assignee.pk).exists():
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
    position = whole_number(step, field="step", low=0, high=1000, label="Bước xử lý")
    playbook = next((s for s in incident_steps(incident) if s.position == position), None)
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
            .order_by("-hlc", "-uuid")
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
    require_incident(actor, incident)
    orgs = list(organisations)
    require_escalation_targets(incident, orgs)
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
        after=lambda locked, event: _escalated(locked, event, orgs, note),
    )


def _escalated(incident: Incident, event: IncidentEvent, orgs, note: str) -> None:
    _record_escalations(incident, event)
    notify.outbox_on_escalate(incident, orgs, note)


def incident_resolve(
    *,
    actor: User,
    incident: Incident,
    root_cause: str,
    restored_at: datetime | str | None = None,
    resolution: str = "",
    citizens_affected: int | str = 0,
    dossiers_delayed: int | str = 0,
    on_site_reason: str = "",
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
    reason = _text(on_site_reason, "on_site_reason")
    if reason:
        payload["on_site_reason"] = reason
    return _append(
        actor=actor,
        incident=incident,
        kind=EventKind.RESOLVED,
        payload=payload,
        event_uuid=event_uuid,
        now=now,
        check=_escalated_or_handled_on_site,
        after=lambda locked, event: _resolved(locked),
    )


def _resolved(incident: Incident) -> None:
    from ungcuu.reports import upward

    notify.outbox_on_resolve(incident)
    upward.upward_on_resolve(incident)  # the minutes to the bodies of the plan (R17)


def needs_on_site_reason(incident: Incident) -> bool:
    """A complex incident is handed over to the province and the counterpart team
    ("chuyển tuyến", 004 B1) before it is resolved, or the reason it was handled on site
    is recorded. Being told of it at once is a report, not an escalation: it does not
    count."""
    return (
        incident.tier == Tier.COMPLEX
        and incident.escalated_at is None
        and not IncidentEscalation.objects.filter(incident=incident).exists()
    )


def _escalated_or_handled_on_site(locked: Incident, payload: dict) -> dict:
    if not payload.get("on_site_reason") and needs_on_site_reason(locked):
        raise ServiceError(
            "Sự cố phức tạp chưa được chuyển tuyến: hãy chuyển tuyến, hoặc ghi “Lý do không "
            "chuyển tuyến (xử lý tại chỗ)”.",
            field="on_site_reason",
        )
    return payload


def _no_paper_left(locked: Incident, payload: dict) -> dict:
    pending = locked.paper_intakes.filter(reentered_at__isnull=True).count()
    if pending:
        raise ServiceError(
            f"Chưa thể đóng sự cố: còn {pending} hồ sơ tiếp nhận bằng giấy chưa nhập lại "
            "vào phần mềm một cửa.",
            status=409,
        )
    return payload


def incident_close(
    *, actor: User, incident: Incident, root_cause: str = "", event_uuid=None, now=None
):
    """Close a resolved incident. One a machine marked restored (a probe, its major
    incident) has no root cause yet: the person closing it writes it then."""
    cause = _text(root_cause, "root_cause")

    def check(locked: Incident, payload: dict) -> dict:
        payload = _no_paper_left(locked, payload)
        if not locked.root_cause.strip():
            if not cause:
                raise ServiceError(
                    "Vui lòng ghi nguyên nhân sự cố trước khi đóng.", field="root_cause"
                )
            payload["root_cause"] = cause
        return payload

    return _append(
        actor=actor,
        incident=incident,
        kind=EventKind.CLOSED,
        payload={},
        event_uuid=event_uuid,
        now=now,
        check=check,
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


def incident_event(
    *, actor: User, incident: Incident, kind: str, data: dict, event_uuid=None
) -> tuple[IncidentEvent, bool]:
    """Record an event described by plain input (a form or an API body).

    Returns the event and whether it is new; ticking a step that is already
    ticked returns the event that ticked it and False."""
    common = {"actor": actor, "incident": incident, "event_uuid": event_uuid}
    require_incident(actor, incident)
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
        # Looked up among the incident's people only: another center's username is
        # answered like one that does not exist.
        assignee = assignable_people(incident).filter(username=data.get("assignee") or "").first()
        if assignee is None:
            raise ServiceError("Không tìm thấy người được giao.", field="assignee")
        return incident_assign(assignee=assignee, **common)
    if kind == EventKind.ESCALATED:
        wanted = {parse_id(pk) for pk in data.get("organisations") or []}
        if None in wanted:
            raise ServiceError("Đơn vị không hợp lệ.", field="organisations")
        if not wanted:
            raise ServiceError("Vui lòng chọn ít nhất một đơn vị.", field="organisations")
        organisations = list(escalation_targets(incident).filter(pk__in=wanted))
        if len(organisations) != len(wanted):
            raise ServiceError(
                "Có đơn vị không tồn tại hoặc không thuộc tỉnh nơi xảy ra sự cố.",
                field="organisations",
            )
        return incident_escalate(organisations=organisations, note=data.get("text", ""), **common)
    if kind == EventKind.RESOLVED:
        return incident_resolve(
            root_cause=data.get("root_cause", ""),
            resolution=data.get("resolution", ""),
            restored_at=data.get("restored_at") or None,
            citizens_affected=data.get("citizens_affected") or 0,
            dossiers_delayed=data.get("dossiers_delayed") or 0,
            on_site_reason=data.get("on_site_reason") or "",
            **common,
        )
    if kind == EventKind.CLOSED:
        return incident_close(root_cause=data.get("root_cause") or "", **common)
    if kind == EventKind.REOPENED:
        return incident_reopen(reason=data.get("reason", ""), **common)
    raise ServiceError("Thao tác không hợp lệ.", field="kind")


def _mark_restored(
    *,
    actor: User,
    incident: Incident,
    restored_at,
    root_cause: str,
    resolution: str,
    event_uuid,
    extra: dict,
    now,
) -> bool:
    """One "resolved" event on behalf of someone other than the center's own handler (a
    probe, the province resolving a major incident), past the on-site check: the outage
    was not the center's to escalate. False when it was no longer open."""
    payload = {
        "root_cause": root_cause[:4000],
        "resolution": resolution[:4000],
        "restored_at": _iso(max(restored_at, incident.started_at)),
        "citizens_affected": incident.citizens_affected,
        "dossiers_delayed": incident.dossiers_delayed,
        **extra,
    }
    try:
        _append(
            actor=actor,
            incident=incident,
            kind=EventKind.RESOLVED,
            payload=payload,
            event_uuid=event_uuid,
            now=now,
            after=lambda locked, event: _resolved(locked),
            authorized=True,
        )
    except ServiceError:  # reopened, closed or resolved by its center meanwhile
        return False
    return True


def incident_restore_automatic(
    *,
    incident: Incident,
    restored_at: datetime,
    resolution: str,
    key: str,
    extra: dict | None = None,
    now=None,
) -> bool:
    """Mark an incident restored because a machine saw the service work again (a probe):
    by the system account, with no root cause — the person who closes the incident
    writes it (``incident_close``). False when it was no longer open."""
    return _mark_restored(
        actor=system_user(),
        incident=incident,
        restored_at=restored_at,
        root_cause="",
        resolution=resolution,
        event_uuid=uuid_lib.uuid5(uuid_lib.NAMESPACE_URL, f"restored:{key}"),
        extra=extra or {},
        now=_now(now),
    )


def incident_note_major(*, incident: Incident, major, now=None) -> None:
    """Write on the incident's timeline that it is part of ``major``, which the province
    follows: the way a center's node learns of it (the node writes its incident's fields
    and never holds the major incidents, but the hub's events reach it). Once per major
    incident and incident, whoever asks again."""
    type_name = incident.incident_type.name
    where = "toàn quốc" if major.scope == MajorScope.NATIONAL else "cấp tỉnh"
    _append(
        actor=system_user(),
        incident=incident,
        kind=EventKind.NOTE,
        payload={
            "text": f"Thuộc sự cố diện rộng {major.number} ({type_name}, {where}): nhiều "
            "Trung tâm cùng gặp, Tỉnh theo dõi chung.",
            "major": {"number": major.number, "scope": major.scope, "type": type_name},
        },
        event_uuid=uuid_lib.uuid5(
            uuid_lib.NAMESPACE_URL, f"major-joined:{major.number}:{incident.client_uuid}"
        ),
        now=now,
        authorized=True,
    )


def incident_restore_by_major(*, actor: User, incident: Incident, major, now=None) -> int:
    """Mark a center's incident restored because its major incident was resolved: the
    province's word stands for the center's. Returns 1 when it was marked, else 0."""
    now = _now(now)
    cause = f"Khắc phục theo sự cố diện rộng {major.number}"
    if major.note:
        cause += f": {major.note}"
    marked = _mark_restored(
        actor=actor,
        incident=incident,
        restored_at=now,
        root_cause=cause,
        resolution="",
        event_uuid=uuid_lib.uuid5(uuid_lib.NAMESPACE_URL, f"major:{major.pk}:{incident.pk}"),
        extra={"major_incident": major.number},
        now=now,
    )
    return int(marked)
