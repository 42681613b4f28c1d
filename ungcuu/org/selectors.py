from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from ungcuu.core.text import person_sort_key
from ungcuu.org.models import Center, DutyShift, Role, User


def unlock_contacts() -> list[User]:
    """The administrators who can unlock a locked account."""
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    return sorted(admins, key=lambda u: person_sort_key(u.display_name))


def on_duty(center: Center, day: date) -> list[User]:
    shifts = DutyShift.objects.filter(center=center, date=day).select_related("person")
    return sorted((s.person for s in shifts), key=lambda u: person_sort_key(u.display_name))


def center_people(center: Center) -> QuerySet[User]:
    return User.objects.filter(center=center, is_active=True).order_by("full_name")
