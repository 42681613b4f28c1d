"""The records a node and its hub exchange, as plain JSON, and how each side applies
the other's.

Reference data (the center, its people, the catalog, contacts…) carries the hub's ids on
both sides (reference.py), so foreign keys to it travel as ids. Records both sides write
(incidents, their events, paper dossiers) travel under their UUIDs, since each side
numbers its rows itself.

Rules of the merge:
- An incident, a paper dossier: one writer, the side that made it. The other side's copy
  follows the writer's (its fields are replaced); a record of our own that the other
  side sends back is left as it is.
- The center's registers (supplies, equipment, certificates, drills, training, minutes):
  written by the node only, the hub's copy follows (holdings.py).
- Events: append-only; either side may add events to any incident of the center. An
  event already here is skipped, so a batch applied twice changes nothing. The
  incident's state is then derived again from the merged timeline
  (incidents.services.state.fold), the same way on both sides.
"""

from __future__ import annotations

import base64
import uuid as uuid_lib
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_date, parse_datetime

from ungcuu.continuity.models import PaperIntake
from ungcuu.core.errors import ServiceError
from ungcuu.incidents.models import Attachment, Incident, IncidentEvent
from ungcuu.org.models import User
from ungcuu.readiness.models import CheckItem, DailyCheck
from ungcuu.sync import holdings, outbox
from ungcuu.sync.wire import plain

INCIDENT_FIELDS = (
    "client_digest",
    "number",
    "center_id",
    "incident_type_id",
    "tier",
    "description",
    "impact",
    "citizens_waiting",
    "started_at",
    "reported_at",
    "reporter_id",
    "is_drill",
    "source",
    "playbook",
)
INTAKE_SKIP = {"id", "client_uuid", "synced_from", "incident", "created_at"}


class SyncError(ServiceError):
    pass


def dump_incident(incident: Incident) -> dict:
    data = {name: plain(getattr(incident, name)) for name in INCIDENT_FIELDS}
    data["uuid"] = str(incident.client_uuid)
    data["reporter_name"] = incident.reporter.display_name if incident.reporter_id else ""
    return data


def dump_event(event: IncidentEvent) -> dict:
    return {
        "uuid": str(event.uuid),
        "incident": str(event.incident.client_uuid),
        "kind": event.kind,
        "actor_id": event.actor_id,
        "actor_name": event.actor.display_name if event.actor_id else "",
        "at": event.at.isoformat(),
        "hlc": event.hlc,
        "payload": event.payload,
    }


def _intake_fields() -> list:
    return [f for f in PaperIntake._meta.concrete_fields if f.name not in INTAKE_SKIP]


def dump_intake(intake: PaperIntake) -> dict:
    data = {f.attname: plain(getattr(intake, f.attname)) for f in _intake_fields()}
    data["uuid"] = str(intake.client_uuid)
    data["incident"] = str(intake.incident.client_uuid) if intake.incident_id else None
    return data


def dump_attachment(attachment: Attachment) -> dict | None:
    """A photo or video with its bytes (base64): it travels after the records."""
    try:
        with attachment.file.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return None  # the file is gone here: nothing to send
    return {
        "uuid": str(attachment.uuid),
        "incident": str(attachment.incident.client_uuid),
        "name": attachment.file.name.rsplit("/", 1)[-1],
        "content_type": attachment.content_type,
        "original_name": attachment.original_name,
        "uploaded_by": attachment.uploaded_by_id,
        "content": base64.b64encode(content).decode("ascii"),
    }


def dump_check(run) -> dict:
    """A start-of-day check, known on both sides by its center and day."""
    return {
        "uuid": str(run.client_uuid),
        "center_id": run.center_id,
        "day": run.day.isoformat(),
        "done_at": run.done_at.isoformat(),
        "done_by": run.done_by_id,
        "faults": run.faults,
        "results": [
            {"item_id": r.item_id, "label": r.label, "ok": r.ok} for r in run.results.all()
        ],
        "submissions": [[str(s.client_uuid), s.at.isoformat()] for s in run.submissions.all()],
    }


ORDER = {
    "incident": 0,
    "event": 1,
    "intake": 2,
    "check": 3,
    # The center's registers (holdings.py): rows before the rows that name them.
    "supply": 4,
    "equipment": 4,
    "cert": 4,
    "training": 4,
    "drill": 4,
    "movement": 5,
    "equip_link": 5,
    "minutes": 5,
    "transfer": 6,
    "attachment": 7,
}
# Photos and videos fill a batch up to about this many bytes (at least one goes).
FILE_BYTES = 8 * 1024 * 1024


def load_changes(changes) -> list[dict]:
    """The current state of the changed records, each once, parents before children."""
    keys: dict[str, list] = {kind: [] for kind in ORDER}
    for change in changes:
        if change.kind in keys and change.key not in keys[change.kind]:
            keys[change.kind].append(change.key)
    records = []
    incidents = Incident.objects.select_related("reporter").in_bulk(
        keys["incident"], field_name="client_uuid"
    )
    records += [{"kind": "incident", "data": dump_incident(i)} for i in incidents.values()]
    events = (
        IncidentEvent.objects.select_related("incident", "actor")
        .filter(uuid__in=keys["event"])
        .order_by("hlc", "uuid")
    )
    records += [{"kind": "event", "data": dump_event(e)} for e in events]
    intakes = PaperIntake.objects.select_related("incident").filter(client_uuid__in=keys["intake"])
    records += [{"kind": "intake", "data": dump_intake(i)} for i in intakes]
    checks = DailyCheck.objects.prefetch_related("results", "submissions").filter(
        client_uuid__in=keys["check"]
    )
    records += [{"kind": "check", "data": dump_check(run)} for run in checks]
    for kind in holdings.KINDS:
        if keys[kind]:
            records += holdings.load(kind, keys[kind])
    files = Attachment.objects.select_related("incident").filter(uuid__in=keys["attachment"])
    for attachment in files:
        data = dump_attachment(attachment)
        if data is not None:
            records.append({"kind": "attachment", "data": data})
    return records


def batch_of(changes) -> list:
    """The changes one batch carries: all of them, but photos and videos only up to
    FILE_BYTES (the first always), so a slow link sends a long video on its own."""
    from ungcuu.incidents.models import Attachment as AttachmentModel

    sizes = dict(
        AttachmentModel.objects.filter(
            uuid__in=[c.key for c in changes if c.kind == "attachment"]
        ).values_list("uuid", "size")
    )
    taken, total = [], 0
    for change in changes:
        size = sizes.get(change.key, 0) if change.kind == "attachment" else 0
        if size and taken and total + size > FILE_BYTES:
            break
        total += size
        taken.append(change)
    return taken


@dataclass
class Applied:
    """What a batch changed here, for the side effects that follow its commit."""

    new_incidents: list[int] = field(default_factory=list)
    new_events: list[int] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)
    skipped: int = 0
    centers: set[int] = field(default_factory=set)  # whose registers a batch wrote
    new_movements: list[int] = field(default_factory=list)
    # Rows this side now writes as a result (a node's stock after a transfer in).
    outgoing: list[tuple[str, int, object]] = field(default_factory=list)


def _moment(value):
    if value in (None, ""):
        return None
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise SyncError(f"Thời điểm không hợp lệ: {value!r}.")
    return moment


_people: ContextVar[frozenset[int] | None] = ContextVar("sync_people", default=None)


def _user_id(user_id):
    """A person of this side, or None when the hub's person was not copied here (only the
    center's own people are). At a hub, a node names only its own center's people."""
    if user_id is None or isinstance(user_id, bool) or not isinstance(user_id, int):
        return None
    allowed = _people.get()
    if allowed is None:
        return user_id if User.objects.filter(pk=user_id).exists() else None
    return user_id if user_id in allowed else None


def _stand_in() -> int:
    from ungcuu.org.system import system_user

    return system_user().pk


def apply_incident(data: dict, origin: str, applied: Applied) -> None:
    key = uuid_lib.UUID(str(data["uuid"]))
    values = {name: data.get(name) for name in INCIDENT_FIELDS}
    for name in ("started_at", "reported_at"):
        values[name] = _moment(values[name])
    values["reporter_id"] = _user_id(values["reporter_id"]) or _stand_in()
    existing = Incident.objects.filter(client_uuid=key).first()
    if existing is not None:
        if existing.synced_from == "":  # ours: the other side's copy follows us
            applied.skipped += 1
            return
        changed = [n for n, v in values.items() if getattr(existing, n) != v]
        if changed:
            for name in changed:
                setattr(existing, name, values[name])
            existing.save(update_fields=[*changed, "updated_at"])
        applied.touched.add(existing.pk)
        return
    try:
        with transaction.atomic():
            incident = Incident.objects.create(client_uuid=key, synced_from=origin, **values)
    except IntegrityError as exc:
        raise SyncError(f"Không ghi được sự cố {values.get('number')}: {exc}") from exc
    applied.new_incidents.append(incident.pk)
    applied.touched.add(incident.pk)


def apply_event(data: dict, origin: str, applied: Applied) -> None:
    key = uuid_lib.UUID(str(data["uuid"]))
    if IncidentEvent.objects.filter(uuid=key).exists():
        applied.skipped += 1
        return
    incident = Incident.objects.filter(client_uuid=data["incident"]).only("pk").first()
    if incident is None:
        raise SyncError(f"Diễn biến {key} thuộc một sự cố chưa có ở đây.")
    payload = dict(data.get("payload") or {})
    actor_id = _user_id(data.get("actor_id"))
    if actor_id is None and data.get("actor_name"):
        payload.setdefault("actor_name", data["actor_name"])
    event = IncidentEvent.objects.create(
        uuid=key,
        incident_id=incident.pk,
        kind=data["kind"],
        actor_id=actor_id,
        at=_moment(data["at"]),
        hlc=int(data["hlc"]),
        payload=payload,
        synced_from=origin,
    )
    applied.new_events.append(event.pk)
    applied.touched.add(incident.pk)


def apply_intake(data: dict, origin: str, applied: Applied) -> None:
    key = uuid_lib.UUID(str(data["uuid"]))
    values = {}
    for f in _intake_fields():
        value = data.get(f.attname)
        if f.get_internal_type() == "DateTimeField":
            value = _moment(value)
        elif f.get_internal_type() == "DateField" and isinstance(value, str):
            value = parse_date(value)
        if f.is_relation and f.related_model is User and value is not None:
            value = _user_id(value) or (None if f.null else _stand_in())
        values[f.attname] = value
    incident_key = data.get("incident")
    values["incident_id"] = (
        Incident.objects.filter(client_uuid=incident_key).values_list("pk", flat=True).first()
        if incident_key
        else None
    )
    existing = PaperIntake.objects.filter(client_uuid=key).first()
    if existing is not None:
        if existing.synced_from == "":
            applied.skipped += 1
            return
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        return
    try:
        with transaction.atomic():
            PaperIntake.objects.create(client_uuid=key, synced_from=origin, **values)
    except IntegrityError as exc:
        raise SyncError(f"Không ghi được hồ sơ {values.get('receipt_number')}: {exc}") from exc


def apply_attachment(data: dict, origin: str, applied: Applied) -> None:
    """A photo or video from the other side, checked by content as an upload is."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ungcuu.incidents.uploads import check_uploads

    key = uuid_lib.UUID(str(data["uuid"]))
    if Attachment.objects.filter(uuid=key).exists():
        applied.skipped += 1
        return
    incident = Incident.objects.filter(client_uuid=data["incident"]).first()
    if incident is None:
        raise SyncError(f"Ảnh/video {key} thuộc một sự cố chưa có ở đây.")
    try:
        content = base64.b64decode(data["content"], validate=True)
    except (ValueError, TypeError) as exc:
        raise SyncError(f"Ảnh/video {key} hỏng.") from exc
    upload = SimpleUploadedFile(str(data.get("original_name") or "tep")[:200], content)
    try:
        (_upload, content_type, ext), *_rest = check_uploads([upload])
    except ServiceError as exc:
        raise SyncError(f"Ảnh/video {key} bị từ chối: {exc.message}") from exc
    attachment = Attachment(
        uuid=key,
        incident=incident,
        content_type=content_type,
        size=len(content),
        original_name=str(data.get("original_name") or "")[:255],
        uploaded_by_id=_user_id(data.get("uploaded_by")),
        synced_from=origin,
    )
    attachment.file.save(f"{key}.{ext}", upload, save=False)
    attachment.save()
    applied.touched.add(incident.pk)


def apply_check(data: dict, origin: str, applied: Applied) -> None:
    """The node's check of a day replaces the copy here (the later look is the truth)."""
    from ungcuu.readiness.models import CheckResult, CheckSubmission

    day = parse_date(str(data["day"]))
    if day is None:
        raise SyncError("Ngày kiểm tra không hợp lệ.")
    values = {
        "client_uuid": uuid_lib.UUID(str(data["uuid"])),
        "done_at": _moment(data["done_at"]),
        "done_by_id": _user_id(data.get("done_by")) or _stand_in(),
        "faults": int(data.get("faults") or 0),
    }
    run, _created = DailyCheck.objects.update_or_create(
        center_id=data["center_id"], day=day, defaults=values
    )
    run.results.all().delete()
    items = set(
        CheckItem.objects.filter(
            pk__in=[r.get("item_id") for r in data.get("results", [])]
        ).values_list("pk", flat=True)
    )
    CheckResult.objects.bulk_create(
        CheckResult(
            check_run=run,
            item_id=r.get("item_id") if r.get("item_id") in items else None,
            label=str(r.get("label", ""))[:200],
            ok=bool(r.get("ok")),
        )
        for r in data.get("results", [])
    )
    for key, at in data.get("submissions", []):
        CheckSubmission.objects.get_or_create(
            client_uuid=uuid_lib.UUID(str(key)), defaults={"check_run": run, "at": _moment(at)}
        )


APPLIERS = {
    "check": apply_check,
    "incident": apply_incident,
    "event": apply_event,
    "intake": apply_intake,
    "attachment": apply_attachment,
    **{
        kind: (lambda data, origin, applied, kind=kind: holdings.apply(kind, data, origin, applied))
        for kind in holdings.KINDS
    },
}


def apply_records(records: list[dict], origin: str, people=None) -> Applied:
    """Apply a batch from the other side in one transaction (the caller's), parents
    first; then derive each touched incident's state from its merged timeline.
    ``people``: the only person ids the records may name (a node's center's people)."""
    if people is None:  # at a node: the center's people, read once for the batch
        people = User.objects.values_list("pk", flat=True)
    token = _people.set(frozenset(people))
    quiet = holdings.applying.set(True)  # what the other side wrote is not sent back
    try:
        applied = _apply_records(records, origin)
    finally:
        holdings.applying.reset(quiet)
        _people.reset(token)
    for kind, center_id, key in applied.outgoing:
        outbox.record(kind, center_id, key)
    return applied


def _apply_records(records: list[dict], origin: str) -> Applied:
    from ungcuu.incidents.services.state import incident_rebuild

    applied = Applied()
    if not isinstance(records, list):
        raise SyncError("Gói đồng bộ không hợp lệ.")
    ordered = sorted(
        (r for r in records if isinstance(r, dict) and r.get("kind") in APPLIERS),
        key=lambda r: ORDER[r["kind"]],
    )
    for record in ordered:
        try:
            APPLIERS[record["kind"]](record["data"], origin, applied)
        except (KeyError, TypeError, ValueError) as exc:
            raise SyncError(f"Bản ghi đồng bộ không hợp lệ ({record['kind']}): {exc}") from exc
    for incident in Incident.objects.filter(pk__in=applied.touched):
        incident_rebuild(incident=incident)
    return applied
