from __future__ import annotations

from django.db.models import QuerySet

from ungcuu.catalog.models import IncidentType


def catalog_types() -> QuerySet[IncidentType]:
    """Active types with their playbook steps, in catalog order."""
    return IncidentType.objects.active().prefetch_related("steps")
