"""The account machines act under: a probe that opens an incident, the hub that sees a
center's node fall silent. It cannot sign in (inactive, no usable password), and pages and
documents show it by its name."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ungcuu.org.models import Role, User

SYSTEM_USERNAME = "ungcuu-he-thong"
SYSTEM_NAME = "Hệ thống giám sát UngCuu"

_cached: dict[str, int] = {}


def system_user() -> User:
    """The system account, made on first use."""
    pk = _cached.get("pk")
    if pk is not None:
        found = User.objects.filter(pk=pk, username=SYSTEM_USERNAME).first()
        if found is not None:
            return found
    found = User.objects.filter(username=SYSTEM_USERNAME).first()
    if found is None:
        try:
            with transaction.atomic():
                found = User(
                    username=SYSTEM_USERNAME,
                    full_name=SYSTEM_NAME,
                    role=Role.ADMIN,
                    is_active=False,
                )
                found.set_unusable_password()
                found.save()
        except IntegrityError:  # made at the same moment by another worker
            found = User.objects.get(username=SYSTEM_USERNAME)
    _cached["pk"] = found.pk
    return found


def is_system(user) -> bool:
    return getattr(user, "username", None) == SYSTEM_USERNAME
