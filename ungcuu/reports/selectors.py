"""Which center or province a user may report on: the scope of every report."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from ungcuu.org.models import Center, Province, Role, User
from ungcuu.org.scope import centers_for, sees_everything


@dataclass(frozen=True)
class Scope:
    """One center, or every center of one province."""

    center: Center | None = None
    province: Province | None = None

    @property
    def is_province(self) -> bool:
        return self.center is None

    @property
    def code(self) -> str:
        return self.center.code if self.center else str(self.province.code)

    @property
    def name(self) -> str:
        return self.center.name if self.center else province_full_name(self.province)

    @property
    def where(self) -> str:
        """Where the incidents happened, for a report title."""
        if self.center:
            return self.center.name
        return "các Trung tâm Phục vụ hành chính công xã, phường " + _lower_first(self.name)

    @property
    def short_name(self) -> str:
        return self.center.short_name if self.center else self.province.name

    @property
    def slug(self) -> str:
        return self.center.code if self.center else self.province.codename

    def incident_q(self, prefix: str = "") -> Q:
        if self.center:
            return Q(**{f"{prefix}center_id": self.center.pk})
        return Q(**{f"{prefix}center__province_id": self.province.pk})

    def query(self) -> dict[str, str]:
        return {"center": self.center.code} if self.center else {"province": self.code}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def province_full_name(province: Province) -> str:
    """ "Tỉnh Nghệ An", "Thành phố Hải Phòng" (the official list names cities in full)."""
    name = province.name
    return name if name.startswith("Thành phố") else f"Tỉnh {name}"


def may_see_province(user: User, province: Province) -> bool:
    if sees_everything(user):
        return True
    return bool(
        user.is_authenticated and user.role == Role.PROVINCE and user.province_id == province.pk
    )


def provinces_for(user: User):
    if sees_everything(user):
        return Province.objects.filter(centers__isnull=False).distinct()
    if user.is_authenticated and user.role == Role.PROVINCE and user.province_id:
        return Province.objects.filter(pk=user.province_id)
    return Province.objects.none()


def report_scope(user: User, *, center: str | None = None, province: str | None = None) -> Scope:
    """The scope named by ``center`` or ``province`` (code or codename), or the user's own;
    404 when it is outside what the user may see."""
    if not user.is_authenticated or user.role == Role.VENDOR:
        raise Http404("Không tìm thấy.")
    if center:
        found = centers_for(user).filter(code=center).first()
        if found is None:
            raise Http404("Không tìm thấy trung tâm này.")
        return Scope(center=found)
    if province:
        lookup = Q(codename=province)
        if province.isascii() and province.isdecimal():
            lookup |= Q(code=int(province))
        found = Province.objects.filter(lookup).first()
        if found is None or not may_see_province(user, found):
            raise Http404("Không tìm thấy tỉnh này.")
        return Scope(province=found)
    if user.center_id:
        return Scope(center=user.center)
    if user.province_id and may_see_province(user, user.province):
        return Scope(province=user.province)
    first = provinces_for(user).first()
    if first is None:
        raise Http404("Không có trung tâm nào để báo cáo.")
    return Scope(province=first)
