from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ungcuu.catalog.models import IncidentType
from ungcuu.org.models import Center, User
from ungcuu.org.scope import center_q


def catalog_types() -> QuerySet[IncidentType]:
    """Active types with their playbook steps, in catalog order."""
    return IncidentType.objects.active().prefetch_related("steps")


def plan_centers(user: User) -> QuerySet[Center]:
    """The centers whose plan the user may read: their own; a province's or an admin's
    every center they oversee (a vendor: none)."""
    return Center.objects.filter(center_q(user, prefix="")).select_related("province")


def plan_center(user: User, code: str | None) -> Center:
    """The center a plan is about: the user's own, or one they oversee chosen by ``code``;
    a code outside the user's scope is a 404, as if it did not exist."""
    centers = plan_centers(user)
    if code:
        found = centers.filter(code=code).first()
    elif user.center_id:
        found = centers.filter(pk=user.center_id).first()
    else:
        found = centers.first()
    if found is None:
        raise Http404("Không tìm thấy trung tâm.")
    return found
