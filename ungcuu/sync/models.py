"""What the hub knows of each center's node, what each side still has to send, and
where a node stands with its hub."""

from __future__ import annotations

from django.db import models

from ungcuu.org.models import Center


class Node(models.Model):
    """A center's own UngCuu on its LAN, as the hub knows it (ungcuu node add)."""

    center = models.OneToOneField(
        Center, on_delete=models.CASCADE, related_name="node", verbose_name="trung tâm"
    )
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    last_seen_at = models.DateTimeField("liên lạc lần cuối", null=True, blank=True)
    last_address = models.CharField(max_length=60, blank=True)
    # What the node said it still had to send, at its last call.
    backlog_up = models.PositiveIntegerField(default=0)
    # The open "internet" incident the hub made when the node fell silent.
    silence_incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "máy của Trung tâm (node)"
        verbose_name_plural = "máy của Trung tâm (node)"
        ordering = ["center__code"]

    def __str__(self) -> str:
        return f"node {self.center.code}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Change(models.Model):
    """One record written here that the other side has not taken yet (an outbox): a node
    keeps its own, a hub those of its centers that have a node. A row goes only when the
    other side says it has applied it, by id: a transaction that commits late with a
    lower id is still sent (nothing moves past it as a cursor would)."""

    id = models.BigAutoField(primary_key=True)
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    key = models.UUIDField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["center", "id"], name="sync_change_center")]


class NodeState(models.Model):
    """The one row of a node: the hub's changes it applied and has yet to confirm, and
    its last contact."""

    bootstrapped_at = models.DateTimeField(null=True, blank=True)
    # Ids of the hub's changes applied here, confirmed to the hub with the next pull.
    applied = models.JSONField(default=list, blank=True)
    reference_digest = models.CharField(max_length=64, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def get(cls) -> NodeState:
        state, _created = cls.objects.get_or_create(pk=1)
        return state
