"""Helpers for the test suite (also used by conftest.py)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ungcuu.org.models import User
from ungcuu.org.services import token_issue
from ungcuu.org.two_step import two_step_required


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny costs: the same algorithm as production, fast enough for tests."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


def make_user(username: str, role: str, **home) -> User:
    return User.objects.create_user(
        username=username,
        password="mat-khau-thu-nghiem",
        role=role,
        full_name=username.replace(".", " ").title(),
        **home,
    )


def api_client(user: User) -> Client:
    """A client that calls the API as ``user`` with a bearer token."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")


def logged_in(user: User) -> Client:
    """A signed-in client; for those who need a second step, that step is passed too."""
    client = Client()
    client.force_login(user)
    if two_step_required(user):
        two_step_pass(client, user)
    return client


def two_step_pass(client: Client, user: User) -> None:
    """Mark the client's session as having passed the second step with a test app."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
