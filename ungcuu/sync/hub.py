"""The hub's side: the nodes it knows, what they send, what they take, and silence.

A node calls with ``Authorization: Node <key>``; the key is ``<center code>.<secret>``
and only its SHA-256 is kept. Every call is a heartbeat."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.org.models import Center
from ungcuu.sync import holdings, outbox, records, reference
from ungcuu.sync.conf import silent_minutes
from ungcuu.sync.effects import follow_safely
from ungcuu.sync.models import Change, Node

PULL_BATCH = 500
# Records that name their center: a node sends only its own.
OWN_CENTER = ("incident", "intake", "check", *holdings.CENTERED)
SILENCE_TYPE = "internet"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def node_add(center: Center) -> tuple[Node, str]:
    """Make (or make again) the node of ``center``; returns it and its key, shown once."""
    from ungcuu.readiness.services.checks import checklist

    key = f"{center.code}.{secrets.token_urlsafe(32)}"
    checklist(center)  # the checklist's items exist here first, so both sides share their ids
    with transaction.atomic():
        node, created = Node.objects.update_or_create(
            center=center,
            defaults={"key_digest": _digest(key), "revoked_at": None},
        )
        # What the hub already holds of the center goes down with the node's first pulls.
        Change.objects.filter(center=center).delete()
        _seed(center)
    outbox.forget_noded()
    return node, key


def _seed(center: Center) -> None:
    from ungcuu.continuity.models import PaperIntake
    from ungcuu.incidents.models import Attachment, Incident, IncidentEvent

    rows = [
        Change(center=center, kind="incident", key=key)
        for key in Incident.objects.filter(center=center, synced_from="").values_list(
            "client_uuid", flat=True
        )
    ]
    rows += [
        Change(center=center, kind="event", key=key)
        for key in IncidentEvent.objects.filter(
            incident__center=center, synced_from=""
        ).values_list("uuid", flat=True)
    ]
    rows += [
        Change(center=center, kind="intake", key=key)
        for key in PaperIntake.objects.filter(center=center, synced_from="").values_list(
            "client_uuid", flat=True
        )
    ]
    rows += [
        Change(center=center, kind="attachment", key=key)
        for key in Attachment.objects.filter(incident__center=center, synced_from="").values_list(
            "uuid", flat=True
        )
    ]
    rows += [Change(center=center, kind=kind, key=key) for kind, key in holdings.seed_keys(center)]
    Change.objects.bulk_create(rows, batch_size=1000)


def node_revoke(center: Center) -> bool:
    updated = Node.objects.filter(center=center, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    outbox.forget_noded()
    return bool(updated)


def authenticate(header: str) -> Node | None:
    scheme, _, key = (header or "").partition(" ")
    if scheme.lower() != "node" or "." not in key:
        return None
    code = key.split(".", 1)[0]
    node = Node.objects.select_related("center").filter(center__code=code).first()
    if node is None or node.revoked_at is not None:
        return None
    if not hmac.compare_digest(node.key_digest, _digest(key.strip())):
        return None
    return node


def backlog_down(node: Node) -> int:
    return Change.objects.filter(center_id=node.center_id).count()


def heard(node: Node, *, address: str = "", backlog: int | None = None, now=None) -> None:
    """A call from the node: it is alive. A silence it ends is marked restored."""
    now = now or timezone.now()
    fields = {"last_seen_at": now, "last_address": address[:60]}
    if backlog is not None:
        fields["backlog_up"] = max(0, int(backlog))
    Node.objects.filter(pk=node.pk).update(**fields)
    if node.silence_incident_id:
        _end_silence(node, now, backlog)


def bootstrap(node: Node) -> dict:
    text, digest = reference.snapshot(node.center, first=True)
    return {
        "center": node.center.code,
        "reference": text,
        "reference_digest": digest,
        "hub_time": timezone.now().isoformat(),
    }


def push(node: Node, body: dict) -> dict:
    """Apply a node's batch. Replaying a batch changes nothing."""
    batch = body.get("records")
    if not isinstance(batch, list):
        raise ServiceError("Gói đồng bộ không hợp lệ.", field="records")
    for record in batch:
        data = record.get("data") if isinstance(record, dict) else None
        if not isinstance(data, dict):
            raise ServiceError("Gói đồng bộ không hợp lệ.", field="records")
        center_id = data.get("center_id")
        if record.get("kind") in OWN_CENTER and center_id != node.center_id:
            raise ServiceError("Bản ghi không thuộc Trung tâm của máy này.", status=403)
    with transaction.atomic():
        applied = records.apply_records(batch, origin="node", people=_people_of(node))
        _own_center_only(node, applied)
        holdings.receive_transfers(applied.new_movements)
        follow_safely(applied)
    return {
        "through": body.get("through"),
        "applied": len(applied.new_incidents) + len(applied.new_events),
        "skipped": applied.skipped,
        "hub_time": timezone.now().isoformat(),
    }


def _people_of(node: Node) -> set[int]:
    """Whom a node's records may name: its center's people and the system account."""
    from ungcuu.org.models import User
    from ungcuu.org.system import system_user

    return {*User.objects.filter(center_id=node.center_id).values_list("pk", flat=True)} | {
        system_user().pk
    }


def _own_center_only(node: Node, applied: records.Applied) -> None:
    from ungcuu.incidents.models import Incident

    others = applied.centers - {node.center_id}
    if others or (
        Incident.objects.filter(pk__in=applied.touched).exclude(center_id=node.center_id).exists()
    ):
        raise ServiceError("Bản ghi không thuộc Trung tâm của máy này.", status=403)


def pull(node: Node, body: dict) -> dict:
    """The hub's records of the center the node has not confirmed yet, oldest first, and
    the reference data when it changed. ``applied``: the ids of the changes the node
    applied from its previous pull; they are forgotten here."""
    applied = body.get("applied") or []
    if not isinstance(applied, list) or not all(
        isinstance(i, int) and 0 < i < 2**63 for i in applied
    ):
        raise ServiceError("Danh sách đã nhận không hợp lệ.", field="applied")
    if applied:
        Change.objects.filter(center_id=node.center_id, id__in=applied).delete()
    changes = list(Change.objects.filter(center_id=node.center_id).order_by("id")[:PULL_BATCH])
    taken = records.batch_of(changes)
    answer = {
        "records": records.load_changes(taken),
        "changes": [c.id for c in taken],
        "more": len(taken) < len(changes) or len(changes) == PULL_BATCH,
        "hub_time": timezone.now().isoformat(),
    }
    text, digest = reference.snapshot(node.center)
    if body.get("reference_digest") != digest:
        answer["reference"] = text
        answer["reference_digest"] = digest
    return answer


def silence_sweep(*, now: datetime | None = None) -> int:
    """Open an "internet" incident for each node silent longer than the setting."""
    from ungcuu.catalog.models import IncidentType
    from ungcuu.incidents.models import Source
    from ungcuu.incidents.services import incident_open_automatic

    now = now or timezone.now()
    limit = now - timedelta(minutes=silent_minutes())
    kind = IncidentType.objects.filter(code=SILENCE_TYPE).first()
    if kind is None:
        return 0
    opened = 0
    silent = Node.objects.select_related("center").filter(
        revoked_at__isnull=True, last_seen_at__lt=limit, silence_incident__isnull=True
    )
    for node in silent:
        since = timezone.localtime(node.last_seen_at)
        result = incident_open_automatic(
            center=node.center,
            incident_type=kind,
            source=Source.HEARTBEAT,
            key=f"heartbeat:{node.pk}:{node.last_seen_at.isoformat()}",
            description=(
                f"Máy chủ của tỉnh không nhận được tín hiệu từ máy của Trung tâm từ "
                f"{since:%H:%M %d/%m/%Y} (quá {silent_minutes()} phút): có thể Trung tâm "
                "mất kết nối Internet hoặc mất điện."
            ),
            started_at=node.last_seen_at,
            impact="partial",
            now=now,
        )
        Node.objects.filter(pk=node.pk).update(silence_incident=result.incident)
        opened += int(result.created)
    return opened


def _end_silence(node: Node, now, backlog) -> None:
    from ungcuu.incidents.models import Incident
    from ungcuu.incidents.services.timeline import incident_restore_automatic

    incident = Incident.objects.filter(pk=node.silence_incident_id).first()
    Node.objects.filter(pk=node.pk).update(silence_incident=None)
    if incident is None or not incident.is_open:
        return
    brought = f" Máy của Trung tâm gửi lên {backlog} bản ghi còn chờ." if backlog else ""
    incident_restore_automatic(
        incident=incident,
        restored_at=now,
        resolution="Máy chủ của tỉnh nhận lại tín hiệu từ máy của Trung tâm." + brought,
        key=f"heartbeat:{node.pk}:{incident.pk}",
        extra={"backlog": backlog or 0},
        now=now,
    )
