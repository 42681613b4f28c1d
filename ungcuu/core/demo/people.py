"""The demo accounts: the people of each center, the province, the vendor and the admin."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from ungcuu.core.demo.common import DEMO_PASSWORD, _email, _mobile
from ungcuu.core.demo.places import CENTER_SLUGS, _CenterContext
from ungcuu.org.models import Organisation, Province, Role, User

# (username suffix, role, title); the order of CenterSpec.names.
CENTER_PEOPLE = (
    ("staff", Role.STAFF, "Chuyên viên Bộ phận Một cửa"),
    ("it", Role.IT_OFFICER, "Cán bộ CNTT, thành viên Tổ ứng cứu sự cố"),
    ("leader", Role.TEAM_LEADER, "Tổ trưởng Tổ ứng cứu sự cố"),
    ("director", Role.CENTER_LEADER, ""),
    ("responder", Role.RESPONDER, "Thành viên Tổ ứng cứu sự cố"),
    ("commune", Role.COMMUNE_LEADER, ""),
)
PROVINCE_LOGIN = "nghean.province"
VENDOR_LOGIN = "vnpt.vendor"
ADMIN_LOGIN = "admin"
DEMO_LOGINS = (
    *(f"{slug}.{suffix}" for slug in CENTER_SLUGS for suffix, _, _ in CENTER_PEOPLE),
    PROVINCE_LOGIN,
    VENDOR_LOGIN,
    ADMIN_LOGIN,
)


def _create_people(
    rng: random.Random, contexts: dict[str, _CenterContext], vendor_org: Organisation
) -> dict[str, User]:
    # One argon2 hash for everybody: hashing 33 times would dominate the build.
    password = make_password(DEMO_PASSWORD)
    people: dict[str, User] = {}

    def add(username: str, role: str, full_name: str, title: str, **home) -> User:
        user = User(
            username=username,
            password=password,
            role=role,
            full_name=full_name,
            title=title,
            phone=_mobile(rng),
            email=_email(username),
            **home,
        )
        user.save()
        people[username] = user
        return user

    for ctx in contexts.values():
        spec = ctx.spec
        for (suffix, role, title), full_name in zip(CENTER_PEOPLE, spec.names, strict=True):
            if role == Role.CENTER_LEADER:
                title = spec.director_title
            elif role == Role.COMMUNE_LEADER:
                title = spec.commune_title
            ctx.people[suffix] = add(
                f"{spec.slug}.{suffix}", role, full_name, title, center=ctx.center
            )

    nghean = Province.objects.get(code=40)
    add(
        PROVINCE_LOGIN,
        Role.PROVINCE,
        "Trần Quốc Bảo",
        "Chuyên viên Trung tâm Phục vụ hành chính công tỉnh, thành viên Tổ Công tác tỉnh",
        province=nghean,
    )
    add(
        VENDOR_LOGIN,
        Role.VENDOR,
        "Nguyễn Văn Phúc",
        "Kỹ thuật viên, Tổ Đối ứng VNPT Nghệ An",
        organisation=vendor_org,
    )
    add(
        ADMIN_LOGIN,
        Role.ADMIN,
        "Quản trị hệ thống",
        "Quản trị hệ thống UngCuu (bản trình diễn)",
        is_staff=True,
        is_superuser=True,
    )
    return people
