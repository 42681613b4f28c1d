"""Replays by client-generated UUID: the same body again is the same record; another body
under a UUID already used is a conflict, never silently answered with the first record."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from uuid import UUID

from ungcuu.core.errors import ServiceError


def _plain(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, UUID):
        return str(value)
    return str(value).strip()


def body_digest(**fields) -> str:
    """A fingerprint of what a client sent (after the text boundary), for comparing replays."""
    canonical = json.dumps(_plain(fields), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_replay(stored_digest: str, digest: str, *, existing_id: int, what: str) -> None:
    """Refuse a replay whose body differs from the first one's (rows stored before
    digests were kept have none and are answered as before)."""
    if stored_digest and stored_digest != digest:
        raise ServiceError(
            f"Mã client_uuid này đã được dùng cho {what} mã số {existing_id} với nội dung "
            "khác. Gửi lại đúng nội dung cũ, hoặc tạo mã client_uuid mới cho bản ghi mới.",
            field="client_uuid",
            status=409,
            extra={"id": existing_id},
        )
