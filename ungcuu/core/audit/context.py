"""Where a change comes from when no person is signed in (imported before Django is set up)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_via: ContextVar[str | None] = ContextVar("ungcuu_audit_via", default=None)


@contextlib.contextmanager
def from_console() -> Iterator[None]:
    """Changes made inside are recorded as made from the console (no actor)."""
    token = _via.set("cli")
    try:
        yield
    finally:
        _via.reset(token)


def via() -> str | None:
    return _via.get()
