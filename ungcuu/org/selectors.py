from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from ungcuu.core.text import person_sort_key
from ungcuu.org.models import RESPONSE_TEAM_ROLES, Center, Contact, DutyShift, Role, User


def unlock_contacts() -> list[User]:
    """The administrators who can unlock a locked account."""
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    return sorted(admins, key=lambda u: person_sort_key(u.display_name))


def on_duty(center: Center, day: date) -> list[User]:
    shifts = DutyShift.objects.filter(center=center, date=day).select_related("person")
    return sorted((s.person for s in shifts), key=lambda u: person_sort_key(u.display_name))


def center_people(center: Center) -> QuerySet[User]:
    return User.objects.filter(center=center, is_active=True).order_by("full_name")


def contacts_for(center: Center, kinds: list[str] | None = None) -> list[Contact]:
    """Outside contacts a center calls: its own, and its province's shared ones.

    With ``kinds``, only those organisation kinds, in that order."""
    qs = (
        Contact.objects.select_related("organisation")
        .filter(Q(center=center) | Q(center__isnull=True))
        .filter(
            Q(organisation__province_id=center.province_id) | Q(organisation__province__isnull=True)
        )
    )
    if kinds is not None:
        qs = qs.filter(organisation__kind__in=kinds)
    contacts = list(qs)
    order = {kind: index for index, kind in enumerate(kinds or [])}
    return sorted(
        contacts,
        key=lambda c: (
            order.get(c.organisation.kind, 99),
            c.center_id is None,
            c.organisation.name,
        ),
    )


def response_team(center: Center) -> QuerySet[User]:
    """The people of a center who can be on the duty roster."""
    return User.objects.filter(
        center=center, is_active=True, role__in=sorted(RESPONSE_TEAM_ROLES)
    ).order_by("full_name")


def duty_roster(center: Center, days: list[date]) -> dict[date, list[User]]:
    roster: dict[date, list[User]] = {day: [] for day in days}
    shifts = DutyShift.objects.filter(center=center, date__in=days).select_related("person")
    for shift in shifts:
        roster[shift.date].append(shift.person)
    return roster
