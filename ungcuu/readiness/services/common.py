"""Input checks and permissions shared by the readiness services."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date, datetime

import holidays
from django.utils import timezone
from django.utils.dateparse import parse_date

from ungcuu.core.errors import ServiceError
from ungcuu.core.text import nfc
from ungcuu.org.models import Role, User
from ungcuu.org.scope import require_center as _require_center

# Who keeps the registers (supplies, equipment, certificates) and plans drills.
KEEPERS = frozenset(
    {Role.IT_OFFICER, Role.TEAM_LEADER, Role.CENTER_LEADER, Role.PROVINCE, Role.ADMIN}
)
# Who may do the start-of-day check and record supplies used.
CHECKERS = KEEPERS | {Role.STAFF, Role.RESPONDER}
MAX_QUANTITY = 100_000


def is_keeper(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in KEEPERS))


def is_checker(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in CHECKERS))


def require(allowed: bool) -> None:
    if not allowed:
        raise ServiceError("Tài khoản của bạn không được làm việc này.", status=403)


def require_center(user: User, center) -> None:
    _require_center(user, center)


def text(value, field: str, *, limit: int, required: bool = False) -> str:
    value = nfc(value if isinstance(value, str) else "" if value is None else str(value))
    if required and not value:
        raise ServiceError("Vui lòng nhập nội dung.", field=field)
    if len(value) > limit:
        raise ServiceError(f"Nội dung quá dài (tối đa {limit} ký tự).", field=field)
    return value


def quantity(value, field: str = "quantity") -> int:
    """A whole, positive quantity; "abc", "-3" and "1.5" are refused."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ServiceError("Số lượng phải là một số nguyên dương.", field=field) from exc
    if number <= 0:
        raise ServiceError("Số lượng phải lớn hơn 0.", field=field)
    if number > MAX_QUANTITY:
        raise ServiceError(f"Số lượng quá lớn (tối đa {MAX_QUANTITY}).", field=field)
    return number


def day(value, field: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise ServiceError("Vui lòng chọn ngày.", field=field)
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    parsed = parse_date(str(value)) if str(value) else None
    if parsed is None:
        raise ServiceError("Ngày không hợp lệ.", field=field)
    return parsed


def client_uuid(value) -> uuid_lib.UUID:
    if not value:
        return uuid_lib.uuid4()
    if isinstance(value, uuid_lib.UUID):
        return value
    try:
        return uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise ServiceError("Mã client_uuid không hợp lệ.", field="client_uuid") from exc


def is_working_day(value: date) -> bool:
    """Monday to Friday, minus Vietnamese public holidays."""
    return value.weekday() < 5 and value not in holidays.country_holidays("VN", years=value.year)
