"""“Gửi thử”: one test message over one channel, and the channel's answer kept on it."""

from __future__ import annotations

import time
import uuid

from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.notify import transport
from ungcuu.notify.models import Channel
from ungcuu.org.models import Center, User

REPEAT_SECONDS = 5  # a double tap sends one test, not two


def channel_center(channel: Channel) -> Center | None:
    owner = channel.person if channel.person_id else channel.contact
    return owner.center if owner is not None and owner.center_id else None


def channel_test(*, actor: User, channel: Channel) -> Channel:
    """Send a test message now and record what the channel answered."""
    from ungcuu.org.setup.checks import may_set_up

    center = channel_center(channel)
    if not may_set_up(actor, center):
        raise ServiceError("Không tìm thấy kênh này.", status=404)
    now = timezone.now()
    if channel.tested_at and (now - channel.tested_at).total_seconds() < REPEAT_SECONDS:
        raise ServiceError("Vừa gửi thử kênh này, chờ vài giây rồi thử lại.", status=409)
    body = (
        f"Tin thử từ UngCuu – {center.name if center else 'UngCuu'}: kênh này nhận được "
        f"tin báo sự cố. Người gửi thử: {actor.display_name}. Không cần trả lời."
    )
    started = time.monotonic()
    try:
        transport.send(channel.url, title="UngCuu – gửi thử", body=body, key=str(uuid.uuid4()))
    except transport.TransportError as exc:
        channel.test_ok, channel.test_answer = False, str(exc)[:300]
    else:
        seconds = time.monotonic() - started
        channel.test_ok = True
        channel.test_answer = f"Kênh đã nhận tin thử ({seconds:.1f} giây)."
    channel.tested_at = now
    channel.save(update_fields=["tested_at", "test_ok", "test_answer"])
    return channel
