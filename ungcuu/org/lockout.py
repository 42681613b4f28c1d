"""Two lockout thresholds: one person at one address, and one account from anywhere."""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AccountLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher limit per account.

    Axes compares one count with one limit (AXES_FAILURE_LIMIT), counted here per
    address and username as before. When the account's failures from all addresses
    together, within the cool-off, reach LOCKOUT_ACCOUNT_FAILURES, the count reported
    is raised to that limit, so the account is locked everywhere until the cool-off ends.
    A higher limit than per address, because whoever reaches it also locks the real
    person out.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if not username:
            return failures
        attempts = AccessAttempt.objects.filter(username=username)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        everywhere = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        if everywhere >= settings.LOCKOUT_ACCOUNT_FAILURES:
            return max(failures, get_failure_limit(request, credentials))
        return failures
