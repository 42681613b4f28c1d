from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from ungcuu.core.text import person_sort_key
from ungcuu.org.models import (
    RESPONSE_TEAM_ROLES,
    ApiToken,
    Center,
    Contact,
    DutyShift,
    Role,
    User,
)


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


# --- the API token of every call ---------------------------------------------------------
# Every API call by token reads its token, user and center. The statement is the one the
# ORM writes for ``ApiToken.objects.select_related("user__center")``, built once per
# database connection's kind rather than on every call, with the ORM's own converters.
_TOKEN_JOIN: dict[str, tuple[str, list]] = {}


def _token_join(connection) -> tuple[str, list]:
    cached = _TOKEN_JOIN.get(connection.vendor)
    if cached is not None:
        return cached
    parts = [(ApiToken, "t"), (User, "u"), (Center, "c")]
    columns, models = [], []
    for model, alias in parts:
        fields = list(model._meta.concrete_fields)
        columns += [f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields]
        converters = []
        for f in fields:
            col = f.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            converters.append((col, found))
        models.append((model, [f.attname for f in fields], converters))
    q = connection.ops.quote_name
    to_user = q(ApiToken._meta.get_field("user").column)
    to_center = q(User._meta.get_field("center").column)
    sql = (
        f"SELECT {', '.join(columns)} FROM {q(ApiToken._meta.db_table)} t"
        f" INNER JOIN {q(User._meta.db_table)} u ON u.{q(User._meta.pk.column)} = t.{to_user}"
        f" LEFT OUTER JOIN {q(Center._meta.db_table)} c"
        f" ON c.{q(Center._meta.pk.column)} = u.{to_center}"
        f" WHERE t.{q(ApiToken._meta.get_field('digest').column)} = %s"
    )
    _TOKEN_JOIN[connection.vendor] = (sql, models)
    return sql, models


def token_holder(digest: str) -> ApiToken | None:
    """The token with this digest, its user and the user's center loaded (one statement)."""
    from django.db import connections, router

    alias = router.db_for_read(ApiToken)
    connection = connections[alias]
    sql, models = _token_join(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    made, start = [], 0
    for model, attnames, converters in models:
        values = list(row[start : start + len(attnames)])
        start += len(attnames)
        for index, (col, found) in enumerate(converters):
            for convert in found:
                values[index] = convert(values[index], col, connection)
        made.append(None if values[0] is None else model.from_db(alias, attnames, values))
    token, user, center = made
    user.center = center
    token.user = user
    return token
