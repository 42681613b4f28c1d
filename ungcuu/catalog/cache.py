"""A short-lived per-process copy of the catalog, for the report hot path."""

from __future__ import annotations

import time

from ungcuu.catalog.models import IncidentType

TTL_SECONDS = 60
_by_code: dict[str, tuple[float, IncidentType]] = {}


def incident_type_by_code(code: str) -> IncidentType | None:
    """The type with ``code``; an admin's edit shows here within a minute."""
    now = time.monotonic()
    hit = _by_code.get(code)
    if hit and now - hit[0] < TTL_SECONDS:
        return hit[1]
    found = IncidentType.objects.filter(code=code).first()
    if found is None:
        _by_code.pop(code, None)
        return None
    _by_code[code] = (now, found)
    return found


def clear() -> None:
    _by_code.clear()
