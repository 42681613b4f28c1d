"""Input checks shared by the incident services."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ungcuu.core.errors import ServiceError
from ungcuu.core.text import fold, nfc
from ungcuu.incidents.models import (
    Incident,
)

CLOCK_SKEW = timedelta(minutes=5)
MAX_TEXT = 4000
MAX_PEOPLE = 100_000


# --- helpers ---------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _text(value: str | None, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = nfc(value)
    if required and not text:
        raise ServiceError("Vui lòng nhập nội dung.", field=field)
    if len(text) > limit:
        raise ServiceError(f"Nội dung quá dài (tối đa {limit} ký tự).", field=field)
    return text


def _count(value, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError) as exc:
        raise ServiceError("Vui lòng nhập một số nguyên.", field=field) from exc
    if number < 0 or number > MAX_PEOPLE:
        raise ServiceError(f"Số phải từ 0 đến {MAX_PEOPLE}.", field=field)
    return number


def _moment(value, field: str, *, now: datetime, not_before: datetime | None = None) -> datetime:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise ServiceError("Thời điểm không hợp lệ.", field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + CLOCK_SKEW:
        raise ServiceError("Thời điểm không được ở tương lai.", field=field)
    # Forms give minutes only: a time in the same minute as ``not_before`` is fine.
    if not_before and moment < not_before.replace(second=0, microsecond=0):
        raise ServiceError(
            "Thời điểm này sớm hơn lúc sự cố phát sinh "
            f"({timezone.localtime(not_before):%d/%m/%Y %H:%M}).",
            field=field,
        )
    return moment


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _search_text(incident: Incident) -> str:
    parts = [
        incident.number,
        incident.incident_type.name,
        incident.description,
        incident.root_cause,
        incident.resolution,
    ]
    return fold(" ".join(part for part in parts if part))


def _uuid(value, field: str) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise ServiceError("Mã UUID không hợp lệ.", field=field) from exc
