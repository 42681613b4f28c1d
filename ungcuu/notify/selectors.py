from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from ungcuu.incidents.selectors import incidents_for
from ungcuu.notify.models import Delivery, DeliveryState
from ungcuu.org.models import User


def failed_deliveries(user: User, *, days: int = 7) -> QuerySet[Delivery]:
    """Messages that could not be sent, in the user's scope, for the leader's home page."""
    since = timezone.now() - timedelta(days=days)
    return (
        Delivery.objects.filter(
            state=DeliveryState.FAILED,
            created_at__gte=since,
            incident__in=incidents_for(user).values("pk"),
        )
        .select_related("incident__incident_type", "incident__center")
        .order_by("-created_at")
    )
