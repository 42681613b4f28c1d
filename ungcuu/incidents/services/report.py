"""Reporting an incident: one number, one row, one "reported" event."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ungcuu.catalog.models import IncidentType, Tier
from ungcuu.catalog.playbooks import playbook_snapshot
from ungcuu.core.errors import ServiceError
from ungcuu.core.idempotency import body_digest, check_replay
from ungcuu.core.sequences import catch_up, next_in_year
from ungcuu.core.text import fold
from ungcuu.incidents import permissions
from ungcuu.incidents.models import (
    EventKind,
    Impact,
    Incident,
    IncidentEvent,
    IncidentSequence,
    Source,
)
from ungcuu.incidents.services.attachments import _store_attachment
from ungcuu.incidents.services.common import (
    _count,
    _iso,
    _moment,
    _now,
    _search_text,
    _text,
    _uuid,
)
from ungcuu.incidents.services.major import (
    correlate,
    first_look,
    hold_open,
    joined_at_report,
)
from ungcuu.incidents.uploads import check_uploads
from ungcuu.notify import services as notify
from ungcuu.org.models import Center, User
from ungcuu.org.scope import require_center
from ungcuu.org.system import is_system, system_user
from ungcuu.reports import upward

# Machine-opened incidents get a client_uuid derived from their key, so the same outage
# seen twice (a probe's retry, two workers) is one incident.
AUTOMATIC_NAMESPACE = uuid_lib.UUID("5b0e7c1e-8f7c-4f0e-9a57-1c0d2a7e4b11")


def _number_prefix(center: Center, year: int) -> str:
    """The number before its digits, e.g. BN-2026-. A hub numbering for a center that has
    its own node writes BN-2026-H0012: the node gives the center's plain numbers, so the
    two never meet (ungcuu/sync)."""
    from ungcuu.sync.outbox import node_owns

    mark = "H" if node_owns(center) else ""
    return f"{center.prefix}-{year}-{mark}"


def _next_number(center: Center, year: int) -> str:
    """The next number at a center in a year, e.g. BN-2026-0007 (inside a transaction)."""
    return f"{_number_prefix(center, year)}{next_in_year(IncidentSequence, center, year):04d}"


def _give_number(incident: Incident, center: Center, now: datetime) -> None:
    """The last statement(s) of a report's transaction: its number, and the number in
    its search text. They lock the center's counter row until COMMIT, so the center's
    other reports wait for them, not for the whole report. Until then the row holds a
    placeholder that no other transaction sees. On PostgreSQL the counter and the row
    are written by one statement, so the lock is held for one round trip."""
    year = timezone.localtime(now).year
    table = connection.ops.quote_name(Incident._meta.db_table)
    if connection.vendor == "postgresql":
        prefix = _number_prefix(center, year)
        counter = connection.ops.quote_name(IncidentSequence._meta.db_table)
        digits = "lpad(n.last::text, greatest(4, length(n.last::text)), '0')"
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH n AS (INSERT INTO {counter} (center_id, year, last) VALUES (%s, %s, 1)"
                f" ON CONFLICT (center_id, year) DO UPDATE SET last = {counter}.last + 1"
                f" RETURNING last)"
                f" UPDATE {table} SET number = %s || {digits},"
                f" search_text = %s || {digits} || ' ' || search_text"
                f" FROM n WHERE {table}.id = %s RETURNING number, search_text",
                [center.pk, year, prefix, fold(prefix), incident.pk],
            )
            incident.number, incident.search_text = cursor.fetchone()
        return
    incident.number = _next_number(center, year)
    incident.search_text = f"{fold(incident.number)} {incident.search_text}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET number = %s, search_text = %s WHERE id = %s",
            [incident.number, incident.search_text, incident.pk],
        )


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
    source: str = Source.PERSON,
) -> ReportResult:
    """Report an incident. Replaying the same ``client_uuid`` with the same body returns
    the first one; with another body it is refused (409). A machine (``source`` probe or
    heartbeat) reports as the system account, through :func:`incident_open_automatic`."""
    now = _now(now)
    client_uuid = _uuid(client_uuid, "client_uuid") if client_uuid else uuid_lib.uuid4()
    digest = body_digest(
        center=center.code,
        type=incident_type.code,
        description=description,
        started_at=started_at,
        impact=impact,
        citizens_waiting=citizens_waiting,
        tier=tier,
    )
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
            source=source,
        )
    except ServiceError:
        # A replay is answered with the first report even if its input would no
        # longer pass (the onset now over a year ago, the type retired…).
        existing = Incident.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return ReportResult(_replayed(existing, actor, center, digest), created=False)

    incident.client_digest = digest
    # Everything is prepared before the transaction, and the number is given last in
    # it: the center's counter row is locked only from there to COMMIT.
    look = first_look(incident, now=now)  # a shared outage? (issue 12)
    search_text = incident.search_text
    for attempt in range(2):
        try:
            with transaction.atomic():
                incident.number = f"~{uuid_lib.uuid4().hex[:29]}"  # until _give_number
                # Its province's major incident is open: the row is written into it.
                joined = look.major_id is not None and hold_open(look.major_id)
                if joined:
                    incident.major_incident_id = look.major_id
                incident.save(force_insert=True)
                event.incident = incident
                event.save(force_insert=True)
                if joined:
                    joined_at_report(incident, now)
                elif look.may_fold:
                    correlate(incident, now=now, may_fold=True)  # one major incident
                notify.report_queued(incident)
                upward.upward_on_report(incident)  # a repeated fault goes upward (R23)
                for upload, content_type, ext in checked_files:
                    _store_attachment(actor, incident, upload, content_type, ext, now)
                _give_number(incident, center, now)
            return ReportResult(incident, created=True)
        except IntegrityError:
            existing = Incident.objects.filter(client_uuid=client_uuid).first()
            if existing is not None:
                return ReportResult(_replayed(existing, actor, center, digest), created=False)
            if attempt:
                raise
            # Else the number was already given: the center's counter fell behind its
            # incidents. It catches up and the report takes the next number.
            incident.pk = event.pk = None
            incident.major_incident_id, incident.search_text = None, search_text
            year = timezone.localtime(now).year
            catch_up(IncidentSequence, center, year, _highest_number(center, year))
    raise AssertionError("unreachable: the second attempt returns or raises")


def _highest_number(center: Center, year: int) -> int:
    """The largest number already given at a center in a year (0: none)."""
    prefix = _number_prefix(center, year)
    digits = (
        number[len(prefix) :]
        for number in Incident.objects.filter(number__startswith=prefix).values_list(
            "number", flat=True
        )
    )
    return max((int(d) for d in digits if d.isdigit()), default=0)


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
    source=Source.PERSON,
) -> tuple[Incident, IncidentEvent, list]:
    """Check a report and build (unsaved) its incident and "reported" event."""
    if source == Source.PERSON:
        if not permissions.may_report(actor):
            raise ServiceError("Tài khoản của bạn không được báo sự cố.", status=403)
        require_center(actor, center, field="center")
    elif source not in Source.values or not is_system(actor):
        raise ServiceError("Nguồn báo sự cố không hợp lệ.", field="source")
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
        is_drill=_drill_is_running(center, now),
        playbook=playbook_snapshot(center, incident_type),
        source=source,
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
            **({"source": source} if source != Source.PERSON else {}),
        },
    )
    return incident, event, checked_files


def _drill_is_running(center: Center, at: datetime) -> bool:
    from ungcuu.readiness.services.drills import drill_is_running

    return drill_is_running(center, at)


def _replayed(existing: Incident, actor: User, center: Center, digest: str) -> Incident:
    from ungcuu.incidents.selectors import incidents_for

    visible = is_system(actor) or incidents_for(actor).filter(pk=existing.pk).exists()
    if existing.center_id != center.id or not visible:
        raise ServiceError(
            "Mã client_uuid này đã được dùng cho một sự cố khác.", status=409, field="client_uuid"
        )
    check_replay(existing.client_digest, digest, existing_id=existing.pk, what="sự cố")
    return existing


def incident_open_automatic(
    *,
    center: Center,
    incident_type: IncidentType,
    source: str,
    key: str,
    description: str = "",
    started_at: datetime | None = None,
    impact: str = Impact.PARTIAL,
    now: datetime | None = None,
) -> ReportResult:
    """Open an incident for a machine that saw a service fail (a probe) or a center fall
    silent (the hub): the same path as a person's report — number, routing, escalation,
    the board, the log book — under the system account. ``key`` names the outage
    ("probe:12:2026-12-04T10:00"): the same key again is the same incident."""
    if source == Source.PERSON:
        raise ServiceError("Nguồn báo sự cố không hợp lệ.", field="source")
    return incident_report(
        actor=system_user(),
        center=center,
        incident_type=incident_type,
        description=description,
        started_at=started_at,
        impact=impact,
        client_uuid=uuid_lib.uuid5(AUTOMATIC_NAMESPACE, key),
        now=now,
        source=source,
    )
