"""Shared test set-up: two centers in one province, a third elsewhere, named people."""

from __future__ import annotations

import pytest

from ungcuu.catalog import cache as catalog_cache
from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import make_user
from ungcuu.org.models import Organisation, OrganisationKind, Role
from ungcuu.org.services import center_create
from ungcuu.sync import outbox as sync_outbox


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # The public address: none stored, none from the environment (tests set their own).
    settings.SITE_FILE = tmp_path / "site.json"
    settings.BASE_URL = ""
    settings.PASSWORD_HASHERS = ["ungcuu.core.testing.FastArgon2PasswordHasher"]
    catalog_cache.clear()  # each test's database has its own catalog rows
    sync_outbox.forget_noded()  # nor does a center keep the node of an earlier test
    # A cache of its own (counters such as the wrong-token throttle start at zero), never
    # the Redis a REDIS_URL in the environment points at.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


@pytest.fixture
def center_a(db):
    return center_create(ward_code=17623, code="bachngoc", prefix="BN")


@pytest.fixture
def center_b(db):
    """Another center of the same province (Nghệ An)."""
    return center_create(ward_code=17266, code="tanky", prefix="TK")


@pytest.fixture
def center_c(db):
    """A center of another province (Thái Nguyên)."""
    return center_create(ward_code=1933, code="dongphuc", prefix="DP")


@pytest.fixture
def staff_a(center_a):
    return make_user("a.staff", Role.STAFF, center=center_a)


@pytest.fixture
def leader_a(center_a):
    return make_user("a.leader", Role.TEAM_LEADER, center=center_a)


@pytest.fixture
def director_a(center_a):
    return make_user("a.director", Role.CENTER_LEADER, center=center_a)


@pytest.fixture
def staff_b(center_b):
    return make_user("b.staff", Role.STAFF, center=center_b)


@pytest.fixture
def staff_c(center_c):
    return make_user("c.staff", Role.STAFF, center=center_c)


@pytest.fixture
def province_user(center_a):
    return make_user("nghean.province", Role.PROVINCE, province=center_a.province)


@pytest.fixture
def vnpt(db):
    return Organisation.objects.create(name="VNPT Nghệ An", kind=OrganisationKind.ISP)


@pytest.fixture
def vendor_user(vnpt):
    return make_user("vnpt.vendor", Role.VENDOR, organisation=vnpt)


@pytest.fixture
def admin_user(db):
    return make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def printer_paper(db):
    return IncidentType.objects.get(code="printer-paper")


@pytest.fixture
def internet(db):
    return IncidentType.objects.get(code="internet")
