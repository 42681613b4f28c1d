"""Helpers shared by the notification tests."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from ungcuu.incidents import services as incident_services
from ungcuu.notify import services
from ungcuu.notify.tests.receiver import Receiver

ACK_PATH = re.compile(r"https?://[^/\s]+(/ack/[^/\s]+/)")


def report(actor, incident_type, **kwargs):
    kwargs.setdefault("center", actor.center)
    kwargs.setdefault("started_at", timezone.now() - timedelta(minutes=10))
    return incident_services.incident_report(
        actor=actor, incident_type=incident_type, **kwargs
    ).incident


def channel(receiver: Receiver, path: str, *, person=None, contact=None, **kwargs):
    return services.channel_add(url=receiver.url(path), person=person, contact=contact, **kwargs)


def ack_path(text: str) -> str:
    """The path of the one-click acknowledgement link in a message."""
    found = ACK_PATH.search(text)
    assert found, text
    return found.group(1)
