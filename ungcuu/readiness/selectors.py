"""Reading the readiness registers, always through the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ungcuu.org.models import Center, User
from ungcuu.org.scope import center_q
from ungcuu.readiness.models import (
    Certificate,
    DailyCheck,
    Drill,
    Equipment,
    SupplyItem,
    TrainingRecord,
)


def readiness_centers(user: User) -> list[Center]:
    """Centers whose registers the user may read (vendors: none)."""
    return list(Center.objects.select_related("province").filter(center_q(user, prefix="")))


def center_pick(user: User, code: str | None) -> Center:
    """The center a page is about: the user's own, or one they oversee chosen by code."""
    if user.center_id and (not code or code == user.center.code):
        return user.center
    centers = readiness_centers(user)
    if code:
        found = next((c for c in centers if c.code == code), None)
        if found is None:
            raise Http404("Không tìm thấy trung tâm.")
        return found
    if not centers:
        raise Http404("Không tìm thấy trung tâm.")
    return centers[0]


def supplies_for(user: User) -> QuerySet[SupplyItem]:
    return SupplyItem.objects.filter(center_q(user)).select_related("center", "assignee")


def equipment_for(user: User) -> QuerySet[Equipment]:
    return Equipment.objects.filter(center_q(user)).select_related("center")


def certificates_for(user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(center_q(user)).select_related("center", "holder")


def drills_for(user: User) -> QuerySet[Drill]:
    return Drill.objects.filter(center_q(user)).select_related("center", "scenario", "planned_by")


def checks_for(user: User) -> QuerySet[DailyCheck]:
    return DailyCheck.objects.filter(center_q(user)).select_related("center", "done_by")


def training_for(user: User) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(center_q(user)).select_related(
        "center", "person", "recorded_by"
    )


def _one(qs: QuerySet, pk: int, message: str):
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404(message)
    return found


def supply_get(user: User, pk: int) -> SupplyItem:
    return _one(supplies_for(user), pk, "Không tìm thấy vật tư.")


def equipment_get(user: User, pk: int) -> Equipment:
    return _one(equipment_for(user), pk, "Không tìm thấy thiết bị.")


def certificate_get(user: User, pk: int) -> Certificate:
    return _one(certificates_for(user), pk, "Không tìm thấy chứng thư số.")


def drill_get(user: User, pk: int) -> Drill:
    return _one(drills_for(user), pk, "Không tìm thấy buổi diễn tập.")


def check_get(user: User, pk: int) -> DailyCheck:
    return _one(checks_for(user), pk, "Không tìm thấy lần kiểm tra.")
