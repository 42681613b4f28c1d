"""Reading the nodes, for the province's pages, the API and ``ungcuu node list``."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ungcuu.sync.conf import silent_minutes
from ungcuu.sync.models import Change, Node


def nodes_for(scope: Q | None = None) -> list[Node]:
    """Nodes in ``scope`` with ``silent`` and ``backlog`` (what the node said it had to
    send, plus what the hub has for it that it has not taken)."""
    waiting = (
        Change.objects.filter(center_id=OuterRef("center_id"))
        .values("center_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = list(
        Node.objects.select_related("center")
        .filter(scope or Q())
        .annotate(down=Coalesce(Subquery(waiting), 0))
        .order_by("center__code")
    )
    limit = timezone.now() - timedelta(minutes=silent_minutes())
    for row in rows:
        row.backlog = row.backlog_up + row.down
        row.silent = row.revoked_at is None and (
            row.last_seen_at is None or row.last_seen_at < limit
        )
    return rows
