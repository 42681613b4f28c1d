"""The one place that decides what a user may see.

Every page, API route and export reads through these functions; an object
outside the user's scope is answered with 404, never shown.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ungcuu.core.errors import ServiceError
from ungcuu.org.models import CENTER_ROLES, Center, Organisation, Role, User


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


# --- the same rules, for the services that write -----------------------------------------
# A service checks every object it is handed, whoever called it (page, API, offline
# replay, command). An object outside the actor's scope is answered like a missing one
# (404), so a refusal never tells whether another center's row exists.


def acts_on(user: User, center: Center | int | None) -> bool:
    """Whether the user may write to a center's rows. Unlike ``centers_for``, a vendor
    acts on no center: it only updates the incidents escalated to it."""
    if center is None:
        return False
    pk = center if isinstance(center, int) else center.pk
    if (
        user.is_authenticated
        and user.is_active
        and pk == user.center_id
        and (user.role in CENTER_ROLES or sees_everything(user))
    ):
        return True  # one's own center, which the foreign key says exists: no query
    return Center.objects.filter(center_q(user, prefix=""), pk=pk).exists()


def require_center(user: User, center, *, what: str = "trung tâm", field: str = "") -> None:
    """Refuse (404) a center the user may not write to."""
    if not acts_on(user, center):
        raise ServiceError(f"Không tìm thấy {what}.", status=404, field=field or None)


def require_own(user: User, obj, *, what: str, field: str = "") -> None:
    """Refuse (404) a row of a center the user may not write to (any model with a center)."""
    if obj is None or not acts_on(user, obj.center_id):
        raise ServiceError(f"Không tìm thấy {what}.", status=404, field=field or None)


def require_incident(user: User, incident, *, field: str = "") -> None:
    """Refuse (404) an incident the user cannot read (a vendor reads what was escalated
    to it; what it may then do is ``incidents.permissions``' business)."""
    from ungcuu.incidents.selectors import incidents_for

    if incident is None or not incidents_for(user).filter(pk=incident.pk).exists():
        raise ServiceError("Không tìm thấy sự cố.", status=404, field=field or None)


def require_same_center(obj, center, *, message: str, field: str) -> None:
    """Refuse (400) a row of the actor's scope that belongs to another center than the
    one being written (another center's item, person or incident)."""
    center_id = center if isinstance(center, int) else getattr(center, "pk", None)
    if obj is not None and obj.center_id != center_id:
        raise ServiceError(message, field=field)


def transfer_targets(user: User, center: Center) -> QuerySet[Center]:
    """The centers a user may move a center's stock to: the others of its province that
    the user also acts on (a center's own keeper: none; the province: all of them)."""
    return (
        Center.objects.filter(center_q(user, prefix=""), province_id=center.province_id)
        .exclude(pk=center.pk)
        .select_related("province")
    )


def escalation_targets(incident) -> QuerySet[Organisation]:
    """The organisations an incident may be escalated to: those of its center's province
    and the national ones (no province). Their vendor accounts then read the incident,
    so another province's carrier never does."""
    province_id = incident.center.province_id
    return Organisation.objects.filter(Q(province_id=province_id) | Q(province__isnull=True))


def require_escalation_targets(incident, organisations, *, field: str = "organisations") -> None:
    """Refuse (400) an organisation outside ``escalation_targets``."""
    wanted = {org.pk for org in organisations}
    allowed = set(escalation_targets(incident).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise ServiceError(
            "Chỉ chuyển được cho đơn vị của tỉnh nơi xảy ra sự cố hoặc đơn vị cấp quốc gia.",
            field=field,
        )


def assignable_people(incident) -> QuerySet[User]:
    """Whom an incident may be given to: the active people of its center."""
    return User.objects.filter(center_id=incident.center_id, is_active=True).order_by("full_name")
