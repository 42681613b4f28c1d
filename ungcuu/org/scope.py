"""The one place that decides what a user may see.

Every page, API route and export reads through these functions; an object
outside the user's scope is answered with 404, never shown.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ungcuu.org.models import CENTER_ROLES, Center, Role, User


def sees_everything(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def center_q(user: User, prefix: str = "center__") -> Q:
    """A filter limiting rows to the user's centers; ``prefix`` is the path from
    the filtered model to a Center ("" when filtering Center itself).

    Vendors see no center as such: only incidents escalated to their
    organisation (see ``incidents.selectors.incidents_for``)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if sees_everything(user):
        return Q()
    if user.role == Role.PROVINCE and user.province_id:
        return Q(**{f"{prefix}province_id": user.province_id})
    if user.role in CENTER_ROLES and user.center_id:
        return Q(**{f"{prefix}id": user.center_id})
    return Q(pk__in=[])


def centers_for(user: User) -> QuerySet[Center]:
    """The centers whose data the user may read."""
    qs = Center.objects.select_related("province")
    if user.is_authenticated and user.role == Role.VENDOR and user.organisation_id:
        return qs.filter(
            incidents__incidentescalation__organisation_id=user.organisation_id
        ).distinct()
    return qs.filter(center_q(user, prefix=""))


def center_for_report(user: User, code: str | None) -> Center | None:
    """The center a user may report for: their own, or (province, admin) one they see."""
    if user.role == Role.VENDOR:
        return None
    if user.center_id and (not code or code == user.center.code):
        return user.center
    if code:
        return centers_for(user).filter(code=code).first()
    return None
