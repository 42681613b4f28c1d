"""Writes to the organisation: centers from the official unit list, people, tokens."""

from __future__ import annotations

import re
import secrets
from datetime import date

from django.db import transaction
from vietnam_provinces import Province as VnProvince
from vietnam_provinces import Ward as VnWard

from ungcuu.core.errors import ServiceError
from ungcuu.org.models import (
    RESPONSE_TEAM_ROLES,
    ApiToken,
    Center,
    DutyShift,
    Province,
    Role,
    User,
)


def province_get_or_create(*, code: int) -> Province:
    try:
        official = VnProvince.from_code(code)
    except Exception as exc:
        raise ServiceError(f"Không có tỉnh/thành phố mã {code}.", field="province") from exc
    province, _ = Province.objects.get_or_create(
        code=int(official.code),
        defaults={"name": official.name, "codename": official.codename.replace("_", "-")},
    )
    return province


@transaction.atomic
def center_create(*, ward_code: int, code: str, prefix: str) -> Center:
    """A center for an official commune/ward (post-2025 list); the name comes from it."""
    try:
        ward = VnWard.from_code(int(ward_code))
    except Exception as exc:
        raise ServiceError(f"Không có xã/phường mã {ward_code}.", field="ward_code") from exc
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,39}", code or ""):
        raise ServiceError("Mã trung tâm chỉ gồm chữ thường không dấu, số, gạch nối.", field="code")
    if not re.fullmatch(r"[A-Z]{1,8}", prefix or ""):
        raise ServiceError("Tiền tố gồm 1–8 chữ in hoa không dấu.", field="prefix")
    province = province_get_or_create(code=int(ward.province_code))
    existing = Center.objects.filter(ward_code=int(ward.code)).first()
    if existing:
        return existing
    center = Center.objects.create(
        code=code,
        ward_code=int(ward.code),
        ward_name=ward.name,
        province=province,
        prefix=prefix,
    )
    from ungcuu.notify.services import policy_for  # notify builds on org

    policy_for(center)  # the seeds' routing defaults, editable later
    return center


def token_issue(*, user: User, label: str = "") -> str:
    """A new API token for ``user``; only its digest is kept, so show it once."""
    raw = f"uc_{secrets.token_urlsafe(32)}"
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw), label=label[:100])
    return raw


def may_plan_duty(user: User, center: Center) -> bool:
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return user.role in (Role.TEAM_LEADER, Role.CENTER_LEADER) and user.center_id == center.id


@transaction.atomic
def duty_set(*, actor: User, center: Center, day: date, people: list[User]) -> None:
    """Put exactly ``people`` on duty at ``center`` on ``day``."""
    if not may_plan_duty(actor, center):
        raise ServiceError("Chỉ Tổ trưởng hoặc lãnh đạo Trung tâm được phân công trực.", status=403)
    for person in people:
        if person.center_id != center.id or person.role not in RESPONSE_TEAM_ROLES:
            raise ServiceError(
                f"{person.display_name} không thuộc Tổ ứng cứu của Trung tâm.", field="people"
            )
    DutyShift.objects.filter(center=center, date=day).exclude(person__in=people).delete()
    for person in people:
        DutyShift.objects.get_or_create(center=center, date=day, person=person)
