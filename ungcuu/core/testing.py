"""Helpers for the test suite (also used by conftest.py)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client

from ungcuu.org.models import User
from ungcuu.org.services import token_issue


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
    client = Client()
    client.force_login(user)
    return client
