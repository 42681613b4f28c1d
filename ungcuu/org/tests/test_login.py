"""Logging in: lockout after repeated failures (django-axes) and argon2 hashes."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from ungcuu.core.testing import make_user
from ungcuu.org.models import Role

PASSWORD = "mat-khau-thu-nghiem"  # what make_user gives everyone


@pytest.fixture
def unlocker(admin_user):
    admin_user.full_name = "Hoàng Thị Quản Trị"
    admin_user.phone = "0912 345 678"
    admin_user.save()
    return admin_user


def attempt(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        response = attempt(client, username, "sai-mat-khau")
        assert response.status_code in (200, 429)


def test_a_right_password_logs_in(staff_a):
    client = Client()

    response = attempt(client, "a.staff", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_in_vietnamese(staff_a):
    client = Client()

    response = attempt(client, "a.staff", "sai-mat-khau")

    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()
    assert client.get("/")["Location"].startswith("/login/")


def test_after_too_many_failures_even_the_right_password_is_refused(staff_a, unlocker):
    client = Client()
    fail(client, "a.staff", settings.AXES_FAILURE_LIMIT)

    response = attempt(client, "a.staff", PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Tài khoản tạm khóa" in html
    assert "Hoàng Thị Quản Trị" in html
    assert "0912 345 678" in html
    # Not logged in: the home page still sends to the login page.
    assert client.get("/")["Location"].startswith("/login/")


def test_the_lockout_page_names_the_locked_account(staff_a, unlocker):
    client = Client()
    fail(client, "a.staff", settings.AXES_FAILURE_LIMIT)

    response = attempt(client, "a.staff", PASSWORD)

    assert response.status_code == 429
    assert "Tài khoản a.staff đã bị tạm khóa" in response.content.decode()


def test_the_lockout_page_lists_every_admin_by_given_name(staff_a, unlocker):
    second = make_user("admin2", Role.ADMIN, is_staff=True)
    second.full_name = "Nguyễn Văn An"
    second.save()
    client = Client()
    fail(client, "a.staff", settings.AXES_FAILURE_LIMIT)

    html = attempt(client, "a.staff", PASSWORD).content.decode()

    assert html.index("Nguyễn Văn An") < html.index("Hoàng Thị Quản Trị")


def test_one_persons_lockout_does_not_lock_a_colleague(staff_a, leader_a, unlocker):
    client = Client()
    fail(client, "a.staff", settings.AXES_FAILURE_LIMIT)

    response = attempt(client, "a.leader", PASSWORD)

    assert response.status_code == 302


def test_a_successful_login_before_the_limit_resets_the_count(staff_a, unlocker):
    client = Client()
    fail(client, "a.staff", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, "a.staff", PASSWORD).status_code == 302
    client.logout()

    fail(Client(), "a.staff", settings.AXES_FAILURE_LIMIT - 1)
    response = attempt(Client(), "a.staff", PASSWORD)

    assert response.status_code == 302


def test_passwords_are_hashed_with_argon2(staff_a):
    staff_a.refresh_from_db()

    assert staff_a.password.startswith("argon2")
    assert PASSWORD not in staff_a.password
    assert staff_a.check_password(PASSWORD)
