"""Who each side tells about an incident, so that nobody is told twice.

The node tells the center's own people and the center's own contacts, at once, even
while its link to the hub is down (a LAN SMS modem is one of their channels). The hub
tells everyone else: the province, the vendors, the counterpart teams and the units'
contacts. A hub with no node for the center (or a single server) tells everyone, as it
always did; a node tells nobody about the incidents the hub wrote (the hub does)."""

from __future__ import annotations

from ungcuu.sync.conf import is_node


def told_here(incident, people, contacts) -> tuple[list, list]:
    origin = getattr(incident, "synced_from", "")
    if is_node():
        if origin == "hub":
            return [], []
        return (
            [p for p in people if p.center_id == incident.center_id],
            [c for c in contacts if c.center_id == incident.center_id],
        )
    if origin == "node":
        return (
            [p for p in people if p.center_id != incident.center_id],
            [c for c in contacts if c.center_id != incident.center_id],
        )
    return list(people), list(contacts)
