from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone

from ungcuu.sync.conf import is_node

register = template.Library()

# Longer than a few pulls without contact: the strip says the hub is not reached.
LATE = timedelta(minutes=2)


@register.inclusion_tag("sync/node_strip.html")
def node_strip():
    """On a center's node: that it is one, and when it last reached the hub."""
    if not is_node():
        return {"node": False}
    from ungcuu.sync.models import NodeState
    from ungcuu.sync.node import pending

    state = NodeState.get()
    last = state.last_contact_at
    return {
        "node": True,
        "last": last,
        "late": last is None or timezone.now() - last > LATE,
        "pending": pending(),
    }
