"""Every record written here that the other side needs goes into the outbox (Change),
in the same transaction as the record itself.

A node records everything it writes; a hub only what it writes for centers that have a
node. Records that came from the other side (``synced_from`` set) are never sent back."""

from __future__ import annotations

import time

from django.db.models.signals import m2m_changed, post_save

from ungcuu.sync import conf
from ungcuu.sync.conf import is_node

KINDS = ("incident", "event", "intake", "check", "attachment")
_NODED_TTL = 30.0
_noded: dict[str, object] = {"at": 0.0, "ids": frozenset()}


def noded_center_ids() -> frozenset[int]:
    """The centers with a node (at a hub), read again every half minute."""
    now = time.monotonic()
    if now - _noded["at"] > _NODED_TTL:
        from ungcuu.sync.models import Node

        _noded["ids"] = frozenset(
            Node.objects.filter(revoked_at__isnull=True).values_list("center_id", flat=True)
        )
        _noded["at"] = now
    return _noded["ids"]


def forget_noded() -> None:
    _noded["at"] = 0.0


def wanted(center_id: int) -> bool:
    return is_node() or center_id in noded_center_ids()


def node_owns(center) -> bool:
    """At a hub: the center has its own node, which alone writes the center's incident
    numbers, paper dossiers and registers (one writer per record)."""
    center_id = getattr(center, "pk", center)
    return not is_node() and center_id in noded_center_ids()


def reminds_here(center) -> bool:
    """Whether this side reminds the center's people of its registers: a node its own
    center, a hub every center without a node."""
    if is_node():
        return center.code == conf.node_config().center_code
    return center.pk not in noded_center_ids()


def require_writer(center, doing: str) -> None:
    """Refuse, at a hub, a write the center's node owns (409, in Vietnamese)."""
    from ungcuu.core.errors import ServiceError

    if node_owns(center):
        raise ServiceError(
            f"Trung tâm này {doing} trên máy riêng của Trung tâm (node): hãy ghi trên máy "
            "đó, dữ liệu sẽ tự chuyển lên máy chủ của tỉnh.",
            status=409,
        )


def record(kind: str, center_id: int, key) -> None:
    from ungcuu.sync.models import Change

    if wanted(center_id):
        Change.objects.create(center_id=center_id, kind=kind, key=key)


def record_events(events) -> None:
    """Events written in bulk (the "sent" lines of many messages at once)."""
    from ungcuu.incidents.models import Incident
    from ungcuu.sync.models import Change

    events = [e for e in events if e.synced_from == ""]
    if not events or not (is_node() or noded_center_ids()):
        return  # a hub none of whose centers has a node sends nothing
    centers = dict(
        Incident.objects.filter(pk__in={e.incident_id for e in events})
        .order_by()
        .values_list("pk", "center_id")
    )
    rows = [
        Change(center_id=centers[e.incident_id], kind="event", key=e.uuid)
        for e in events
        if wanted(centers[e.incident_id])
    ]
    if rows:
        Change.objects.bulk_create(rows)


def _incident_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.synced_from == "":
        record("incident", instance.center_id, instance.client_uuid)


def _event_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and created and instance.synced_from == "":
        record("event", instance.incident.center_id, instance.uuid)


def _intake_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.synced_from == "":
        record("intake", instance.center_id, instance.client_uuid)


def _attachment_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and created and instance.synced_from == "":
        record("attachment", instance.incident.center_id, instance.uuid)


def _check_saved(sender, instance, raw=False, **kwargs):
    # Only a node sends its start-of-day checks: a hub does not take them for a center
    # with a node, and never sends back the copies it holds.
    if not raw and is_node():
        record("check", instance.center_id, instance.client_uuid)


def _register_saved(sender, instance, raw=False, **kwargs):
    """A node sends every change to its registers (holdings.py); the hub only the stock
    the province moved to or from a center with a node."""
    from ungcuu.sync import holdings

    if raw or holdings.applying.get():
        return
    register = holdings.REGISTERS[_REGISTER_OF[sender]]
    if is_node():
        record(
            register.kind,
            holdings.center_of(register, instance),
            holdings.key_of(register, instance),
        )
        if register.kind == "movement":  # its stock changed with it
            record("supply", instance.item.center_id, instance.item.uuid)
    elif register.kind == "movement" and instance.kind in ("moved_in", "moved_out"):
        if instance.item.center_id in noded_center_ids():  # the province's transfer
            record("transfer", instance.item.center_id, instance.client_uuid)


def _participants_changed(sender, instance, action="", reverse=False, **kwargs):
    from ungcuu.sync import holdings

    if action.startswith("post_") and not reverse and is_node() and not holdings.applying.get():
        record("drill", instance.center_id, instance.client_uuid)


_REGISTER_OF: dict[type, str] = {}


def connect() -> None:
    from ungcuu.continuity.models import PaperIntake
    from ungcuu.incidents.models import Attachment, Incident, IncidentEvent
    from ungcuu.readiness.models import DailyCheck

    post_save.connect(_incident_saved, sender=Incident, dispatch_uid="sync-incident")
    post_save.connect(_event_saved, sender=IncidentEvent, dispatch_uid="sync-event")
    post_save.connect(_intake_saved, sender=PaperIntake, dispatch_uid="sync-intake")
    post_save.connect(_attachment_saved, sender=Attachment, dispatch_uid="sync-attachment")
    post_save.connect(_check_saved, sender=DailyCheck, dispatch_uid="sync-check")

    from ungcuu.readiness.models import Drill
    from ungcuu.sync import holdings

    for kind, register in holdings.REGISTERS.items():
        _REGISTER_OF[register.cls] = kind
        post_save.connect(_register_saved, sender=register.cls, dispatch_uid=f"sync-{kind}")
    m2m_changed.connect(
        _participants_changed, sender=Drill.participants.through, dispatch_uid="sync-drill-people"
    )
